//! The seat side of the relay's wire (team mode, `docs/relay.md` "Seats"): the bodies of
//! every team request and answer, the paths, and the seat's request signature. Built
//! without the `server` feature, like [`crate::protocol`]: the app links it to talk to the
//! relay, and the relay parses with the same types, so the two cannot drift apart.
//!
//! Every record, command and mailbox message is opaque to the relay (sealed by the app);
//! binary values are base64url without padding, times RFC 3339 UTC.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use serde::{Deserialize, Serialize};

/// The device key type, re-exported so that callers sign with the same crate version.
pub use ed25519_dalek::SigningKey as DeviceKey;

/// The scheme of a seat's `Authorization` header.
pub const SEAT_AUTH_SCHEME: &str = "HirewireSeat";
/// What a seat signs starts with this line: a signature made for anything else never
/// passes as a seat request.
pub const SEAT_AUTH_CONTEXT: &str = "hirewire-seat-auth-v1";
/// How far a seat's clock may be from the relay's.
pub const SEAT_AUTH_SKEW_MS: u64 = 5 * 60 * 1000;

/// Most records a log read returns (also the default `limit`).
pub const LOG_READ_CAP: usize = 1000;
/// Longest `wait` a read may ask for, in milliseconds.
pub const WAIT_CAP_MS: u64 = 30_000;
/// Most a pairing mailbox may live.
pub const MAILBOX_MAX_TTL_SECS: u64 = 7 * 24 * 3600;
/// Largest message in a pairing mailbox (decoded bytes).
pub const MAILBOX_MAX_MESSAGE: usize = 4 * 1024;
/// Most messages one side may post to a mailbox.
pub const MAILBOX_MAX_MESSAGES: usize = 8;
/// Largest team request body (a log append of many records), in bytes of JSON.
pub const MAX_TEAM_REQUEST: usize = 8 * 1024 * 1024;

/// What a device may do; the relay only keeps it (the engine enforces it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeatRole {
    /// Sees the team log and sends commands.
    Member,
    /// Sees the team log only.
    Viewer,
}

/// Which side of a pairing mailbox a message was posted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailboxSide {
    /// The engine (the inviting profile).
    Engine,
    /// The joining device.
    Seat,
}

impl MailboxSide {
    /// The path segment of this side.
    pub fn as_str(self) -> &'static str {
        match self {
            MailboxSide::Engine => "engine",
            MailboxSide::Seat => "seat",
        }
    }

    /// Parses a path segment.
    pub fn parse(s: &str) -> Option<MailboxSide> {
        match s {
            "engine" => Some(MailboxSide::Engine),
            "seat" => Some(MailboxSide::Seat),
            _ => None,
        }
    }
}

/// `PUT …/team/devices/{device}`: registers or updates a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicePut {
    /// The device's Ed25519 public key, base64url (32 bytes).
    pub key: String,
    /// What it may do.
    pub role: SeatRole,
}

/// One device as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device id.
    pub device: String,
    /// Its public key, base64url.
    pub key: String,
    /// Its role.
    pub role: SeatRole,
    /// When the engine registered it (RFC 3339).
    pub added_at: String,
    /// When it last made an authenticated request (RFC 3339), if ever.
    pub last_seen: Option<String>,
}

/// `GET …/team/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    /// Every registered device.
    pub devices: Vec<DeviceInfo>,
}

/// `POST …/team/log`: appends records at position `expect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogAppend {
    /// The position the first record must get (the log's next position).
    pub expect: u64,
    /// The sealed records, base64url.
    pub records: Vec<String>,
}

/// `200` to a log append: the records got `first..next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogAppended {
    /// Position of the first record appended.
    pub first: u64,
    /// The log's next position after the append.
    pub next: u64,
}

/// `409` to a log append: the log's next position is not `expect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConflict {
    /// The log's actual next position.
    pub next: u64,
}

/// `POST …/team/log/compact`: drops records before `before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogCompact {
    /// The first position to keep.
    pub before: u64,
}

/// One record of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Its position (from 1, no gaps).
    pub pos: u64,
    /// The sealed record, base64url.
    pub body: String,
}

/// Whether the engine is connected, and when it was last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineStatus {
    /// The engine's stream is open now.
    pub connected: bool,
    /// When the engine's stream was last open (RFC 3339), if ever.
    pub last_seen: Option<String>,
}

/// `GET …/team/log?after=P&limit=N&wait=MS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    /// Records after `P`, oldest first.
    pub records: Vec<LogRecord>,
    /// The oldest position kept (records before it were compacted away).
    pub first: u64,
    /// The log's next position.
    pub next: u64,
    /// The engine's status.
    pub engine: EngineStatus,
}

