//! The use-cases of setting Hirewire up, shared by the CLI and the window so that each of
//! their commands is a one-line adapter: connect to the relay and list the webhooks
//! ([`relay`]), keep secrets ([`keychain`]), read and save settings ([`config`]), and look
//! at the accounts being connected ([`accounts`]), and make Lever's webhooks with a setup
//! key ([`lever_webhooks`]).

pub mod accounts;
pub mod config;
pub mod https;
pub mod keychain;
pub mod lever_webhooks;
pub mod relay;

use crate::clients::http::ApiError;
use crate::secrets::{MissingSecret, SecretError};
use crate::settings::Invalid;
use crate::store::StoreError;

/// Why a setup step did not work, in words the person setting up can act on.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The connection code cannot be read.
    #[error(transparent)]
    Code(#[from] hirewire_relay::protocol::CodeError),
    /// A secret cannot be stored or read.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A secret the step needs is not set.
    #[error(transparent)]
    Missing(#[from] MissingSecret),
    /// A setting is not usable.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A vendor answered with an error, or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SetupError {
    /// Whether the person gave something unusable (not a failure of Hirewire's).
    pub fn is_usage(&self) -> bool {
        match self {
            SetupError::Code(_) | SetupError::Invalid(_) => true,
            SetupError::Secret(e) => e.is_usage(),
            _ => false,
        }
    }
}

/// Runs blocking keychain work off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SecretError::Unavailable(e.to_string()))?
}
