//! Wake-ups of the seat API's long-polls, per channel: a counter per kind of change, bumped
//! once the change is durable (by the store that made it, or, on NATS, by the note another
//! relay published), and the devices revoked while requests of theirs may be open.
//!
//! A long-poll subscribes before it reads the store, so a change committed between its
//! read and its wait still wakes it.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// One channel's wake-ups.
#[derive(Debug)]
pub struct TeamLive {
    /// Bumped by every log append and compaction.
    pub log: watch::Sender<u64>,
    /// Bumped by every queued command.
    pub commands: watch::Sender<u64>,
    /// Bumped by every mailbox post, open or close.
    pub mail: watch::Sender<u64>,
    /// Devices revoked (removed again when one is registered anew).
    pub revoked: watch::Sender<BTreeSet<String>>,
    /// Engine streams open on this relay.
    pub engine_streams: AtomicUsize,
}

impl TeamLive {
    fn new() -> Self {
        TeamLive {
            log: watch::Sender::new(0),
            commands: watch::Sender::new(0),
            mail: watch::Sender::new(0),
            revoked: watch::Sender::new(BTreeSet::new()),
            engine_streams: AtomicUsize::new(0),
        }
    }

    /// Whether an engine stream is open on this relay.
    pub fn engine_connected(&self) -> bool {
        self.engine_streams.load(Ordering::Relaxed) > 0
    }
}

/// What changed, as the stores announce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The log.
    Log,
    /// The command queue.
    Commands,
    /// A mailbox.
    Mail,
}

/// Every channel's wake-ups on this relay.
#[derive(Debug, Default)]
pub struct TeamSignals {
    map: Mutex<HashMap<String, Arc<TeamLive>>>,
}

impl TeamSignals {
    /// The channel's wake-ups (created on first use).
    pub fn get(&self, channel: &str) -> Arc<TeamLive> {
        let mut map = match self.map.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(channel.to_string())
            .or_insert_with(|| Arc::new(TeamLive::new()))
            .clone()
    }

    /// Wakes what waits for this change.
    pub fn bump(&self, channel: &str, change: Change) {
        let live = self.get(channel);
        let w = match change {
            Change::Log => &live.log,
            Change::Commands => &live.commands,
            Change::Mail => &live.mail,
        };
        w.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Ends the open requests of a revoked device.
    pub fn revoked(&self, channel: &str, device: &str) {
        self.get(channel).revoked.send_modify(|set| {
            set.insert(device.to_string());
        });
    }

    /// A device registered (again): its requests are no longer ended.
    pub fn registered(&self, channel: &str, device: &str) {
        self.get(channel)
            .revoked
            .send_if_modified(|set| set.remove(device));
    }

    /// Forgets a removed channel, ending its long-polls' waits.
    pub fn remove(&self, channel: &str) {
        let live = match self.map.lock() {
            Ok(mut m) => m.remove(channel),
            Err(poisoned) => poisoned.into_inner().remove(channel),
        };
        if let Some(live) = live {
            for w in [&live.log, &live.commands, &live.mail] {
                w.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }
}