/// `POST …/team/commands`: a seat's sealed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandPost {
    /// The sealed command, base64url.
    pub body: String,
}

/// `200` to a command post: it is queued durably.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandQueued {
    /// Its seq in the channel's command queue.
    pub seq: u64,
}

/// One queued command as the engine reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCommand {
    /// Its seq.
    pub seq: u64,
    /// The device that sent it (authenticated by the relay).
    pub device: String,
    /// When the relay received it (RFC 3339).
    pub received_at: String,
    /// The sealed command, base64url.
    pub body: String,
}

/// `GET …/team/commands?after=S&wait=MS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandPage {
    /// Commands after `S`, in order.
    pub commands: Vec<QueuedCommand>,
}

/// `POST …/team/commands/ack`: every command up to `seq` is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandAck {
    /// The last command done.
    pub seq: u64,
}

/// `PUT …/team/mailboxes/{mailbox}`: opens a pairing mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxOpen {
    /// Seconds until it expires (at most [`MAILBOX_MAX_TTL_SECS`]).
    pub ttl_secs: u64,
}

/// `POST …/team/mailboxes/{mailbox}/{side}`: one pairing message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxPost {
    /// The message, base64url (at most [`MAILBOX_MAX_MESSAGE`] bytes decoded).
    pub body: String,
}

/// `200` to a mailbox post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxPosted {
    /// The message's number on its side (from 1).
    pub n: u64,
}

/// One mailbox message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMessage {
    /// Its number on its side.
    pub n: u64,
    /// The message, base64url.
    pub body: String,
}

/// `GET …/team/mailboxes/{mailbox}/{side}?after=N&wait=MS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxPage {
    /// What that side posted after `N`.
    pub messages: Vec<MailboxMessage>,
}

/// The body of every team refusal: `{"ok":false,"error":…}`, as the intake's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRefusal {
    /// Always false.
    pub ok: bool,
    /// What went wrong, in words.
    pub error: String,
}

/// Whether `id` may name a device or a mailbox: `[A-Za-z0-9_-]{1,64}` (base64url ids).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Encodes bytes as the wire does (base64url, no padding).
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a wire binary value; `None` when it is not base64url without padding.
pub fn unb64(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// `/v1/channels/{ch}/team/devices`
pub fn devices_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/team/devices")
}
/// `/v1/channels/{ch}/team/devices/{device}`
pub fn device_path(channel: &str, device: &str) -> String {
    format!("/v1/channels/{channel}/team/devices/{device}")
}
/// `/v1/channels/{ch}/team/log`
pub fn log_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/team/log")
}
/// `/v1/channels/{ch}/team/log/compact`
pub fn log_compact_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/team/log/compact")
}
/// `/v1/channels/{ch}/team/commands`
pub fn commands_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/team/commands")
}
/// `/v1/channels/{ch}/team/commands/ack`
pub fn commands_ack_path(channel: &str) -> String {
    format!("/v1/channels/{channel}/team/commands/ack")
}
/// `/v1/channels/{ch}/team/mailboxes/{mailbox}`
pub fn mailbox_path(channel: &str, mailbox: &str) -> String {
    format!("/v1/channels/{channel}/team/mailboxes/{mailbox}")
}
/// `/v1/channels/{ch}/team/mailboxes/{mailbox}/{side}`
pub fn mailbox_side_path(channel: &str, mailbox: &str, side: MailboxSide) -> String {
    format!(
        "/v1/channels/{channel}/team/mailboxes/{mailbox}/{}",
        side.as_str()
    )
}

/// What a seat signs for one request.
fn signed_text(channel: &str, device: &str, unix_ms: u64, method: &str, path: &str) -> String {
    format!("{SEAT_AUTH_CONTEXT}\n{channel}\n{device}\n{unix_ms}\n{method}\n{path}")
}

/// The `Authorization` header value of a seat's request: `HirewireSeat
/// DEVICE.UNIX_MS.SIG`. `path` is the request's path without the query.
pub fn seat_auth_header(
    channel: &str,
    device: &str,
    key: &SigningKey,
    method: &str,
    path: &str,
    unix_ms: u64,
) -> String {
    let sig = key.sign(signed_text(channel, device, unix_ms, method, path).as_bytes());
    format!(
        "{SEAT_AUTH_SCHEME} {device}.{unix_ms}.{}",
        b64(&sig.to_bytes())
    )
}

