//! The secrets file, `PROFILE_DIR/secrets.enc`: where a profile keeps its secrets when it
//! was given a secrets key ([`super::key`]) because there is no desktop keychain.
//!
//! One JSON object: the format name, its version, the key's public fingerprint, a random
//! 24-byte nonce and the ciphertext of the secrets (a JSON map of name to value), sealed
//! with XChaCha20-Poly1305 under the derived key; format, version and fingerprint are bound
//! in as associated data. Every change re-seals the whole map under a fresh nonce, writes
//! it to a temporary file (which holds ciphertext only), syncs it and renames it over the
//! old one, under an exclusive lock on `secrets.lock`, so that the engine and a
//! `hirewire secret set` beside it never lose each other's change and a crash leaves the
//! old file or the new one, never half of one. Nothing readable is ever written.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use super::key::SecretsKey;
use super::store::SecretStore;
use super::SecretError;

/// The file's name in the profile directory.
pub const FILE: &str = "secrets.enc";
const LOCK: &str = "secrets.lock";
const FORMAT: &str = "hirewire-secrets";
const VERSION: u32 = 1;
/// A secrets file is a few KiB; anything far larger is not one.
const MAX_FILE: u64 = 1024 * 1024;

/// The file as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Sealed {
    format: String,
    version: u32,
    key_id: String,
    nonce: String,
    ciphertext: String,
}

/// A profile's secrets file.
pub struct SecretsFile {
    dir: PathBuf,
    key: SecretsKey,
}

impl SecretsFile {
    /// The secrets file in `dir`, opened with `key`.
    pub fn new(dir: &Path, key: SecretsKey) -> Self {
        SecretsFile {
            dir: dir.to_path_buf(),
            key,
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn io(&self, what: &str, e: std::io::Error) -> SecretError {
        SecretError::File(format!("cannot {what} {}: {e}", self.path().display()))
    }

    /// Holds the lock file until the returned handle is dropped.
    fn lock(&self, exclusive: bool) -> Result<File, SecretError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io("create the folder of", e))?;
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK))
            .map_err(|e| self.io("lock", e))?;
        let locked = if exclusive { f.lock() } else { f.lock_shared() };
        locked.map_err(|e| self.io("lock", e))?;
        Ok(f)
    }

    fn aad(&self) -> Vec<u8> {
        format!("{FORMAT}/{VERSION}/{}", self.key.id()).into_bytes()
    }

    /// Every secret in the file (none when there is no file yet).
    fn read(&self) -> Result<BTreeMap<String, String>, SecretError> {
        let path = self.path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(self.io("read", e)),
        };
        if meta.len() > MAX_FILE {
            return Err(self.damaged("it is far too large"));
        }
        let text = std::fs::read(&path).map_err(|e| self.io("read", e))?;
        self.open(&text)
    }

    /// Opens a sealed file's bytes.
    fn open(&self, bytes: &[u8]) -> Result<BTreeMap<String, String>, SecretError> {
        let sealed: Sealed = serde_json::from_slice(bytes)
            .map_err(|e| self.damaged(&format!("it is not a secrets file ({e})")))?;
        if sealed.format != FORMAT {
            return Err(self.damaged("it is not a secrets file"));
        }
        if sealed.version > VERSION {
            return Err(SecretError::File(format!(
                "{} was written by a newer Hirewire (format {}; this one reads up to {VERSION}): update Hirewire",
                self.path().display(),
                sealed.version
            )));
        }
        if sealed.key_id != self.key.id() {
            return Err(SecretError::WrongKey(self.path().display().to_string()));
        }
        let nonce = B64
            .decode(&sealed.nonce)
            .ok()
            .filter(|n| n.len() == 24)
            .ok_or_else(|| self.damaged("its nonce is not 24 bytes"))?;
        let ciphertext = B64
            .decode(&sealed.ciphertext)
            .map_err(|_| self.damaged("its ciphertext is not base64"))?;
        let cipher = XChaCha20Poly1305::new(self.key.bytes().into());
        let aad = self.aad();
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                self.damaged("it does not open with this key: it was changed or damaged")
            })?;
        let plain = zeroize::Zeroizing::new(plain);
        serde_json::from_slice(&plain)
            .map_err(|_| self.damaged("its contents are not a list of secrets"))
    }

    /// Seals `secrets` (fresh nonce) into the bytes of a file.
    fn seal(&self, secrets: &BTreeMap<String, String>) -> Result<Vec<u8>, SecretError> {
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(secrets).map_err(|e| SecretError::File(e.to_string()))?,
        );
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(self.key.bytes().into());
        let aad = self.aad();
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .map_err(|_| SecretError::File("the secrets could not be sealed".into()))?;
        let sealed = Sealed {
            format: FORMAT.into(),
            version: VERSION,
            key_id: self.key.id().to_string(),
            nonce: B64.encode(nonce),
            ciphertext: B64.encode(ciphertext),
        };
        serde_json::to_vec_pretty(&sealed).map_err(|e| SecretError::File(e.to_string()))
    }

    /// Writes the sealed secrets: temporary file, sync, rename, sync the folder.
    fn write(&self, secrets: &BTreeMap<String, String>) -> Result<(), SecretError> {
        let bytes = self.seal(secrets)?;
        let tmp = self.dir.join(format!("{FILE}.tmp"));
        let mut options = OpenOptions::new();
        options.create(true).truncate(true).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(|e| self.io("write", e))?;
        f.write_all(&bytes).map_err(|e| self.io("write", e))?;
        f.sync_all().map_err(|e| self.io("write", e))?;
        std::fs::rename(&tmp, self.path()).map_err(|e| self.io("replace", e))?;
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    fn damaged(&self, why: &str) -> SecretError {
        SecretError::File(format!(
            "{} cannot be used: {why}. Restore it from a backup, or move it away and set the secrets again (`hirewire secret set NAME`)",
            self.path().display()
        ))
    }

    fn change(&self, f: impl FnOnce(&mut BTreeMap<String, String>)) -> Result<(), SecretError> {
        let _lock = self.lock(true)?;
        let mut secrets = self.read()?;
        f(&mut secrets);
        self.write(&secrets)
    }
}

impl SecretStore for SecretsFile {
    fn get(&self, name: &str) -> Result<Option<String>, SecretError> {
        let _lock = self.lock(false)?;
        Ok(self.read()?.remove(name))
    }

    fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        self.change(|s| {
            s.insert(name.to_string(), value.to_string());
        })
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        if self.get(name)?.is_none() {
            return Ok(());
        }
        self.change(|s| {
            s.remove(name);
        })
    }

    fn place(&self) -> String {
        format!("the encrypted file {}", self.path().display())
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
