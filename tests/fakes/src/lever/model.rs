//! What a test puts into the fake Lever: plain structs with public fields and `Default`, so
//! a test names only what it cares about. The JSON shapes live in `render`.

use serde_json::Value;

/// A permission checkbox of a Lever API key (one per endpoint the app calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// "read opportunity": `GET /opportunities`, `GET /opportunities/{id}`.
    ReadOpportunity,
    /// "list candidate offers".
    ReadOffers,
    /// "list candidate resumes".
    ReadResumes,
    /// "list candidate files".
    ReadFiles,
    /// "download candidate resume".
    DownloadResume,
    /// "download opportunity offer file".
    DownloadOffer,
    /// "download candidate file".
    DownloadFile,
    /// "list stages".
    ReadStages,
    /// "list archive reasons".
    ReadArchiveReasons,
    /// "list tags".
    ReadTags,
    /// "read user" (the user list).
    ReadUsers,
    /// "read posting".
    ReadPostings,
    /// "list candidate notes".
    ReadNotes,
    /// "create opportunity note".
    CreateNote,
}

impl Perm {
    /// Every permission, for a key that may do everything.
    pub fn all() -> Vec<Perm> {
        use Perm::*;
        vec![
            ReadOpportunity,
            ReadOffers,
            ReadResumes,
            ReadFiles,
            DownloadResume,
            DownloadOffer,
            DownloadFile,
            ReadStages,
            ReadArchiveReasons,
            ReadTags,
            ReadUsers,
            ReadPostings,
            ReadNotes,
            CreateNote,
        ]
    }

    /// The checkbox's human name, as the 403 message gives it.
    pub fn label(&self) -> &'static str {
        match self {
            Perm::ReadOpportunity => "read opportunity",
            Perm::ReadOffers => "list candidate offers",
            Perm::ReadResumes => "list candidate resumes",
            Perm::ReadFiles => "list candidate files",
            Perm::DownloadResume => "download candidate resume",
            Perm::DownloadOffer => "download opportunity offer file",
            Perm::DownloadFile => "download candidate file",
            Perm::ReadStages => "list stages",
            Perm::ReadArchiveReasons => "list archive reasons",
            Perm::ReadTags => "list tags",
            Perm::ReadUsers => "read user",
            Perm::ReadPostings => "read posting",
            Perm::ReadNotes => "list candidate notes",
            Perm::CreateNote => "create opportunity note",
        }
    }
}

/// A candidate's opportunity.
#[derive(Debug, Clone, Default)]
pub struct Opportunity {
    /// Opportunity id (also used as the webhook's `candidateId`).
    pub id: String,
    /// Full name ("Ada Lovelace").
    pub name: String,
    /// Email addresses, first is primary.
    pub emails: Vec<String>,
    /// Phones as (type, value), e.g. ("mobile", "+44 …").
    pub phones: Vec<(String, String)>,
    /// Free-text location.
    pub location: String,
    /// Tags (exact, case-sensitive).
    pub tags: Vec<String>,
    /// Current stage id.
    pub stage: String,
    /// Archived: (archivedAt ms, archive reason id); `None` while active.
    pub archived: Option<(u64, String)>,
    /// Owner's user id; `None` renders `null`.
    pub owner: Option<String>,
    /// Posting applied to (the one application's `posting`); `None`: no application.
    pub posting: Option<String>,
    /// Created (ms since the epoch).
    pub created_at: u64,
    /// Last changed (ms since the epoch); 0 when added means "now". Moves, archiving and
    /// tag changes made through the fake set it, as Lever's `updatedAt` would change.
    pub updated_at: u64,
}

/// A job posting.
#[derive(Debug, Clone, Default)]
pub struct Posting {
    /// Posting id.
    pub id: String,
    /// Title ("Software Engineer").
    pub text: String,
    /// `categories.team`.
    pub team: String,
    /// `categories.department`.
    pub department: String,
    /// `categories.location`.
    pub location: String,
    /// `categories.commitment` ("Full-time").
    pub commitment: String,
}

/// A file Lever stores: a resume's file, an offer document, or an "other file".
#[derive(Debug, Clone, Default)]
pub struct LeverFile {
    /// File id (for resumes the resume id is used in URLs instead).
    pub id: String,
    /// File name, given in `Content-Disposition` on download.
    pub name: String,
    /// Extension without the dot ("pdf").
    pub ext: String,
    /// The bytes a download returns.
    pub content: Vec<u8>,
    /// Lever could not process it: its download answers `422`.
    pub unprocessable: bool,
    /// Uploaded (ms); 0 renders a fixed time in 2023.
    pub uploaded_at: u64,
}

/// A resume entry; `file: None` reproduces Lever's entries without a file.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    /// Resume id.
    pub id: String,
    /// The file, when there is one.
    pub file: Option<LeverFile>,
}

/// One offer field (`{text, identifier, value}`).
#[derive(Debug, Clone, Default)]
pub struct OfferField {
    /// Display name ("Equity").
    pub text: String,
    /// Identifier (`salary_amount`, `custom_equity`, …).
    pub identifier: String,
    /// Value as Lever gives it (ms number for dates, user id for managers).
    pub value: Value,
}

/// An offer.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    /// Offer id.
    pub id: String,
    /// `draft, approval-sent, approved, sent, sent-manually, opened, denied, signed`.
    pub status: String,
    /// Created (ms).
    pub created_at: u64,
    /// Its fields.
    pub fields: Vec<OfferField>,
    /// The sent document (`?status=sent`).
    pub sent_document: Option<LeverFile>,
    /// The signed document (`?status=signed`).
    pub signed_document: Option<LeverFile>,
}

/// An archive reason.
#[derive(Debug, Clone, Default)]
pub struct ArchiveReason {
    /// Reason id.
    pub id: String,
    /// Text ("Not a fit").
    pub text: String,
    /// `type`: `hired` or `non-hired`.
    pub kind: String,
    /// `status`; empty renders `active`.
    pub status: String,
}

/// A Lever user.
#[derive(Debug, Clone, Default)]
pub struct User {
    /// User id (what `perform_as` and offer manager fields carry).
    pub id: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// A note on an opportunity (one a client posted, or one a test seeded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    /// Note id.
    pub id: String,
    /// Its text (`value` in the request).
    pub value: String,
    /// `perform_as` of the request, if given and not empty.
    pub perform_as: Option<String>,
    /// Created (ms).
    pub created_at: u64,
    /// `secret` of the request.
    pub secret: bool,
    /// `notifyFollowers` of the request.
    pub notify_followers: bool,
}
