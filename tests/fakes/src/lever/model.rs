//! What a test puts into the fake Lever: plain structs with public fields and `Default`, so
//! a test names only what it cares about. The JSON shapes live in `render`.

use serde_json::Value;

/// A candidate's opportunity.
#[derive(Debug, Clone, Default)]
pub struct Opportunity {
    /// Opportunity id (also used as the webhook's `candidateId`).
    pub id: String,
    /// Contact id (the person across opportunities); empty renders `contact-{id}`.
    pub contact: String,
    /// Full name ("Ada Lovelace").
    pub name: String,
    /// Email addresses, first is primary.
    pub emails: Vec<String>,
    /// Phones as (type, value), e.g. ("mobile", "+44 …"); an empty type renders `{value}`
    /// alone, as in Lever's opportunity examples.
    pub phones: Vec<(String, String)>,
    /// The *candidate's* current location (where the person lives), Lever's `location`.
    pub location: String,
    /// `opportunityLocation`, the posting location of this candidacy: `None` takes the
    /// posting's `categories.location` (absent without a posting or when it is empty);
    /// `Some("unspecified")` as for a multi-location posting; `Some("")` renders it absent.
    pub opportunity_location: Option<String>,
    /// Contact links (web sites, profiles).
    pub links: Vec<String>,
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
    /// `origin` (`agency|applied|internal|referred|sourced|university`); empty renders
    /// `applied`.
    pub origin: String,
    /// Confidential (only meaningful with a confidential posting, as in Lever; an
    /// opportunity on a confidential posting is confidential whatever this says).
    pub confidential: bool,
    /// Anonymized (see [`super::FakeLever::anonymize`]).
    pub anonymized: bool,
    /// `dataProtection`; `None` renders `null` (no policy applies).
    pub data_protection: Option<Value>,
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
    /// `categories.location` (where the job is).
    pub location: String,
    /// `categories.commitment` ("Full-time").
    pub commitment: String,
    /// `confidentiality: "confidential"`; its opportunities are confidential too.
    pub confidential: bool,
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
    /// Value as Lever gives it (ms number for dates, user id for managers). For a date
    /// at midnight in the account's zone see [`super::FakeLever::offer_date_field`].
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
    /// `status` (`active` or `inactive`); empty renders `active`.
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
    /// `accessRole`; empty renders `team member`.
    pub access_role: String,
    /// Deactivated (ms); `GET /users` leaves the user out unless `includeDeactivated=true`.
    pub deactivated_at: Option<u64>,
}

/// A note on an opportunity (one a client posted, or one a test seeded). Lever renders it
/// as the form "Note" with one `note` field whose `value` is this text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    /// Note id.
    pub id: String,
    /// Its text (`value` in the request; `fields[0].value` in answers).
    pub value: String,
    /// `perform_as` of the request, if given and not empty (the note's `user`).
    pub perform_as: Option<String>,
    /// Created (ms): the request's `createdAt`, else when it was posted.
    pub created_at: u64,
    /// `secret` of the request.
    pub secret: bool,
    /// `notifyFollowers` of the request.
    pub notify_followers: bool,
    /// `score` of the request (1–4), if given.
    pub score: Option<u8>,
    /// The opportunity's stage when the note was written (the field's `stage`).
    pub stage: Option<String>,
    /// `deletedAt` (ms): a recruiter deleted it; Lever's note attributes carry it, so the
    /// list still shows the note, marked.
    pub deleted_at: Option<u64>,
}

/// How an opportunity's archive state is rendered: Lever's attribute table and its JSON
/// examples disagree, so clients must read both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArchiveShape {
    /// `"archived": null | {"archivedAt", "reason"}` (the attribute table; the default).
    #[default]
    Nested,
    /// `"archivedAt": null | ms, "archiveReason": null | id` and no `archived` key (the
    /// docs' JSON examples).
    TopLevel,
}

/// An opportunity deleted with [`super::FakeLever::delete_opportunity`].
#[derive(Debug, Clone, Default)]
pub struct DeletedOpportunity {
    /// The opportunity as it was.
    pub opportunity: Opportunity,
    /// `deletedAt` (ms).
    pub deleted_at: u64,
    /// `deletedBy` (user id), if known.
    pub deleted_by: Option<String>,
}
