//! The wire contract between the relay and the app: stream frames, the connection code,
//! paths and timing constants. Both sides import this module; it needs only serde and
//! base64, so the app links it without the server (`default-features = false`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// WebSocket close code sent to a stream that a newer stream on the same channel replaced.
pub const CLOSE_REPLACED: u16 = 4001;
/// WebSocket close code for a frame the relay could not understand (garbage, bad ack).
pub const CLOSE_BAD_FRAME: u16 = 4002;
/// WebSocket close code sent when the channel's secret was rotated: the stream was opened
/// with a secret that no longer works.
pub const CLOSE_SECRET_ROTATED: u16 = 4003;
/// WebSocket close code sent when the channel was removed while its stream was open.
pub const CLOSE_CHANNEL_REMOVED: u16 = 4004;
/// WebSocket close code sent when the relay cannot read its store for this stream; the
/// app reconnects (its backoff applies) and the events wait, stored, meanwhile.
pub const CLOSE_STORE: u16 = 4005;

/// How often the relay pings an open stream: often enough that NAT boxes keep the mapping.
pub const PING_INTERVAL: Duration = Duration::from_secs(20);
/// A peer silent for this long is gone (three missed pings).
pub const PEER_TIMEOUT: Duration = Duration::from_secs(60);
/// Cap of the app's reconnect backoff: a relay that comes back is found within a minute.
pub const RECONNECT_CAP: Duration = Duration::from_secs(60);
/// Largest text frame either side accepts from the other's *client* side (acks are tiny).
pub const MAX_CLIENT_FRAME: usize = 64 * 1024;

/// The prefix of every connection code; the digit versions its JSON payload.
pub const CODE_PREFIX: &str = "hwr1:";

/// A frame the relay sends to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerFrame {
    /// First frame of every stream.
    Welcome {
        /// The channel id.
        channel: String,
        /// Events waiting for this channel when the stream opened.
        pending: u64,
        /// The relay's version, for the app's diagnostics.
        relay_version: String,
    },
    /// One stored webhook.
    Event(EventFrame),
    /// Events were dropped unacknowledged (age limit) or could not be read, so that no
    /// loss is silent.
    Notice {
        /// How many events were dropped.
        dropped: u64,
        /// Why, in words.
        reason: String,
        /// The seqs concerned, when the relay knows them (unreadable records).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        seqs: Vec<u64>,
    },
}

/// A webhook as the relay received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFrame {
    /// Position in the channel, strictly increasing.
    pub seq: u64,
    /// The `{endpoint}` path segment it was posted to.
    pub endpoint: String,
    /// `POST` or `PATCH`.
    pub method: String,
    /// The relay's receipt time, RFC 3339 UTC with milliseconds.
    pub received_at: String,
    /// The request's `Content-Type`, if it had one.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The exact body.
    pub body: String,
}

/// A frame the app sends to the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ClientFrame {
    /// Everything up to and including `seq` is durably stored on the app's side.
    Ack {
        /// The highest sequence number the app has committed.
        seq: u64,
    },
}

/// What the user pastes into the app: where the relay is and how to open the channel.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectCode {
    /// The relay's public base URL, e.g. `https://relay.example.com`.
    pub url: String,
    /// The channel id.
    pub channel: String,
    /// The channel secret (a bearer token for the stream).
    pub secret: String,
}

impl std::fmt::Debug for ConnectCode {
    // The secret must never reach a log line, even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectCode")
            .field("url", &self.url)
            .field("channel", &self.channel)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// Why a connection code could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// It does not start with `hwr1:`.
    Prefix,
    /// The part after the prefix is not base64url of a JSON object with url, channel, secret.
    Payload,
    /// The URL is not http(s), or the channel or secret is empty.
    Fields,
}

impl std::fmt::Display for CodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CodeError::Prefix => "this is not a Hirewire connection code (it should start with \"hwr1:\"); copy the whole code that `hirewire-relay channel add` printed",
            CodeError::Payload => "the connection code is damaged or incomplete; copy it again, in one piece",
            CodeError::Fields => "the connection code lacks a relay URL, channel or secret; create a new one with `hirewire-relay channel add`",
        })
    }
}

impl std::error::Error for CodeError {}

impl ConnectCode {
    /// The code as one pasteable string: `hwr1:` + base64url(JSON).
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a code, tolerating surrounding whitespace and a trailing newline.
    pub fn decode(code: &str) -> Result<Self, CodeError> {
        let rest = code
            .trim()
            .strip_prefix(CODE_PREFIX)
            .ok_or(CodeError::Prefix)?;
        let json = URL_SAFE_NO_PAD
            .decode(rest.trim_end_matches('='))
            .map_err(|_| CodeError::Payload)?;
        let code: ConnectCode = serde_json::from_slice(&json).map_err(|_| CodeError::Payload)?;
        let url_ok = code.url.starts_with("http://") || code.url.starts_with("https://");
        if !url_ok || code.channel.is_empty() || code.secret.is_empty() {
            return Err(CodeError::Fields);
        }
        Ok(code)
    }

