//! The three writes a score rule makes on an opportunity, as Lever's "Opportunities"
//! section documents them: change its stage (`PUT …/stage` with `{"stage"}`), add tags
//! (`POST …/addTags` with `{"tags"}`) and archive it (`PUT …/archived` with `{"reason"}`),
//! each on behalf of `perform_as` when one is set. Each needs its own checkbox of the key.

use reqwest::Method;
use serde_json::json;

use super::http::ApiError;
use super::lever::{Lever, Perm};

impl Lever {
    /// Moves opportunity `opp` to stage `stage`.
    pub async fn move_to_stage(
        &self,
        opp: &str,
        stage: &str,
        perform_as: &str,
    ) -> Result<(), ApiError> {
        let path = format!("/opportunities/{opp}/stage");
        self.write_as(
            Perm::UpdateStage,
            Method::PUT,
            &path,
            perform_as,
            json!({ "stage": stage }),
        )
        .await?;
        Ok(())
    }

    /// Adds `tags` to opportunity `opp` (the ones it has stay).
    pub async fn add_tags(
        &self,
        opp: &str,
        tags: &[String],
        perform_as: &str,
    ) -> Result<(), ApiError> {
        let path = format!("/opportunities/{opp}/addTags");
        self.write_as(
            Perm::AddTags,
            Method::POST,
            &path,
            perform_as,
            json!({ "tags": tags }),
        )
        .await?;
        Ok(())
    }

    /// Archives opportunity `opp` with archive reason `reason`.
    pub async fn archive(&self, opp: &str, reason: &str, perform_as: &str) -> Result<(), ApiError> {
        let path = format!("/opportunities/{opp}/archived");
        self.write_as(
            Perm::UpdateArchived,
            Method::PUT,
            &path,
            perform_as,
            json!({ "reason": reason }),
        )
        .await?;
        Ok(())
    }
}
