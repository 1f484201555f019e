//! The team log's records, written by the engine and read by every member.
//!
//! - body record: `"HWL1" | epoch u32 | nonce 24 | XChaCha20-Poly1305(engine signature 64 | body)`
//! - epoch record: `"HWE1" | epoch u32 | engine signature 64 | age ciphertext of the new key`
//!
//! The channel and the record's position are bound into the associated data and the
//! signatures, so the relay cannot move, reorder or replay a record, and a member who holds
//! the team key still cannot write one in the engine's name.

use std::io::Write;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::frame::{self, NONCE, SIG, TAG};
use crate::keys::{DeviceKeys, Epochs, TeamKey};

const LOG_MAGIC: &[u8; 4] = b"HWL1";
const EPOCH_MAGIC: &[u8; 4] = b"HWE1";
const LOG_AAD: &[u8] = b"hirewire-log-v1";
const LOG_SIG: &[u8] = b"hirewire-log-sig-v1";
const EPOCH_SIG: &[u8] = b"hirewire-epoch-v1";
/// magic + epoch.
const HEADER: usize = 8;

/// Why a log record was refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Shorter than its format.
    #[error("the team log record is cut short")]
    Truncated,
    /// Not a record this version knows.
    #[error("the team log record is in a format this version does not know; update Hirewire")]
    UnknownFormat,
    /// Sealed under an epoch's key this device does not hold (for example, written after
    /// this device was removed from the team).
    #[error("the team log record is sealed under team key {0}, which this device does not hold")]
    UnknownEpoch(u32),
    /// An epoch record whose new key was not sealed to this device.
    #[error("this device is not among those the new team key was sealed to (it was removed from the team)")]
    NotForMe,
    /// The AEAD refused it: altered, or read at another position or channel.
    #[error("the team log record was altered or moved (it does not open at this position)")]
    Tampered,
    /// The engine's signature does not verify.
    #[error("the team log record is not signed by this team's engine")]
    BadSignature,
    /// `seal_epoch` was given no recipient.
    #[error("a new team key needs at least one device to seal it to")]
    NoRecipients,
    /// `seal_epoch` was given something that is not an age X25519 recipient.
    #[error("{0:?} is not a device's age recipient (age1…)")]
    BadRecipient(String),
}

/// `label | len | channel | epoch | pos`.
fn bound(label: &[u8], channel: &str, epoch: u32, pos: u64) -> Vec<u8> {
    let mut m = frame::context(label, channel);
    m.extend_from_slice(&epoch.to_be_bytes());
    m.extend_from_slice(&pos.to_be_bytes());
    m
}

/// Seals and signs a body record for position `pos` of `channel`'s log under `key`.
pub fn seal_record(
    channel: &str,
    pos: u64,
    key: &TeamKey,
    engine: &SigningKey,
    body: &[u8],
) -> Vec<u8> {
    let mut signed = bound(LOG_SIG, channel, key.epoch, pos);
    signed.extend_from_slice(body);
    let sig = engine.sign(&signed).to_bytes();

    let mut plain = Zeroizing::new(Vec::with_capacity(SIG + body.len()));
    plain.extend_from_slice(&sig);
    plain.extend_from_slice(body);

    let aad = bound(LOG_AAD, channel, key.epoch, pos);
    let mut out = Vec::with_capacity(HEADER + NONCE + TAG + plain.len());
    out.extend_from_slice(LOG_MAGIC);
    out.extend_from_slice(&key.epoch.to_be_bytes());
    out.extend_from_slice(&frame::seal(key.bytes(), &aad, &plain));
    out
}

