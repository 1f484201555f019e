//! The relay's durable store, behind one trait ([`Store`]) so that nothing above it knows
//! which store runs. The default is one redb file ([`redb::RedbStore`]): opened once,
//! written by one thread ([`writer`]) that commits many requests per fsync, read by any
//! task, and reopened by itself after an I/O error (disk full) once the disk lets it.
//! With `--store nats://…` it is NATS JetStream ([`nats::NatsStore`]), shared by any
//! number of relay processes.

mod commit;
pub mod damage;
#[cfg(test)]
mod damage_tests;
pub mod handle;
pub mod nats;
pub mod open;
pub mod ops;
mod publish;
mod queue;
pub mod records;
pub mod redb;
pub mod tables;
pub mod team;
pub mod writer;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub use open::{open, DB_FILE};
pub use queue::{AdminCmd, AdminOutcome};
use records::{ChannelRecord, StoredEvent};

use crate::live::Registry;

/// File name of the admin socket inside the data directory.
pub const ADMIN_SOCKET: &str = "admin.sock";

/// What can go wrong in the store, in operator's words.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// Another process has the database open.
    #[error("the database in {0} is in use by another process (is `hirewire-relay serve` running there?)")]
    Locked(PathBuf),
    /// The database file cannot be used as it is; starting would lose or hide data.
    #[error("{0}")]
    Unusable(String),
    /// redb reported an I/O or format problem.
    #[error("storage error: {0}")]
    Db(String),
    /// A record could not be decoded.
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
    /// No channel with that id.
    #[error("no channel with id {0}")]
    UnknownChannel(String),
    /// The name is used by another channel.
    #[error("a channel named {0:?} already exists")]
    NameTaken(String),
    /// The store cannot take writes now (a failed commit, until it is reopened).
    #[error("the store cannot take writes now: {0}")]
    Unavailable(String),
    /// The channel's backlog is full (the store itself enforces `--max-pending`).
    #[error("{0}")]
    Full(String),
    /// The database file is damaged: the message says what to do. (Inside a transaction it
    /// carries redb's reason alone; [`handle::DbHandle::guard`] makes it the full message.)
    #[error("{0}")]
    Damaged(String),
    /// The database was written by a newer relay; it was left as it is.
    #[error("{0}")]
    TooNew(String),
    /// The writer thread has stopped (shutdown or a fatal error).
    #[error("the store is shutting down")]
    Closed,
}

impl StoreError {
    /// Whether this is the caller's mistake (a usage error), not the store's.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            StoreError::UnknownChannel(_) | StoreError::NameTaken(_)
        )
    }
}

/// The reason of a redb error that says the file is damaged, if it is one.
fn corrupted(e: &::redb::StorageError) -> Option<&str> {
    match e {
        ::redb::StorageError::Corrupted(why) => Some(why),
        _ => None,
    }
}

macro_rules! from_redb {
    ($($t:ty => $damage:expr),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                let damage: fn(&$t) -> Option<&str> = $damage;
                match damage(&e) {
                    Some(why) => StoreError::Damaged(why.to_string()),
                    None => StoreError::Db(e.to_string()),
                }
            }
        }
    )*};
}
from_redb!(
    ::redb::Error => |e| match e {
        ::redb::Error::Corrupted(why) => Some(why),
        _ => None,
    },
    ::redb::TransactionError => |e| match e {
        ::redb::TransactionError::Storage(s) => corrupted(s),
        _ => None,
    },
    ::redb::TableError => |e| match e {
        ::redb::TableError::Storage(s) => corrupted(s),
        _ => None,
    },
    ::redb::StorageError => corrupted,
    ::redb::CommitError => |e| match e {
        ::redb::CommitError::Storage(s) => corrupted(s),
        _ => None,
    }
);

/// One stored event as read back: its seq, and the event or why it cannot be read.
pub type ReadEvent = (u64, Result<StoredEvent, String>);

/// A channel as listed: id, record and queued events.
pub type Listed = (String, ChannelRecord, u64);

/// Everything the server needs from a store. Implementations keep the shared [`Registry`]
/// (the live face of every channel) in step with what is durable: a change is visible
/// there only once it is committed.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// The live channels, kept current by the store.
    fn registry(&self) -> Arc<Registry>;

    /// Stores an event durably; returns its seq once committed.
    async fn ingest(
        &self,
        channel: &str,
        event: StoredEvent,
        arrived: Instant,
    ) -> Result<u64, StoreError>;

    /// Records a cumulative acknowledgement (everything up to `seq` may be deleted). Fire
    /// and forget: a lost ack only means a resend that the app drops by seq.
    async fn ack(&self, channel: &str, seq: u64);

    /// Events of a channel with seq in `from..=to`, oldest first: at most `limit` of them,
    /// and no more once `max_bytes` of bodies are read (always at least one). An event
    /// that cannot be decoded comes back as its error, so that one bad record never hides
    /// the ones behind it.
    async fn read(
        &self,
        channel: &str,
        from: u64,
        to: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<ReadEvent>, StoreError>;

    /// Runs a channel administration request.
    async fn admin(&self, cmd: AdminCmd) -> Result<AdminOutcome, StoreError>;

    /// Every channel with its queued count, ordered by id.
    async fn channels(&self) -> Result<Vec<Listed>, StoreError>;

    /// The public URL the last `serve` announced, for connection codes.
    async fn public_url(&self) -> Result<Option<String>, StoreError>;

    /// Drops unacknowledged events received before `cutoff_ms`; returns how many.
    async fn drop_aged(&self, cutoff_ms: u64) -> Result<u64, StoreError>;

    /// Marks `count` dropped events of a channel as announced to the app.
    async fn clear_dropped(&self, channel: &str, count: u64);

    /// Makes a real durable write: proves the store accepts writes now.
    async fn probe(&self) -> Result<(), StoreError>;

    /// Commits acknowledgements that wait for a durable commit.
    async fn flush(&self);

    /// A new stream takes over a channel: returns its generation. Every older stream of
    /// the channel (on this relay or another serving the same store) sees the change in
    /// the registry and closes with 4001.
    async fn claim_stream(&self, channel: &str) -> Result<u64, StoreError>;

    /// Makes this relay's view of a channel current before an authorisation decision (a
    /// secret rotated or a channel removed through another relay on the same store).
    async fn refresh(&self, _channel: &str) -> Result<(), StoreError> {
        Ok(())
    }

    /// Finishes what is queued and releases the store.
    async fn close(&self);

    /// Resolves, with the operator's message, once the store is found damaged while
    /// serving: the relay then stops instead of answering 503 for ever.
    async fn damaged(&self) -> String {
        std::future::pending().await
    }

    /// Channels whose latest acknowledgement is not recorded yet (said when a stop cannot
    /// wait for them).
    fn waiting_acks(&self) -> usize {
        0
    }
}
