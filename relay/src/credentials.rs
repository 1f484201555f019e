//! Channel ids and secrets: random, URL-safe, and the secret kept only as a hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in a channel id: 128 bits, as the contract asks.
const ID_BYTES: usize = 16;
/// Bytes of randomness in a secret: 256 bits, so a plain SHA-256 is a sound verifier.
const SECRET_BYTES: usize = 32;

fn random_token(len: usize) -> String {
    let mut buf = vec![0u8; len];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new channel id.
pub fn new_channel_id() -> String {
    random_token(ID_BYTES)
}

/// A new channel secret.
pub fn new_secret() -> String {
    random_token(SECRET_BYTES)
}

/// What is stored for a secret: lowercase hex SHA-256.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `presented` matches the stored hash, compared in constant time.
pub fn secret_matches(presented: &str, stored_hash: &str) -> bool {
    let presented = hash_secret(presented);
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets_are_long_random_and_url_safe() {
        let (a, b) = (new_channel_id(), new_channel_id());
        assert_ne!(a, b);
        assert!(a.len() >= 22);
        assert!(new_secret()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn only_the_right_secret_matches_its_hash() {
        let s = new_secret();
        let h = hash_secret(&s);
        assert!(secret_matches(&s, &h));
        assert!(!secret_matches("nope", &h));
        assert!(!h.contains(&s));
    }
}
