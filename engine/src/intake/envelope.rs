//! Intake, step 4: Lever's webhook envelope and signature, exactly as Lever documents them: the signature is
//! `hex(HMAC-SHA256(signing_token, token + triggeredAt))`, a body field, not a header, and
//! it does not cover the body (so replays are caught by token, age and body hash).

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

/// A parsed webhook body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Envelope {
    /// Lever's event id (missing in Lever's own examples).
    #[serde(deserialize_with = "crate::lenient::opt_text")]
    pub id: Option<String>,
    /// Event name (`candidateHired`, …).
    pub event: String,
    /// When Lever sent it (ms).
    #[serde(deserialize_with = "crate::lenient::number")]
    pub triggered_at: Option<u64>,
    /// 48 random characters, unique per delivery.
    pub token: String,
    /// Lowercase hex HMAC.
    pub signature: String,
    /// Event data.
    pub data: Value,
}

impl Envelope {
    /// Parses a body leniently; says what is missing when it is not a Lever webhook.
    pub fn parse(body: &str) -> Result<Envelope, String> {
        let env: Envelope = serde_json::from_str(body)
            .map_err(|e| format!("the body is not a Lever webhook (JSON: {e})"))?;
        let Some(at) = env
            .triggered_at
            .filter(|_| !env.event.is_empty() && !env.token.is_empty())
        else {
            return Err(
                "the body is not a Lever webhook (it lacks event, token or triggeredAt)".into(),
            );
        };
        if !crate::time::is_valid_ms(at) {
            return Err(format!(
                "the body is not a usable Lever webhook: its triggeredAt ({at}) is not a time between the years 2000 and 9999"
            ));
        }
        Ok(env)
    }

    /// Whatever a body says, without any check: to name the event and the opportunity of
    /// a body that is refused.
    pub fn lenient(body: &str) -> Option<Envelope> {
        serde_json::from_str(body).ok()
    }

    /// Lever's settings-page test: the event with empty data.
    pub fn is_test_ping(&self) -> bool {
        match &self.data {
            Value::Object(m) => m.is_empty(),
            Value::Null => true,
            _ => false,
        }
    }

    /// The opportunity the event is about.
    pub fn opportunity_id(&self) -> Option<String> {
        ["opportunityId", "candidateId"]
            .iter()
            .find_map(|k| self.data.get(k).and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The contact (the person across opportunities) the event is about: `contactId`, else
    /// `candidateId`, Lever's older name for the person.
    pub fn contact_id(&self) -> Option<String> {
        self.data_str("contactId")
            .or_else(|| self.data_str("candidateId"))
    }

    /// A data field as a string.
    pub fn data_str(&self, key: &str) -> Option<String> {
        self.data
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// The signature Lever computes for a token and time (tests sign with it).
#[cfg(test)]
pub fn signature(signing_token: &str, token: &str, triggered_at: u64) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(signing_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(token.as_bytes());
    mac.update(triggered_at.to_string().as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether the envelope's signature is right, compared in constant time.
pub fn verify(signing_token: &str, env: &Envelope) -> bool {
    let Some(at) = env.triggered_at else {
        return false;
    };
    let Some(given) = unhex(env.signature.trim()) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(signing_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(env.token.as_bytes());
    mac.update(at.to_string().as_bytes());
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_an_independent_computation() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"sig-token",b"abc1700000000000",hashlib.sha256).hexdigest())'
        let expected = "f88a1a06c451572fb0735c503209c2e6519b835423cca2ef228c964c4f62fc78";
        let got = signature("sig-token", "abc", 1_700_000_000_000);
        assert_eq!(got, expected);
        let env = Envelope {
            token: "abc".into(),
            triggered_at: Some(1_700_000_000_000),
            signature: got.clone(),
            ..Default::default()
        };
        assert!(verify("sig-token", &env));
        assert!(!verify("other-token", &env));
        let tampered = Envelope {
            triggered_at: Some(1_700_000_000_001),
            ..env
        };
        assert!(!verify("sig-token", &tampered));
    }

    #[test]
    fn envelopes_without_id_parse_and_pings_are_recognised() {
        let env = Envelope::parse(r#"{"event":"candidateHired","triggeredAt":"1700000000000","token":"t","signature":"s","data":{}}"#)
            .unwrap_or_default();
        assert!(env.id.is_none());
        assert!(env.is_test_ping());
        assert!(Envelope::parse("{}").is_err());
        assert!(Envelope::parse("not json").is_err());
    }
}
