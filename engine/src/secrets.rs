//! The keychain: every key, token and secret lives there and nowhere else (service
//! `hirewire`, account `PROFILE/NAME`). Values are wrapped in [`Secret`], whose `Debug` and
//! `Display` never show them.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use keyring::Entry;

use crate::webhooks::LeverWebhook;

/// The keychain service name.
pub const SERVICE: &str = "hirewire";

/// Every secret the app knows, by name.
pub const NAMES: [&str; 9] = [
    RELAY_SECRET,
    LEVER_API_KEY,
    LeverWebhook::CandidateHired.token_name(),
    LeverWebhook::StageChange.token_name(),
    LeverWebhook::ArchiveChange.token_name(),
    LeverWebhook::CandidateDeleted.token_name(),
    BOB_SERVICE_USER,
    BOB_TOKEN,
    ASSESSMENT_API_KEY,
];
/// The relay channel secret.
pub const RELAY_SECRET: &str = "relay-secret";
/// Lever's permanent API key.
pub const LEVER_API_KEY: &str = "lever-api-key";
/// bob service user id.
pub const BOB_SERVICE_USER: &str = "bob-service-user";
/// bob service user token.
pub const BOB_TOKEN: &str = "bob-token";
/// The assessment partner's API key.
pub const ASSESSMENT_API_KEY: &str = "assessment-api-key";

/// A secret value that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// What went wrong with the keychain, and what to do.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    /// Not one of [`NAMES`].
    #[error("unknown secret name {0:?}; the names are: {names}", names = NAMES.join(", "))]
    UnknownName(String),
    /// An empty value.
    #[error("the value for {0} is empty")]
    Empty(String),
    /// The keychain is locked or absent.
    #[error("the keychain is not available ({0}); unlock it (on Linux: a Secret Service such as gnome-keyring must be running and unlocked)")]
    Unavailable(String),
}

impl SecretError {
    /// Whether the caller gave a wrong name or an empty value.
    pub fn is_usage(&self) -> bool {
        matches!(self, SecretError::UnknownName(_) | SecretError::Empty(_))
    }
}

/// The keychain of one profile (or, for the demo, a keychain in memory).
#[derive(Debug, Clone)]
pub struct Secrets {
    profile: String,
    /// The demo's fake keys live here, never in the user's keychain.
    memory: Option<Arc<Mutex<HashMap<String, String>>>>,
}

impl Secrets {
    /// Secrets of `profile` (two profiles never share one).
    pub fn new(profile: &str) -> Self {
        Secrets {
            profile: profile.to_string(),
            memory: None,
        }
    }

    /// Secrets held in this process only, gone when it ends: the demo's fake keys.
    pub fn in_memory(profile: &str) -> Self {
        Secrets {
            profile: profile.to_string(),
            memory: Some(Arc::default()),
        }
    }

    /// The in-memory keychain, after checking the name (no keychain is touched for it).
    fn memory(
        &self,
        name: &str,
    ) -> Result<Option<std::sync::MutexGuard<'_, HashMap<String, String>>>, SecretError> {
        if !NAMES.contains(&name) {
            return Err(SecretError::UnknownName(name.to_string()));
        }
        Ok(self
            .memory
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|p| p.into_inner())))
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        if !NAMES.contains(&name) {
            return Err(SecretError::UnknownName(name.to_string()));
        }
        Entry::new(SERVICE, &format!("{}/{name}", self.profile))
            .map_err(|e| SecretError::Unavailable(e.to_string()))
    }

    /// Reads a secret; `None` when it is not set. Blocking (D-Bus): call off the runtime.
    pub fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        if let Some(m) = self.memory(name)? {
            return Ok(m.get(name).cloned().map(Secret));
        }
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(Secret(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }

    /// Stores a secret, replacing any previous value.
    pub fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        let value = value.trim_end_matches(['\r', '\n']);
        if value.trim().is_empty() {
            return Err(SecretError::Empty(name.to_string()));
        }
        if let Some(mut m) = self.memory(name)? {
            m.insert(name.to_string(), value.to_string());
            return Ok(());
        }
        self.entry(name)?
            .set_password(value)
            .map_err(|e| SecretError::Unavailable(e.to_string()))
    }

    /// Deletes a secret (no error if it was not set).
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        if let Some(mut m) = self.memory(name)? {
            m.remove(name);
            return Ok(());
        }
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }

    /// Every name with whether it is set. Never the values.
    pub fn list(&self) -> Result<Vec<(&'static str, bool)>, SecretError> {
        NAMES
            .iter()
            .map(|n| Ok((*n, self.get(n)?.is_some())))
            .collect()
    }

    /// Reads a secret that must be set, or says which one is missing.
    pub fn require(&self, name: &str) -> Result<Secret, MissingSecret> {
        match self.get(name) {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(MissingSecret::NotSet(name.to_string())),
            Err(e) => Err(MissingSecret::Keychain(e.to_string())),
        }
    }
}

/// A secret the engine needs is not available.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MissingSecret {
    /// Not set.
    #[error("the secret {0} is not set: run `hirewire secret set {0}` or set it in Setup")]
    NotSet(String),
    /// The keychain failed.
    #[error("cannot read the keychain: {0}")]
    Keychain(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demos_keychain_is_in_memory_and_refuses_unknown_names_too() {
        let s = Secrets::in_memory("demo");
        assert_eq!(s.get("lever-api-key").ok().flatten(), None);
        s.set("lever-api-key", "demo-key\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.get("lever-api-key")
                .ok()
                .flatten()
                .map(|v| v.expose().to_string()),
            Some("demo-key".into())
        );
        assert!(
            Secrets::new("demo").memory.is_none(),
            "a real profile uses the keychain"
        );
        assert!(s.get("nope").is_err());
        s.delete("lever-api-key").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.get("lever-api-key").ok().flatten(), None);
    }

    #[test]
    fn secrets_never_print_their_value() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_names_are_refused_before_touching_the_keychain() {
        let err = Secrets::new("t")
            .entry("nope")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("lever-api-key"), "{err}");
    }
}