/// Why a seat's request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatAuthError {
    /// Not `HirewireSeat DEVICE.UNIX_MS.SIG` with a valid device id, time and signature
    /// encoding.
    Malformed,
    /// The device is not registered on this channel (or was revoked).
    UnknownDevice(String),
    /// The signature does not verify with the device's key.
    BadSignature,
    /// The signed time is more than 5 minutes away from the relay's clock.
    Stale {
        /// How far off, in milliseconds.
        skew_ms: u64,
    },
}

impl std::fmt::Display for SeatAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeatAuthError::Malformed => f.write_str(
                "the seat credential is malformed (expected `HirewireSeat DEVICE.UNIX_MS.SIG`)",
            ),
            SeatAuthError::UnknownDevice(_) => f.write_str(
                "this device is not a member of the team (unknown or removed); ask the owner to invite it again",
            ),
            SeatAuthError::BadSignature => {
                f.write_str("the seat credential's signature does not verify")
            }
            SeatAuthError::Stale { skew_ms } => write!(
                f,
                "the seat credential's time is {}s away from the relay's clock (at most 300 s allowed); check this computer's clock",
                skew_ms / 1000
            ),
        }
    }
}

impl std::error::Error for SeatAuthError {}

/// Splits a seat header into its device, time and signature, or `None` when it is not
/// one (any scheme but `HirewireSeat`, a bad id, time or signature encoding).
pub fn parse_seat_auth(header: &str) -> Option<(&str, u64, [u8; 64])> {
    let rest = header.strip_prefix(SEAT_AUTH_SCHEME)?.strip_prefix(' ')?;
    let mut parts = rest.split('.');
    let (device, ms, sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !valid_id(device) {
        return None;
    }
    if ms.is_empty() || ms.len() > 20 || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms: u64 = ms.parse().ok()?;
    if sig.len() != 86 {
        return None;
    }
    let sig: [u8; 64] = unb64(sig)?.try_into().ok()?;
    Some((device, ms, sig))
}

/// Checks a seat's `Authorization` header for a request `method path` on `channel`:
/// returns the device id, or why not. `key_of` gives a registered (not revoked) device's
/// public key.
pub fn verify_seat_auth(
    header: &str,
    channel: &str,
    method: &str,
    path: &str,
    now_ms: u64,
    key_of: impl Fn(&str) -> Option<[u8; 32]>,
) -> Result<String, SeatAuthError> {
    let (device, unix_ms, sig) = parse_seat_auth(header).ok_or(SeatAuthError::Malformed)?;
    let skew_ms = now_ms.abs_diff(unix_ms);
    if skew_ms > SEAT_AUTH_SKEW_MS {
        return Err(SeatAuthError::Stale { skew_ms });
    }
    let key = key_of(device).ok_or_else(|| SeatAuthError::UnknownDevice(device.to_string()))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SeatAuthError::BadSignature)?;
    let text = signed_text(channel, device, unix_ms, method, path);
    key.verify(text.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| SeatAuthError::BadSignature)?;
    Ok(device.to_string())
}

