//! Lever's webhooks API, used once at setup with a setup key: `GET /webhooks` lists the
//! account's webhooks and `POST /webhooks` makes one for one event, answering its signing
//! token (`configuration.signatureToken`) — the only time Lever shows it. Whether Lever wraps
//! the create answer in one `data` or two is unverified (`docs/fidelity.md`): both are read.

use serde::Deserialize;
use serde_json::{json, Value};

use super::http::{self, ApiError, Service};
use super::lever::{Lever, Perm};

/// A webhook as Lever lists or creates it.
#[derive(Debug, Clone, Deserialize)]
pub struct Hook {
    /// Lever's id.
    pub id: String,
    /// Where it delivers.
    pub url: String,
    /// The one event it is for (`candidateHired` …).
    pub event: String,
    /// Its configuration; the create answer alone carries the signing token.
    #[serde(default)]
    pub configuration: Option<HookConfig>,
}

/// `configuration` of a webhook.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HookConfig {
    /// The signing token (create answer only).
    #[serde(default, rename = "signatureToken")]
    pub signature_token: Option<String>,
}

impl Lever {
    /// Every webhook of the account.
    pub async fn webhooks(&self) -> Result<Vec<Hook>, ApiError> {
        self.list_all(Perm::FindWebhooks, "/webhooks").await
    }

    /// Makes a webhook for `event` delivering to `url`, and returns its signing token. Sent
    /// once: a retried create after a lost answer would make a second webhook.
    pub async fn create_webhook(&self, url: &str, event: &str) -> Result<String, ApiError> {
        let body = json!({ "url": url, "event": event });
        let resp = self
            .send_json(
                Perm::CreateWebhook,
                reqwest::Method::POST,
                "/webhooks",
                body,
            )
            .await?;
        let answer: Value = http::json(Service::Lever, resp).await?;
        created_token(&answer).ok_or_else(|| {
            ApiError::unreadable(
                Service::Lever,
                "its answer to creating a webhook has no configuration.signatureToken",
            )
        })
    }
}

/// The signing token of a create answer: `{"data": hook}`, or `{"data": {"data": hook}}`.
fn created_token(answer: &Value) -> Option<String> {
    let data = answer.get("data")?;
    let hook = match data.get("data") {
        Some(inner) if inner.is_object() => inner,
        _ => data,
    };
    let hook: Hook = serde_json::from_value(hook.clone()).ok()?;
    hook.configuration?
        .signature_token
        .filter(|t| !t.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_either_shape_of_the_answer() {
        let hook = json!({"id": "w1", "url": "https://r/x", "event": "candidateHired",
                          "configuration": {"signatureToken": "tok"}});
        assert_eq!(
            created_token(&json!({"data": hook})).as_deref(),
            Some("tok")
        );
        assert_eq!(
            created_token(&json!({"data": {"data": hook}})).as_deref(),
            Some("tok")
        );
        let listed = json!({"data": {"id": "w1", "url": "u", "event": "e", "configuration": {}}});
        assert_eq!(created_token(&listed), None);
        assert_eq!(created_token(&json!({"data": []})), None);
    }
}
