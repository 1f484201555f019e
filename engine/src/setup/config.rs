//! Settings and mappings: read, saved after validation, imported and exported as TOML.

use super::SetupError;
use crate::keys;
use crate::settings::{Invalid, Settings};
use crate::{time, Engine};

/// The settings (defaults when none were saved).
pub async fn get(engine: &Engine) -> Result<Settings, SetupError> {
    Ok(engine.store.read_async(|rx| rx.settings()).await?)
}

/// Validates and saves the settings. Lever's names are kept across saves (a screen or a
/// TOML file that does not carry them does not erase them; one that does wins), and an
/// unmapped reason that is mapped now leaves the list of those to map.
pub async fn save(engine: &Engine, mut settings: Settings) -> Result<(), SetupError> {
    settings.validate()?;
    Ok(engine
        .store
        .write_async(move |tx| {
            let stored = tx.settings()?.names;
            settings.names = stored.merge(settings.names);
            let mapped = settings.archive_reasons.clone();
            settings.names.tidy(&mapped);
            tx.put_settings(&settings)?;
            // Since when Hirewire is configured (by the window or `config import`): the
            // scheduled catch-up compares from there.
            if tx.meta(keys::CONFIGURED_AT)? == 0 {
                tx.put_meta(keys::CONFIGURED_AT, time::now_ms())?;
            }
            Ok(())
        })
        .await?)
}

/// Replaces the settings with a TOML text, naming any mistake. A file that leaves out a
/// section holding something now (a partial file, or an old export) would reset it to its
/// defaults: that is refused, naming the sections, unless `replace` says it is meant.
pub async fn import_toml(engine: &Engine, text: &str, replace: bool) -> Result<(), SetupError> {
    let new = Settings::from_toml(text)?;
    if !replace {
        let current = get(engine).await?;
        let reset = Settings::sections_reset_by(text, &current)?;
        if !reset.is_empty() {
            let list: Vec<String> = reset.iter().map(|s| format!("[{s}]")).collect();
            return Err(Invalid(format!(
                "this file has no {}: importing it would reset what is set there now to the defaults. Add those sections (`hirewire config export` shows them), or import with --replace to reset them",
                list.join(", ")
            ))
            .into());
        }
    }
    save(engine, new).await
}

/// The settings as TOML (never a secret).
pub async fn export_toml(engine: &Engine) -> Result<String, SetupError> {
    Ok(get(engine).await?.to_toml())
}

/// Marks the setup as finished: the window opens on the history from now on.
pub async fn finish(engine: &Engine) -> Result<(), SetupError> {
    Ok(engine
        .store
        .write_async(|tx| tx.put_meta(keys::SETUP_DONE, time::now_ms()))
        .await?)
}