/// A device's public key from the wire (`DevicePut::key`), or `None` when it is not 32
/// bytes of base64url forming an Ed25519 point.
pub fn parse_device_key(key: &str) -> Option<[u8; 32]> {
    let bytes: [u8; 32] = unb64(key)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&rand::random())
    }

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn a_signed_request_verifies_and_names_its_device() {
        let k = key();
        let public = k.verifying_key().to_bytes();
        let h = seat_auth_header("ch1", "dev-1", &k, "GET", "/v1/channels/ch1/team/log", NOW);
        let got = verify_seat_auth(&h, "ch1", "GET", "/v1/channels/ch1/team/log", NOW, |d| {
            (d == "dev-1").then_some(public)
        });
        assert_eq!(got, Ok("dev-1".to_string()));
    }

    #[test]
    fn every_signed_field_is_bound() {
        let k = key();
        let public = k.verifying_key().to_bytes();
        let h = seat_auth_header("ch1", "dev-1", &k, "POST", "/p", NOW);
        let check =
            |ch: &str, m: &str, p: &str| verify_seat_auth(&h, ch, m, p, NOW, |_| Some(public));
        assert_eq!(check("ch2", "POST", "/p"), Err(SeatAuthError::BadSignature));
        assert_eq!(check("ch1", "GET", "/p"), Err(SeatAuthError::BadSignature));
        assert_eq!(check("ch1", "POST", "/q"), Err(SeatAuthError::BadSignature));
        let other = key().verifying_key().to_bytes();
        assert_eq!(
            verify_seat_auth(&h, "ch1", "POST", "/p", NOW, |_| Some(other)),
            Err(SeatAuthError::BadSignature)
        );
        // Another time in the header (the signature was over NOW).
        let moved = h.replace(&format!(".{NOW}."), &format!(".{}.", NOW + 1));
        assert_eq!(
            verify_seat_auth(&moved, "ch1", "POST", "/p", NOW, |_| Some(public)),
            Err(SeatAuthError::BadSignature)
        );
    }

    #[test]
    fn a_time_over_five_minutes_away_is_stale_and_an_unknown_device_is_named() {
        let k = key();
        let public = k.verifying_key().to_bytes();
        let old = seat_auth_header("c", "d", &k, "GET", "/p", NOW - SEAT_AUTH_SKEW_MS - 1);
        assert!(matches!(
            verify_seat_auth(&old, "c", "GET", "/p", NOW, |_| Some(public)),
            Err(SeatAuthError::Stale { .. })
        ));
        let ahead = seat_auth_header("c", "d", &k, "GET", "/p", NOW + SEAT_AUTH_SKEW_MS);
        assert!(verify_seat_auth(&ahead, "c", "GET", "/p", NOW, |_| Some(public)).is_ok());
        let fine = seat_auth_header("c", "d", &k, "GET", "/p", NOW);
        assert_eq!(
            verify_seat_auth(&fine, "c", "GET", "/p", NOW, |_| None),
            Err(SeatAuthError::UnknownDevice("d".into()))
        );
    }

    #[test]
    fn device_keys_must_be_32_bytes_of_base64url() {
        let k = key().verifying_key().to_bytes();
        assert_eq!(parse_device_key(&b64(&k)), Some(k));
        assert_eq!(parse_device_key(&b64(&k[..31])), None);
        assert_eq!(parse_device_key("not base64!"), None);
        assert_eq!(parse_device_key(&format!("{}=", b64(&k))), None);
    }

    #[test]
    fn bodies_refuse_unknown_fields_and_wrong_roles() {
        assert!(serde_json::from_str::<DevicePut>(r#"{"key":"a","role":"owner"}"#).is_err());
        assert!(serde_json::from_str::<LogAppend>(r#"{"expect":1,"records":[],"x":1}"#).is_err());
        assert!(serde_json::from_str::<LogAppend>(r#"{"expect":-1,"records":[]}"#).is_err());
        let ok: DevicePut = serde_json::from_str(r#"{"key":"a","role":"viewer"}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.role, SeatRole::Viewer);
    }

    proptest! {
        #[test]
        fn any_header_is_parsed_or_refused_without_a_panic(s in ".{0,200}") {
            let _ = parse_seat_auth(&s);
            let r = verify_seat_auth(&s, "c", "GET", "/p", NOW, |_| Some([7u8; 32]));
            prop_assert!(r.is_err());
        }

        #[test]
        fn a_header_shaped_string_never_passes_without_the_key(
            device in "[A-Za-z0-9_-]{1,64}",
            ms in any::<u64>(),
            sig in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            let h = format!("{SEAT_AUTH_SCHEME} {device}.{ms}.{}", b64(&sig));
            let public = key().verifying_key().to_bytes();
            prop_assert!(verify_seat_auth(&h, "c", "GET", "/p", ms, |_| Some(public)).is_err());
        }

        #[test]
        fn one_changed_character_is_refused(i in 0usize..200, c in proptest::char::range('!', '~')) {
            let k = key();
            let public = k.verifying_key().to_bytes();
            let h = seat_auth_header("c", "dev", &k, "GET", "/p", NOW);
            let i = i % h.len();
            prop_assume!(h.as_bytes()[i] as char != c);
            let mut changed = h.clone().into_bytes();
            changed[i] = c as u8;
            let changed = String::from_utf8(changed).unwrap_or_default();
            prop_assert!(verify_seat_auth(&changed, "c", "GET", "/p", NOW, |d| (d == "dev").then_some(public)).is_err());
        }

        #[test]
        fn any_json_is_parsed_or_refused_without_a_panic(s in ".{0,300}") {
            let _ = serde_json::from_str::<DevicePut>(&s);
            let _ = serde_json::from_str::<LogAppend>(&s);
            let _ = serde_json::from_str::<LogCompact>(&s);
            let _ = serde_json::from_str::<CommandPost>(&s);
            let _ = serde_json::from_str::<CommandAck>(&s);
            let _ = serde_json::from_str::<MailboxOpen>(&s);
            let _ = serde_json::from_str::<MailboxPost>(&s);
            let _ = parse_device_key(&s);
            let _ = unb64(&s);
        }
    }
}
