//! The in-memory face of each channel: what the intake and the stream need on every
//! request without touching the disk. The writer thread is the only one that changes it,
//! right after a commit, so memory never runs ahead of what is durable.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::watch;

use crate::store::records::ChannelRecord;

/// Signals to a channel's open stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Control {
    /// Bumped each time a new stream authenticates; an older stream sees the change and
    /// closes with 4001.
    pub generation: u64,
    /// Bumped each time the channel's secret changes: every stream opened with an older
    /// secret sees the change and closes with 4003.
    pub secret_epoch: u64,
    /// The channel was removed.
    pub removed: bool,
}

/// One channel's live state.
#[derive(Debug)]
pub struct ChannelLive {
    /// The channel id.
    pub id: String,
    /// The operator's name (used as the metrics label: ids stay out of `/metrics`).
    pub name: String,
    secret_hash: Mutex<String>,
    /// The last committed seq; streams wait on it for new events.
    pub committed: watch::Sender<u64>,
    /// The last acknowledged seq.
    pub acked: AtomicU64,
    /// Events stored and not yet acknowledged.
    pub pending: AtomicU64,
    /// Events dropped by the age limit that no stream has announced yet.
    pub dropped: watch::Sender<u64>,
    /// Replacement and removal signals for the open stream.
    pub control: watch::Sender<Control>,
}

impl ChannelLive {
    /// Builds the live state from a stored record and its pending count.
    pub fn new(id: &str, record: &ChannelRecord, pending: u64) -> Self {
        ChannelLive {
            id: id.to_string(),
            name: record.name.clone(),
            secret_hash: Mutex::new(record.secret_hash.clone()),
            committed: watch::Sender::new(record.last_seq),
            acked: AtomicU64::new(record.acked_seq),
            pending: AtomicU64::new(pending),
            dropped: watch::Sender::new(record.dropped_unnoticed),
            control: watch::Sender::new(Control::default()),
        }
    }

    /// Whether `secret` opens this channel (constant-time against the stored hash).
    pub fn accepts(&self, secret: &str) -> bool {
        let hash = self
            .secret_hash
            .lock()
            .map(|h| h.clone())
            .unwrap_or_default();
        !hash.is_empty() && crate::credentials::secret_matches(secret, &hash)
    }

    /// Installs a new secret hash (rotation), then ends every stream opened with the old
    /// one. The order matters: a stream authorised against the old hash read the epoch
    /// before its check, so it sees the bump and closes.
    pub fn set_secret_hash(&self, hash: &str) {
        if let Ok(mut h) = self.secret_hash.lock() {
            if *h == hash {
                return;
            }
            *h = hash.to_string();
        }
        self.control.send_modify(|c| c.secret_epoch += 1);
    }

    /// The current secret epoch, read before a secret is checked (see [`Self::set_secret_hash`]).
    pub fn secret_epoch(&self) -> u64 {
        self.control.borrow().secret_epoch
    }

    /// Events queued and unacknowledged.
    pub fn pending(&self) -> u64 {
        self.pending.load(Ordering::Relaxed)
    }
}

/// All channels by id.
#[derive(Debug, Default)]
pub struct Registry {
    map: RwLock<HashMap<String, Arc<ChannelLive>>>,
}

impl Registry {
    /// The channel with this id, if it exists.
    pub fn get(&self, id: &str) -> Option<Arc<ChannelLive>> {
        self.map.read().ok()?.get(id).cloned()
    }

    /// Adds or replaces a channel.
    pub fn insert(&self, live: ChannelLive) -> Arc<ChannelLive> {
        let live = Arc::new(live);
        if let Ok(mut map) = self.map.write() {
            map.insert(live.id.clone(), live.clone());
        }
        live
    }

    /// Removes a channel and tells its stream.
    pub fn remove(&self, id: &str) -> Option<Arc<ChannelLive>> {
        let live = self.map.write().ok()?.remove(id)?;
        live.control.send_modify(|c| c.removed = true);
        Some(live)
    }

    /// Every channel.
    pub fn all(&self) -> Vec<Arc<ChannelLive>> {
        self.map
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }
}
