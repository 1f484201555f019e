//! Pairing a new seat with the engine through a relay mailbox (the magic-wormhole
//! pattern): SPAKE2 over the Ed25519 group, identities `hirewire-engine` / `hirewire-seat`,
//! password = the invite's 16 random bytes. Each side derives, with HKDF-SHA256, one
//! XChaCha20-Poly1305 key per direction and a fingerprint both screens can show. A relay
//! that does not know the password gets one guess per invite, and cannot test it offline.

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use spake2::{Ed25519Group, Identity, Password, Spake2};
use zeroize::Zeroizing;

use crate::frame;

const ENGINE_ID: &[u8] = b"hirewire-engine";
const SEAT_ID: &[u8] = b"hirewire-seat";
const HKDF_SALT: &[u8] = b"hirewire-pair-v1";
const INFO_ENGINE_TO_SEAT: &[u8] = b"hirewire-pair-engine-to-seat";
const INFO_SEAT_TO_ENGINE: &[u8] = b"hirewire-pair-seat-to-engine";
const INFO_FINGERPRINT: &[u8] = b"hirewire-pair-fingerprint";
const MSG_AAD: &[u8] = b"hirewire-pair-msg-v1";

/// Why pairing failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PairingError {
    /// The other side's SPAKE2 message is not one (wrong side, length or point).
    #[error("the pairing message from the other side is malformed; start again with a new invite")]
    BadMessage,
    /// The other side used another code (or the message was altered on the way).
    #[error(
        "the other side used a different invite code; check the code, or ask for a new invite"
    )]
    WrongCode,
}

/// Which end of the pairing this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The team's engine (SPAKE2 side A).
    Engine,
    /// The joining seat (SPAKE2 side B).
    Seat,
}

/// A pairing started and waiting for the other side's message.
pub struct Pairing {
    state: Spake2<Ed25519Group>,
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pairing").finish_non_exhaustive()
    }
}

impl Pairing {
    /// Starts pairing as `side`; the returned message goes to the other side's mailbox.
    pub fn start(side: Side, password: &[u8; 16]) -> (Pairing, Vec<u8>) {
        let pw = Password::new(password);
        let (a, b) = (Identity::new(ENGINE_ID), Identity::new(SEAT_ID));
        let (state, msg) = match side {
            Side::Engine => Spake2::<Ed25519Group>::start_a(&pw, &a, &b),
            Side::Seat => Spake2::<Ed25519Group>::start_b(&pw, &a, &b),
        };
        (Pairing { state }, msg)
    }

    /// Finishes with the other side's message. Succeeds whatever the other side's password:
    /// a different one shows as [`PairingError::WrongCode`] when a message is opened.
    pub fn finish(self, peer_msg: &[u8]) -> Result<Session, PairingError> {
        let shared = Zeroizing::new(
            self.state
                .finish(peer_msg)
                .map_err(|_| PairingError::BadMessage)?,
        );
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), &shared);
        let mut to_seat = Zeroizing::new([0u8; 32]);
        let mut to_engine = Zeroizing::new([0u8; 32]);
        let mut fp = [0u8; 4];
        // 32 and 4 bytes are far below HKDF-SHA256's limit of 8160.
        hk.expand(INFO_ENGINE_TO_SEAT, to_seat.as_mut_slice())
            .and_then(|()| hk.expand(INFO_SEAT_TO_ENGINE, to_engine.as_mut_slice()))
            .and_then(|()| hk.expand(INFO_FINGERPRINT, &mut fp))
            .map_err(|_| PairingError::BadMessage)?;
        let hex: String = fp.iter().map(|b| format!("{b:02X}")).collect();
        Ok(Session {
            to_seat,
            to_engine,
            fingerprint: format!("{}-{}", &hex[..4], &hex[4..]),
        })
    }
}

/// The keys of a finished pairing.
pub struct Session {
    to_seat: Zeroizing<[u8; 32]>,
    to_engine: Zeroizing<[u8; 32]>,
    fingerprint: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// `XXXX-XXXX` (hex): the same on both sides when both used the same code.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    fn key(&self, from: Side) -> &[u8; 32] {
        match from {
            Side::Engine => &self.to_seat,
            Side::Seat => &self.to_engine,
        }
    }

    /// Seals a message sent by `from`: `nonce 24 | XChaCha20-Poly1305 ciphertext`.
    pub fn seal(&self, from: Side, plaintext: &[u8]) -> Vec<u8> {
        frame::seal(self.key(from), MSG_AAD, plaintext)
    }

    /// Opens a message sent by `from`.
    pub fn open(&self, from: Side, bytes: &[u8]) -> Result<Vec<u8>, PairingError> {
        frame::open(self.key(from), MSG_AAD, bytes).ok_or(PairingError::WrongCode)
    }
}

/// What the seat sends, sealed, once paired.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    /// The seat's Ed25519 public key, base64url.
    pub key: String,
    /// The seat's age recipient (`age1…`).
    pub recipient: String,
    /// The name the member goes by in the team.
    pub name: String,
}

/// What the engine answers, sealed.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct JoinAnswer {
    /// The seat's device id, base64url.
    pub device: String,
    /// `member` or `viewer`.
    pub role: String,
    /// The current epoch.
    pub epoch: u32,
    /// The current epoch's team key, base64url.
    pub team_key: String,
    /// The engine's Ed25519 public key, base64url.
    pub engine_key: String,
    /// The owner's name, shown on the seat.
    pub owner: String,
    /// The name the owner invited this device with (the seat's name in the team).
    #[serde(default)]
    pub name: String,
}

impl std::fmt::Debug for JoinAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinAnswer")
            .field("device", &self.device)
            .field("role", &self.role)
            .field("epoch", &self.epoch)
            .field("engine_key", &self.engine_key)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}
