//! The assessment partner, through the Greenhouse Assessment Partner contract: list tests,
//! send a test, read a test's status; Basic auth with the vendor's key as user name.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::http::{self, ApiError, RetryPolicy, Service};
use crate::secrets::Secret;

/// A test the partner offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct PartnerTest {
    /// Its id.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub partner_test_id: String,
    /// Its name.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub partner_test_name: String,
}

/// The candidate part of `send_test`, every documented property present (`null` when
/// there is no value), as the Greenhouse contract asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The name the candidate goes by (required by the contract since January 2025).
    pub preferred_name: String,
    /// Email: where the partner sends the test.
    pub email: String,
    /// Phone, if known.
    pub phone_number: Option<String>,
    /// A resume link valid for 7 days, if one can be given.
    pub resume_url: Option<String>,
    /// Where the candidate lives in the ATS (Lever's `urls.show`).
    pub greenhouse_profile_url: String,
}

/// The whole `send_test` body: the test, the candidate, who sends it, and this invite's
/// own URL for the partner's "status changed" `PATCH` (top level, beside `candidate`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendTest {
    /// The partner's test.
    pub partner_test_id: String,
    /// Who takes it.
    pub candidate: Candidate,
    /// The sender's email, if set.
    pub sent_by: Option<String>,
    /// Where the partner `PATCH`es when this test's status changes.
    pub url: String,
}

/// A partner answer Hirewire could not use, as `response_error` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnusableAnswer {
    /// The call whose answer it was (`send_test`, `test_status`, `list_tests`).
    pub api_call: &'static str,
    /// What was wrong with it.
    pub errors: Vec<String>,
    /// The test, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_test_id: Option<String>,
    /// The interview, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_interview_id: Option<String>,
    /// The candidate's email, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_email: Option<String>,
}

/// `test_status` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestStatus {
    /// `complete` when graded.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub partner_status: String,
    /// The report (only once complete).
    #[serde(deserialize_with = "crate::lenient::opt_text")]
    pub partner_profile_url: Option<String>,
    /// The score.
    pub partner_score: Option<Value>,
    /// Flat extra facts.
    pub metadata: Option<Value>,
}

/// The interview id of a `send_test` answer: a non-empty string, or a number.
pub fn interview_id(answer: &Value) -> Option<String> {
    match answer.get("partner_interview_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// A client for one partner configuration.
#[derive(Debug, Clone)]
pub struct Partner {
    key: Secret,
    http: reqwest::Client,
    policy: RetryPolicy,
}

fn message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            ["error", "message", "errors"].iter().find_map(|k| {
                v.get(k).map(|m| {
                    m.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| m.to_string())
                })
            })
        })
        .unwrap_or_else(|| body.chars().take(300).collect())
}

fn hint(e: ApiError) -> ApiError {
    match e.status {
        Some(401 | 403) => e.with_hint("the partner refused the API key: paste a valid key in Setup (`hirewire secret set assessment-api-key`)"),
        _ => e,
    }
}

impl Partner {
    /// A client using `key`.
    pub fn new(key: Secret, http: reqwest::Client) -> Self {
        Partner {
            key,
            http,
            policy: RetryPolicy::default(),
        }
    }

    async fn send(
        &self,
        once: bool,
        make: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        let policy = if once {
            self.policy.once()
        } else {
            self.policy
        };
        let build = || make(&self.http).basic_auth(self.key.expose(), Some(""));
        http::send(Service::Partner, policy, None, build, message)
            .await
            .map_err(hint)
    }

    /// The partner's tests.
    pub async fn list_tests(&self, url: &str) -> Result<Vec<PartnerTest>, ApiError> {
        let resp = self.send(false, |c| c.get(url)).await?;
        http::json(Service::Partner, resp).await
    }

    /// Sends a test; returns the partner's interview id (a string, or a number as text).
    pub async fn send_test(&self, url: &str, body: &SendTest) -> Result<String, ApiError> {
        let resp = self.send(true, |c| c.post(url).json(body)).await?;
        let v: Value = http::json(Service::Partner, resp).await?;
        interview_id(&v).ok_or_else(|| {
            ApiError::unreadable(
                Service::Partner,
                "its answer names no partner_interview_id, so the invite cannot be followed",
            )
        })
    }

    /// Reports an answer Hirewire could not use to the partner's `response_error` URL.
    /// Best effort: the job says what went wrong whether or not this arrives.
    pub async fn report(&self, url: &str, what: &UnusableAnswer) {
        if url.is_empty() {
            return;
        }
        if let Err(e) = self.send(false, |c| c.post(url).json(what)).await {
            tracing::warn!("could not report an unusable answer to the partner: {e}");
        }
    }

    /// A test's status.
    pub async fn status(&self, url: &str, interview_id: &str) -> Result<TestStatus, ApiError> {
        let resp = self
            .send(false, |c| {
                c.get(url).query(&[("partner_interview_id", interview_id)])
            })
            .await?;
        http::json(Service::Partner, resp).await
    }

    /// Posts an outcome to the partner's outcome URL. Resending is harmless (same content).
    pub async fn post_outcome(&self, url: &str, outcome: &Value) -> Result<(), ApiError> {
        self.send(false, |c| c.post(url).json(outcome))
            .await
            .map(|_| ())
    }
}
