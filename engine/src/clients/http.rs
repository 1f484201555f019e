//! What every vendor call shares: one error type in the user's words, exponential backoff
//! with jitter (backon) on 429/5xx/timeouts that honours `Retry-After`, and an optional
//! token bucket (governor) in front of the vendor's own.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::{RequestBuilder, Response, StatusCode};

/// Which vendor a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Lever.
    Lever,
    /// bob.
    Bob,
    /// The assessment partner.
    Partner,
    /// The relay.
    Relay,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Service::Lever => "Lever",
            Service::Bob => "bob",
            Service::Partner => "the assessment partner",
            Service::Relay => "the relay",
        })
    }
}

/// A vendor call that did not work.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{service} {what}{hint}", hint = self.hint.as_deref().map(|h| format!(": {h}")).unwrap_or_default())]
pub struct ApiError {
    /// The vendor.
    pub service: Service,
    /// The HTTP status, if one came back.
    pub status: Option<u16>,
    /// "answered 403: <the vendor's own message>" or "could not be reached: …".
    pub what: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Whether trying again later may work.
    pub retryable: bool,
    /// How long the vendor asked us to wait.
    pub retry_after: Option<Duration>,
    /// The vendor surely did not act on the request (connection refused, 429, 503), so
    /// even a non-idempotent call may be sent again at once.
    pub unsent: bool,
}

impl ApiError {
    /// An answer with an error status and the vendor's message.
    pub fn status(
        service: Service,
        status: u16,
        message: &str,
        retry_after: Option<Duration>,
    ) -> Self {
        let retryable = matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504);
        ApiError {
            service,
            status: Some(status),
            what: format!("answered {status}: {}", message.trim()),
            hint: None,
            retryable,
            retry_after,
            unsent: matches!(status, 429 | 503),
        }
    }

    /// No answer (connection refused, timeout, TLS).
    pub fn transport(service: Service, err: &reqwest::Error) -> Self {
        let what = if err.is_timeout() {
            "did not answer in time".to_string()
        } else {
            format!("could not be reached ({})", root_cause(err))
        };
        ApiError {
            service,
            status: None,
            what,
            hint: None,
            retryable: true,
            retry_after: None,
            unsent: err.is_connect(),
        }
    }

    /// An answer that is not what the API documents.
    pub fn unreadable(service: Service, detail: impl std::fmt::Display) -> Self {
        ApiError {
            service,
            status: None,
            what: format!("gave an answer Hirewire could not read ({detail})"),
            hint: None,
            retryable: false,
            retry_after: None,
            unsent: false,
        }
    }

    /// Adds what the user should do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

fn root_cause(err: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// How hard one call tries before giving up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: usize,
    /// First backoff.
    pub min_delay: Duration,
    /// Largest backoff (and largest honoured `Retry-After`).
    pub max_delay: Duration,
    /// Whether sending the request twice is harmless. A create, upload, note or invite is
    /// not: after an ambiguous failure (timeout, 500) it is not resent here; the job's
    /// recovery looks first whether it happened.
    pub idempotent: bool,
}

impl RetryPolicy {
    /// The same policy for a call that must not be sent twice.
    pub fn once(self) -> Self {
        RetryPolicy {
            idempotent: false,
            ..self
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // Six retries from 250 ms doubling to 16 s: about half a minute of patience for a
        // vendor hiccup before the job itself is rescheduled by the runner.
        RetryPolicy {
            retries: 6,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(16),
            idempotent: true,
        }
    }
}

pub use super::bucket::Bucket;

/// Sends a request built by `make`, retrying what may pass; returns a success response.
/// `message` extracts the vendor's error text from an error body.
pub async fn send(
    service: Service,
    policy: RetryPolicy,
    bucket: Option<&Bucket>,
    make: impl Fn() -> RequestBuilder,
    message: fn(&str) -> String,
) -> Result<Response, ApiError> {
    let attempt = || async {
        if let Some(b) = bucket {
            b.take().await;
        }
        let resp = make()
            .send()
            .await
            .map_err(|e| ApiError::transport(service, &e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let retry_after = retry_after(&resp);
        let body = resp.text().await.unwrap_or_default();
        let text = if body.trim().is_empty() {
            reason(status)
        } else {
            message(&body)
        };
        tracing::debug!(%service, status = status.as_u16(), "call failed: {text}");
        Err(ApiError::status(
            service,
            status.as_u16(),
            &text,
            retry_after,
        ))
    };
    let backoff = ExponentialBuilder::default()
        .with_jitter()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.retries);
    attempt
        .retry(backoff)
        .when(move |e: &ApiError| e.retryable && (policy.idempotent || e.unsent))
        .adjust(
            move |e: &ApiError, planned| match (e.retry_after, planned) {
                (Some(asked), Some(_)) => Some(asked.min(policy.max_delay)),
                (_, planned) => planned,
            },
        )
        .notify(|e: &ApiError, wait| {
            // The vendor's text may quote a candidate's email: it is for debug logs only.
            tracing::info!(service = %e.service, status = ?e.status, "call failed; trying again in {wait:?}");
            tracing::debug!("{e}; trying again in {wait:?}");
        })
        .await
}

fn retry_after(resp: &Response) -> Option<Duration> {
    parse_retry_after(resp.headers().get("retry-after")?.to_str().ok()?)
}

/// Longest wait a `Retry-After` is taken for: beyond it, the job's own retry schedule
/// (minutes to an hour) takes over.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// A `Retry-After` in seconds (`"5"`, `"0.5"`), checked: negative, not a number, `inf` or
/// NaN are ignored, and anything over an hour counts as an hour. (An HTTP date is not
/// honoured; the backoff applies instead.)
pub fn parse_retry_after(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().parse().ok()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(
        Duration::try_from_secs_f64(secs)
            .unwrap_or(MAX_RETRY_AFTER)
            .min(MAX_RETRY_AFTER),
    )
}

fn reason(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("no message")
        .to_string()
}

/// Reads a JSON body, or says the answer was unreadable.
pub async fn json<T: serde::de::DeserializeOwned>(
    service: Service,
    resp: Response,
) -> Result<T, ApiError> {
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| ApiError::transport(service, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::unreadable(service, e))
}

/// A shared HTTP client with sane timeouts (one per engine).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("Hirewire/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_retry_after_values_are_checked_not_panicked_on() {
        assert_eq!(parse_retry_after("5"), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_retry_after(" 0.25 "),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_retry_after("1e30"), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("inf"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_retry_after_is_a_bounded_wait_or_none(text in ".{0,40}") {
                if let Some(d) = parse_retry_after(&text) {
                    prop_assert!(d <= MAX_RETRY_AFTER);
                }
            }

            #[test]
            fn any_float_is_a_bounded_wait_or_none(f in any::<f64>()) {
                if let Some(d) = parse_retry_after(&f.to_string()) {
                    prop_assert!(d <= MAX_RETRY_AFTER);
                }
            }
        }
    }
}
