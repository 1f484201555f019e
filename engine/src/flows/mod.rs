//! The flows, each readable top to bottom in its own file, and what they share: the job
//! context that records every step durably together with the job's resumable state.

pub mod assessment;
pub mod documents;
pub mod fields;
pub mod hire;
pub mod lever_hire;
pub mod once;
pub mod outcome;
pub mod proposal;

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::clients::bob::Bob;
use super::clients::http::ApiError;
use super::clients::lever::Lever;
use super::clients::partner::Partner;
use super::model::{Job, JobKind, Status, Step, StepStatus};
use super::secrets::{self, MissingSecret};
use super::settings::Settings;
use super::store::StoreError;
use super::{time, Engine};

/// How a run of a job ended (when it did not fail).
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    /// Final status and reason.
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

    /// The flow's typed state.
    pub fn state<T: DeserializeOwned + Default>(&self) -> T {
        serde_json::from_value(self.job.state.clone()).unwrap_or_default()
    }

    /// Saves the flow's state, a step and links in one durable commit.
    pub async fn commit<T: Serialize>(
        &mut self,
        state: &T,
        step: Option<Step>,
        links: Vec<(String, String)>,
    ) -> Result<(), StoreError> {
        self.job.state = serde_json::to_value(state)?;
        let job = self.job.clone();
        let id = job.id;
        self.engine
            .store
            .write_async(move |tx| {
                if tx.job(id)?.is_some() {
                    tx.put_job(&job)?;
                }
                let mut detail = tx.detail(id)?.unwrap_or_default();
                if let Some(step) = step {
                    detail.steps.push(step);
                }
                detail.job = Some(job);
                tx.put_detail(id, &detail)?;
                for (k, v) in links {
                    tx.put_link(&k, &v)?;
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

    /// A Lever client with the permanent key.
    pub async fn lever(&self) -> Result<Lever, FlowError> {
        let key = self.engine.secret(secrets::LEVER_API_KEY).await?;
        Ok(Lever::new(
            &self.settings.lever.base_url,
            key,
            self.engine.http.clone(),
            self.engine.lever_bucket.clone(),
        ))
    }

    /// A bob client with the service user.
    pub async fn bob(&self) -> Result<Bob, FlowError> {
        let user = self.engine.secret(secrets::BOB_SERVICE_USER).await?;
        let token = self.engine.secret(secrets::BOB_TOKEN).await?;
        Ok(Bob::new(
            &self.settings.bob.base_url,
            user,
            token,
            self.engine.http.clone(),
        )
        .with_lookups(self.engine.bob_lookups.clone()))
    }

    /// A partner client.
    pub async fn partner(&self) -> Result<Partner, FlowError> {
        let key = self.engine.secret(secrets::ASSESSMENT_API_KEY).await?;
        Ok(Partner::new(key, self.engine.http.clone()))
    }
}

/// A step that worked.
pub fn done(
    action: impl Into<String>,
    target: Option<String>,
    http: Option<u16>,
    started: Instant,
) -> Step {
    step(action, target, StepStatus::Done, http, started, None)
}

/// A step that was not needed.
pub fn skipped(action: impl Into<String>, why: impl Into<String>) -> Step {
    step(
        action,
        None,
        StepStatus::Skipped,
        None,
        Instant::now(),
        Some(why.into()),
    )
}

/// A step that failed, with the error's own words.
pub fn failed(
    action: impl Into<String>,
    err: &dyn std::fmt::Display,
    http: Option<u16>,
    started: Instant,
) -> Step {
    step(
        action,
        None,
        StepStatus::Failed,
        http,
        started,
        Some(err.to_string()),
    )
}

fn step(
    action: impl Into<String>,
    target: Option<String>,
    status: StepStatus,
    http: Option<u16>,
    started: Instant,
    error: Option<String>,
) -> Step {
    Step {
        action: action.into(),
        target,
        status,
        http_status: http,
        ms: started.elapsed().as_millis() as u64,
        error,
        at: time::now_ms(),
    }
}

/// Runs one attempt of a job.
pub async fn run(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    match ctx.job.kind {
        JobKind::Hire => hire::run(ctx).await,
        JobKind::Invite => assessment::invite(ctx).await,
        JobKind::AssessmentResult => assessment::results(ctx).await,
        JobKind::Outcome => outcome::run(ctx).await,
    }
}
