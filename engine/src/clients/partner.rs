//! The assessment partner, through the Greenhouse Assessment Partner contract: list tests,
//! send a test, read a test's status; Basic auth with the vendor's key as user name.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::http::{self, ApiError, RetryPolicy, Service};
use crate::secrets::Secret;

/// A test the partner offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerTest {
    /// Its id.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub partner_test_id: String,
    /// Its name.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub partner_test_name: String,
}

/// What `send_test` needs to know about the candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Where the candidate lives in the ATS (Lever's `urls.show`).
    pub greenhouse_profile_url: String,
    /// Where the partner may `PATCH` to say "status changed" (the relay).
    pub url: String,
}

/// `test_status` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestStatus {
    /// `complete` when graded.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub partner_status: String,
    /// The report.
    pub partner_profile_url: Option<String>,
    /// The score.
    pub partner_score: Option<Value>,
    /// Flat extra facts.
    pub metadata: Option<Value>,
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

    /// Sends a test; returns the partner's interview id.
    pub async fn send_test(
        &self,
        url: &str,
        test_id: &str,
        candidate: &Candidate,
    ) -> Result<String, ApiError> {
        let body = json!({"partner_test_id": test_id, "candidate": candidate});
        let resp = self.send(true, |c| c.post(url).json(&body)).await?;
        let v: Value = http::json(Service::Partner, resp).await?;
        match v.get("partner_interview_id") {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(ApiError::unreadable(
                Service::Partner,
                "no partner_interview_id",
            )),
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
