//! Flow F3 (placeholder while the assessment issue is built).

use super::{Ctx, Finish, FlowError};
use crate::engine::model::Status;

/// Records an outcome.
pub async fn run(_ctx: &mut Ctx) -> Result<Finish, FlowError> {
    Ok(Finish::Final(
        Status::Skipped,
        Some("outcomes are not connected yet".into()),
    ))
}
