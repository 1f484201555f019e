//! The watched employees (changes after the hire) and the webhook health record. The
//! health's type belongs to the catch-up above this layer, so it is kept here as JSON of
//! whatever type the caller names.

use redb::ReadableTable;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::tables::{KEY_HEALTH, SETTINGS, WATCH};
use super::{Rx, StoreError, Tx};
use crate::work::Watch;

macro_rules! watch_reads {
    () => {
        /// Every watched employee.
        pub fn watches(&self) -> Result<Vec<Watch>, StoreError> {
            let t = self.txn.open_table(WATCH)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                let (_, v) = item?;
                // A record that does not read is skipped: watching is a convenience, and
                // a broken one must not stop the others.
                match serde_json::from_slice(v.value()) {
                    Ok(w) => out.push(w),
                    Err(e) => tracing::warn!("a watched employee's record is unreadable: {e}"),
                }
            }
            Ok(out)
        }

        /// The watch of an opportunity's employee.
        pub fn watch(&self, opp: &str) -> Result<Option<Watch>, StoreError> {
            let t = self.txn.open_table(WATCH)?;
            let v = t.get(opp)?;
            Ok(v.and_then(|v| serde_json::from_slice(v.value()).ok()))
        }

        /// What catching up found the webhooks missed: the record `reconcile::health`
        /// owns, read as its type (the default when none is kept or it does not read).
        pub fn health<H: DeserializeOwned + Default>(&self) -> Result<H, StoreError> {
            let t = self.txn.open_table(SETTINGS)?;
            let v = t.get(KEY_HEALTH)?;
            Ok(v.and_then(|v| serde_json::from_str(v.value()).ok())
                .unwrap_or_default())
        }
    };
}

impl Rx<'_> {
    watch_reads!();
}

impl Tx<'_> {
    watch_reads!();

    /// Saves a watch.
    pub fn put_watch(&self, w: &Watch) -> Result<(), StoreError> {
        self.txn
            .open_table(WATCH)?
            .insert(w.opportunity_id.as_str(), serde_json::to_vec(w)?.as_slice())?;
        Ok(())
    }

    /// Stops watching an opportunity's employee.
    pub fn remove_watch(&self, opp: &str) -> Result<(), StoreError> {
        self.txn.open_table(WATCH)?.remove(opp)?;
        Ok(())
    }

    /// Saves the webhook health (see [`Rx::health`]).
    pub fn put_health<H: Serialize>(&self, h: &H) -> Result<(), StoreError> {
        let text = serde_json::to_string(h)?;
        self.txn
            .open_table(SETTINGS)?
            .insert(KEY_HEALTH, text.as_str())?;
        Ok(())
    }
}
