//! Lever's opportunity lists, with the filters of "List all opportunities" as Lever
//! documents them (`docs/fidelity.md` says which were checked): a repeated parameter is a
//! union of its values, `*_start` bounds are epoch milliseconds and inclusive, and
//! `confidentiality` must be `all` for confidential candidates to be listed at all.

use super::http::ApiError;
use super::lever::{Lever, Opportunity, Perm, PAGE};
use super::lever_rows::{self, Rows};

/// Which candidates a list includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Non-confidential candidates only (Lever's default; a key without confidential
    /// access gets no more).
    Open,
    /// Confidential candidates too (`confidentiality=all`).
    All,
}

impl Reach {
    fn filter(self) -> Option<(&'static str, String)> {
        (self == Reach::All).then(|| ("confidentiality", "all".to_string()))
    }
}

impl Lever {
    /// Opportunities with this email (dry-run search).
    pub async fn opportunities_by_email(
        &self,
        email: &str,
        reach: Reach,
    ) -> Result<Vec<Opportunity>, ApiError> {
        let mut filter = vec![("email", email.to_string())];
        filter.extend(reach.filter());
        Ok(self
            .list_where(
                Perm::FindOpportunities,
                "/opportunities",
                &filter,
                PAGE as usize,
            )
            .await?
            .0)
    }

    /// Opportunities updated since `since_ms`, at most `max` of them (Lever has no name
    /// filter, so a name search reads these); the flag says whether more were left unread.
    pub async fn opportunities_updated_since(
        &self,
        since_ms: u64,
        max: usize,
        reach: Reach,
    ) -> Result<(Vec<Opportunity>, bool), ApiError> {
        let mut filter = vec![("updated_at_start", since_ms.to_string())];
        filter.extend(reach.filter());
        self.list_where(Perm::FindOpportunities, "/opportunities", &filter, max)
            .await
    }

    /// Opportunities archived at or after `since_ms` with any of these reasons (all
    /// reasons when `reasons` is empty), with their applications (for the posting id).
    pub async fn archived_since(
        &self,
        since_ms: u64,
        reasons: &[String],
        reach: Reach,
    ) -> Result<Rows<Opportunity>, ApiError> {
        let mut filters = vec![
            ("archived", "true".to_string()),
            ("archived_at_start", since_ms.to_string()),
            ("expand", "applications".to_string()),
        ];
        filters.extend(reasons.iter().map(|r| ("archive_reason_id", r.clone())));
        filters.extend(reach.filter());
        self.all_opportunities(&filters).await
    }

    /// The ids of the opportunities deleted at or after `since_ms`. Like Lever's other
    /// lists, this one leaves confidential candidates out unless `reach` asks for them.
    pub async fn deleted_since(
        &self,
        since_ms: u64,
        reach: Reach,
    ) -> Result<Rows<String>, ApiError> {
        let mut filter = vec![("deleted_at_start", since_ms.to_string())];
        filter.extend(reach.filter());
        /// Only the id is read: the rest is the person's data, not needed to purge it.
        #[derive(serde::Deserialize)]
        struct Deleted {
            id: String,
        }
        let (list, _) = self
            .list_where(
                Perm::FindDeletedOpportunities,
                "/opportunities/deleted",
                &filter,
                usize::MAX,
            )
            .await?;
        Ok(lever_rows::read::<Deleted>(list).map(|o| o.id))
    }

    /// The opportunities of contact `contact` that Lever still has (`contact_id` filter).
    pub async fn opportunities_of_contact(
        &self,
        contact: &str,
        reach: Reach,
    ) -> Result<Vec<String>, ApiError> {
        let mut filters = vec![("contact_id", contact.to_string())];
        filters.extend(reach.filter());
        Ok(self
            .all_opportunities(&filters)
            .await?
            .rows
            .into_iter()
            .map(|o| o.id)
            .collect())
    }

    /// The opportunities of contact `contact` deleted at or after `since_ms` (the deleted
    /// list shows each as it was, its `contact` included).
    pub async fn deleted_of_contact(
        &self,
        since_ms: u64,
        contact: &str,
        reach: Reach,
    ) -> Result<Vec<String>, ApiError> {
        let mut filter = vec![("deleted_at_start", since_ms.to_string())];
        filter.extend(reach.filter());
        /// The id and the person: nothing else of theirs is read.
        #[derive(serde::Deserialize)]
        struct Deleted {
            id: String,
            #[serde(default, deserialize_with = "crate::lenient::id_or_object")]
            contact: Option<String>,
        }
        let (list, _) = self
            .list_where(
                Perm::FindDeletedOpportunities,
                "/opportunities/deleted",
                &filter,
                usize::MAX,
            )
            .await?;
        // Read row by row: one row Lever sends without an id must not hide the others.
        Ok(lever_rows::read::<Deleted>(list)
            .rows
            .into_iter()
            .filter(|o| o.contact.as_deref() == Some(contact))
            .map(|o| o.id)
            .collect())
    }

    /// The id of one (non-confidential) opportunity of the account, if it has any: a real
    /// candidate for `hirewire check` to try the per-candidate permissions on.
    pub async fn any_opportunity(&self) -> Result<Option<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Listed {
            id: String,
        }
        let (list, _): (Vec<Listed>, bool) = self
            .list_where(Perm::FindOpportunities, "/opportunities", &[], 1)
            .await?;
        Ok(list.into_iter().map(|o| o.id).next())
    }

    /// Active opportunities now in `stage_id`, with their tags.
    pub async fn in_stage(
        &self,
        stage_id: &str,
        reach: Reach,
    ) -> Result<Rows<Opportunity>, ApiError> {
        let mut filters = vec![
            ("archived", "false".to_string()),
            ("stage_id", stage_id.to_string()),
        ];
        filters.extend(reach.filter());
        self.all_opportunities(&filters).await
    }

    /// Every page of the list, row by row (see [`lever_rows`]).
    async fn all_opportunities(
        &self,
        filters: &[(&str, String)],
    ) -> Result<Rows<Opportunity>, ApiError> {
        let (list, _) = self
            .list_where(
                Perm::FindOpportunities,
                "/opportunities",
                filters,
                usize::MAX,
            )
            .await?;
        Ok(lever_rows::read(list))
    }
}
