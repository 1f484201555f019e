//! Lever's webhooks as Lever sends them: the envelope, a fresh 48-character token per
//! delivery, and `signature = hex(HMAC-SHA256(signing_token, token + triggeredAt))`.

use hmac::{Hmac, KeyInit, Mac};
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use sha2::Sha256;

pub use crate::clock::now_ms;

/// Lever's signature: lowercase hex of HMAC-SHA256 with key `signing_token` over `token`
/// followed by `triggered_at` in decimal, no separator. It does not cover the body.
pub fn sign(signing_token: &str, token: &str, triggered_at: u64) -> String {
    // HMAC takes keys of any length, so this never fails; an empty MAC would only make a
    // test fail loudly, never panic the fake.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(signing_token.as_bytes()) else {
        return String::new();
    };
    mac.update(token.as_bytes());
    mac.update(triggered_at.to_string().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One webhook delivery, as Lever would send it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverEvent {
    /// Event id; `None` by default because Lever's own examples omit it.
    pub id: Option<String>,
    /// Event name.
    pub event: String,
    /// When Lever sent it (ms since the epoch).
    pub triggered_at: u64,
    /// The delivery's random 48-character token (signed, and the dedupe key without `id`).
    pub token: String,
    /// Event data.
    pub data: Value,
}

impl LeverEvent {
    fn new(event: &str, data: Value) -> Self {
        LeverEvent {
            id: None,
            event: event.into(),
            triggered_at: now_ms(),
            token: Alphanumeric.sample_string(&mut rand::rng(), 48),
            data,
        }
    }

    /// `candidateHired` for an opportunity.
    pub fn hired(opportunity_id: &str) -> Self {
        Self::new(
            "candidateHired",
            json!({"opportunityId": opportunity_id, "candidateId": opportunity_id, "contactId": format!("contact-{opportunity_id}")}),
        )
    }

    /// `candidateStageChange` with the documented data: `opportunityId`, `candidateId`
    /// (deprecated alias of the same id), `contactId`, `toStageId`, `fromStageId`.
    pub fn stage_change(opportunity_id: &str, from_stage: &str, to_stage: &str) -> Self {
        Self::new(
            "candidateStageChange",
            json!({"opportunityId": opportunity_id, "candidateId": opportunity_id, "contactId": format!("contact-{opportunity_id}"), "toStageId": to_stage, "fromStageId": from_stage}),
        )
    }

    /// `candidateArchiveChange` into an archive reason: `toArchived {archivedAt, reason}` and
    /// `fromArchived: null` (apis.md marks this shape unverified).
    pub fn archive_change(opportunity_id: &str, reason_id: &str) -> Self {
        Self::new(
            "candidateArchiveChange",
            json!({"opportunityId": opportunity_id, "candidateId": opportunity_id, "contactId": format!("contact-{opportunity_id}"), "toArchived": {"archivedAt": now_ms(), "reason": reason_id}, "fromArchived": null}),
        )
    }

    /// `candidateDeleted`: Lever's docs show no payload; `data.opportunityId` is what a
    /// public integration reads (the rest is unverified).
    pub fn candidate_deleted(opportunity_id: &str) -> Self {
        Self::new(
            "candidateDeleted",
            json!({"opportunityId": opportunity_id, "candidateId": opportunity_id, "contactId": format!("contact-{opportunity_id}")}),
        )
    }

    /// `candidateDeleted` in one of the shapes its undocumented data may take (see
    /// [`DeletedShape`]), for opportunity `opportunity_id` of contact `contact_id`.
    pub fn candidate_deleted_as(
        opportunity_id: &str,
        contact_id: &str,
        shape: DeletedShape,
    ) -> Self {
        let data = match shape {
            DeletedShape::Full => {
                json!({"opportunityId": opportunity_id, "candidateId": opportunity_id, "contactId": contact_id})
            }
            DeletedShape::ContactOnly => json!({"contactId": contact_id}),
            DeletedShape::CandidateOnly => json!({"candidateId": contact_id}),
        };
        Self::new("candidateDeleted", data)
    }

    /// The settings page's test button: the event with empty data.
    pub fn test_ping(event: &str) -> Self {
        Self::new(event, json!({}))
    }

    /// With an event id.
    pub fn with_id(mut self, id: &str) -> Self {
        self.id = Some(id.into());
        self
    }

    /// With a send time.
    pub fn at(mut self, ms: u64) -> Self {
        self.triggered_at = ms;
        self
    }

    /// With a given token (to model a replay).
    pub fn with_token(mut self, token: &str) -> Self {
        self.token = token.into();
        self
    }

    /// With other data.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    /// The JSON envelope, correctly signed with `signing_token`.
    pub fn body(&self, signing_token: &str) -> String {
        self.body_with_signature(&sign(signing_token, &self.token, self.triggered_at))
    }

    /// The JSON envelope with any signature (for bad-signature tests).
    pub fn body_with_signature(&self, signature: &str) -> String {
        let mut v = json!({"event": self.event, "triggeredAt": self.triggered_at, "token": self.token, "signature": signature, "data": self.data});
        if let Some(id) = &self.id {
            v["id"] = json!(id);
        }
        v.to_string()
    }
}

/// Posts a body as Lever does (`Content-Type: application/json`, `User-Agent:
/// Lever-Webhooks`); returns the answer's status.
pub async fn post(client: &reqwest::Client, url: &str, body: String) -> anyhow::Result<u16> {
    let r = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "Lever-Webhooks")
        .body(body)
        .send()
        .await?;
    Ok(r.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_pythons_hmac() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"sig-token",b"abc1700000000000",hashlib.sha256).hexdigest())'
        assert_eq!(
            sign("sig-token", "abc", 1_700_000_000_000),
            "f88a1a06c451572fb0735c503209c2e6519b835423cca2ef228c964c4f62fc78"
        );
    }

    #[test]
    fn events_get_fresh_tokens_and_omit_the_id() {
        let a = LeverEvent::hired("o");
        let b = LeverEvent::hired("o");
        assert_eq!(a.token.len(), 48);
        assert_ne!(a.token, b.token);
        let body: Value = serde_json::from_str(&a.body("t")).unwrap_or_default();
        assert!(body.get("id").is_none());
        assert_eq!(body["signature"], sign("t", &a.token, a.triggered_at));
    }
}

/// What a `candidateDeleted`'s `data` names. Lever publishes no example of it, so each
/// plausible shape can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedShape {
    /// `opportunityId`, `candidateId` (the same id) and `contactId`, like the other events.
    Full,
    /// Only `contactId`: one event for the person.
    ContactOnly,
    /// Only `candidateId`, Lever's older name for the person.
    CandidateOnly,
}
