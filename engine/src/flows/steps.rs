//! The steps a flow records: what it did, with the vendor's status and how long it took.

use std::time::Instant;

use crate::model::{Step, StepStatus};
use crate::time;

/// A step that worked.
pub fn done(
    action: impl Into<String>,
    target: Option<String>,
    http: Option<u16>,
    started: Instant,
) -> Step {
    step(action, target, StepStatus::Done, http, started, None)
}

/// A step that was not needed.
pub fn skipped(action: impl Into<String>, why: impl Into<String>) -> Step {
    step(
        action,
        None,
        StepStatus::Skipped,
        None,
        Instant::now(),
        Some(why.into()),
    )
}

/// A step that failed, with the error's own words.
pub fn failed(
    action: impl Into<String>,
    err: &dyn std::fmt::Display,
    http: Option<u16>,
    started: Instant,
) -> Step {
    step(
        action,
        None,
        StepStatus::Failed,
        http,
        started,
        Some(err.to_string()),
    )
}

fn step(
    action: impl Into<String>,
    target: Option<String>,
    status: StepStatus,
    http: Option<u16>,
    started: Instant,
    error: Option<String>,
) -> Step {
    Step {
        action: action.into(),
        target,
        status,
        http_status: http,
        ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        error,
        at: time::now_ms(),
    }
}
