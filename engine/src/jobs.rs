//! The job runner: runs due jobs a few at a time (never two for the same candidate at
//! once), records how each attempt ended, and schedules retries with growing waits.
//! Jobs live in redb, so a job interrupted by a crash simply runs again on start, and its
//! flow's recorded state makes the second run pick up where the first stopped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::flows::{self, Ctx, Finish, FlowError};
use super::model::{Job, Status};
use super::notify::{Kind, Notice};
use super::{time, Engine};

/// Jobs running at once. Lever's bucket (10/s) is the real limit; eight keeps it full
/// while bob and partner calls wait on the network.
const PARALLEL: usize = 8;
/// Attempts before a job that keeps failing is marked failed.
pub const MAX_ATTEMPTS: u32 = 6;
/// Waits before attempt 2, 3, …: a vendor outage of up to about an hour is ridden out.
const RETRY_WAITS_S: [u64; 5] = [30, 120, 600, 1800, 3600];
/// Longest sleep when nothing is due. Changes made in this process wake the runner at
/// once; this bounds how late it sees jobs another process changed (`hirewire approve`).
const IDLE: Duration = Duration::from_secs(1);

/// Runs jobs until the task is aborted.
pub async fn run(engine: Engine) {
    let busy: Arc<Mutex<Busy>> = Arc::default();
    let slots = Arc::new(Semaphore::new(PARALLEL));
    loop {
        let wake = dispatch(&engine, &busy, &slots).await;
        tokio::select! {
            _ = engine.jobs_ready.notified() => {}
            _ = tokio::time::sleep(wake) => {}
        }
    }
}

#[derive(Default)]
struct Busy {
    jobs: HashSet<u64>,
    opportunities: HashSet<String>,
}

/// Starts every due job there is room for; returns how long until the next one is due.
async fn dispatch(engine: &Engine, busy: &Arc<Mutex<Busy>>, slots: &Arc<Semaphore>) -> Duration {
    let jobs = match engine.store.read_async(|rx| rx.jobs()).await {
        Ok(j) => j,
        Err(e) => {
            tracing::error!("cannot read jobs: {e}");
            return Duration::from_secs(2);
        }
    };
    let now = time::now_ms();
    let mut wake = IDLE;
    for job in jobs {
        if job.next_run_ms > now {
            wake = wake.min(Duration::from_millis(job.next_run_ms.saturating_sub(now)));
            continue;
        }
        // One job per candidate at a time; result checks (which may touch any candidate)
        // one at a time among themselves.
        let opp = match job.kind {
            super::model::JobKind::AssessmentResult => "assessment-results".to_string(),
            _ => job
                .state
                .get("opportunity_id")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string(),
        };
        {
            let Ok(mut b) = busy.lock() else { break };
            if b.jobs.contains(&job.id) || (!opp.is_empty() && b.opportunities.contains(&opp)) {
                continue;
            }
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                break;
            };
            b.jobs.insert(job.id);
            b.opportunities.insert(opp.clone());
            let (engine, busy) = (engine.clone(), busy.clone());
            tokio::spawn(async move {
                let id = job.id;
                run_one(&engine, job).await;
                drop(permit);
                if let Ok(mut b) = busy.lock() {
                    b.jobs.remove(&id);
                    b.opportunities.remove(&opp);
                }
                engine.jobs_ready.notify_one();
            });
        }
    }
    wake
}

async fn run_one(engine: &Engine, mut job: Job) {
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
        return tracing::error!("cannot start job {}: {e}", job.id);
    }
    engine.entry_changed(job.id);
    let mut ctx = Ctx {
        engine: engine.clone(),
        settings,
        job,
        doing: String::new(),
        since: Instant::now(),
    };
    let result = flows::run(&mut ctx).await;
    if let Err(e) = &result {
        tracing::info!(
            job = ctx.job.id,
            "attempt {} stopped: {e}",
            ctx.job.attempts
        );
    }
    finish(engine, ctx, result).await;
}

fn mark_running(tx: &super::store::Tx, job: &Job) -> Result<(), super::store::StoreError> {
    tx.put_job(job)?;
    if let Some(mut e) = tx.entry(job.id)? {
        e.status = Status::Running;
        e.updated_at = time::now_ms();
        tx.put_entry(&e)?;
    }
    Ok(())
}

/// Records how an attempt ended: final, waiting, retrying later, or failed.
async fn finish(engine: &Engine, ctx: Ctx, result: Result<Finish, FlowError>) {
    let mut job = ctx.job;
    let now = time::now_ms();
    let (status, reason, keep, failure) = match result {
        Ok(Finish::Final(status, reason)) => (status, reason, false, None),
        Ok(Finish::Waiting(reason)) => {
            job.next_run_ms = u64::MAX;
            (Status::Waiting, Some(reason), true, None)
        }
        Err(FlowError::Later(wait, why)) => {
            // Waiting on the vendor is not a failed attempt.
            job.attempts = job.attempts.saturating_sub(1);
            job.next_run_ms = now + wait.as_millis() as u64;
            (Status::Running, Some(why), true, None)
        }
        Err(e) if e.retryable() && job.attempts < MAX_ATTEMPTS => {
            let wait = RETRY_WAITS_S[(job.attempts as usize - 1).min(RETRY_WAITS_S.len() - 1)];
            job.next_run_ms = now + wait * 1000;
            let reason = format!(
                "{e} — trying again in {}",
                humantime::format_duration(Duration::from_secs(wait))
            );
            (Status::Retrying, Some(reason), true, Some(e))
        }
        Err(e) => (Status::Failed, Some(e.to_string()), false, Some(e)),
    };
    let step = failure
        .as_ref()
        .map(|e| flows::failed(ctx.doing.clone(), e, e.http_status(), ctx.since));
    let (stored_reason, id) = (reason.clone(), job.id);
    let saved = engine
        .store
        .write_async(move |tx| {
            let mut detail = tx.detail(id)?.unwrap_or_default();
            detail.steps.extend(step);
            detail.job = Some(job.clone());
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
                e.updated_at = time::now_ms();
                tx.put_entry(e)?;
            }
            Ok(entry)
        })
        .await;
    let entry = match saved {
        Ok(entry) => entry,
        Err(e) => return tracing::error!("cannot record the end of job {id}: {e}"),
    };
    engine.entry_changed(id);
    let who = entry
        .and_then(|e| e.candidate)
        .unwrap_or_else(|| format!("Entry {id}"));
    match status {
        Status::Failed => engine.notifier.send(Notice {
            summary: format!("{who}: needs attention"),
            body: reason.unwrap_or_default(),
            entry_id: Some(id),
            kind: Kind::Attention,
        }),
        Status::Waiting => engine.notifier.send(Notice {
            summary: format!("{who} is waiting for your review"),
            body: reason.unwrap_or_default(),
            entry_id: Some(id),
            kind: Kind::Attention,
        }),
        _ => {}
    }
}
