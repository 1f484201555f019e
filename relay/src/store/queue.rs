//! What the writer thread is asked to do: the queued operations, the channel
//! administration requests and what they produce. Kept apart from the thread itself so
//! that the commit and publish steps it runs can name them without depending on it.

use std::collections::HashMap;
use std::time::Instant;

use tokio::sync::oneshot;

use super::ops::Issued;
use super::records::StoredEvent;
use super::StoreError;

/// A channel administration request.
#[derive(Debug)]
pub enum AdminCmd {
    /// Create a channel with this name.
    Add(String),
    /// Delete a channel and its queue.
    Remove(String),
    /// Give a channel a new secret.
    Rotate(String),
    /// Record the public URL used in connection codes.
    SetPublicUrl(String),
}

/// What an admin request produced.
#[derive(Debug)]
pub enum AdminOutcome {
    /// New credentials (add, rotate).
    Issued(Issued),
    /// Events deleted with a removed channel.
    Removed(u64),
    /// Nothing to report.
    Done,
}

pub(super) type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// One queued write.
#[derive(Debug)]
pub(super) enum Op {
    Ingest {
        channel: String,
        event: StoredEvent,
        arrived: Instant,
        reply: Reply<u64>,
    },
    Ack {
        channel: String,
        seq: u64,
    },
    Admin {
        cmd: AdminCmd,
        reply: Reply<AdminOutcome>,
    },
    DropAged {
        cutoff_ms: u64,
        reply: Reply<u64>,
    },
    ClearDropped {
        channel: String,
        count: u64,
    },
    Probe {
        reply: Reply<()>,
    },
    /// Commit deferred acks, if any (and retry a failed database).
    Flush,
    /// A team-mode write (see `store::team`), answered after the commit.
    Team {
        work: TeamWork,
        reply: Reply<TeamDone>,
    },
}

/// A team-mode write's result, handed back to the typed caller (`Writer::team`).
pub(super) type TeamDone = Box<dyn std::any::Any + Send>;

/// A team-mode write: one closure run inside the batch's transaction.
pub(super) struct TeamWork(pub TeamFn);

/// The closure of a [`TeamWork`].
pub(super) type TeamFn =
    Box<dyn FnOnce(&redb::WriteTransaction) -> Result<TeamDone, StoreError> + Send>;

/// A team write in a sorted batch: the work (taken when run), its reply, its result.
pub(super) type TeamSlot = (
    Option<TeamWork>,
    Reply<TeamDone>,
    Result<TeamDone, StoreError>,
);

impl std::fmt::Debug for TeamWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TeamWork")
    }
}

/// Replies and live-state changes that may only happen after the commit.
#[derive(Default)]
pub(super) struct Effects {
    /// Ingests waiting to be appended: (channel, event, arrival, reply).
    pub queued: Vec<(String, StoredEvent, Instant, Reply<u64>)>,
    pub ingested: Vec<(Reply<u64>, Result<u64, StoreError>, Instant)>,
    pub admin: Vec<(
        AdminCmd,
        Reply<AdminOutcome>,
        Result<AdminOutcome, StoreError>,
    )>,
    /// Age sweeps: cutoff, reply, and the result once run.
    pub aged: Vec<(u64, Reply<u64>, Result<u64, StoreError>)>,
    pub probes: Vec<Reply<()>>,
    /// Highest ack per channel.
    pub acks: HashMap<String, u64>,
    /// Announced drops per channel.
    pub cleared: Vec<(String, u64)>,
    /// Channel id → (events deleted by acks, events dropped by age).
    pub deleted: HashMap<String, (u64, u64)>,
    /// Team writes, in arrival order: the work (taken when run), reply, and result.
    pub team: Vec<TeamSlot>,
}

impl Effects {
    /// Sorts a batch, holding every reply.
    pub fn sorted(batch: Vec<Op>) -> Effects {
        let mut fx = Effects::default();
        for op in batch {
            match op {
                Op::Ingest {
                    channel,
                    event,
                    arrived,
                    reply,
                } => fx.queued.push((channel, event, arrived, reply)),
                Op::Ack { channel, seq } => {
                    let slot = fx.acks.entry(channel).or_default();
                    *slot = (*slot).max(seq);
                }
                Op::Admin { cmd, reply } => fx.admin.push((cmd, reply, Ok(AdminOutcome::Done))),
                Op::DropAged { cutoff_ms, reply } => fx.aged.push((cutoff_ms, reply, Ok(0))),
                Op::ClearDropped { channel, count } => fx.cleared.push((channel, count)),
                Op::Probe { reply } => fx.probes.push(reply),
                Op::Flush => {}
                Op::Team { work, reply } => fx.team.push((
                    Some(work),
                    reply,
                    Err(StoreError::Unavailable("not run".into())),
                )),
            }
        }
        fx
    }
}
