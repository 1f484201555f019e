//! The secrets key of a profile that keeps its secrets in a file (a server has no desktop
//! keychain). It is any file of at least 32 bytes of random data, for example
//! `head -c 32 /dev/urandom > hirewire.key` or a systemd credential. The 256-bit key is
//! HKDF-SHA256 of the whole file (salt and info fixed below), so a longer file works the
//! same way and no byte of it is used as the key directly.
//!
//! Where it is looked for, first found wins: `--secrets-key-file PATH`,
//! `HIREWIRE_SECRETS_KEY_FILE`, then systemd's credential `hirewire-secrets-key` in
//! `$CREDENTIALS_DIRECTORY` (so that `LoadCredentialEncrypted=` works).

use std::path::{Path, PathBuf};

use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::SecretError;

/// The environment variable naming the key file.
pub const KEY_ENV: &str = "HIREWIRE_SECRETS_KEY_FILE";
/// The systemd credential's name.
pub const CREDENTIAL: &str = "hirewire-secrets-key";
/// The fewest bytes a key file may hold.
pub const MIN_KEY_BYTES: usize = 32;
/// The largest key file read (a key file is small; a wrong path to a big file is a mistake).
const MAX_KEY_BYTES: u64 = 64 * 1024;
const SALT: &[u8] = b"hirewire secrets file";
const INFO: &[u8] = b"hirewire secrets key v1";

/// A derived secrets key, wiped from memory when dropped.
pub struct SecretsKey {
    key: Zeroizing<[u8; 32]>,
    /// A short public fingerprint of the key: tells a wrong key from a damaged file.
    id: String,
}

impl SecretsKey {
    /// The 256-bit key.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The key's fingerprint (16 hex digits of a hash of the derived key).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Derives the key from a key file's contents.
    pub fn derive(material: &[u8]) -> Result<SecretsKey, SecretError> {
        if material.len() < MIN_KEY_BYTES {
            return Err(SecretError::Key(format!(
                "the secrets key file holds {} bytes; it must hold at least {MIN_KEY_BYTES} bytes of random data (make one with `head -c 32 /dev/urandom > FILE`)",
                material.len()
            )));
        }
        let mut key = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(SALT), material)
            .expand(INFO, key.as_mut())
            .map_err(|_| SecretError::Key("the secrets key could not be derived".into()))?;
        let mut h = Sha256::new();
        h.update(b"hirewire secrets key id");
        h.update(key.as_ref());
        let digest = h.finalize();
        let id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Ok(SecretsKey { key, id })
    }
}

/// The key file to use, if any: the flag's, the environment's, or systemd's credential.
pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let creds = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|v| !v.is_empty())?;
    let p = Path::new(&creds).join(CREDENTIAL);
    p.is_file().then_some(p)
}

/// Reads and derives the key in `path`.
pub fn load(path: &Path) -> Result<SecretsKey, SecretError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        SecretError::Key(format!(
            "cannot read the secrets key file {}: {e}",
            path.display()
        ))
    };
    let len = std::fs::metadata(path).map_err(|e| unreadable(&e))?.len();
    if len > MAX_KEY_BYTES {
        return Err(SecretError::Key(format!(
            "{} is {len} bytes: not a secrets key file (those are 32 bytes to a few KiB)",
            path.display()
        )));
    }
    let material = Zeroizing::new(std::fs::read(path).map_err(|e| unreadable(&e))?);
    SecretsKey::derive(&material)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_file_is_refused_and_says_how_to_make_one() {
        let err = SecretsKey::derive(&[7u8; 31])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("31 bytes") && err.contains("/dev/urandom"),
            "{err}"
        );
    }

    #[test]
    fn the_same_file_gives_the_same_key_and_another_file_another() {
        let a = SecretsKey::derive(&[1u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        let b = SecretsKey::derive(&[1u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        let c = SecretsKey::derive(&[2u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.bytes(), b.bytes());
        assert_eq!(a.id(), b.id());
        assert_ne!(a.bytes(), c.bytes());
        assert_ne!(a.id(), c.id());
        assert_ne!(a.bytes(), &[1u8; 32], "the file's bytes are not the key");
    }
}
