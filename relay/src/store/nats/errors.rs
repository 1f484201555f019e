//! NATS failures in the operator's words. Everything that can pass (no quorum, a lost
//! connection, a leader election) is [`StoreError::Unavailable`], which the intake answers
//! with `503` and `Retry-After`; nothing is ever answered `200` on a failure.

use std::fmt::Display;

use crate::store::StoreError;

/// What to add to an error that may mean the cluster lacks a majority.
const QUORUM_HINT: &str =
    "is the NATS cluster up, with a majority of its nodes reachable from this relay?";

/// NATS could not do `what` now.
pub(super) fn unavailable(what: &str, e: impl Display) -> StoreError {
    StoreError::Unavailable(format!("NATS could not {what}: {e} ({QUORUM_HINT})"))
}

/// NATS did not answer within `secs` seconds.
pub(super) fn timed_out(what: &str, secs: u64) -> StoreError {
    StoreError::Unavailable(format!(
        "NATS did not confirm that it could {what} within {secs} s ({QUORUM_HINT})"
    ))
}

/// Whether a JetStream refusal is its backlog limit (`max_msgs` with discard new).
pub(super) fn is_backlog_full(e: &impl Display) -> bool {
    let text = e.to_string();
    text.contains("maximum messages") || text.contains("10077")
}

/// How long one request to NATS may take before the relay says so.
pub(super) const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a NATS request under [`REQUEST_TIMEOUT`], naming `what` on failure.
pub(super) async fn within<T, E: Display>(
    what: &str,
    request: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(REQUEST_TIMEOUT, request).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(unavailable(what, e)),
        Err(_) => Err(timed_out(what, REQUEST_TIMEOUT.as_secs())),
    }
}
