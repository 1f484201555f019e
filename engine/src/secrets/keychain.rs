//! The OS keychain through `keyring` (Secret Service on Linux, Keychain on macOS, the
//! Credential Manager on Windows): service `hirewire`, account `PROFILE/NAME`.

use keyring::Entry;

use super::store::SecretStore;
use super::{SecretError, SERVICE};

/// The keychain, for one profile.
pub struct Keychain {
    profile: String,
}

impl Keychain {
    /// The keychain entries of `profile`.
    pub fn new(profile: &str) -> Self {
        Keychain {
            profile: profile.to_string(),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        Entry::new(SERVICE, &format!("{}/{name}", self.profile))
            .map_err(|e| SecretError::Unavailable(e.to_string()))
    }
}

impl SecretStore for Keychain {
    fn get(&self, name: &str) -> Result<Option<String>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        self.entry(name)?
            .set_password(value)
            .map_err(|e| SecretError::Unavailable(e.to_string()))
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }

    fn place(&self) -> String {
        "the OS keychain".into()
    }
}
