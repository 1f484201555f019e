//! Setting, listing and deleting secrets: values go in and never come out.

use serde::Serialize;

use super::{blocking, SetupError};
use crate::Engine;

/// A secret's name and whether it is set; never its value.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SecretState {
    /// The name (`lever-api-key`, …).
    pub name: &'static str,
    /// Whether it is in the keychain.
    pub set: bool,
}

/// Stores a secret.
pub async fn set(engine: &Engine, name: &str, value: &str) -> Result<(), SetupError> {
    let (secrets, name, value) = (engine.secrets.clone(), name.to_string(), value.to_string());
    Ok(blocking(move || secrets.set(&name, &value)).await?)
}

/// Removes a secret (no error when it was not set).
pub async fn delete(engine: &Engine, name: &str) -> Result<(), SetupError> {
    let (secrets, name) = (engine.secrets.clone(), name.to_string());
    Ok(blocking(move || secrets.delete(&name)).await?)
}

/// Every secret name and whether it is set.
pub async fn list(engine: &Engine) -> Result<Vec<SecretState>, SetupError> {
    let secrets = engine.secrets.clone();
    let list = blocking(move || secrets.list()).await?;
    Ok(list
        .into_iter()
        .map(|(name, set)| SecretState { name, set })
        .collect())
}
