//! Where secrets live, behind one small trait: the desktop keychain, an encrypted file on a
//! server, or memory (the demo). A further store (one OS's own API) is one more file here.

use super::SecretError;

/// One place secrets are kept. Names are checked by [`super::Secrets`] before a store is
/// asked; values are plain strings here and wrapped in [`super::Secret`] above.
pub trait SecretStore: Send + Sync {
    /// The value, or `None` when it is not set.
    fn get(&self, name: &str) -> Result<Option<String>, SecretError>;
    /// Stores a value, replacing any previous one.
    fn set(&self, name: &str, value: &str) -> Result<(), SecretError>;
    /// Removes a value (no error if it was not set).
    fn delete(&self, name: &str) -> Result<(), SecretError>;
    /// Where the secrets are, in a user's words (for `secret list` and errors).
    fn place(&self) -> String;
}
