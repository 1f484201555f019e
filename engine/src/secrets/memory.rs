//! Secrets held in this process only, gone when it ends: the demo's fake keys, which must
//! never reach the user's keychain.

use std::collections::HashMap;
use std::sync::Mutex;

use super::store::SecretStore;
use super::SecretError;

/// An in-memory store.
#[derive(Default)]
pub struct Memory {
    values: Mutex<HashMap<String, String>>,
}

impl Memory {
    fn values(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for Memory {
    fn get(&self, name: &str) -> Result<Option<String>, SecretError> {
        Ok(self.values().get(name).cloned())
    }

    fn set(&self, name: &str, value: &str) -> Result<(), SecretError> {
        self.values().insert(name.to_string(), value.to_string());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecretError> {
        self.values().remove(name);
        Ok(())
    }

    fn place(&self) -> String {
        "memory (the demo)".into()
    }
}
