//! The parsed settings, kept per store handle and reused until they change.
//!
//! Every event, job and poll reads the settings; parsing their TOML each time made intake
//! as slow as the settings were large. Each settings write raises a counter in the same
//! transaction ([`crate::keys::SETTINGS_GEN`]), so a read snapshot that sees the counter
//! value this cache holds sees the very text it parsed — whichever process wrote it. Only
//! read snapshots fill the cache: they hold committed data, while a write transaction may
//! hold a change that is then rolled back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::StoreError;
use crate::settings::Settings;

/// The settings parsed at one generation.
#[derive(Debug, Default)]
pub struct SettingsCache {
    parsed: Mutex<Option<(u64, Settings)>>,
    parses: AtomicU64,
}

impl SettingsCache {
    /// The settings at `generation`, parsed by `parse` only when this cache holds another.
    pub fn get_or_parse(
        &self,
        generation: u64,
        parse: impl FnOnce() -> Result<Settings, StoreError>,
    ) -> Result<Settings, StoreError> {
        if let Some((held, settings)) = &*self.lock() {
            if *held == generation {
                return Ok(settings.clone());
            }
        }
        // Parsed outside the lock: a slow parse must not hold up readers of the old value.
        let settings = parse()?;
        self.parses.fetch_add(1, Ordering::Relaxed);
        let mut slot = self.lock();
        // A concurrent reader of a newer snapshot may have stored a later generation; keep
        // the newest so that an old snapshot cannot push the cache back.
        if slot.as_ref().is_none_or(|(held, _)| *held <= generation) {
            *slot = Some((generation, settings.clone()));
        }
        Ok(settings)
    }

    /// How many times the settings were parsed through this cache (for tests and metrics).
    pub fn parses(&self) -> u64 {
        self.parses.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(u64, Settings)>> {
        // A panic while holding the lock left at worst a stale pair that the generation
        // check still guards; the value is safe to go on with.
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
#[path = "settings_cache_tests.rs"]
mod tests;
