//! The values the NATS store writes: channel records and delivery records in the bucket
//! (JSON), and events as messages whose payload is the exact body and whose
//! [`EVENT_HEADER`] carries the rest.

use async_nats::HeaderMap;
use serde::{Deserialize, Serialize};

use super::layout::EVENT_HEADER;
use crate::store::records::{ChannelRecord, StoredEvent};
use crate::store::StoreError;

/// A channel as stored in the bucket (`ch.<id>`). The secret itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDoc {
    /// The operator's name (unique).
    pub name: String,
    /// Lowercase hex SHA-256 of the secret.
    pub secret_hash: String,
    /// Creation time, milliseconds since the epoch.
    pub created_ms: u64,
    /// Added to the stream's sequence to make the channel's seq: 0 for a channel made here,
    /// the last seq it had before for one moved from redb (so seqs go on, not back).
    #[serde(default)]
    pub seq_base: u64,
}

/// A channel's delivery record (`ack.<id>`), in stream sequences. Only ever moves forward:
/// every writer merges with what is stored (see `acks.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckDoc {
    /// Everything up to here was acknowledged (and may be purged).
    #[serde(default)]
    pub acked: u64,
    /// Age drops up to here were announced to the app.
    #[serde(default)]
    pub noticed: u64,
    /// When the app last acknowledged something.
    #[serde(default)]
    pub last_delivery_ms: Option<u64>,
    /// Drops brought over from redb by `migrate` and not yet announced.
    #[serde(default)]
    pub carried: u64,
}

impl AckDoc {
    /// Everything up to this stream sequence is gone for a good reason (acked or announced).
    pub fn floor(&self) -> u64 {
        self.acked.max(self.noticed)
    }

    /// The later of two records (a stale writer never moves a record back).
    pub fn merged(&self, other: &AckDoc) -> AckDoc {
        AckDoc {
            acked: self.acked.max(other.acked),
            noticed: self.noticed.max(other.noticed),
            last_delivery_ms: self.last_delivery_ms.max(other.last_delivery_ms),
            carried: self.carried.min(other.carried),
        }
    }
}

impl ChannelDoc {
    /// The record as the admin commands and `channel list` know it.
    pub fn record(&self, ack: &AckDoc, last_seq: u64) -> ChannelRecord {
        ChannelRecord {
            name: self.name.clone(),
            secret_hash: self.secret_hash.clone(),
            created_ms: self.created_ms,
            last_seq,
            acked_seq: self.seq_base + ack.acked,
            last_delivery_ms: ack.last_delivery_ms,
            dropped_unnoticed: 0,
        }
    }
}

/// Everything of a stored event but its body.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    endpoint: String,
    method: String,
    #[serde(default)]
    content_type: Option<String>,
    remote: String,
    received_ms: u64,
}

/// Encodes a record for the bucket.
pub fn to_json<T: Serialize>(value: &T) -> Result<bytes::Bytes, StoreError> {
    serde_json::to_vec(value)
        .map(bytes::Bytes::from)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Decodes a bucket value, naming what could not be read.
pub fn from_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The headers of an event message (the envelope as JSON: escaping keeps it on one line).
pub fn event_headers(event: &StoredEvent, msg_id: &str) -> Result<HeaderMap, StoreError> {
    let envelope = Envelope {
        endpoint: event.endpoint.clone(),
        method: event.method.clone(),
        content_type: event.content_type.clone(),
        remote: event.remote.clone(),
        received_ms: event.received_ms,
    };
    let json = serde_json::to_string(&envelope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut headers = HeaderMap::new();
    headers.insert(EVENT_HEADER, json.as_str());
    headers.insert("Nats-Msg-Id", msg_id);
    Ok(headers)
}

/// Reads an event back from its message, or says why it cannot be read.
pub fn event_from(headers: Option<&HeaderMap>, payload: &[u8]) -> Result<StoredEvent, String> {
    let envelope = headers
        .and_then(|h| h.get(EVENT_HEADER))
        .ok_or_else(|| "the message has no event header".to_string())?;
    let envelope: Envelope = serde_json::from_str(envelope.as_str())
        .map_err(|e| format!("the event header is unreadable: {e}"))?;
    let body = String::from_utf8(payload.to_vec())
        .map_err(|_| "the stored body is not UTF-8".to_string())?;
    Ok(StoredEvent {
        endpoint: envelope.endpoint,
        method: envelope.method,
        content_type: envelope.content_type,
        remote: envelope.remote,
        received_ms: envelope.received_ms,
        body,
    })
}

/// The message id JetStream deduplicates on: Lever's `token` when the body is a JSON object
/// that has one (a webhook Lever posts twice is stored once), else a fresh random id (so
/// the relay's own retries of one post are stored once too).
pub fn message_id(endpoint: &str, body: &str) -> String {
    let token = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("token")?.as_str().map(str::to_string))
        .filter(|t| !t.is_empty() && t.len() <= 256);
    match token {
        Some(t) => format!("lever:{endpoint}:{t}"),
        None => format!("post:{}", crate::credentials::new_secret()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(body: &str) -> StoredEvent {
        StoredEvent {
            endpoint: "stage-change".into(),
            method: "POST".into(),
            content_type: Some("application/json\r\nX: y".into()),
            remote: "127.0.0.1".into(),
            received_ms: 7,
            body: body.into(),
        }
    }

    #[test]
    fn an_event_round_trips_through_headers_and_payload() {
        let e = event("{\"token\":\"t1\"}\n\u{e9}");
        let headers = event_headers(&e, "id").unwrap_or_else(|err| panic!("{err}"));
        let back =
            event_from(Some(&headers), e.body.as_bytes()).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!((back.body, back.content_type), (e.body, e.content_type));
        assert!(event_from(None, b"x").is_err());
        assert!(event_from(Some(&headers), &[0xff]).is_err());
    }

    #[test]
    fn lever_tokens_become_message_ids_and_other_bodies_get_fresh_ones() {
        assert_eq!(
            message_id("stage-change", "{\"token\":\"abc\",\"x\":1}"),
            "lever:stage-change:abc"
        );
        assert_ne!(message_id("e", "{}"), message_id("e", "{}"));
        assert_ne!(message_id("e", "not json"), message_id("e", "not json"));
    }

    #[test]
    fn ack_records_only_move_forward() {
        let a = AckDoc {
            acked: 5,
            noticed: 1,
            last_delivery_ms: Some(3),
            carried: 2,
        };
        let b = AckDoc {
            acked: 3,
            noticed: 4,
            last_delivery_ms: None,
            carried: 0,
        };
        let m = a.merged(&b);
        assert_eq!((m.acked, m.noticed, m.carried, m.floor()), (5, 4, 0, 5));
    }
}
