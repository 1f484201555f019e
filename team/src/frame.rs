//! Shared pieces of the sealed formats: the bound context (label, channel, epoch, …) that
//! goes into associated data and signatures, and XChaCha20-Poly1305 with a random nonce.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Nonce length of XChaCha20-Poly1305: 24 random bytes, safe to pick at random.
pub(crate) const NONCE: usize = 24;
/// Poly1305 tag length.
pub(crate) const TAG: usize = 16;
/// Ed25519 signature length.
pub(crate) const SIG: usize = 64;

/// `label | len(channel) u16 | channel`, the start of every associated data and signed
/// message. The length prefix keeps a channel's bytes from running into what follows.
/// Channel ids are short; one over 65 535 bytes has its length field saturated, which still
/// binds every byte of it.
pub(crate) fn context(label: &[u8], channel: &str) -> Vec<u8> {
    let ch = channel.as_bytes();
    let mut out = Vec::with_capacity(label.len() + 2 + ch.len() + 32);
    out.extend_from_slice(label);
    out.extend_from_slice(&u16::try_from(ch.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(ch);
    out
}

/// Seals `plaintext` under `key` with a fresh random nonce: returns `nonce | ciphertext`.
pub(crate) fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce: [u8; NONCE] = rand::random();
    let mut out = Vec::with_capacity(NONCE + plaintext.len() + TAG);
    out.extend_from_slice(&nonce);
    // Encryption into a Vec fails only on a plaintext over 256 GiB, which nothing sealed
    // here can be (the relay caps a record at 256 KiB).
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 seals any plaintext under 256 GiB");
    out.extend_from_slice(&ct);
    out
}

/// Opens `nonce | ciphertext`; `None` when it was not sealed under this key and `aad`
/// (or was altered, or is too short).
pub(crate) fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE + TAG {
        return None;
    }
    let (nonce, ct) = sealed.split_at(NONCE);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .ok()
}

/// Reads a big-endian u32 at `at` (the caller checked the length).
pub(crate) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_be_bytes(b)
}
