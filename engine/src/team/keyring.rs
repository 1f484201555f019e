//! The device's keys and the team's epoch keys, kept with the profile's other secrets
//! (the keychain, or a server's encrypted file), never in the profile's database.

use hirewire_team::{DeviceKeys, Epochs};

use super::TeamError;
use std::collections::BTreeMap;

use crate::secrets::{TEAM_DEVICE, TEAM_EPOCHS, TEAM_INVITES};
use crate::Engine;

fn keys_err(e: impl std::fmt::Display) -> TeamError {
    TeamError::Keys(e.to_string())
}

/// This device's keys, made and stored on first use.
pub async fn device(engine: &Engine) -> Result<DeviceKeys, TeamError> {
    let secrets = engine.secrets.clone();
    tokio::task::spawn_blocking(move || -> Result<DeviceKeys, TeamError> {
        if let Some(s) = secrets.get(TEAM_DEVICE).map_err(keys_err)? {
            return DeviceKeys::from_secret(s.expose()).map_err(keys_err);
        }
        let keys = DeviceKeys::generate();
        secrets
            .set(TEAM_DEVICE, &keys.to_secret())
            .map_err(keys_err)?;
        Ok(keys)
    })
    .await
    .map_err(keys_err)?
}

/// The team keys this device holds (none before it joined or started a team).
pub async fn epochs(engine: &Engine) -> Result<Epochs, TeamError> {
    let secrets = engine.secrets.clone();
    tokio::task::spawn_blocking(move || -> Result<Epochs, TeamError> {
        match secrets.get(TEAM_EPOCHS).map_err(keys_err)? {
            Some(s) => Epochs::from_secret(s.expose()).map_err(keys_err),
            None => Ok(Epochs::default()),
        }
    })
    .await
    .map_err(keys_err)?
}

/// Stores the team keys.
pub async fn save_epochs(engine: &Engine, epochs: &Epochs) -> Result<(), TeamError> {
    let secrets = engine.secrets.clone();
    let value = epochs.to_secret();
    tokio::task::spawn_blocking(move || secrets.set(TEAM_EPOCHS, &value).map_err(keys_err))
        .await
        .map_err(keys_err)?
}

/// The codes of the owner's invites, by mailbox id. A code holds the pairing password, so
/// it is kept with the secrets, not in the profile's database (where only the invite's
/// name, role, expiry and state are).
pub async fn invite_codes(engine: &Engine) -> Result<BTreeMap<String, String>, TeamError> {
    let secrets = engine.secrets.clone();
    tokio::task::spawn_blocking(move || -> Result<BTreeMap<String, String>, TeamError> {
        match secrets.get(TEAM_INVITES).map_err(keys_err)? {
            Some(s) => serde_json::from_str(s.expose()).map_err(keys_err),
            None => Ok(BTreeMap::new()),
        }
    })
    .await
    .map_err(keys_err)?
}

/// Stores the invites' codes (deleting the secret once none is left).
pub async fn save_invite_codes(
    engine: &Engine,
    codes: &BTreeMap<String, String>,
) -> Result<(), TeamError> {
    let secrets = engine.secrets.clone();
    let value = serde_json::to_string(codes).map_err(keys_err)?;
    let empty = codes.is_empty();
    tokio::task::spawn_blocking(move || {
        if empty {
            secrets.delete(TEAM_INVITES)
        } else {
            secrets.set(TEAM_INVITES, &value)
        }
        .map_err(keys_err)
    })
    .await
    .map_err(keys_err)?
}
