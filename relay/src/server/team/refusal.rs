//! A refused seat-API request: its status, the metric reason, the message the caller
//! reads, an optional `Retry-After`, and one log line naming the channel and device. The
//! relay never logs a body.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::metrics::Metrics;
use crate::store::StoreError;
use crate::team::TeamRefusal;

/// Seconds a caller is asked to wait while the store cannot take writes.
const STORE_RETRY_AFTER_S: u64 = 5;

/// One refusal.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub reason: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl Refusal {
    pub fn new(status: StatusCode, reason: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            reason,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn unknown_channel() -> Self {
        Refusal::new(StatusCode::NOT_FOUND, "unknown_channel", "no such channel")
    }

    pub fn bad_body(why: impl std::fmt::Display) -> Self {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "team_bad_body",
            format!("the request body is not what this request takes: {why}"),
        )
    }

    /// A store error, in the caller's terms.
    pub fn store(e: StoreError) -> Self {
        match e {
            StoreError::UnknownChannel(_) => Refusal::unknown_channel(),
            other => Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store",
                format!("cannot store this now: {other}"),
            )
            .retry_after(STORE_RETRY_AFTER_S),
        }
    }

    /// Logs, counts and answers.
    pub fn answer(self, metrics: &Metrics, channel: &str, who: &str) -> Response {
        metrics.refuse(self.reason);
        tracing::warn!(%channel, who, status = self.status.as_u16(), reason = self.reason, "refused team request: {}", self.message);
        let body = TeamRefusal {
            ok: false,
            error: self.message,
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
        }
        resp
    }
}
