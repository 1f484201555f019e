//! Typed access to the tables inside one transaction: [`Tx`] reads and writes, [`Rx`]
//! reads a snapshot. Values are JSON so records can gain fields without a migration.

use redb::{
    ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition, WriteTransaction,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::tables::*;
use super::StoreError;
use crate::model::{Detail, Entry, Job, RawEvent};
use crate::settings::Settings;

/// A dedupe record: what was seen under a key, and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// SHA-256 (hex) of the body that used the key.
    pub body_hash: String,
    /// The entry it produced.
    pub entry_id: u64,
    /// When (ms).
    pub at: u64,
}

/// Where the relay is: its URL and our channel (the secret is in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayConn {
    /// The relay's public base URL.
    pub url: String,
    /// The channel id.
    pub channel: String,
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    Ok(serde_json::from_slice(bytes)?)
}

/// Read helpers shared by [`Tx`] and [`Rx`]: both transaction types open tables the same way.
macro_rules! read_methods {
    () => {
        /// The settings (defaults when none were saved).
        pub fn settings(&self) -> Result<Settings, StoreError> {
            let t = self.txn.open_table(SETTINGS)?;
            let Some(v) = t.get(KEY_SETTINGS)? else {
                return Ok(Settings::default());
            };
            toml::from_str(v.value())
                .map_err(|e| StoreError::Corrupt(format!("stored settings: {e}")))
        }

        /// The relay connection, if `connect` was run.
        pub fn relay_conn(&self) -> Result<Option<RelayConn>, StoreError> {
            let t = self.txn.open_table(SETTINGS)?;
            let v = t.get(KEY_RELAY)?;
            v.map(|v| serde_json::from_str(v.value()).map_err(StoreError::from))
                .transpose()
        }

        /// A counter (0 when unset).
        pub fn meta(&self, key: &str) -> Result<u64, StoreError> {
            let t = self.txn.open_table(META)?;
            let v = t.get(key)?;
            Ok(v.map(|v| v.value()).unwrap_or(0))
        }

        /// The oldest event waiting in the inbox.
        pub fn inbox_first(&self) -> Result<Option<RawEvent>, StoreError> {
            let t = self.txn.open_table(INBOX)?;
            let first = t.first()?;
            first.map(|(_, v)| decode(v.value())).transpose()
        }

        /// Events waiting in the inbox.
        pub fn inbox_len(&self) -> Result<u64, StoreError> {
            Ok(self.txn.open_table(INBOX)?.len()?)
        }

        /// One entry's summary.
        pub fn entry(&self, id: u64) -> Result<Option<Entry>, StoreError> {
            let t = self.txn.open_table(ENTRIES)?;
            let v = t.get(id)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// One entry's detail.
        pub fn detail(&self, id: u64) -> Result<Option<Detail>, StoreError> {
            let t = self.txn.open_table(DETAILS)?;
            let v = t.get(id)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// An unfinished job.
        pub fn job(&self, id: u64) -> Result<Option<Job>, StoreError> {
            let t = self.txn.open_table(JOBS)?;
            let v = t.get(id)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// Every unfinished job, oldest first.
        pub fn jobs(&self) -> Result<Vec<Job>, StoreError> {
            let t = self.txn.open_table(JOBS)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                out.push(decode(item?.1.value())?);
            }
            Ok(out)
        }

        /// A dedupe record.
        pub fn seen(&self, key: &str) -> Result<Option<Seen>, StoreError> {
            let t = self.txn.open_table(SEEN)?;
            let v = t.get(key)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// An idempotency link.
        pub fn link(&self, key: &str) -> Result<Option<String>, StoreError> {
            let t = self.txn.open_table(LINKS)?;
            let v = t.get(key)?;
            Ok(v.map(|v| v.value().to_string()))
        }

        /// A JSON document from a string-keyed table.
        pub fn doc<T: DeserializeOwned>(
            &self,
            table: TableDefinition<&str, &[u8]>,
            key: &str,
        ) -> Result<Option<T>, StoreError> {
            let t = self.txn.open_table(table)?;
            let v = t.get(key)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// Every JSON document of a string-keyed table.
        pub fn docs<T: DeserializeOwned>(
            &self,
            table: TableDefinition<&str, &[u8]>,
        ) -> Result<Vec<(String, T)>, StoreError> {
            let t = self.txn.open_table(table)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                let (k, v) = item?;
                out.push((k.value().to_string(), decode(v.value())?));
            }
            Ok(out)
        }
    };
}

/// A write transaction.
pub struct Tx<'a> {
    txn: &'a WriteTransaction,
}

/// A read transaction.
pub struct Rx<'a> {
    pub(crate) txn: &'a ReadTransaction,
}

impl<'a> Rx<'a> {
    pub(super) fn new(txn: &'a ReadTransaction) -> Self {
        Rx { txn }
    }

    read_methods!();
}

impl<'a> Tx<'a> {
    pub(super) fn new(txn: &'a WriteTransaction) -> Self {
        Tx { txn }
    }

    read_methods!();

    pub(super) fn create_tables(&self) -> Result<(), StoreError> {
        self.txn.open_table(SETTINGS)?;
        self.txn.open_table(META)?;
        self.txn.open_table(INBOX)?;
        self.txn.open_table(ENTRIES)?;
        self.txn.open_table(DETAILS)?;
        self.txn.open_table(JOBS)?;
        self.txn.open_table(SEEN)?;
        self.txn.open_table(LINKS)?;
        self.txn.open_table(ASSESSMENTS)?;
        self.txn.open_table(OUTCOMES)?;
        Ok(())
    }

    /// Saves the settings.
    pub fn put_settings(&self, s: &Settings) -> Result<(), StoreError> {
        self.txn
            .open_table(SETTINGS)?
            .insert(KEY_SETTINGS, s.to_toml().as_str())?;
        Ok(())
    }

    /// Saves the relay connection.
    pub fn put_relay_conn(&self, c: &RelayConn) -> Result<(), StoreError> {
        self.txn
            .open_table(SETTINGS)?
            .insert(KEY_RELAY, serde_json::to_string(c)?.as_str())?;
        Ok(())
    }

    /// Sets a counter.
    pub fn put_meta(&self, key: &str, value: u64) -> Result<(), StoreError> {
        self.txn.open_table(META)?.insert(key, value)?;
        Ok(())
    }

    /// Allocates the next entry id.
    pub fn next_id(&self) -> Result<u64, StoreError> {
        let id = self.meta(META_NEXT_ID)?.max(1);
        self.put_meta(META_NEXT_ID, id + 1)?;
        Ok(id)
    }

    /// Adds an event to the inbox.
    pub fn inbox_put(&self, e: &RawEvent) -> Result<(), StoreError> {
        self.txn
            .open_table(INBOX)?
            .insert(e.seq, serde_json::to_vec(e)?.as_slice())?;
        Ok(())
    }

    /// Removes an event from the inbox.
    pub fn inbox_remove(&self, seq: u64) -> Result<(), StoreError> {
        self.txn.open_table(INBOX)?.remove(seq)?;
        Ok(())
    }

    /// Saves an entry's summary.
    pub fn put_entry(&self, e: &Entry) -> Result<(), StoreError> {
        self.txn
            .open_table(ENTRIES)?
            .insert(e.id, serde_json::to_vec(e)?.as_slice())?;
        Ok(())
    }

    /// Saves an entry's detail.
    pub fn put_detail(&self, id: u64, d: &Detail) -> Result<(), StoreError> {
        self.txn
            .open_table(DETAILS)?
            .insert(id, serde_json::to_vec(d)?.as_slice())?;
        Ok(())
    }

    /// Saves an unfinished job.
    pub fn put_job(&self, j: &Job) -> Result<(), StoreError> {
        self.txn
            .open_table(JOBS)?
            .insert(j.id, serde_json::to_vec(j)?.as_slice())?;
        Ok(())
    }

    /// Removes a job (it finished).
    pub fn remove_job(&self, id: u64) -> Result<(), StoreError> {
        self.txn.open_table(JOBS)?.remove(id)?;
        Ok(())
    }

    /// Records a dedupe key.
    pub fn put_seen(&self, key: &str, s: &Seen) -> Result<(), StoreError> {
        self.txn
            .open_table(SEEN)?
            .insert(key, serde_json::to_vec(s)?.as_slice())?;
        Ok(())
    }

    /// Records an idempotency link.
    pub fn put_link(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.txn.open_table(LINKS)?.insert(key, value)?;
        Ok(())
    }

    /// Removes idempotency links starting with `prefix` for which `keep` says no.
    pub fn remove_links(
        &self,
        prefix: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<usize, StoreError> {
        let mut table = self.txn.open_table(LINKS)?;
        let keys: Vec<String> = table
            .range(prefix..)?
            .map_while(|item| item.ok().map(|(k, _)| k.value().to_string()))
            .take_while(|k| k.starts_with(prefix))
            .filter(|k| !keep(k))
            .collect();
        for k in &keys {
            table.remove(k.as_str())?;
        }
        Ok(keys.len())
    }

    /// Saves a JSON document in a string-keyed table.
    pub fn put_doc<T: Serialize>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        self.txn
            .open_table(table)?
            .insert(key, serde_json::to_vec(value)?.as_slice())?;
        Ok(())
    }
}
