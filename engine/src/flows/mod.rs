//! The flows, each readable top to bottom in its own module, and what they share: the job
//! context that records every step durably together with the job's resumable state (the
//! states themselves, and the rules a person's actions follow, are in `crate::work`).

pub mod assessment;
pub mod hire;
pub mod once;
pub mod outcome;
pub mod purge;
mod steps;

use std::time::{Duration, Instant};

use super::clients::bob::Bob;
use super::clients::bucket::Lane;
use super::clients::http::ApiError;
use super::clients::lever::Lever;
use super::clients::partner::Partner;
use super::model::{Status, Step};
use super::secrets::MissingSecret;
use super::settings::Settings;
use super::store::StoreError;
use super::work::{Job, JobSlot, Watch, Work};
use super::Engine;
pub use steps::{done, failed, skipped};

/// How a run of a job ended (when it did not fail).
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    /// Done: the reason, if any, and what the job did in a few words for its history row
    /// ("employee 3332883, 3 documents"), said by the flow that did it.
    Done {
        /// Why it ended as it did, when there is more to say than done.
        reason: Option<String>,
        /// The history row's summary.
        summary: Option<String>,
    },
    /// Ended without doing its work (skipped, rejected), with the reason.
    Final(Status, Option<String>),
    /// Waits for a person (review); the job stays until approved.
    Waiting(String),
}

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// A vendor call failed; retried later if the error may pass.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A secret is missing: a person must set it, then Retry.
    #[error(transparent)]
    Secret(#[from] MissingSecret),
    /// Settings or data make the job impossible as it stands.
    #[error("{0}")]
    Stop(String),
    /// Local storage failed; try again later.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Not an error: run again after this long (e.g. waiting for bob to show a new employee).
    #[error("{1}")]
    Later(Duration, String),
}

impl FlowError {
    /// Whether running the job again later may work without a person doing anything.
    pub fn retryable(&self) -> bool {
        match self {
            FlowError::Api(e) => e.retryable,
            FlowError::Store(_) | FlowError::Later(..) => true,
            FlowError::Secret(_) | FlowError::Stop(_) => false,
        }
    }

    /// The vendor's HTTP status, if any.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            FlowError::Api(e) => e.status,
            _ => None,
        }
    }
}

/// One running job: its engine, settings snapshot, state, and step log.
pub struct Ctx {
    /// The engine.
    pub engine: Engine,
    /// Settings as they were when the run started.
    pub settings: Settings,
    /// The job (its `state` is the flow's own).
    pub job: Job,
    /// What the flow is doing now, named in a failed step if it stops here.
    pub doing: String,
    /// When that began.
    pub since: Instant,
}

impl Ctx {
    /// Names the action that starts now; returns its start time.
    pub fn begin(&mut self, action: impl Into<String>) -> Instant {
        self.doing = action.into();
        self.since = Instant::now();
        self.since
    }

    /// Saves the flow's state (which becomes the job's work), a step and links, in one
    /// durable commit.
    pub async fn commit<S: Clone + Into<Work>>(
        &mut self,
        state: &S,
        step: Option<Step>,
        links: Vec<(String, String)>,
    ) -> Result<(), StoreError> {
        self.job.work = state.clone().into();
        self.save(step, links).await
    }

    /// Like [`Ctx::commit`] with one link, and the created employee's watch, in the same
    /// commit: an employee is watched for changes exactly when its creation is recorded.
    pub async fn commit_watched<S: Clone + Into<Work>>(
        &mut self,
        state: &S,
        step: Step,
        link: (String, String),
        watch: Watch,
    ) -> Result<(), StoreError> {
        self.job.work = state.clone().into();
        self.save_with(Some(step), vec![link], Some(watch)).await
    }

    /// Records a step with the job's work as it is.
    pub async fn record(&mut self, step: Step) -> Result<(), StoreError> {
        self.save(Some(step), vec![]).await
    }

