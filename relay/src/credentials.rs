//! Channel ids and secrets: random, URL-safe, and the secret kept only as a hash.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Characters in a channel id: 22 letters and digits carry 130 bits (the contract asks for
/// at least 128).
const ID_CHARS: usize = 22;
/// Characters in a secret: 43 letters and digits carry 256 bits, so a plain SHA-256 is a
/// sound verifier.
const SECRET_CHARS: usize = 43;

/// Letters and digits only: URL-safe, and never starting with `-`, which a command line
/// would take for an option (`channel rotate -Tx…` fails).
fn random_token(chars: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), chars)
}

/// A new channel id.
pub fn new_channel_id() -> String {
    random_token(ID_CHARS)
}

/// A new channel secret.
pub fn new_secret() -> String {
    random_token(SECRET_CHARS)
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
    fn ids_and_secrets_are_long_random_url_safe_and_never_look_like_options() {
        let (a, b) = (new_channel_id(), new_channel_id());
        assert_ne!(a, b);
        assert_eq!((a.len(), new_secret().len()), (ID_CHARS, SECRET_CHARS));
        // log2(62) bits a character.
        assert!(ID_CHARS as f64 * 62f64.log2() >= 128.0);
        assert!(SECRET_CHARS as f64 * 62f64.log2() >= 256.0);
        for _ in 0..2000 {
            let (id, secret) = (new_channel_id(), new_secret());
            assert!(id
                .chars()
                .chain(secret.chars())
                .all(|c| c.is_ascii_alphanumeric()));
        }
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
