//! One attempt of a job, and how it ends: final, waiting for a person, running again later
//! (with growing waits), or failed. A flow that panics ends its job as `failed` with the
//! reason, like any other failure, and frees its place.

use std::time::{Duration, Instant};

use crate::flows::{self, Ctx, Finish, FlowError};
use crate::model::Status;
use crate::notify::{Kind, Notice};
use crate::store::{StoreError, Tx};
use crate::work::{Job, JobSlot};
use crate::{time, Engine};

/// Attempts before a job that keeps failing is marked failed.
pub const MAX_ATTEMPTS: u32 = 6;
/// Waits before attempt 2, 3, …: a vendor outage of up to about an hour is ridden out.
const RETRY_WAITS_S: [u64; 5] = [30, 120, 600, 1800, 3600];

/// Runs one attempt of `job` and records how it ended.
pub(super) async fn run(engine: &Engine, mut job: Job) {
    job.attempts += 1;
    let settings = match engine.store.read_async(|rx| rx.settings()).await {
        Ok(s) => s,
        Err(e) => return tracing::error!("cannot read settings: {e}"),
    };
    let started = job.clone();
    if let Err(e) = engine
        .store
        .write_async(move |tx| mark_running(tx, &started))
        .await
    {
        return tracing::error!("cannot start the job: {e}");
    }
    engine.entry_changed(job.id);
    let id = job.id;
    let ctx = Ctx {
        engine: engine.clone(),
        settings,
        job,
        doing: String::new(),
        since: Instant::now(),
    };
    // Its own task, so that a panic in a flow ends this job, not the runner.
    let attempt = tokio::spawn(async move {
        let mut ctx = ctx;
        let result = flows::run(&mut ctx).await;
        (ctx, result)
    });
    match attempt.await {
        Ok((ctx, result)) => {
            if let Err(e) = &result {
                // The reason may name the candidate: ids only at info level.
                tracing::info!(attempt = ctx.job.attempts, retryable = e.retryable(), status = ?e.http_status(), "attempt stopped");
                tracing::debug!("attempt {} stopped: {e}", ctx.job.attempts);
            }
            finish(engine, ctx, result).await;
        }
        Err(panic) => {
            tracing::error!("the job stopped on an internal error: {panic}");
            let why = format!("Hirewire stopped on an internal error while running this job ({panic}); what was done so far is recorded. Retry runs it again from there");
            fail_as_it_stands(engine, id, why).await;
        }
    }
}

/// A job whose stored record cannot be read: it is not run (that could do again what it
/// did); its entry fails with the reason, and the record stays for a person to see.
pub(super) async fn unreadable(engine: &Engine, id: u64, error: &str) {
    let why = format!("the saved progress of this job cannot be read ({error}), so it was not run again (it could repeat what it did): check what exists in bob, Lever and the partner, then Retry starts it over");
    tracing::error!(job = id, "{why}");
    fail_as_it_stands(engine, id, why).await;
}

/// Ends job `id` as failed with `why`, keeping whatever the store holds for it.
async fn fail_as_it_stands(engine: &Engine, id: u64, why: String) {
    let reason = why.clone();
    let saved = engine
        .store
        .write_async(move |tx| {
            tx.remove_job(id)?;
            let entry = tx.entry(id)?;
            if let Some(mut e) = entry.clone() {
                e.status = Status::Failed;
                e.reason = Some(reason);
                e.updated_at = time::now_ms();
                tx.put_entry(&e)?;
            }
            Ok(entry)
        })
        .await;
    match saved {
        Ok(entry) => {
            engine.entry_changed(id);
            let who = entry
                .and_then(|e| e.candidate)
                .unwrap_or_else(|| format!("Entry {id}"));
            engine.notifier.send(Notice {
                summary: format!("{who}: needs attention"),
                body: why,
                entry_id: Some(id),
                kind: Kind::Attention,
            });
        }
        Err(e) => tracing::error!(job = id, "cannot record the failure: {e}"),
    }
}

/// The job's candidate was purged while it ran (or by it: an anonymized candidate): it
/// ends without writing anything of theirs back. A job that purged ends as it said.
fn end_purged(tx: &Tx, id: u64, own: Option<(Status, Option<String>)>) -> Result<(), StoreError> {
    tx.remove_job(id)?;
    if let Some(mut e) = tx.entry(id)? {
        e.opportunity_id = None;
        e.candidate = Some(crate::privacy::DELETED.into());
        match own {
            Some((status, reason)) if status.is_final() => {
                e.status = status;
                e.reason = reason;
            }
            _ => {
                e.status = Status::Skipped;
                e.reason = Some("stopped: the candidate's data was removed from Hirewire".into());
            }
        }
        e.updated_at = time::now_ms();
        tx.put_entry(&e)?;
    }
    if let Some(mut d) = tx.detail(id)? {
        d.job = None;
        d.event = None;
        tx.put_detail(id, &d)?;
    }
    Ok(())
}

fn mark_running(tx: &Tx, job: &Job) -> Result<(), StoreError> {
    tx.put_job(job)?;
    if let Some(mut e) = tx.entry(job.id)? {
        e.status = Status::Running;
        e.updated_at = time::now_ms();
        tx.put_entry(&e)?;
    }
    Ok(())
}

/// How an attempt's end is recorded.
struct Ending {
    status: Status,
    reason: Option<String>,
    /// The history row's summary (a finished job's, said by its flow).
    summary: Option<String>,
    /// The job stays (waiting, or to run again).
    keep: bool,
    failure: Option<FlowError>,
}

impl Ending {
    /// The job is over: it leaves the queue with this status.
    fn over(status: Status, reason: Option<String>, failure: Option<FlowError>) -> Self {
        Ending {
            status,
            reason,
            summary: None,
            keep: false,
            failure,
        }
    }

