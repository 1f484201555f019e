//! Lever's webhooks API, used at setup with a setup key: `GET /webhooks` lists the
//! account's webhooks and `POST /webhooks` makes one for one event, answering its signing
//! token (`configuration.signatureToken`) — the only time Lever shows it. Whether Lever wraps
//! the create answer in one `data` or two is unverified (`docs/fidelity.md`): both are read.
//!
//! A webhook of a configurable event is made with `configuration.conditions.origins` naming
//! every origin, as Lever's own example does: a webhook whose conditions leave an origin out
//! never fires for candidates of that origin, and what Lever does with no conditions at all
//! is not documented.

use serde::Deserialize;
use serde_json::{json, Value};

use super::http::{self, ApiError, Service};
use super::lever::{Lever, Perm};

/// Every origin of an opportunity, as Lever names them: what a webhook's conditions must
/// list for it to fire for every candidate.
pub const ORIGINS: [&str; 6] = [
    "agency",
    "applied",
    "internal",
    "referred",
    "sourced",
    "university",
];

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
    /// Which candidates it fires for; none: Lever's default, whatever that is.
    #[serde(default)]
    pub conditions: Option<Conditions>,
}

/// `configuration.conditions` of a webhook.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Conditions {
    /// The origins of the candidates it fires for.
    #[serde(default)]
    pub origins: Option<Vec<String>>,
}

impl Hook {
    /// The origins this webhook's conditions leave out (it never fires for them); empty
    /// when it names them all, or names none (Lever's default).
    pub fn origins_left_out(&self) -> Vec<&'static str> {
        let Some(named) = self
            .configuration
            .as_ref()
            .and_then(|c| c.conditions.as_ref())
            .and_then(|c| c.origins.as_ref())
        else {
            return Vec::new();
        };
        ORIGINS
            .into_iter()
            .filter(|o| !named.iter().any(|n| n.eq_ignore_ascii_case(o)))
            .collect()
    }

    /// Whether it carries conditions that name every origin.
    pub fn names_every_origin(&self) -> bool {
        self.configuration
            .as_ref()
            .and_then(|c| c.conditions.as_ref())
            .and_then(|c| c.origins.as_ref())
            .is_some()
            && self.origins_left_out().is_empty()
    }
}

impl Lever {
    /// Every webhook of the account. Lever documents neither `limit` nor paging for this
    /// list, so it is asked for without `limit` and one answer is the whole list (a page
    /// that says `hasNext` is still followed).
    pub async fn webhooks(&self) -> Result<Vec<Hook>, ApiError> {
        self.list_without_limit(Perm::FindWebhooks, "/webhooks")
            .await
    }

    /// Makes a webhook for `event` delivering to `url`, and returns its signing token. With
    /// `conditions`, the webhook fires for candidates of every origin. Sent once: a retried
    /// create after a lost answer would make a second webhook.
    pub async fn create_webhook(
        &self,
        url: &str,
        event: &str,
        conditions: bool,
    ) -> Result<String, ApiError> {
        let body = create_body(url, event, conditions);
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

/// The body of `POST /webhooks`.
fn create_body(url: &str, event: &str, conditions: bool) -> Value {
    if conditions {
        json!({ "url": url, "event": event,
                "configuration": {"conditions": {"origins": ORIGINS}} })
    } else {
        json!({ "url": url, "event": event })
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

    #[test]
    fn conditions_name_every_origin_and_a_narrower_list_is_seen() {
        let body = create_body("https://r/x", "candidateHired", true);
        let sent: Vec<&str> = body["configuration"]["conditions"]["origins"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(sent, ORIGINS);
        assert!(create_body("https://r/x", "candidateDeleted", false)
            .get("configuration")
            .is_none());
        let hook = |c: Value| -> Hook {
            serde_json::from_value(json!({"id": "w", "url": "u", "event": "e", "configuration": c}))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let narrow = hook(json!({"conditions": {"origins": ["applied", "Sourced"]}}));
        assert_eq!(
            narrow.origins_left_out(),
            ["agency", "internal", "referred", "university"]
        );
        assert!(!narrow.names_every_origin());
        let none = hook(json!({}));
        assert!(none.origins_left_out().is_empty() && !none.names_every_origin());
        let every = hook(json!({"conditions": {"origins": ORIGINS}}));
        assert!(every.names_every_origin());
    }
}
