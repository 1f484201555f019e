//! Typed access to the tables inside one transaction: [`Tx`] reads and writes, [`Rx`]
//! reads a snapshot. Values are JSON so records can gain fields without a migration.

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::settings_cache::SettingsCache;
use super::tables::*;
use super::StoreError;
use crate::keys;
use crate::model::{Detail, Entry, RawEvent};
use crate::settings::Settings;
use crate::work::{Assessment, Job, JobSlot, Recorded};

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

impl RelayConn {
    /// The public URL of one of this channel's endpoints, as Lever or the partner posts to it.
    pub fn hook_url(&self, endpoint: &str) -> String {
        hirewire_relay::protocol::ConnectCode {
            url: self.url.clone(),
            channel: self.channel.clone(),
            secret: String::new(),
        }
        .hook_url(endpoint)
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    Ok(serde_json::from_slice(bytes)?)
}

/// Read helpers shared by [`Tx`] and [`Rx`]: both transaction types open tables the same way.
macro_rules! read_methods {
    () => {
        /// The stored settings, parsed (defaults when none were saved).
        fn parse_settings(&self) -> Result<Settings, StoreError> {
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

        /// The oldest event waiting in the inbox, with its position. An unreadable
        /// record comes back as an event with its bytes as the body, so that intake
        /// rejects it instead of stopping at it.
        pub fn inbox_first(&self) -> Result<Option<(u64, RawEvent)>, StoreError> {
            let t = self.txn.open_table(INBOX)?;
            let Some((k, v)) = t.first()? else {
                return Ok(None);
            };
            let raw = decode::<RawEvent>(v.value()).unwrap_or_else(|e| RawEvent {
                seq: 0,
                endpoint: "unreadable".into(),
                method: String::new(),
                received_at: crate::time::now_ms(),
                content_type: None,
                body: format!("(an inbox record that cannot be read: {e})"),
                body_hash: None,
            });
            Ok(Some((k.value(), raw)))
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

        /// An unfinished job; an unreadable record is an error that names the entry.
        pub fn job(&self, id: u64) -> Result<Option<Job>, StoreError> {
            let t = self.txn.open_table(JOBS)?;
            let v = t.get(id)?;
            match v.map(|v| decode::<JobSlot>(v.value())).transpose()? {
                None => Ok(None),
                Some(JobSlot::Job(job)) => Ok(Some(*job)),
                Some(JobSlot::Unreadable { error, .. }) => Err(StoreError::Corrupt(format!(
                    "the saved progress of entry {id} cannot be read ({error})"
                ))),
            }
        }

        /// Every unfinished job, oldest first, each read on its own: one unreadable
        /// record does not hide the others.
        pub fn jobs(&self) -> Result<Vec<(u64, JobSlot)>, StoreError> {
            let t = self.txn.open_table(JOBS)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                let (k, v) = item?;
                let slot = decode::<JobSlot>(v.value()).unwrap_or_else(|e| JobSlot::Unreadable {
                    raw: serde_json::Value::Null,
                    error: e.to_string(),
                });
                out.push((k.value(), slot));
            }
            Ok(out)
        }

        /// Unfinished jobs (the status bar's queue).
        pub fn jobs_len(&self) -> Result<u64, StoreError> {
            Ok(self.txn.open_table(JOBS)?.len()?)
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

        /// The keys under `prefix` whose link value is `value` (e.g. every opportunity
        /// linked to one bob employee).
        pub fn links_to(&self, prefix: &str, value: &str) -> Result<Vec<String>, StoreError> {
            let t = self.txn.open_table(LINKS)?;
            let mut out = Vec::new();
            for item in t.range(prefix..)? {
                let (k, v) = item?;
                let k = k.value();
                if !k.starts_with(prefix) {
                    break;
                }
                if v.value() == value {
                    out.push(k.to_string());
                }
            }
            Ok(out)
        }

        /// A sent assessment.
        pub fn assessment(&self, interview_id: &str) -> Result<Option<Assessment>, StoreError> {
            let t = self.txn.open_table(ASSESSMENTS)?;
            let v = t.get(interview_id)?;
            v.map(|v| decode(v.value())).transpose()
        }

        /// Every sent assessment.
        pub fn assessments(&self) -> Result<Vec<Assessment>, StoreError> {
            let t = self.txn.open_table(ASSESSMENTS)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                out.push(decode(item?.1.value())?);
            }
            Ok(out)
        }

        /// The assessments sent for one opportunity.
        pub fn assessments_of(&self, opp: &str) -> Result<Vec<Assessment>, StoreError> {
            let mut all = self.assessments()?;
            all.retain(|a| a.opportunity_id == opp);
            Ok(all)
        }

        /// The outcomes recorded for an opportunity.
        pub fn outcomes(&self, opp: &str) -> Result<Vec<Recorded>, StoreError> {
            let t = self.txn.open_table(OUTCOMES)?;
            let v = t.get(opp)?;
            Ok(v.map(|v| decode(v.value()))
                .transpose()?
                .unwrap_or_default())
        }

        /// The last relay seq taken in from this relay and channel (0: none).
        pub fn relay_cursor(&self, conn: &RelayConn) -> Result<u64, StoreError> {
            self.meta(&keys::relay_seq(&conn.url, &conn.channel))
        }

        /// The body hash of a recently taken-in relay seq of this relay and channel.
        pub fn recent_seq(&self, conn: &RelayConn, seq: u64) -> Result<Option<String>, StoreError> {
            let t = self.txn.open_table(RECENT)?;
            let key = keys::relay_seq(&conn.url, &conn.channel);
            let v = t.get((key.as_str(), seq))?;
            Ok(v.map(|v| v.value().to_string()))
        }
    };
}

/// A write transaction.
pub struct Tx<'a> {
    pub(super) txn: &'a WriteTransaction,
}

/// A read transaction.
pub struct Rx<'a> {
    pub(crate) txn: &'a ReadTransaction,
    cache: &'a SettingsCache,
}