    /// The job stays in the queue, waiting or to run again.
    fn kept(status: Status, reason: String, failure: Option<FlowError>) -> Self {
        Ending {
            status,
            reason: Some(reason),
            summary: None,
            keep: true,
            failure,
        }
    }
}

/// What an attempt's result means for the job.
fn ending(job: &mut Job, result: Result<Finish, FlowError>, now: u64) -> Ending {
    match result {
        Ok(Finish::Done { reason, summary }) => Ending {
            summary,
            ..Ending::over(Status::Done, reason, None)
        },
        Ok(Finish::Final(status, reason)) => {
            debug_assert_ne!(
                status,
                Status::Done,
                "a job that did its work ends with Finish::Done, which says its summary"
            );
            Ending::over(status, reason, None)
        }
        Ok(Finish::Waiting(reason)) => {
            job.next_run_ms = u64::MAX;
            Ending::kept(Status::Waiting, reason, None)
        }
        Err(FlowError::Later(wait, why)) => {
            // Waiting on the vendor is not a failed attempt.
            job.attempts = job.attempts.saturating_sub(1);
            job.next_run_ms = now.saturating_add(millis(wait));
            Ending::kept(Status::Running, why, None)
        }
        Err(e) if e.retryable() && job.attempts < MAX_ATTEMPTS => {
            let i = usize::try_from(job.attempts.saturating_sub(1)).unwrap_or(usize::MAX);
            let wait = RETRY_WAITS_S[i.min(RETRY_WAITS_S.len() - 1)];
            job.next_run_ms = now.saturating_add(wait * 1000);
            let reason = format!(
                "{e} — trying again in {}",
                humantime::format_duration(Duration::from_secs(wait))
            );
            Ending::kept(Status::Retrying, reason, Some(e))
        }
        Err(e) => Ending::over(Status::Failed, Some(e.to_string()), Some(e)),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Records how an attempt ended, and tells a person when it needs one.
async fn finish(engine: &Engine, ctx: Ctx, result: Result<Finish, FlowError>) {
    let mut job = ctx.job;
    let end = ending(&mut job, result, time::now_ms());
    let step = end
        .failure
        .as_ref()
        .map(|e| flows::failed(ctx.doing.clone(), e, e.http_status(), ctx.since));
    let (status, keep, id) = (end.status, end.keep, job.id);
    let stored_reason = end.reason.clone();
    let summary = end.summary.clone();
    let saved = engine
        .store
        .write_async(move |tx| {
            if let Some(opp) = job.work.opportunity_id() {
                if tx.is_purged(opp)? {
                    let own = (!keep).then(|| (status, stored_reason.clone()));
                    return end_purged(tx, id, own).map(|()| None);
                }
            }
            let mut detail = tx.detail(id)?.unwrap_or_default();
            detail.steps.extend(step);
            detail.job = Some(JobSlot::Job(Box::new(job.clone())));
            tx.put_detail(id, &detail)?;
            if keep {
                tx.put_job(&job)?;
            } else {
                tx.remove_job(id)?;
            }
            let mut entry = tx.entry(id)?;
            if let Some(e) = entry.as_mut() {
                e.status = status;
                e.reason = stored_reason;
                e.summary = summary;
                e.updated_at = time::now_ms();
                tx.put_entry(e)?;
            }
            Ok(entry)
        })
        .await;
    let entry = match saved {
        Ok(entry) => entry,
        Err(e) => return tracing::error!("cannot record the end of the attempt: {e}"),
    };
    engine.entry_changed(id);
    let who = entry
        .and_then(|e| e.candidate)
        .unwrap_or_else(|| format!("Entry {id}"));
    let body = end.reason.unwrap_or_default();
    let summary = match status {
        Status::Failed => format!("{who}: needs attention"),
        Status::Waiting => format!("{who} is waiting for your review"),
        _ => return,
    };
    engine.notifier.send(Notice {
        summary,
        body,
        entry_id: Some(id),
        kind: Kind::Attention,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work::{HireState, Work};

    fn job(attempts: u32) -> Job {
        Job {
            attempts,
            ..Job::new(1, Work::Hire(HireState::new("o")))
        }
    }

    #[test]
    fn a_passing_error_retries_with_growing_waits_then_fails() {
        let err = || {
            FlowError::Api(crate::clients::http::ApiError::status(
                crate::clients::http::Service::Lever,
                503,
                "down",
                None,
            ))
        };
        let mut j = job(1);
        let e = ending(&mut j, Err(err()), 1_000);
        assert_eq!((e.status, j.next_run_ms), (Status::Retrying, 31_000));
        let mut j = job(MAX_ATTEMPTS);
        assert_eq!(ending(&mut j, Err(err()), 0).status, Status::Failed);
    }

    #[test]
    fn waiting_on_a_vendor_costs_no_attempt_and_huge_waits_do_not_overflow() {
        let mut j = job(3);
        let e = ending(
            &mut j,
            Err(FlowError::Later(Duration::MAX, "bob is slow".into())),
            u64::MAX - 5,
        );
        assert_eq!(
            (e.status, j.attempts, j.next_run_ms),
            (Status::Running, 2, u64::MAX)
        );
    }

    #[test]
    fn a_review_waits_forever_and_a_stop_fails_at_once() {
        let mut j = job(1);
        assert_eq!(
            ending(&mut j, Ok(Finish::Waiting("review".into())), 0).status,
            Status::Waiting
        );
        assert_eq!(j.next_run_ms, u64::MAX);
        let mut j = job(1);
        assert_eq!(
            ending(&mut j, Err(FlowError::Stop("no email".into())), 0).status,
            Status::Failed
        );
    }
}
