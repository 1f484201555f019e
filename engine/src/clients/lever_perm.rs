//! The checkboxes of a Lever API key, named with the words Lever's key screen uses, and
//! the advice a `403` earns. Lever separates reading one item ("Find a …") from listing
//! items ("Find all …"); a key's boxes cannot be edited after it is made, so the fix for a
//! missing one is a new key; confidential candidates need the key's separate
//! confidential-data toggle, which is not a checkbox.

/// A checkbox of a Lever API key (one per call shape Hirewire makes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// `GET /opportunities/{id}`.
    FindOpportunity,
    /// `GET /opportunities` (dry-run search, catching up).
    FindOpportunities,
    /// `GET /opportunities/deleted` (catching up on deletions the webhook missed).
    FindDeletedOpportunities,
    /// `GET /opportunities/{id}/offers`.
    FindOffers,
    /// `GET /opportunities/{id}/resumes`.
    FindResumes,
    /// `GET /opportunities/{id}/files`.
    FindFiles,
    /// `GET /opportunities/{id}/notes`.
    FindNotes,
    /// `GET …/resumes/{id}/download`.
    DownloadResume,
    /// `GET …/offers/{id}/download`.
    DownloadOffer,
    /// `GET …/files/{id}/download`.
    DownloadFile,
    /// `GET /postings/{id}`.
    FindPosting,
    /// `GET /stages`.
    FindStages,
    /// `GET /archive_reasons`.
    FindArchiveReasons,
    /// `GET /tags`.
    FindTags,
    /// `GET /users`.
    FindUsers,
    /// `POST /opportunities/{id}/notes`.
    CreateNote,
    /// `PUT /opportunities/{id}/stage` (score rules).
    UpdateStage,
    /// `POST /opportunities/{id}/addTags` (score rules).
    AddTags,
    /// `PUT /opportunities/{id}/archived` (score rules, after Approve).
    UpdateArchived,
    /// `GET /webhooks` (setup only, with a setup key).
    FindWebhooks,
    /// `POST /webhooks` (setup only, with a setup key).
    CreateWebhook,
}

impl Perm {
    /// The checkbox's name on Lever's key screen. Lever's pattern is "Find a …" for one
    /// item and "Find all …" for a list; the exact wording of each box is checked in
    /// `docs/fidelity.md` (where it is not confirmed, it says so).
    pub fn label(self) -> &'static str {
        match self {
            Perm::FindOpportunity => "Find an opportunity",
            Perm::FindOpportunities => "Find all opportunities",
            Perm::FindDeletedOpportunities => "Find all deleted opportunities",
            Perm::FindOffers => "Find all candidate offers",
            Perm::FindResumes => "Find all candidate resumes",
            Perm::FindFiles => "Find all candidate files",
            Perm::FindNotes => "Find all candidate notes",
            Perm::DownloadResume => "Download a candidate resume file",
            Perm::DownloadOffer => "Download an offer file",
            Perm::DownloadFile => "Download a candidate file",
            Perm::FindPosting => "Find a posting",
            Perm::FindStages => "Find all stages",
            Perm::FindArchiveReasons => "Find all archive reasons",
            Perm::FindTags => "Find all tags",
            Perm::FindUsers => "Find all users",
            Perm::CreateNote => "Create an opportunity note",
            Perm::UpdateStage => "Update an opportunity's stage",
            Perm::AddTags => "Add opportunity tags",
            Perm::UpdateArchived => "Update an opportunity's archived state",
            Perm::FindWebhooks => "Find all webhooks",
            Perm::CreateWebhook => "Create a webhook",
        }
    }

    /// Whether the call reads or writes one opportunity's data, which Lever refuses for a
    /// confidential candidate when the key lacks confidential access.
    pub fn concerns_an_opportunity(self) -> bool {
        matches!(
            self,
            Perm::FindOpportunity
                | Perm::FindOffers
                | Perm::FindResumes
                | Perm::FindFiles
                | Perm::FindNotes
                | Perm::DownloadResume
                | Perm::DownloadOffer
                | Perm::DownloadFile
                | Perm::CreateNote
        )
    }
}

/// The key's toggle (not a checkbox) that lets it read confidential candidates.
pub const CONFIDENTIAL_TOGGLE: &str = "Allow access to confidential data";

/// Where Lever's keys are made.
const KEY_SCREEN: &str = "Lever → Settings → Integrations and API → API Credentials";

/// Advice for a key that lacks `perm`'s checkbox.
pub fn missing_checkbox(perm: Perm) -> String {
    format!(
        "the API key lacks the «{}» permission. Lever keys cannot be edited: in {KEY_SCREEN}, generate a new key with «{}» ticked (and the boxes the old key had), then paste it in Setup (`hirewire secret set lever-api-key`)",
        perm.label(),
        perm.label()
    )
}

/// Advice for a key that may not read confidential candidates.
pub fn missing_confidential() -> String {
    format!(
        "this candidate is confidential, and the API key was made without «{CONFIDENTIAL_TOGGLE}» (a toggle of the key, not a checkbox). Lever keys cannot be edited: in {KEY_SCREEN}, generate a new key with that toggle on and the same checkboxes, then paste it in Setup"
    )
}

/// A path that names no opportunity, for telling a missing checkbox (still `403`) from a
/// confidential candidate (`404` for a candidate that does not exist).
pub const PROBE: &str = "hirewire-permission-check";

/// `path` with its opportunity id replaced by [`PROBE`], if it names one.
pub fn probe_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/opportunities/")?;
    let (_, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let tail = tail
        .split('/')
        .enumerate()
        .map(|(i, seg)| if i == 1 { PROBE } else { seg })
        .collect::<Vec<_>>()
        .join("/");
    Some(if tail.is_empty() {
        format!("/opportunities/{PROBE}")
    } else {
        format!("/opportunities/{PROBE}/{tail}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_paths_keep_the_shape_and_name_nothing() {
        assert_eq!(
            probe_path("/opportunities/o-1").as_deref(),
            Some("/opportunities/hirewire-permission-check")
        );
        assert_eq!(
            probe_path("/opportunities/o-1/offers").as_deref(),
            Some("/opportunities/hirewire-permission-check/offers")
        );
        assert_eq!(
            probe_path("/opportunities/o-1/files/f-9/download").as_deref(),
            Some(
                "/opportunities/hirewire-permission-check/files/hirewire-permission-check/download"
            )
        );
        assert_eq!(probe_path("/postings/p"), None);
    }

    #[test]
    fn advice_says_a_new_key_is_needed_in_lever_s_words() {
        let m = missing_checkbox(Perm::FindOpportunity);
        assert!(
            m.contains("«Find an opportunity»")
                && m.contains("cannot be edited")
                && m.contains("new key"),
            "{m}"
        );
        assert!(missing_confidential().contains("Allow access to confidential data"));
    }
}
