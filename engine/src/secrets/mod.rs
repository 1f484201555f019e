//! Secrets: every key, token and secret lives in one store and nowhere else. On a desktop
//! that is the OS keychain (service `hirewire`, account `PROFILE/NAME`); on a server, given
//! a secrets key, an encrypted file in the profile's folder ([`file`], [`key`]); for the
//! demo, memory. Values are wrapped in [`Secret`], whose `Debug` and `Display` never show
//! them.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::webhooks::LeverWebhook;

pub mod file;
pub mod key;
mod keychain;
mod memory;
pub mod store;

use store::SecretStore;

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
/// The secrets team mode keeps (see `crate::team`): written by `hirewire team …`, never
/// typed by a person, so `secret list` does not offer them; backups carry them.
pub const TEAM_NAMES: [&str; 3] = [TEAM_DEVICE, TEAM_EPOCHS, TEAM_INVITES];
/// This device's team keys (signing and receiving).
pub const TEAM_DEVICE: &str = "team-device";
/// The team's key of each epoch this device holds.
pub const TEAM_EPOCHS: &str = "team-epochs";
/// The owner's open invites' codes (each holds a pairing password), by mailbox.
pub const TEAM_INVITES: &str = "team-invites";

/// Every secret a profile may hold: [`NAMES`] and [`TEAM_NAMES`].
pub fn every_name() -> impl Iterator<Item = &'static str> {
    NAMES.into_iter().chain(TEAM_NAMES)
}

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
    #[error("the keychain is not available ({0}); unlock it (on Linux: a Secret Service such as gnome-keyring must be running and unlocked), or, on a server, keep secrets in an encrypted file: give a secrets key with --secrets-key-file PATH, HIREWIRE_SECRETS_KEY_FILE or systemd's credential hirewire-secrets-key")]
    Unavailable(String),
    /// The secrets key cannot be used.
    #[error("{0}")]
    Key(String),
    /// The secrets file was sealed with another key.
    #[error("the secrets key does not open {0}: it was written with another key; give the key file it was made with (nothing was changed)")]
    WrongKey(String),
    /// The secrets file cannot be read or written.
    #[error("{0}")]
    File(String),
    /// The profile keeps its secrets in a file and no key was given.
    #[error("this profile keeps its secrets in {0}: give its key with --secrets-key-file PATH, HIREWIRE_SECRETS_KEY_FILE or systemd's credential hirewire-secrets-key")]
    NeedsKey(String),
}

impl SecretError {
    /// Whether the caller gave a wrong name, an empty value or an unusable key.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            SecretError::UnknownName(_)
                | SecretError::Empty(_)
                | SecretError::Key(_)
                | SecretError::WrongKey(_)
                | SecretError::NeedsKey(_)
        )
    }
}

/// The secrets of one profile, wherever they live.
#[derive(Clone)]
pub struct Secrets {
    /// The store, or why none can be used (said at each use, so that commands that need no
    /// secret still work).
    store: Result<Arc<dyn SecretStore>, SecretError>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.store {
            Ok(s) => write!(f, "Secrets({})", s.place()),
            Err(e) => write!(f, "Secrets(unusable: {e})"),
        }
    }
}

impl Secrets {
    /// The OS keychain's secrets of `profile` (two profiles never share one).
    pub fn new(profile: &str) -> Self {
        Secrets {
            store: Ok(Arc::new(keychain::Keychain::new(profile))),
        }
    }

    /// Secrets held in this process only, gone when it ends: the demo's fake keys.
    pub fn in_memory(_profile: &str) -> Self {
        Secrets {
            store: Ok(Arc::new(memory::Memory::default())),
        }
    }

    /// The secrets of the profile in `dir`: in its encrypted file when a secrets key is
    /// given (`explicit`, else the environment, see [`key::find`]), else in the keychain.
    /// A profile whose file exists is never silently read from the keychain instead.
    pub fn for_profile(profile: &str, dir: &Path, explicit: Option<&Path>) -> Self {
        let store: Result<Arc<dyn SecretStore>, SecretError> = match key::find(explicit) {
            Some(path) => key::load(&path)
                .map(|k| Arc::new(file::SecretsFile::new(dir, k)) as Arc<dyn SecretStore>),
            None if dir.join(file::FILE).exists() => Err(SecretError::NeedsKey(
                dir.join(file::FILE).display().to_string(),
            )),
            None => Ok(Arc::new(keychain::Keychain::new(profile))),
        };
        Secrets { store }
    }

    /// Where the secrets are, in a user's words.
    pub fn place(&self) -> Result<String, SecretError> {
        Ok(self.store.as_ref().map_err(Clone::clone)?.place())
    }

    /// The store, after checking the name (no store is touched for an unknown one).
    fn store(&self, name: &str) -> Result<&dyn SecretStore, SecretError> {
        if !every_name().any(|n| n == name) {
            return Err(SecretError::UnknownName(name.to_string()));
        }
        self.store.as_deref().map_err(Clone::clone)
    }

    /// Reads a secret; `None` when it is not set. Blocking (D-Bus, disk): call off the
    /// runtime.
    pub fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.store(name)?.get(name)?.map(Secret))
    }

    /// Stores a secret, replacing any previous value.
    pub fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        let value = value.trim_end_matches(['\r', '\n']);
        if value.trim().is_empty() {
            return Err(SecretError::Empty(name.to_string()));
        }
        self.store(name)?.set(name, value)
    }

    /// Deletes a secret (no error if it was not set).
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.store(name)?.delete(name)
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
        assert_eq!(
            Secrets::new("demo").place().ok().as_deref(),
            Some("the OS keychain"),
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
            .get("nope")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("lever-api-key"), "{err}");
    }
}
