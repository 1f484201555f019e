//! The inbox: an event from the relay is committed here before it is acknowledged, then the
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

use crate::intake::{self, Coalesce, Decision};
use crate::keys;
use crate::model::{Flow, RawEvent, Status, Tally};
use crate::secrets::{MissingSecret, Secret};
use crate::store::entries::NewEntry;
use crate::store::{RelayConn, Seen, StoreError, Tx};
use crate::webhook;
use crate::webhooks::LeverWebhook;
use crate::work::{Cause, ResultState, Work};
use crate::{time, Engine};

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
/// How long a "check results now" waits for more of its kind before it runs: a partner
/// that PATCHes many times (or an attacker who found the URL) costs one check every two
/// seconds at most, and a real result still arrives within seconds.
const RESULTS_DEBOUNCE_MS: u64 = 2_000;
/// Distinct unknown endpoint names listed in their day's entry.
const TALLY_NAMES: usize = 10;

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
        body: frame.body,
    };
    let conn = conn.clone();
    let accepted = engine
        .store
        .write_async(move |tx| {
            let hash = webhook::body_hash(&raw.body);
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
        engine.inbox_ready.notify_one();
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
            Ok(Err(e)) => e.to_string(),
            Err(panic) => format!("Hirewire's intake failed on it ({panic})"),
        };
        let n = match tries {
            Some((pos, n)) if pos == at => n + 1,
            _ => 1,
        };
        tries = Some((at, n));
        if n < MAX_INTAKE_TRIES && !failure.starts_with("Hirewire's intake failed") {
            tracing::warn!(inbox = at, "intake failed, will try again: {failure}");
            tokio::time::sleep(INTAKE_RETRY).await;
            continue;
        }
        tracing::error!(
            inbox = at,
            "giving up on one event so the ones behind it go on: {failure}"
        );
        if let Err(e) = give_up(&engine, at, raw, &failure).await {
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
    let token = signing_token(engine, &raw.endpoint)
        .await
        .map_err(IntakeError::Keychain)?;
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let (id, new_job, words) = engine
        .store
        .write_async(move |tx| {
            let decision = intake::decide(&raw, &settings, token.as_ref(), |k| {
                tx.seen(k).ok().flatten()
            });
            if let Some(at) = at {
                tx.inbox_remove(at)?;
            }
            apply(tx, &raw, decision, replace)
        })
        .await?;
    if let Some(words) = words {
        crate::privacy::compaction::soon(engine, words);
    }
    if let Some(id) = id {
        engine.entry_changed(id);
    }
    if new_job {
        engine.jobs_ready.notify_one();
    }
    Ok(id)
}

/// What recording a decision did: the entry it touched, whether a job was started, and,
/// after a purge, the words to look for in the compacted file.
type Applied = (Option<u64>, bool, Option<Vec<String>>);

/// Records a decision.
fn apply(
    tx: &Tx,
    raw: &RawEvent,
    decision: Decision,
    replace: Option<u64>,
) -> Result<Applied, StoreError> {
    let (id, started) = match decision {
        Decision::Record {
            entry,
            work,
            seen,
            body_hash,
            purge,
        } => return record_entry(tx, raw, (entry, work, seen, body_hash, purge), replace),
        other => apply_other(tx, raw, other, replace)?,
    };
    Ok((id, started, None))
}

/// Records a duplicate, a results check or an unknown endpoint.
fn apply_other(
    tx: &Tx,
    raw: &RawEvent,
    decision: Decision,
    replace: Option<u64>,
) -> Result<(Option<u64>, bool), StoreError> {
    match decision {
        Decision::Duplicate(why) => {
            tracing::info!(seq = raw.seq, "dropped a duplicate: {why}");
            Ok((None, false))
        }
        Decision::Coalesce(Coalesce::ResultsCheck(token), entry, _) => {
            results_check(tx, raw, token, entry, replace)
        }
        Decision::Coalesce(Coalesce::UnknownEndpoint(name), entry, _) => {
            Ok((Some(tally_unknown(tx, &name, entry)?), false))
        }
        Decision::Record { .. } => Ok((None, false)),
    }
}

/// A Lever event's entry (and job): after the purge it asks for, or with nothing kept of a
/// candidate whose data was purged before, so that an old event recreates nothing.
fn record_entry(
    tx: &Tx,
    raw: &RawEvent,
    (mut entry, mut work, seen, body_hash, purge): (
        NewEntry,
        Option<Work>,
        Vec<String>,
        String,
        bool,
    ),
    replace: Option<u64>,
) -> Result<Applied, StoreError> {
    if replace.is_some() {
        entry.source = crate::model::Source::Retry;
    }
    let mut words = None;
    if let Some(opp) = entry.opportunity_id.clone() {
        if purge {
            let purged = crate::privacy::purge(tx, &opp, Cause::Deleted)?;
            entry.status = Status::Done;
            entry.reason = Some(purged.summary(Cause::Deleted));
            if let Some(follow_up) = purged.follow_up(Cause::Deleted) {
                work = Some(follow_up);
            }
            words = Some(purged.words);
        } else if tx.is_purged(&opp)? {
            work = None;
            entry.status = Status::Skipped;
            entry.reason = Some("this candidate's data was removed from Hirewire (deleted or anonymized in Lever, or erased): nothing is done for them".into());
        }
        if purge || words.is_some() || tx.is_purged(&opp)? {
            entry.opportunity_id = None;
            entry.candidate = Some(crate::privacy::DELETED.into());
            entry.event_body = None;
        }
    }
    let started = work.is_some();
    let id = tx.open_entry(entry, work, replace)?;
    if !seen.is_empty() {
        // A verified Lever event: the setup screen shows when each webhook first worked.
        let first = keys::first_signed(&raw.endpoint);
        if tx.meta(&first)? == 0 {
            tx.put_meta(&first, raw.received_at)?;
        }
    }
    for key in seen {
        let record = Seen {
            body_hash: body_hash.clone(),
            entry_id: id,
            at: time::now_ms(),
        };
        tx.put_seen(&key, &record)?;
    }
    Ok((Some(id), started, words))
}

/// A "check results now" (the partner's `PATCH`): one queued check is enough, and a
/// token no invite was given is counted, not acted on.
fn results_check(
    tx: &Tx,
    raw: &RawEvent,
    token: Option<String>,
    entry: NewEntry,
    replace: Option<u64>,
) -> Result<(Option<u64>, bool), StoreError> {
    let work = match token {
        None => ResultState {
            all_pending: true,
            ..Default::default()
        },
        Some(token) => match tx.link(&keys::callback(&token))? {
            // A token no invite was given: not the partner's (or a stale invite's).
            None => {
                let name = format!("{}-(unknown invite)", crate::webhooks::ASSESSMENT_DONE);
                return Ok((Some(tally_unknown(tx, &name, entry)?), false));
            }
            Some(v) if v.starts_with("pending:") => ResultState {
                all_pending: true,
                ..Default::default()
            },
            Some(interview) => ResultState {
                interview_id: Some(interview),
                ..Default::default()
            },
        },
    };
    if let Some(queued) = queued_results_check(tx, &work)? {
        tracing::debug!(
            seq = raw.seq,
            entry = queued,
            "joined a results check that is already queued"
        );
        return Ok((None, false));
    }
    let id = tx.open_entry(entry, Some(work.into()), replace)?;
    // Wait a moment before checking, so that a burst of PATCHes is one check.
    if let Some(mut job) = tx.job(id)? {
        job.next_run_ms = time::now_ms().saturating_add(RESULTS_DEBOUNCE_MS);
        tx.put_job(&job)?;
    }
    Ok((Some(id), true))
}

/// A results check that is queued, not started yet, and covers `wanted` (the same
/// interview, or every pending one), which a new request can join.
fn queued_results_check(tx: &Tx, wanted: &ResultState) -> Result<Option<u64>, StoreError> {
    Ok(tx.jobs()?.into_iter().find_map(|(id, slot)| {
        let job = slot.job()?;
        let waiting = job.attempts == 0;
        let Work::AssessmentResult(s) = &job.work else {
            return None;
        };
        let covers = (s.all_pending && s.interview_id.is_none())
            || (s.interview_id.is_some() && s.interview_id == wanted.interview_id);
        (waiting && covers).then_some(id)
    }))
}

/// Counts a post to an unknown endpoint into the day's one entry for them.
fn tally_unknown(tx: &Tx, name: &str, entry: NewEntry) -> Result<u64, StoreError> {
    let day = entry.received_at / 86_400_000;
    let key = format!("unknown_endpoints:{day}");
    let existing = tx.meta(&key)?;
    let id = if existing > 0 && tx.entry(existing)?.is_some() {
        existing
    } else {
        let mut first = entry.clone();
        first.event = "unknown endpoint".into();
        let id = tx.open_entry(first, None, None)?;
        tx.put_meta(&key, id)?;
        id
    };
    let mut detail = tx.detail(id)?.unwrap_or_default();
    let mut tally = detail.tally.take().unwrap_or_default();
    tally.count += 1;
    tally.last_at = entry.received_at;
    if !tally.names.iter().any(|n| n == name) && tally.names.len() < TALLY_NAMES {
        tally.names.push(name.to_string());
    }
    if let Some(mut e) = tx.entry(id)? {
        e.reason = Some(unknown_reason(&tally));
        e.updated_at = time::now_ms();
        tx.put_entry(&e)?;
    }
    detail.tally = Some(tally);
    tx.put_detail(id, &detail)?;
    Ok(id)
}

fn unknown_reason(t: &Tally) -> String {
    format!(
        "{} post(s) today to endpoints nothing in Hirewire listens on ({}): check the webhook URLs in Lever and the partner's settings",
        t.count,
        t.names.join(", ")
    )
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

/// The endpoint's signing token; only Lever's endpoints have one.
async fn signing_token(engine: &Engine, endpoint: &str) -> Result<Option<Secret>, MissingSecret> {
    match LeverWebhook::from_endpoint(endpoint) {
        Some(hook) => engine.secret_opt(hook.token_name()).await,
        None => Ok(None),
    }
}
