//! What a person does with a history entry: look at it ([`view`]), Retry it, Approve it.
//! The rules for which entries may be retried or approved live here once, for the CLI and
//! the window alike; what a Retry or an Approve does to a job is the flow's own rule
//! (`crate::work`).

use serde::Serialize;
use serde_json::Value;

use crate::intake::{inbox, IntakeError};
use crate::model::{Detail, Entry, Source, Status, Step, StepStatus};
use crate::store::StoreError;
use crate::work::{JobSlot, Refused};
use crate::{time, Engine};

/// Why an action on an entry was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// No such entry.
    #[error("there is no history entry {0}")]
    NotFound(u64),
    /// Retry on an entry that did not fail.
    #[error("entry {id} is {status}: only failed or rejected entries (or done ones with failed steps) can be retried")]
    NotRetryable {
        /// The entry.
        id: u64,
        /// Its status.
        status: &'static str,
    },
    /// Retry of a rejected entry without its event.
    #[error("entry {0} has no stored event to take in again")]
    NoEvent(u64),
    /// Retry or Approve of an entry without a job.
    #[error("entry {0} has no job to run again")]
    NoJob(u64),
    /// The entry's job record cannot be read.
    #[error("entry {id}'s saved progress cannot be read ({error}): nothing was changed")]
    Unreadable {
        /// The entry.
        id: u64,
        /// Why.
        error: String,
    },
    /// Approve on an entry that does not wait.
    #[error("entry {id} is {status}, not waiting for review")]
    NotWaiting {
        /// The entry.
        id: u64,
        /// Its status.
        status: &'static str,
    },
    /// The flow refuses the action.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Taking a rejected event in again failed.
    #[error(transparent)]
    Intake(#[from] IntakeError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ActionError {
    /// Whether the person asked for something that cannot be done (not a failure of
    /// Hirewire's).
    pub fn is_usage(&self) -> bool {
        !matches!(self, ActionError::Intake(_) | ActionError::Store(_))
    }
}

/// An entry with what the detail panel shows.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct EntryView {
    /// The summary.
    pub entry: Entry,
    /// Every step, across attempts.
    pub steps: Vec<Step>,
    /// The event's body as received.
    pub event_body: Option<String>,
    /// The employee a hire would create (review).
    #[ts(type = "Record<string, unknown> | null")]
    pub proposal: Option<Value>,
    /// Remarks made while preparing it.
    pub notes: Vec<String>,
    /// Whether Retry is offered.
    pub can_retry: bool,
    /// Whether Approve is offered.
    pub can_approve: bool,
    /// What Approve does here, in words.
    pub approve_label: Option<String>,
    /// Whether Dismiss is offered.
    pub can_dismiss: bool,
    /// What Dismiss does here, in words.
    pub dismiss_label: Option<String>,
    /// Why the job's saved progress cannot be read, if it cannot.
    pub job_error: Option<String>,
    /// For an offer changed after the hire: each difference.
    pub changes: Vec<crate::work::FieldChange>,
}

/// Whether an entry may be retried: it failed, was rejected or waits to retry by itself,
/// or it is done with steps that failed (files that could not be copied).
pub fn can_retry(entry: &Entry, detail: &Detail) -> bool {
    match entry.status {
        Status::Failed | Status::Rejected | Status::Retrying => true,
        Status::Done => detail.steps.iter().any(|s| s.status == StepStatus::Failed),
        _ => false,
    }
}

/// Whether an entry may be approved.
pub fn can_approve(entry: &Entry) -> bool {
    entry.status == Status::Waiting
}

/// An entry as the detail panel shows it.
pub async fn view(engine: &Engine, id: u64) -> Result<EntryView, ActionError> {
    // On a team's seat the engine's own view, as it published it, is what there is.
    let published = engine.store.read_async(move |rx| rx.team_view(id)).await?;
    if let Some(bytes) = published {
        return Ok(serde_json::from_slice(&bytes).map_err(crate::store::StoreError::from)?);
    }
    let (entry, detail) = engine
        .store
        .read_async(move |rx| super::get(rx, id))
        .await?
        .ok_or(ActionError::NotFound(id))?;
    let (review, job_error) = match &detail.job {
        Some(JobSlot::Job(j)) => (j.work.review(), None),
        Some(JobSlot::Unreadable { error, .. }) => (Default::default(), Some(error.clone())),
        None => (Default::default(), None),
    };
    let waiting = can_approve(&entry);
    Ok(EntryView {
        can_retry: can_retry(&entry, &detail),
        can_approve: waiting,
        approve_label: review.approve.filter(|_| waiting),
        can_dismiss: waiting && review.dismiss.is_some(),
        dismiss_label: review.dismiss.filter(|_| waiting),
        proposal: review.proposal,
        notes: review.notes,
        changes: review.changes,
        event_body: detail.event.map(|e| e.body),
        steps: detail.steps,
        job_error,
        entry,
    })
}

