//! The permission checkboxes of a Lever API key, as Lever's "Generate new key" screen shows
//! them. Lever separates reading one item ("Find a posting") from listing items ("Find all
//! postings"), so each endpoint of the fake names the one checkbox it needs.
//!
//! Labels come from the key screen as listed by a Lever customer's setup guide
//! (docs.adway.ai, secondary): "Find all opportunities", "Find all candidate offers",
//! "Find a posting", "Find all postings", "Find a stage", "Find all stages" and "Create an
//! opportunity note" were seen there. Every other label follows the screen's pattern and is
//! *unverified*; each says so below.

/// A permission checkbox of a Lever API key (one per endpoint the fake serves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// `GET /opportunities/{id}`: "Find an opportunity" (unverified label: the pattern of
    /// the key screen, never seen written).
    FindOpportunity,
    /// `GET /opportunities`: "Find all opportunities".
    FindAllOpportunities,
    /// `GET /opportunities/deleted`: "Find all deleted opportunities" (unverified label).
    FindAllDeletedOpportunities,
    /// `GET /opportunities/{id}/offers`: "Find all candidate offers".
    FindAllOffers,
    /// `GET /opportunities/{id}/offers/{offer}/download`: "Download an opportunity offer
    /// file" (unverified label).
    DownloadOffer,
    /// `GET /opportunities/{id}/resumes`: "Find all opportunity resumes" (unverified label).
    FindAllResumes,
    /// `GET /opportunities/{id}/resumes/{resume}/download`: "Download an opportunity resume
    /// file" (unverified label).
    DownloadResume,
    /// `GET /opportunities/{id}/files`: "Find all opportunity files" (unverified label).
    FindAllFiles,
    /// `GET /opportunities/{id}/files/{file}/download`: "Download an opportunity file"
    /// (unverified label).
    DownloadFile,
    /// `GET /opportunities/{id}/notes`: "Find all opportunity notes" (unverified label).
    FindAllNotes,
    /// `POST /opportunities/{id}/notes`: "Create an opportunity note".
    CreateNote,
    /// `PUT /opportunities/{id}/stage`: "Update an opportunity's stage" (seen on the
    /// key screen as listed by docs.adway.ai, with a typographic apostrophe).
    UpdateStage,
    /// `POST /opportunities/{id}/addTags`: "Add opportunity tags" (seen there too).
    AddTags,
    /// `PUT /opportunities/{id}/archived`: "Update an opportunity's archived state"
    /// (unverified label).
    UpdateArchived,
    /// `GET /postings/{id}`: "Find a posting".
    FindPosting,
    /// `GET /postings`: "Find all postings".
    FindAllPostings,
    /// `GET /stages/{id}`: "Find a stage".
    FindStage,
    /// `GET /stages`: "Find all stages".
    FindAllStages,
    /// `GET /archive_reasons/{id}`: "Find an archive reason" (unverified label).
    FindArchiveReason,
    /// `GET /archive_reasons`: "Find all archive reasons" (unverified label).
    FindAllArchiveReasons,
    /// `GET /tags`: "Find all tags" (unverified label).
    FindAllTags,
    /// `GET /users/{id}`: "Find a user" (unverified label).
    FindUser,
    /// `GET /users`: "Find all users" (unverified label).
    FindAllUsers,
    /// `GET /webhooks`: "Find all webhooks" (unverified label; whether a key, not only an
    /// OAuth app, may manage webhooks is unverified too).
    FindAllWebhooks,
    /// `POST /webhooks`: "Create a webhook" (unverified label).
    CreateWebhook,
    /// `DELETE /webhooks/{id}`: "Delete a webhook" (unverified label).
    DeleteWebhook,
}

// Old names, kept so that callers outside this crate compile until they are updated; each
// maps to the one new checkbox with the same meaning. The old `ReadOpportunity`,
// `ReadPostings` and `ReadUsers` covered a list and a single read at once: they have no
// alias (use `FindAllX` and `FindX`).
#[allow(non_upper_case_globals, missing_docs)]
impl Perm {
    #[deprecated(note = "use Perm::FindAllOffers")]
    pub const ReadOffers: Perm = Perm::FindAllOffers;
    #[deprecated(note = "use Perm::FindAllResumes")]
    pub const ReadResumes: Perm = Perm::FindAllResumes;
    #[deprecated(note = "use Perm::FindAllFiles")]
    pub const ReadFiles: Perm = Perm::FindAllFiles;
    #[deprecated(note = "use Perm::FindAllNotes")]
    pub const ReadNotes: Perm = Perm::FindAllNotes;
    #[deprecated(note = "use Perm::FindAllStages")]
    pub const ReadStages: Perm = Perm::FindAllStages;
    #[deprecated(note = "use Perm::FindAllArchiveReasons")]
    pub const ReadArchiveReasons: Perm = Perm::FindAllArchiveReasons;
    #[deprecated(note = "use Perm::FindAllTags")]
    pub const ReadTags: Perm = Perm::FindAllTags;
}

impl Perm {
    /// Every permission, for a key that may do everything.
    pub fn all() -> Vec<Perm> {
        use Perm::*;
        vec![
            FindOpportunity,
            FindAllOpportunities,
            FindAllDeletedOpportunities,
            FindAllOffers,
            DownloadOffer,
            FindAllResumes,
            DownloadResume,
            FindAllFiles,
            DownloadFile,
            FindAllNotes,
            CreateNote,
            UpdateStage,
            AddTags,
            UpdateArchived,
            FindPosting,
            FindAllPostings,
            FindStage,
            FindAllStages,
            FindArchiveReason,
            FindAllArchiveReasons,
            FindAllTags,
            FindUser,
            FindAllUsers,
            FindAllWebhooks,
            CreateWebhook,
            DeleteWebhook,
        ]
    }

    /// The checkbox's name on Lever's key screen, as the 403 message gives it.
    pub fn label(&self) -> &'static str {
        match self {
            Perm::FindOpportunity => "Find an opportunity",
            Perm::FindAllOpportunities => "Find all opportunities",
            Perm::FindAllDeletedOpportunities => "Find all deleted opportunities",
            Perm::FindAllOffers => "Find all candidate offers",
            Perm::DownloadOffer => "Download an opportunity offer file",
            Perm::FindAllResumes => "Find all opportunity resumes",
            Perm::DownloadResume => "Download an opportunity resume file",
            Perm::FindAllFiles => "Find all opportunity files",
            Perm::DownloadFile => "Download an opportunity file",
            Perm::FindAllNotes => "Find all opportunity notes",
            Perm::CreateNote => "Create an opportunity note",
            Perm::UpdateStage => "Update an opportunity's stage",
            Perm::AddTags => "Add opportunity tags",
            Perm::UpdateArchived => "Update an opportunity's archived state",
            Perm::FindPosting => "Find a posting",
            Perm::FindAllPostings => "Find all postings",
            Perm::FindStage => "Find a stage",
            Perm::FindAllStages => "Find all stages",
            Perm::FindArchiveReason => "Find an archive reason",
            Perm::FindAllArchiveReasons => "Find all archive reasons",
            Perm::FindAllTags => "Find all tags",
            Perm::FindUser => "Find a user",
            Perm::FindAllUsers => "Find all users",
            Perm::FindAllWebhooks => "Find all webhooks",
            Perm::CreateWebhook => "Create a webhook",
            Perm::DeleteWebhook => "Delete a webhook",
        }
    }
}

/// The key screen's separate toggle for confidential data, as the 403 message names it.
pub const CONFIDENTIAL_TOGGLE: &str = "Allow access to confidential data";