    async fn save(
        &mut self,
        step: Option<Step>,
        links: Vec<(String, String)>,
    ) -> Result<(), StoreError> {
        self.save_with(step, links, None).await
    }

    async fn save_with(
        &mut self,
        step: Option<Step>,
        links: Vec<(String, String)>,
        watch: Option<Watch>,
    ) -> Result<(), StoreError> {
        let job = self.job.clone();
        let id = job.id;
        self.engine
            .store
            .write_async(move |tx| {
                // The candidate was purged while this job ran: nothing of theirs is written
                // back (the attempt's end removes the job).
                if let Some(opp) = job.work.opportunity_id() {
                    if tx.is_purged(opp)? {
                        return Err(StoreError::NotFound(
                            "the candidate's data was removed while this job ran".into(),
                        ));
                    }
                }
                if tx.job(id)?.is_some() {
                    tx.put_job(&job)?;
                }
                let mut detail = tx.detail(id)?.unwrap_or_default();
                if let Some(step) = step {
                    detail.steps.push(step);
                }
                detail.job = Some(JobSlot::Job(Box::new(job)));
                tx.put_detail(id, &detail)?;
                for (k, v) in links {
                    tx.put_link(&k, &v)?;
                }
                if let Some(w) = &watch {
                    tx.put_watch(w)?;
                }
                Ok(())
            })
            .await?;
        self.engine.entry_changed(id);
        Ok(())
    }

    /// Sets the entry's candidate name (shown as soon as it is known).
    pub async fn set_candidate(&self, name: &str) -> Result<(), StoreError> {
        let (id, name) = (self.job.id, name.to_string());
        self.engine
            .store
            .write_async(move |tx| {
                if let Some(mut e) = tx.entry(id)? {
                    e.candidate = Some(name);
                    tx.put_entry(&e)?;
                }
                Ok(())
            })
            .await
    }

    /// An idempotency link.
    pub async fn link(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = key.to_string();
        self.engine.store.read_async(move |rx| rx.link(&key)).await
    }

    /// A Lever client with the permanent key, in the job's lane of the rate budget.
    pub async fn lever(&self) -> Result<Lever, FlowError> {
        let lane = if self.job.background {
            Lane::Background
        } else {
            Lane::Live
        };
        Ok(self.engine.lever_in(&self.settings, lane).await?)
    }

    /// A bob client with the service user.
    pub async fn bob(&self) -> Result<Bob, FlowError> {
        Ok(self.engine.bob(&self.settings).await?)
    }

    /// A partner client.
    pub async fn partner(&self) -> Result<Partner, FlowError> {
        Ok(self.engine.partner().await?)
    }
}

/// When Lever shows the candidate anonymized: purges what Hirewire holds about them and
/// says how the job ends (anonymized candidates get nothing more done).
pub async fn unless_anonymized(
    ctx: &Ctx,
    opp: &super::clients::lever::Opportunity,
) -> Result<Option<Finish>, FlowError> {
    if !opp.is_anonymized {
        return Ok(None);
    }
    let cause = crate::work::Cause::Anonymized;
    let purged = crate::privacy::purge_now(&ctx.engine, &opp.id, cause).await?;
    let why = purged.summary(cause);
    Ok(Some(Finish::Final(Status::Skipped, Some(why))))
}

/// Runs one attempt of a job.
pub async fn run(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    match ctx.job.work.clone() {
        Work::Hire(st) => hire::run(ctx, st).await,
        Work::Invite(st) => assessment::invite::run(ctx, st).await,
        Work::AssessmentResult(st) => assessment::results::run(ctx, st).await,
        Work::Outcome(st) => outcome::run(ctx, st).await,
        Work::Change(st) => hire::change::run(ctx, st).await,
        Work::Purge(st) => purge::run(ctx, st).await,
        Work::ScoreRule(st) => assessment::rules::run(ctx, st).await,
    }
}