/// Runs a failed entry's job again (or intake again, for a rejected one).
pub async fn retry(engine: &Engine, id: u64) -> Result<(), ActionError> {
    let (entry, detail) = engine
        .store
        .read_async(move |rx| super::get(rx, id))
        .await?
        .ok_or(ActionError::NotFound(id))?;
    if !can_retry(&entry, &detail) {
        return Err(ActionError::NotRetryable {
            id,
            status: entry.status.as_str(),
        });
    }
    if entry.status == Status::Rejected {
        let raw = detail.event.ok_or(ActionError::NoEvent(id))?;
        inbox::redo(engine, id, raw).await?;
        return Ok(());
    }
    let mut job = match detail.job {
        Some(JobSlot::Job(job)) => job,
        Some(JobSlot::Unreadable { error, .. }) => {
            return Err(ActionError::Unreadable { id, error })
        }
        None => return Err(ActionError::NoJob(id)),
    };
    job.attempts = 0;
    job.next_run_ms = 0;
    let plan = job.work.prepare_retry();
    engine
        .store
        .write_async(move |tx| {
            for prefix in &plan.clear_link_prefixes {
                tx.remove_links(prefix, |_| false)?;
            }
            tx.put_job(&job)?;
            if let Some(mut e) = tx.entry(id)? {
                e.status = Status::Running;
                e.reason = Some("retry requested".into());
                e.source = Source::Retry;
                e.updated_at = time::now_ms();
                tx.put_entry(&e)?;
            }
            Ok(())
        })
        .await?;
    engine.entry_changed(id);
    engine.wake_jobs();
    Ok(())
}

/// Lets a job that waits for a person go on, optionally with an edited employee.
pub async fn approve(engine: &Engine, id: u64, edited: Option<Value>) -> Result<(), ActionError> {
    engine
        .store
        .write_async_with(move |tx| {
            let entry = tx.entry(id)?.ok_or(ActionError::NotFound(id))?;
            if !can_approve(&entry) {
                return Err(ActionError::NotWaiting {
                    id,
                    status: entry.status.as_str(),
                });
            }
            let mut job = tx.job(id)?.ok_or(ActionError::NoJob(id))?;
            job.work.approve(edited)?;
            job.approved = true;
            job.next_run_ms = 0;
            tx.put_job(&job)?;
            let mut e = entry;
            e.status = Status::Running;
            e.reason = Some("approved".into());
            e.updated_at = time::now_ms();
            tx.put_entry(&e)?;
            Ok::<(), ActionError>(())
        })
        .await?;
    engine.entry_changed(id);
    engine.wake_jobs();
    Ok(())
}

/// Answers what a waiting job asks with "no" (for example: the files are in bob already):
/// the flow records the answer and goes on.
pub async fn dismiss(engine: &Engine, id: u64) -> Result<(), ActionError> {
    engine
        .store
        .write_async_with(move |tx| {
            let entry = tx.entry(id)?.ok_or(ActionError::NotFound(id))?;
            if !can_approve(&entry) {
                return Err(ActionError::NotWaiting {
                    id,
                    status: entry.status.as_str(),
                });
            }
            let mut job = tx.job(id)?.ok_or(ActionError::NoJob(id))?;
            job.work.dismiss()?;
            job.next_run_ms = 0;
            tx.put_job(&job)?;
            let mut e = entry;
            e.status = Status::Running;
            e.reason = Some("dismissed".into());
            e.updated_at = time::now_ms();
            tx.put_entry(&e)?;
            Ok::<(), ActionError>(())
        })
        .await?;
    engine.entry_changed(id);
    engine.wake_jobs();
    Ok(())
}
