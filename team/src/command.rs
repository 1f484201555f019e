//! Members' commands (Approve, Dismiss, Retry, Catch up), sealed under the epoch's team key
//! and signed by the sending device:
//! `"HWC1" | epoch u32 | device id 16 | nonce 24 | XChaCha20-Poly1305(device signature 64 | JSON body)`.
//! The engine opens them; the relay only sees the header (epoch and sender).

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::frame::{self, NONCE, SIG, TAG};
use crate::keys::{b64, b64_fixed, DeviceId, Epochs, TeamKey};

const MAGIC: &[u8; 4] = b"HWC1";
const AAD: &[u8] = b"hirewire-cmd-v1";
const SIG_LABEL: &[u8] = b"hirewire-cmd-sig-v1";
/// magic + epoch + device id.
const HEADER: usize = 4 + 4 + 16;

/// The largest sealed command accepted: the relay's `--max-command` (64 KiB).
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;

/// Why a command was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// Not a command, cut short, too large, or a body that is not the expected JSON.
    #[error("the command is malformed: {0}")]
    Malformed(String),
    /// Sealed under an earlier team key: sent before a member was removed.
    #[error("the command was sealed under team key {epoch}, but the team is at key {current}; send it again")]
    OldEpoch {
        /// The command's epoch.
        epoch: u32,
        /// The engine's current epoch.
        current: u32,
    },
    /// Sealed under an epoch the engine does not hold (a later one than its current).
    #[error("the command was sealed under team key {0}, which the engine does not hold")]
    UnknownEpoch(u32),
    /// The sender is not in the member list (or was removed).
    #[error("the command comes from a device that is not a member of the team")]
    UnknownDevice,
    /// The signature is not the named device's.
    #[error("the command's signature is not the sending device's")]
    BadSignature,
    /// The AEAD refused it: altered, or sealed for another channel or sender.
    #[error("the command was altered on the way")]
    Tampered,
}

/// What a member asks the engine to do.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Approve a proposal.
    Approve,
    /// Dismiss a proposal.
    Dismiss,
    /// Retry a failed entry.
    Retry,
    /// Catch up on missed events.
    CatchUp,
}

/// A command's JSON body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommandBody {
    /// 16 random bytes, base64url: the engine does a command id once, however often it
    /// arrives.
    pub id: String,
    /// What to do.
    pub action: Action,
    /// The history entry it is about, if any.
    pub entry: Option<u64>,
    /// The proposal as the member saw it, if any.
    pub proposal: Option<serde_json::Value>,
    /// When the member sent it (unix ms, the member's clock).
    pub sent_at: u64,
}

impl CommandBody {
    /// A new command with a fresh random id.
    pub fn new(
        action: Action,
        entry: Option<u64>,
        proposal: Option<serde_json::Value>,
        now_ms: u64,
    ) -> Self {
        let id: [u8; 16] = rand::random();
        CommandBody {
            id: b64(&id),
            action,
            entry,
            proposal,
            sent_at: now_ms,
        }
    }
}

/// `label | len | channel | epoch | device`.
fn bound(label: &[u8], channel: &str, epoch: u32, device: &DeviceId) -> Vec<u8> {
    let mut m = frame::context(label, channel);
    m.extend_from_slice(&epoch.to_be_bytes());
    m.extend_from_slice(device);
    m
}

/// Seals and signs `body` as `device` under `key`.
pub fn seal_command(
    channel: &str,
    key: &TeamKey,
    device: &DeviceId,
    signer: &SigningKey,
    body: &CommandBody,
) -> Vec<u8> {
    // A struct of strings, numbers and a JSON value always serializes.
    let json = serde_json::to_vec(body).expect("a command body serializes to JSON");
    let mut signed = bound(SIG_LABEL, channel, key.epoch, device);
    signed.extend_from_slice(&json);
    let sig = signer.sign(&signed).to_bytes();

    let mut plain = Vec::with_capacity(SIG + json.len());
    plain.extend_from_slice(&sig);
    plain.extend_from_slice(&json);

    let aad = bound(AAD, channel, key.epoch, device);
    let mut out = Vec::with_capacity(HEADER + NONCE + TAG + plain.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.epoch.to_be_bytes());
    out.extend_from_slice(device);
    out.extend_from_slice(&frame::seal(key.bytes(), &aad, &plain));
    out
}

/// Reads a command's header only (epoch and sending device), without opening it.
pub fn peek_command(bytes: &[u8]) -> Result<(u32, DeviceId), CommandError> {
    if bytes.len() < HEADER + NONCE + TAG + SIG {
        return Err(CommandError::Malformed("cut short".into()));
    }
    if &bytes[..4] != MAGIC {
        return Err(CommandError::Malformed("not a team command".into()));
    }
    let mut device = [0u8; 16];
    device.copy_from_slice(&bytes[8..HEADER]);
    Ok((frame::u32_at(bytes, 4), device))
}

/// Opens a command for the engine: refuses it unless it is under `current_epoch`, from a
/// device `device_key` knows (returning its Ed25519 public key), unaltered, signed by that
/// device, and a well-formed body.
pub fn open_command(
    channel: &str,
    epochs: &Epochs,
    current_epoch: u32,
    device_key: impl Fn(&DeviceId) -> Option<[u8; 32]>,
    bytes: &[u8],
) -> Result<(DeviceId, CommandBody), CommandError> {
    if bytes.len() > MAX_COMMAND_BYTES {
        return Err(CommandError::Malformed("larger than 64 KiB".into()));
    }
    let (epoch, device) = peek_command(bytes)?;
    if epoch < current_epoch {
        return Err(CommandError::OldEpoch {
            epoch,
            current: current_epoch,
        });
    }
    let key = match epochs.get(epoch) {
        Some(k) if epoch == current_epoch => k,
        _ => return Err(CommandError::UnknownEpoch(epoch)),
    };
    let public = device_key(&device).ok_or(CommandError::UnknownDevice)?;

    let aad = bound(AAD, channel, epoch, &device);
    let mut plain =
        frame::open(key.bytes(), &aad, &bytes[HEADER..]).ok_or(CommandError::Tampered)?;
    if plain.len() < SIG {
        return Err(CommandError::Malformed("cut short".into()));
    }
    let json = plain.split_off(SIG);
    let mut signed = bound(SIG_LABEL, channel, epoch, &device);
    signed.extend_from_slice(&json);
    let public = VerifyingKey::from_bytes(&public).map_err(|_| CommandError::BadSignature)?;
    let sig = Signature::from_slice(&plain).map_err(|_| CommandError::BadSignature)?;
    public
        .verify_strict(&signed, &sig)
        .map_err(|_| CommandError::BadSignature)?;

    let body: CommandBody = serde_json::from_slice(&json)
        .map_err(|e| CommandError::Malformed(format!("body is not a command: {e}")))?;
    if b64_fixed::<16>(&body.id).is_none() {
        return Err(CommandError::Malformed(
            "command id is not 16 bytes of base64url".into(),
        ));
    }
    Ok((device, body))
}
