//! Flow F2 (placeholder while the assessment issue is built).

use super::{Ctx, Finish, FlowError};
use crate::engine::model::Status;
use crate::engine::Engine;

/// Sends the invite.
pub async fn invite(_ctx: &mut Ctx) -> Result<Finish, FlowError> {
    Ok(Finish::Final(
        Status::Skipped,
        Some("assessments are not connected yet".into()),
    ))
}

/// Checks results.
pub async fn results(_ctx: &mut Ctx) -> Result<Finish, FlowError> {
    Ok(Finish::Final(
        Status::Skipped,
        Some("assessments are not connected yet".into()),
    ))
}

/// Polls unfinished assessments.
pub async fn poll_loop(_engine: Engine) {
    std::future::pending::<()>().await
}
