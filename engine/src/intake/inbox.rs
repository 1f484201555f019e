//! Intake, step 3: the inbox queue. An event from the relay is committed here before it is acknowledged, then the
//! intake takes events out one by one, in order, each in one transaction that removes it
//! from the inbox and records its entry (and job). A crash anywhere loses nothing and
//! takes nothing in twice.
//!
//! No single event may hold up the ones behind it: an event whose intake fails for a
//! reason of its own (it panics the intake, or keeps failing) is recorded as `rejected`
//! with the reason and removed, and the inbox moves on. Only a locked keychain, which is
//! no event's fault, makes the inbox wait.

use std::time::Duration;

use hirewire_relay::protocol::EventFrame;
use tracing::Instrument;

use crate::model::{Flow, RawEvent, Status};
use crate::secrets::MissingSecret;
use crate::store::entries::NewEntry;
use crate::store::{RelayConn, StoreError};
use crate::{time, Engine};

use super::decide::{decide, Endpoint};
use super::record;

/// Relay seqs whose body hash is kept per channel, to tell a resend from a relay that
/// went back: far more than a stream ever resends (its window is 256).
const RECENT_SEQS: u64 = 10_000;
/// Tries of one event's intake before it is given up as `rejected`: storage hiccups pass
/// within a few seconds; a failure that stays is the event's own.
const MAX_INTAKE_TRIES: u32 = 5;
/// Wait between those tries.
const INTAKE_RETRY: Duration = Duration::from_secs(2);
/// Wait while the keychain cannot be read (locked), before looking again.
const KEYCHAIN_RETRY: Duration = Duration::from_secs(5);

/// What became of a relay event offered to the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// New: committed to the inbox.
    Fresh,
    /// A resend of an event already taken (same seq, same body): acknowledge it again.
    Resent,
    /// The relay's seq went back (from `from` to `to`): the event is new and was taken,
    /// and the relay was probably restored from an older backup.
    Rewound {
        /// The last seq seen before.
        from: u64,
        /// The seq that arrived.
        to: u64,
    },
}

/// Why an event could not be taken in right now.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The keychain cannot be read: no event's fault; the inbox waits.
    #[error(transparent)]
    Keychain(MissingSecret),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How one try of an event's intake failed.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// It returned an error (storage, most likely): it may pass, so it is tried again.
    #[error("{0}")]
    Failed(String),
    /// The intake panicked on it: the same event would panic again, so it is set aside
    /// at once.
    #[error("Hirewire's intake failed on it ({0})")]
    Panicked(String),
}

impl Failure {
    /// Whether trying the same event again may succeed.
    fn may_pass(&self) -> bool {
        matches!(self, Failure::Failed(_))
    }
}

/// Commits a relay event of channel `conn` to the inbox.
pub(crate) async fn accept(
    engine: &Engine,
    conn: &RelayConn,
    frame: EventFrame,
) -> Result<Accepted, StoreError> {
    let raw = RawEvent {
        seq: frame.seq,
        endpoint: frame.endpoint,
        method: frame.method,
        received_at: time::parse_rfc3339(&frame.received_at)
            .filter(|ms| time::is_valid_ms(*ms))
            .unwrap_or_else(time::now_ms),
        content_type: frame.content_type,
        body_hash: Some(crate::model::body_hash(&frame.body)),
        body: frame.body,
    };
    let conn = conn.clone();
    let accepted = engine
        .store
        .write_async(move |tx| {
            let hash = raw.body_hash();
            let cursor = tx.relay_cursor(&conn)?;
            let accepted = if raw.seq > cursor {
                Accepted::Fresh
            } else if tx.recent_seq(&conn, raw.seq)?.as_deref() == Some(hash.as_str()) {
                return Ok(Accepted::Resent);
            } else {
                tx.rewind_relay(&conn, raw.seq)?;
                Accepted::Rewound {
                    from: cursor,
                    to: raw.seq,
                }
            };
            tx.inbox_push(&raw)?;
            tx.put_relay_seq(&conn, raw.seq, &hash, RECENT_SEQS)?;
            Ok(accepted)
        })
        .await?;
    if accepted != Accepted::Resent {
        engine.wake_inbox();
    }
    Ok(accepted)
}

