//! The job runner: runs due jobs a few at a time (never two for the same candidate at
//! once), records how each attempt ended ([`attempt`]), and schedules retries with growing
//! waits. Jobs live in redb, so a job interrupted by a crash simply runs again on start,
//! and its flow's recorded state makes the second run pick up where the first stopped.

mod attempt;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use crate::work::{Job, JobSlot};
use crate::{time, Engine};

/// Jobs running at once. Lever's bucket (10/s) is the real limit; eight keeps it full
/// while bob and partner calls wait on the network.
const PARALLEL: usize = 8;
/// Slots only live work may use: a catch-up of hundreds of jobs never fills the runner,
/// so a webhook's job starts at once.
const LIVE_ONLY: usize = 2;
/// Longest sleep when nothing is due. Changes made in this process wake the runner at
/// once; this bounds how late it sees jobs another process changed (`hirewire approve`).
const IDLE: Duration = Duration::from_secs(1);
/// Wait after the job table could not be read.
const READ_RETRY: Duration = Duration::from_secs(2);

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

/// Jobs running now, and their lanes (one job per candidate at a time).
#[derive(Default)]
struct Busy {
    jobs: HashSet<u64>,
    lanes: HashSet<String>,
    /// Of those, background ones (found by catching up).
    background: HashSet<u64>,
}

/// Releases a running job's place however its task ends (a panic included).
struct Running {
    busy: Arc<Mutex<Busy>>,
    id: u64,
    lane: String,
    engine: Engine,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut b) = self.busy.lock() {
            b.jobs.remove(&self.id);
            b.lanes.remove(&self.lane);
            b.background.remove(&self.id);
        }
        self.engine.wake_jobs();
    }
}

/// Whether a due job may start now.
enum Claim {
    /// It may: its slot, held while it runs (its place in [`Busy`] is marked).
    Taken(OwnedSemaphorePermit),
    /// Not this one: it runs already, its candidate has a job running, or it is
    /// background work and the slots left are for live work.
    Busy,
    /// No job may: every slot is taken.
    Full,
}

/// Takes a slot and marks the job, its lane and (for background work) its kind busy, in
/// one lock, so two dispatches cannot both start it.
fn claim(busy: &Mutex<Busy>, slots: &Arc<Semaphore>, job: &Job, lane: &str) -> Claim {
    let Ok(mut b) = busy.lock() else {
        return Claim::Full;
    };
    if b.jobs.contains(&job.id) || (!lane.is_empty() && b.lanes.contains(lane)) {
        return Claim::Busy;
    }
    if job.background && b.background.len() >= PARALLEL - LIVE_ONLY {
        return Claim::Busy;
    }
    let Ok(permit) = slots.clone().try_acquire_owned() else {
        return Claim::Full;
    };
    b.jobs.insert(job.id);
    b.lanes.insert(lane.to_string());
    if job.background {
        b.background.insert(job.id);
    }
    Claim::Taken(permit)
}

/// Starts every due job there is room for; returns how long until the next one is due.
async fn dispatch(engine: &Engine, busy: &Arc<Mutex<Busy>>, slots: &Arc<Semaphore>) -> Duration {
    let jobs = match engine.store.read_async(|rx| rx.jobs()).await {
        Ok(j) => j,
        Err(e) => {
            tracing::error!("cannot read jobs: {e}");
            return READ_RETRY;
        }
    };
    let now = time::now_ms();
    let mut wake = IDLE;
    // Live work first, then background work, each oldest first.
    let mut jobs = jobs;
    jobs.sort_by_key(|(id, slot)| (slot.job().is_some_and(|j| j.background), *id));
    for (id, slot) in jobs {
        let job = match slot {
            JobSlot::Job(job) => job,
            JobSlot::Unreadable { error, .. } => {
                attempt::unreadable(engine, id, &error).await;
                continue;
            }
        };
        if job.next_run_ms > now {
            wake = wake.min(Duration::from_millis(job.next_run_ms.saturating_sub(now)));
            continue;
        }
        let lane = job.work.lane();
        let permit = match claim(busy, slots, &job, &lane) {
            Claim::Taken(permit) => permit,
            Claim::Busy => continue,
            Claim::Full => break,
        };
        let running = Running {
            busy: busy.clone(),
            id: job.id,
            lane,
            engine: engine.clone(),
        };
        let span = tracing::info_span!("job", id = job.id, kind = job.work.name());
        let engine = engine.clone();
        tokio::spawn(
            async move {
                attempt::run(&engine, *job).await;
                drop(permit);
                drop(running);
            }
            .instrument(span),
        );
    }
    wake
}
