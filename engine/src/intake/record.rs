//! Intake, step 8: what was decided is written, in the transaction that takes the event
//! out of the inbox: a Lever event's entry and job (after the purge it asks for, or with
//! nothing kept of a candidate purged before), its dedupe keys, a results check joined to
//! one already queued, the day's tally of posts to unknown endpoints.

use crate::keys;
use crate::model::{RawEvent, Status, Tally};
use crate::store::entries::NewEntry;
use crate::store::{Seen, StoreError, Tx};
use crate::time;
use crate::work::{Cause, ResultState, Work};

use super::decide::{Coalesce, Decision, Record};
use super::route::Purge;

/// How long a "check results now" waits for more of its kind before it runs: a partner
/// that PATCHes many times (or an attacker who found the URL) costs one check every two
/// seconds at most, and a real result still arrives within seconds.
const RESULTS_DEBOUNCE_MS: u64 = 2_000;
/// Distinct unknown endpoint names listed in their day's entry.
const TALLY_NAMES: usize = 10;

/// What recording a decision did.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// The entry it made or touched.
    pub entry: Option<u64>,
    /// Whether a job was started.
    pub job_started: bool,
    /// After a purge, the words to look for in the compacted file.
    pub purged_words: Option<Vec<String>>,
}

impl Applied {
    fn entry(id: u64, job_started: bool) -> Applied {
        Applied {
            entry: Some(id),
            job_started,
            purged_words: None,
        }
    }
}

/// Records a decision (`replace`: the entry a Retry takes in again).
pub(crate) fn apply(
    tx: &Tx,
    raw: &RawEvent,
    decision: Decision,
    replace: Option<u64>,
) -> Result<Applied, StoreError> {
    match decision {
        Decision::Record(record) => record_entry(tx, raw, record, replace),
        Decision::Duplicate(why) => {
            tracing::info!(seq = raw.seq, "dropped a duplicate: {why}");
            Ok(Applied::default())
        }
        Decision::Coalesce(Coalesce::ResultsCheck(token), entry, _) => {
            results_check(tx, raw, token, entry, replace)
        }
        Decision::Coalesce(Coalesce::UnknownEndpoint(name), entry, _) => {
            Ok(Applied::entry(tally_unknown(tx, &name, entry)?, false))
        }
    }
}

/// A Lever event's entry (and job): after the purge it asks for, or with nothing kept of a
/// candidate whose data was purged before, so that an old event recreates nothing.
fn record_entry(
    tx: &Tx,
    raw: &RawEvent,
    record: Record,
    replace: Option<u64>,
) -> Result<Applied, StoreError> {
    let Record {
        mut entry,
        mut work,
        seen,
        body_hash,
        purge,
    } = record;
    if replace.is_some() {
        entry.source = crate::model::Source::Retry;
    }
    let words = purge_or_skip(tx, &mut entry, &mut work, purge)?;
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
    Ok(Applied {
        entry: Some(id),
        job_started: started,
        purged_words: words,
    })
}

/// Before a Lever event's entry is written: the purge it asks for, or, for a candidate
/// purged before, the entry skipped with nothing of them kept. Returns the purged words.
fn purge_or_skip(
    tx: &Tx,
    entry: &mut NewEntry,
    work: &mut Option<Work>,
    purge: Purge,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some(opp) = entry.opportunity_id.clone() else {
        return Ok(None);
    };
    let purged_before = tx.is_purged(&opp)?;
    let mut words = None;
    if purge == Purge::Opportunity {
        let purged = crate::privacy::purge(tx, &opp, Cause::Deleted)?;
        entry.status = Status::Done;
        entry.reason = Some(purged.summary(Cause::Deleted));
        if let Some(follow_up) = purged.follow_up(Cause::Deleted) {
            *work = Some(follow_up);
        }
        words = Some(purged.words);
    } else if purged_before {
        *work = None;
        entry.status = Status::Skipped;
        entry.reason = Some("this candidate's data was removed from Hirewire (deleted or anonymized in Lever, or erased): nothing is done for them".into());
    }
    if words.is_some() || purged_before {
        entry.opportunity_id = None;
        entry.candidate = Some(crate::privacy::DELETED.into());
        entry.event_body = None;
    }
    Ok(words)
}

/// A "check results now" (the partner's `PATCH`): one queued check is enough, and a
/// token no invite was given is counted, not acted on.
fn results_check(
    tx: &Tx,
    raw: &RawEvent,
    token: Option<String>,
    entry: NewEntry,
    replace: Option<u64>,
) -> Result<Applied, StoreError> {
    let work = match token {
        None => ResultState {
            all_pending: true,
            ..Default::default()
        },
        Some(token) => match tx.link(&keys::callback(&token))? {
            // A token no invite was given: not the partner's (or a stale invite's).
            None => {
                let name = format!("{}-(unknown invite)", crate::webhooks::ASSESSMENT_DONE);
                return Ok(Applied::entry(tally_unknown(tx, &name, entry)?, false));
            }
            Some(v) if v.starts_with(keys::PENDING_CALLBACK) => ResultState {
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
        return Ok(Applied::default());
    }
    let id = tx.open_entry(entry, Some(work.into()), replace)?;
    // Wait a moment before checking, so that a burst of PATCHes is one check.
    if let Some(mut job) = tx.job(id)? {
        job.next_run_ms = time::now_ms().saturating_add(RESULTS_DEBOUNCE_MS);
        tx.put_job(&job)?;
    }
    Ok(Applied::entry(id, true))
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
    let key = keys::unknown_endpoints(day);
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