    /// The public URL Lever posts an endpoint's webhooks to.
    pub fn hook_url(&self, endpoint: &str) -> String {
        format!(
            "{}{}",
            self.url.trim_end_matches('/'),
            hook_path(&self.channel, endpoint)
        )
    }

    /// The WebSocket URL of the channel's stream.
    pub fn stream_url(&self) -> String {
        let base = self.url.trim_end_matches('/');
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            format!("ws://{}", base.trim_start_matches("http://"))
        };
        format!("{ws}{}", stream_path(&self.channel))
    }
}

/// Path of the intake for one channel and endpoint.
pub fn hook_path(channel: &str, endpoint: &str) -> String {
    format!("/hooks/{channel}/{endpoint}")
}

/// Path of a channel's stream.
pub fn stream_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/stream")
}

/// Whether `name` is a valid endpoint: `[a-z0-9-]{1,64}`.
pub fn valid_endpoint(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_round_trips_and_hides_its_secret_in_debug() {
        let code = ConnectCode {
            url: "https://relay.example.com/".into(),
            channel: "abc".into(),
            secret: "s3cret".into(),
        };
        let text = code.encode();
        assert!(text.starts_with("hwr1:"));
        assert_eq!(
            ConnectCode::decode(&format!("  {text}\n")),
            Ok(code.clone())
        );
        assert!(!format!("{code:?}").contains("s3cret"));
        assert_eq!(
            code.stream_url(),
            "wss://relay.example.com/v1/channels/abc/stream"
        );
        assert_eq!(
            code.hook_url("stage-change"),
            "https://relay.example.com/hooks/abc/stage-change"
        );
    }

    #[test]
    fn bad_codes_say_what_is_wrong() {
        assert_eq!(ConnectCode::decode("hello"), Err(CodeError::Prefix));
        assert_eq!(ConnectCode::decode("hwr1:!!!"), Err(CodeError::Payload));
        let no_url = URL_SAFE_NO_PAD.encode(br#"{"url":"ftp://x","channel":"c","secret":"s"}"#);
        assert_eq!(
            ConnectCode::decode(&format!("hwr1:{no_url}")),
            Err(CodeError::Fields)
        );
    }

    #[test]
    fn frames_use_the_documented_json_shape() {
        let f = ServerFrame::Event(EventFrame {
            seq: 7,
            endpoint: "candidate-hired".into(),
            method: "POST".into(),
            received_at: "2026-01-02T03:04:05.678Z".into(),
            content_type: Some("application/json".into()),
            body: "{}".into(),
        });
        let v: serde_json::Value = serde_json::to_value(&f).unwrap_or_default();
        assert_eq!(v["type"], "event");
        assert_eq!(v["seq"], 7);
        let ack: ClientFrame = serde_json::from_str(r#"{"type":"ack","seq":9}"#)
            .unwrap_or(ClientFrame::Ack { seq: 0 });
        assert_eq!(ack, ClientFrame::Ack { seq: 9 });
    }

    #[test]
    fn endpoint_names_follow_the_pattern() {
        assert!(valid_endpoint("candidate-hired"));
        assert!(!valid_endpoint(""));
        assert!(!valid_endpoint("Candidate"));
        assert!(!valid_endpoint(&"a".repeat(65)));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_is_a_code_or_a_typed_error(text in ".{0,200}") {
                let _ = ConnectCode::decode(&text);
            }

            #[test]
            fn any_base64_payload_is_a_code_or_a_typed_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
                let text = format!("{CODE_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
                if let Ok(code) = ConnectCode::decode(&text) {
                    prop_assert!(code.url.starts_with("http"));
                    prop_assert!(!code.channel.is_empty() && !code.secret.is_empty());
                }
            }

            #[test]
            fn codes_round_trip(url in "https?://[a-z0-9.:-]{1,40}", channel in "[A-Za-z0-9]{1,30}", secret in "[A-Za-z0-9]{1,60}") {
                let code = ConnectCode { url, channel, secret };
                prop_assert_eq!(ConnectCode::decode(&code.encode()), Ok(code));
            }

            #[test]
            fn any_client_frame_text_parses_or_is_refused(text in ".{0,200}") {
                let _ = serde_json::from_str::<ClientFrame>(&text);
            }

            #[test]
            fn ack_frames_parse_whatever_the_number(seq in any::<u64>(), extra in "[a-z]{0,8}") {
                let text = format!(r#"{{"type":"ack","seq":{seq},"{extra}x":1}}"#);
                prop_assert_eq!(serde_json::from_str::<ClientFrame>(&text).ok(), Some(ClientFrame::Ack { seq }));
            }

            #[test]
            fn any_server_frame_text_parses_or_is_refused(text in ".{0,300}") {
                let _ = serde_json::from_str::<ServerFrame>(&text);
            }

            #[test]
            fn endpoint_check_never_panics(name in ".{0,80}") {
                let ok = valid_endpoint(&name);
                prop_assert_eq!(ok, !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }
}