/// Writes an epoch record for position `pos`: `new`'s key sealed with age to each of
/// `recipients` (`age1…`), signed by the engine.
pub fn seal_epoch(
    channel: &str,
    pos: u64,
    new: &TeamKey,
    engine: &SigningKey,
    recipients: &[String],
) -> Result<Vec<u8>, RecordError> {
    if recipients.is_empty() {
        return Err(RecordError::NoRecipients);
    }
    let parsed = recipients
        .iter()
        .map(|r| {
            age::x25519::Recipient::from_str(r.trim())
                .map_err(|_| RecordError::BadRecipient(r.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| RecordError::BadRecipient(e.to_string()))?;
    let mut sealed = Vec::new();
    // Writing to a Vec cannot fail; an error here would be age's own bug.
    let written = encryptor.wrap_output(&mut sealed).and_then(|mut w| {
        w.write_all(new.bytes())?;
        w.finish()
    });
    if let Err(e) = written {
        return Err(RecordError::BadRecipient(e.to_string()));
    }

    let mut signed = bound(EPOCH_SIG, channel, new.epoch, pos);
    signed.extend_from_slice(&sealed);
    let sig = engine.sign(&signed).to_bytes();

    let mut out = Vec::with_capacity(HEADER + SIG + sealed.len());
    out.extend_from_slice(EPOCH_MAGIC);
    out.extend_from_slice(&new.epoch.to_be_bytes());
    out.extend_from_slice(&sig);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// What a record held.
#[derive(Debug)]
pub enum Opened {
    /// A body the engine wrote under `epoch`.
    Body {
        /// The epoch whose key sealed it.
        epoch: u32,
        /// The body, as given to [`seal_record`].
        body: Vec<u8>,
    },
    /// A new epoch's team key, sealed to this device.
    Epoch(TeamKey),
}

/// Verifies an engine signature over `msg`.
fn verify(engine_key: &[u8; 32], msg: &[u8], sig: &[u8]) -> Result<(), RecordError> {
    let key = VerifyingKey::from_bytes(engine_key).map_err(|_| RecordError::BadSignature)?;
    let sig = Signature::from_slice(sig).map_err(|_| RecordError::BadSignature)?;
    key.verify_strict(msg, &sig)
        .map_err(|_| RecordError::BadSignature)
}

/// Opens the record read at position `pos` of `channel`'s log: checks the engine's
/// signature (`engine_key`) and, for an epoch record, opens the new key with `me`.
pub fn open_record(
    channel: &str,
    pos: u64,
    epochs: &Epochs,
    engine_key: &[u8; 32],
    me: Option<&DeviceKeys>,
    bytes: &[u8],
) -> Result<Opened, RecordError> {
    if bytes.len() < HEADER {
        return Err(RecordError::Truncated);
    }
    let epoch = frame::u32_at(bytes, 4);
    match &bytes[..4] {
        m if m == LOG_MAGIC => open_body(channel, pos, epoch, epochs, engine_key, &bytes[HEADER..]),
        m if m == EPOCH_MAGIC => open_epoch(channel, pos, epoch, engine_key, me, &bytes[HEADER..]),
        _ => Err(RecordError::UnknownFormat),
    }
}

fn open_body(
    channel: &str,
    pos: u64,
    epoch: u32,
    epochs: &Epochs,
    engine_key: &[u8; 32],
    sealed: &[u8],
) -> Result<Opened, RecordError> {
    if sealed.len() < NONCE + TAG + SIG {
        return Err(RecordError::Truncated);
    }
    let key = epochs.get(epoch).ok_or(RecordError::UnknownEpoch(epoch))?;
    let aad = bound(LOG_AAD, channel, epoch, pos);
    let mut plain = frame::open(key.bytes(), &aad, sealed).ok_or(RecordError::Tampered)?;
    if plain.len() < SIG {
        return Err(RecordError::Truncated);
    }
    let body = plain.split_off(SIG);
    let mut signed = bound(LOG_SIG, channel, epoch, pos);
    signed.extend_from_slice(&body);
    verify(engine_key, &signed, &plain)?;
    Ok(Opened::Body { epoch, body })
}

fn open_epoch(
    channel: &str,
    pos: u64,
    epoch: u32,
    engine_key: &[u8; 32],
    me: Option<&DeviceKeys>,
    rest: &[u8],
) -> Result<Opened, RecordError> {
    if rest.len() <= SIG {
        return Err(RecordError::Truncated);
    }
    let (sig, sealed) = rest.split_at(SIG);
    let mut signed = bound(EPOCH_SIG, channel, epoch, pos);
    signed.extend_from_slice(sealed);
    verify(engine_key, &signed, sig)?;
    let me = me.ok_or(RecordError::NotForMe)?;
    let key = age::decrypt(me.age_identity(), sealed).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => RecordError::NotForMe,
        _ => RecordError::Tampered,
    })?;
    let key = Zeroizing::new(key);
    let key: [u8; 32] = key
        .as_slice()
        .try_into()
        .map_err(|_| RecordError::Tampered)?;
    Ok(Opened::Epoch(TeamKey::from_bytes(epoch, key)))
}