impl<'a> Rx<'a> {
    pub(super) fn new(txn: &'a ReadTransaction, cache: &'a SettingsCache) -> Self {
        Rx { txn, cache }
    }

    read_methods!();

    /// The settings (defaults when none were saved), parsed once per change: a snapshot
    /// holds committed data only, so its generation names exactly one settings text.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        let generation = self.meta(keys::SETTINGS_GEN)?;
        self.cache
            .get_or_parse(generation, || self.parse_settings())
    }
}

impl<'a> Tx<'a> {
    pub(super) fn new(txn: &'a WriteTransaction) -> Self {
        Tx { txn }
    }

    read_methods!();

    /// The settings (defaults when none were saved). Parsed every time: this transaction
    /// may hold a change not yet committed, which must never reach the shared cache.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        self.parse_settings()
    }

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
        self.txn.open_table(RECENT)?;
        self.txn.open_table(WATCH)?;
        self.txn.open_table(TEAM)?;
        self.txn.open_table(TEAM_OUTBOX)?;
        self.txn.open_table(TEAM_VIEWS)?;
        Ok(())
    }

    /// Moves what older versions stored differently: the one global relay cursor becomes
    /// the connected channel's, and inbox positions continue after the last stored one.
    pub(super) fn migrate(&self) -> Result<(), StoreError> {
        let legacy = self.meta(LEGACY_RELAY_SEQ)?;
        if legacy > 0 {
            if let Some(conn) = self.relay_conn()? {
                let key = keys::relay_seq(&conn.url, &conn.channel);
                if self.meta(&key)? == 0 {
                    self.put_meta(&key, legacy)?;
                }
            }
            self.txn.open_table(META)?.remove(LEGACY_RELAY_SEQ)?;
        }
        if self.meta(keys::NEXT_INBOX)? == 0 {
            let last = self.txn.open_table(INBOX)?.last()?.map(|(k, _)| k.value());
            if let Some(last) = last {
                self.put_meta(keys::NEXT_INBOX, last + 1)?;
            }
        }
        Ok(())
    }

    /// Saves the settings.
    pub fn put_settings(&self, s: &Settings) -> Result<(), StoreError> {
        self.txn
            .open_table(SETTINGS)?
            .insert(KEY_SETTINGS, s.to_toml().as_str())?;
        let generation = self.meta(keys::SETTINGS_GEN)?;
        self.put_meta(keys::SETTINGS_GEN, generation.wrapping_add(1))
    }

    /// Adds Lever's names to the stored settings (see [`crate::settings::Names`]); a reason
    /// mapped already is not listed as unmapped.
    pub fn add_names(&self, names: crate::settings::Names) -> Result<(), StoreError> {
        let mut s = self.settings()?;
        s.names = s.names.merge(names);
        let mapped = s.archive_reasons.clone();
        s.names.tidy(&mapped);
        self.put_settings(&s)
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
        let id = self.meta(keys::NEXT_ID)?.max(1);
        self.put_meta(keys::NEXT_ID, id + 1)?;
        Ok(id)
    }

    /// Adds an event at the end of the inbox; returns its position.
    pub fn inbox_push(&self, e: &RawEvent) -> Result<u64, StoreError> {
        let at = self.meta(keys::NEXT_INBOX)?.max(1);
        self.put_meta(keys::NEXT_INBOX, at + 1)?;
        self.txn
            .open_table(INBOX)?
            .insert(at, serde_json::to_vec(e)?.as_slice())?;
        Ok(at)
    }

    /// Removes an event from the inbox.
    pub fn inbox_remove(&self, at: u64) -> Result<(), StoreError> {
        self.txn.open_table(INBOX)?.remove(at)?;
        Ok(())
    }

    /// Records a relay seq as taken in (the cursor, and the body hash for telling a
    /// resend from a new event under an old seq), forgetting hashes older than `keep`.
    pub fn put_relay_seq(
        &self,
        conn: &RelayConn,
        seq: u64,
        body_hash: &str,
        keep: u64,
    ) -> Result<(), StoreError> {
        let key = keys::relay_seq(&conn.url, &conn.channel);
        self.put_meta(&key, seq)?;
        let mut t = self.txn.open_table(RECENT)?;
        t.insert((key.as_str(), seq), body_hash)?;
        if let Some(old) = seq.checked_sub(keep) {
            t.retain_in((key.as_str(), 0)..=(key.as_str(), old), |_, _| false)?;
        }
        Ok(())
    }

    /// The relay went back to `seq`: its cursor and remembered hashes from there on go.
    pub fn rewind_relay(&self, conn: &RelayConn, seq: u64) -> Result<(), StoreError> {
        let key = keys::relay_seq(&conn.url, &conn.channel);
        self.put_meta(&key, seq.saturating_sub(1))?;
        let mut t = self.txn.open_table(RECENT)?;
        t.retain_in((key.as_str(), seq)..=(key.as_str(), u64::MAX), |_, _| false)?;
        Ok(())
    }

    /// Saves an entry's summary.
    pub fn put_entry(&self, e: &Entry) -> Result<(), StoreError> {
        self.txn
            .open_table(ENTRIES)?
            .insert(e.id, serde_json::to_vec(e)?.as_slice())?;
        self.mark_for_team(e.id)
    }

    /// Saves an entry's detail.
    pub fn put_detail(&self, id: u64, d: &Detail) -> Result<(), StoreError> {
        self.txn
            .open_table(DETAILS)?
            .insert(id, serde_json::to_vec(d)?.as_slice())?;
        self.mark_for_team(id)
    }

    /// Saves an unfinished job.
    pub fn put_job(&self, j: &Job) -> Result<(), StoreError> {
        self.txn
            .open_table(JOBS)?
            .insert(j.id, serde_json::to_vec(j)?.as_slice())?;
        self.mark_for_team(j.id)
    }

    /// Removes a job (it finished).
    pub fn remove_job(&self, id: u64) -> Result<(), StoreError> {
        self.txn.open_table(JOBS)?.remove(id)?;
        self.mark_for_team(id)
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

    /// Saves a sent assessment.
    pub fn put_assessment(&self, a: &Assessment) -> Result<(), StoreError> {
        self.txn
            .open_table(ASSESSMENTS)?
            .insert(a.interview_id.as_str(), serde_json::to_vec(a)?.as_slice())?;
        Ok(())
    }

    /// Saves the outcomes recorded for an opportunity.
    pub fn put_outcomes(&self, opp: &str, list: &[Recorded]) -> Result<(), StoreError> {
        self.txn
            .open_table(OUTCOMES)?
            .insert(opp, serde_json::to_vec(list)?.as_slice())?;
        Ok(())
    }
}