/// Takes inbox events in, one at a time, until the task is aborted.
pub(crate) async fn run(engine: Engine) {
    let mut tries: Option<(u64, u32)> = None;
    loop {
        let next = match engine.store.read_async(|rx| rx.inbox_first()).await {
            Ok(next) => next,
            Err(e) => {
                tracing::error!("cannot read the inbox: {e}");
                tokio::time::sleep(INTAKE_RETRY).await;
                continue;
            }
        };
        let Some((at, raw)) = next else {
            engine.inbox_ready.notified().await;
            continue;
        };
        let span =
            tracing::info_span!("intake", inbox = at, seq = raw.seq, endpoint = %raw.endpoint);
        // Its own task, so that a panic in the intake of this event is caught here.
        let task = tokio::spawn({
            let (engine, raw) = (engine.clone(), raw.clone());
            async move { take_in(&engine, at, raw).await }.instrument(span)
        });
        let failure = match task.await {
            Ok(Ok(_)) => {
                tries = None;
                continue;
            }
            Ok(Err(IntakeError::Keychain(e))) => {
                tracing::warn!("cannot read the signing token yet: {e}");
                tokio::time::sleep(KEYCHAIN_RETRY).await;
                continue;
            }
            Ok(Err(e)) => Failure::Failed(e.to_string()),
            Err(panic) => Failure::Panicked(panic.to_string()),
        };
        let n = match tries {
            Some((pos, n)) if pos == at => n + 1,
            _ => 1,
        };
        tries = Some((at, n));
        if n < MAX_INTAKE_TRIES && failure.may_pass() {
            tracing::warn!(inbox = at, "intake failed, will try again: {failure}");
            tokio::time::sleep(INTAKE_RETRY).await;
            continue;
        }
        tracing::error!(
            inbox = at,
            "giving up on one event so the ones behind it go on: {failure}"
        );
        if let Err(e) = give_up(&engine, at, raw, &failure.to_string()).await {
            tracing::error!("cannot record the event as rejected: {e}");
            tokio::time::sleep(INTAKE_RETRY).await;
        }
        tries = None;
    }
}

/// Decides and records the event at inbox position `at`.
pub(crate) async fn take_in(
    engine: &Engine,
    at: u64,
    raw: RawEvent,
) -> Result<Option<u64>, IntakeError> {
    record(engine, Some(at), raw, None).await
}

/// Runs intake again for a stored entry's event (after a signing token was fixed).
pub(crate) async fn redo(
    engine: &Engine,
    id: u64,
    raw: RawEvent,
) -> Result<Option<u64>, IntakeError> {
    record(engine, None, raw, Some(id)).await
}

async fn record(
    engine: &Engine,
    at: Option<u64>,
    raw: RawEvent,
    replace: Option<u64>,
) -> Result<Option<u64>, IntakeError> {
    let endpoint = Endpoint::of(&raw.endpoint);
    let token = match endpoint.signing_token() {
        Some(name) => engine
            .secret_opt(name)
            .await
            .map_err(IntakeError::Keychain)?,
        None => None,
    };
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let done = engine
        .store
        .write_async(move |tx| {
            let decision = decide(&raw, &endpoint, &settings, token.as_ref(), |k| {
                tx.seen(k).ok().flatten()
            });
            if let Some(at) = at {
                tx.inbox_remove(at)?;
            }
            record::apply(tx, &raw, decision, replace)
        })
        .await?;
    if let Some(words) = done.purged_words {
        crate::privacy::compaction::soon(engine, words);
    }
    if let Some(id) = done.entry {
        engine.entry_changed(id);
    }
    if done.job_started {
        engine.wake_jobs();
    }
    Ok(done.entry)
}

/// Records an event that cannot be taken in as `rejected`, and removes it from the inbox.
async fn give_up(engine: &Engine, at: u64, raw: RawEvent, why: &str) -> Result<(), StoreError> {
    let why = format!(
        "{why}: this event was set aside so that the ones behind it go on; Retry takes it in again"
    );
    let id = engine
        .store
        .write_async(move |tx| {
            tx.inbox_remove(at)?;
            let mut entry = NewEntry::own("unknown", Flow::None, Status::Rejected, Some(why));
            entry.received_at = raw.received_at;
            entry.endpoint = raw.endpoint.clone();
            entry.event_body = Some(raw);
            tx.open_entry(entry, None, None)
        })
        .await?;
    engine.entry_changed(id);
    Ok(())
}
