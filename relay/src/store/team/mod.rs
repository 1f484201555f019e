//! Team mode's durable state (`docs/relay.md`, "Seats"): a channel's devices, its team log,
//! its command queue, its pairing mailboxes and when its engine was last seen, behind one
//! trait ([`TeamStore`]) that both stores implement, with the same promise as webhooks: a
//! write is answered only once it is durable (a redb commit with fsync, a JetStream ack).
//!
//! Records, commands and mailbox messages are opaque bytes: stored exactly as received,
//! never decoded. The live side ([`signals::TeamSignals`]) wakes long-polls once a write is
//! durable, on this relay and (NATS) on every other.

pub mod redb;
pub mod redb_ops;
pub mod signals;

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::team::{MailboxSide, SeatRole};

/// Stored bytes with their position (log records, mailbox messages), oldest first.
pub type Positioned = Vec<(u64, Vec<u8>)>;

/// A log read: the records and the head.
pub type LogRead = (Positioned, LogHead);

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Its Ed25519 public key, base64url.
    pub key: String,
    /// Its role, as the engine told it.
    pub role: SeatRole,
    /// When the engine registered it (ms since the epoch).
    pub added_ms: u64,
    /// When it last made an authenticated request (ms), if ever (written lazily).
    #[serde(default)]
    pub last_seen_ms: Option<u64>,
}

/// A queued command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRecord {
    /// The device that sent it.
    pub device: String,
    /// When the relay received it (ms).
    pub received_ms: u64,
    /// The sealed command, exactly as received.
    pub body: Vec<u8>,
}

/// The kept part of a log: positions `first..next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogHead {
    /// The oldest position kept (1 for a log never compacted).
    pub first: u64,
    /// The next position to be written (1 for an empty log).
    pub next: u64,
}

impl Default for LogHead {
    fn default() -> Self {
        LogHead { first: 1, next: 1 }
    }
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Append {
    /// Stored at `first..next`.
    Done {
        /// Position of the first record.
        first: u64,
        /// The log's next position.
        next: u64,
    },
    /// Nothing stored: the log's next position is `next`, not the one expected.
    Conflict {
        /// The log's actual next position.
        next: u64,
    },
}

/// What registering a device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutDevice {
    /// A new device.
    Added,
    /// A known device's key or role changed.
    Updated,
    /// Refused: the channel holds the most seats allowed.
    TooMany,
}

/// What posting to a mailbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPost {
    /// Stored as message `n` of its side.
    Posted(u64),
    /// No such mailbox (never opened, closed, or expired).
    Gone,
    /// That side already posted the most messages allowed.
    Full,
}

/// The engine's presence as stored: when its stream was last open, and whether it was
/// open at that write (a relay that was killed leaves `open`; the time then tells).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineSeen {
    /// Last time the stream was open (ms), if ever.
    pub last_seen_ms: Option<u64>,
    /// The stream was open at that time.
    pub open: bool,
}

/// Everything the seat API needs from a store. Every write returns once durable.
#[async_trait::async_trait]
pub trait TeamStore: Send + Sync + 'static {
    /// The wake-ups of this relay's long-polls.
    fn signals(&self) -> std::sync::Arc<signals::TeamSignals>;

    /// Registers or updates a device, unless the channel has `max_seats` others.
    async fn put_device(
        &self,
        channel: &str,
        device: &str,
        record: DeviceRecord,
        max_seats: usize,
    ) -> Result<PutDevice, StoreError>;

    /// Revokes a device; whether it existed.
    async fn revoke_device(&self, channel: &str, device: &str) -> Result<bool, StoreError>;

    /// Every device of a channel, ordered by id.
    async fn devices(&self, channel: &str) -> Result<Vec<(String, DeviceRecord)>, StoreError>;

    /// One device, read from the store (authoritative, across relays).
    async fn device(&self, channel: &str, device: &str)
        -> Result<Option<DeviceRecord>, StoreError>;

    /// Records when devices were last seen (best effort, batched by the caller).
    async fn touch_device(&self, channel: &str, device: &str, ms: u64) -> Result<(), StoreError>;

    /// Appends records at `expect` (all or none).
    async fn append(
        &self,
        channel: &str,
        expect: u64,
        records: Vec<Vec<u8>>,
    ) -> Result<Append, StoreError>;

    /// Drops records before `before`; returns the head after.
    async fn compact(&self, channel: &str, before: u64) -> Result<LogHead, StoreError>;

    /// Records after `after` (at most `limit`), and the head.
    async fn read_log(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<LogRead, StoreError>;

    /// Queues a command; returns its seq.
    async fn push_command(&self, channel: &str, cmd: CommandRecord) -> Result<u64, StoreError>;

    /// Commands after `after`, in order (at most `limit`).
    async fn read_commands(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, CommandRecord)>, StoreError>;

    /// Deletes every command up to `seq`.
    async fn ack_commands(&self, channel: &str, seq: u64) -> Result<(), StoreError>;

    /// Opens (or reopens, with a new expiry) a mailbox.
    async fn open_mailbox(
        &self,
        channel: &str,
        mailbox: &str,
        expires_ms: u64,
    ) -> Result<(), StoreError>;

    /// Closes a mailbox and deletes its messages; whether it existed.
    async fn close_mailbox(&self, channel: &str, mailbox: &str) -> Result<bool, StoreError>;

    /// Posts a message to one side of a mailbox (at most `max` a side).
    async fn post_mail(
        &self,
        channel: &str,
        mailbox: &str,
        side: MailboxSide,
        body: Vec<u8>,
        now_ms: u64,
        max: usize,
    ) -> Result<MailPost, StoreError>;

    /// What one side posted after `after`; `None` when the mailbox is gone.
    async fn read_mail(
        &self,
        channel: &str,
        mailbox: &str,
        side: MailboxSide,
        after: u64,
        now_ms: u64,
    ) -> Result<Option<Positioned>, StoreError>;

    /// Deletes expired mailboxes; returns how many.
    async fn sweep_mailboxes(&self, now_ms: u64) -> Result<u64, StoreError>;

    /// Records the engine's presence (its stream opened, is still open, or closed).
    async fn engine_seen(&self, channel: &str, seen: EngineSeen) -> Result<(), StoreError>;

    /// The engine's presence as last recorded.
    async fn engine(&self, channel: &str) -> Result<EngineSeen, StoreError>;
}
