//! The team tables (see `crate::team`): the engine's outbox of entries to publish, the
//! team records (config, members, invites, commands), and a seat's copy of the views.

use redb::{ReadableTable, ReadableTableMetadata};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::tables::{DETAILS, ENTRIES, TEAM, TEAM_OUTBOX, TEAM_VIEWS};
use super::{Rx, StoreError, Tx};
use crate::keys;

/// An entry marked for the team log, with the mark it had when read: it leaves the outbox
/// only if no later change marked it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// The entry id.
    pub id: u64,
    /// Its change mark.
    pub mark: u64,
}

macro_rules! team_reads {
    () => {
        /// A team record, decoded.
        pub fn team_get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
            let t = self.txn.open_table(TEAM)?;
            let Some(v) = t.get(key)? else {
                return Ok(None);
            };
            Ok(Some(serde_json::from_slice(v.value())?))
        }

        /// Every team record whose key starts with `prefix`, decoded, in key order.
        pub fn team_prefixed<T: DeserializeOwned>(
            &self,
            prefix: &str,
        ) -> Result<Vec<(String, T)>, StoreError> {
            let t = self.txn.open_table(TEAM)?;
            let mut out = Vec::new();
            for item in t.range(prefix..)? {
                let (k, v) = item?;
                if !k.value().starts_with(prefix) {
                    break;
                }
                out.push((k.value().to_string(), serde_json::from_slice(v.value())?));
            }
            Ok(out)
        }

        /// Up to `limit` entries waiting to be published, oldest id first.
        pub fn team_outbox(&self, limit: usize) -> Result<Vec<Marked>, StoreError> {
            let t = self.txn.open_table(TEAM_OUTBOX)?;
            let mut out = Vec::new();
            for item in t.iter()?.take(limit) {
                let (k, v) = item?;
                out.push(Marked {
                    id: k.value(),
                    mark: v.value(),
                });
            }
            Ok(out)
        }

        /// How many entries wait to be published.
        pub fn team_outbox_len(&self) -> Result<u64, StoreError> {
            Ok(self.txn.open_table(TEAM_OUTBOX)?.len()?)
        }

        /// On a seat: the view of an entry as the engine published it (JSON).
        pub fn team_view(&self, id: u64) -> Result<Option<Vec<u8>>, StoreError> {
            let t = self.txn.open_table(TEAM_VIEWS)?;
            let found = t.get(id)?.map(|v| v.value().to_vec());
            Ok(found)
        }
    };
}

impl Rx<'_> {
    team_reads!();
}

impl Tx<'_> {
    team_reads!();

    /// Marks entry `id` for the team log when this profile is a team's engine; nothing
    /// otherwise. Called by every write of an entry, its detail or its job.
    pub(super) fn mark_for_team(&self, id: u64) -> Result<(), StoreError> {
        if self.meta(keys::TEAM_PUBLISH)? != 1 {
            return Ok(());
        }
        let mark = self.meta(keys::TEAM_MARK)? + 1;
        self.put_meta(keys::TEAM_MARK, mark)?;
        self.txn.open_table(TEAM_OUTBOX)?.insert(id, mark)?;
        Ok(())
    }

    /// Marks every entry for the team log (a new team: its log starts with the whole
    /// history).
    pub fn mark_all_for_team(&self) -> Result<u64, StoreError> {
        let ids: Vec<u64> = {
            let t = self.txn.open_table(ENTRIES)?;
            let mut ids = Vec::new();
            for item in t.iter()? {
                ids.push(item?.0.value());
            }
            ids
        };
        for id in &ids {
            self.mark_for_team(*id)?;
        }
        Ok(ids.len() as u64)
    }

    /// Takes published entries out of the outbox, each only if not marked again since.
    pub fn team_published(&self, done: &[Marked]) -> Result<(), StoreError> {
        let mut t = self.txn.open_table(TEAM_OUTBOX)?;
        for m in done {
            let now = t.get(m.id)?.map(|v| v.value());
            if now == Some(m.mark) {
                t.remove(m.id)?;
            }
        }
        Ok(())
    }

    /// Saves a team record.
    pub fn team_put<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        self.txn
            .open_table(TEAM)?
            .insert(key, serde_json::to_vec(value)?.as_slice())?;
        Ok(())
    }

    /// Removes a team record.
    pub fn team_remove(&self, key: &str) -> Result<(), StoreError> {
        self.txn.open_table(TEAM)?.remove(key)?;
        Ok(())
    }

    /// On a seat: saves the engine's view of an entry.
    pub fn put_team_view(&self, id: u64, view: &[u8]) -> Result<(), StoreError> {
        self.txn.open_table(TEAM_VIEWS)?.insert(id, view)?;
        Ok(())
    }

    /// On a seat: forgets an entry the engine no longer holds (erased): its summary,
    /// detail and view.
    pub fn remove_team_entry(&self, id: u64) -> Result<(), StoreError> {
        self.txn.open_table(TEAM_VIEWS)?.remove(id)?;
        self.txn.open_table(ENTRIES)?.remove(id)?;
        self.txn.open_table(DETAILS)?.remove(id)?;
        Ok(())
    }
}
