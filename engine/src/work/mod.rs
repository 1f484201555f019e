//! What a job is: one variant per flow, each carrying that flow's resumable state, and the
//! rules a person's actions follow on it (Retry, Approve, what a review shows). The flows
//! in `crate::flows` run the states kept here; the store keeps them as JSON in the shape
//! `{"id", "kind", "attempts", "next_run_ms", "approved", "state": {…}}`.

pub mod assessment;
pub mod change;
pub mod hire;
pub mod outcome;
pub mod purge;
pub mod score_rule;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use assessment::{Assessment, AssessmentStatus, InviteState, ResultState};
pub use change::{ChangeState, FieldChange, LeverInputs, Watch};
pub use hire::{DocState, HireQuestion, HireState};
pub use outcome::{OutcomeKind, OutcomeState, Recorded, RecordedKind};
pub use purge::{Cause, PurgeState};
pub use score_rule::RuleState;

/// The work of one job: which flow, and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "kebab-case")]
pub enum Work {
    /// Flow F1: a hire becomes a bob employee.
    Hire(HireState),
    /// Flow F2: send the assessment invite.
    Invite(InviteState),
    /// Flow F2: check results and note them in Lever.
    AssessmentResult(ResultState),
    /// Flow F3 (and next steps): record an outcome.
    Outcome(OutcomeState),
    /// After F1: the offer changed after the employee was created.
    Change(ChangeState),
    /// A candidate's data was removed; what exists elsewhere waits for a person.
    Purge(PurgeState),
    /// A score rule moves a graded candidate in Lever (or proposes to).
    ScoreRule(RuleState),
}

/// A job: the resumable state of one entry's work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Same as the entry id.
    pub id: u64,
    /// What to do, and how far it got.
    #[serde(flatten)]
    pub work: Work,
    /// Attempts started so far.
    pub attempts: u32,
    /// Not before this time (ms).
    pub next_run_ms: u64,
    /// A person approved it (review before create).
    #[serde(default)]
    pub approved: bool,
    /// Found by catching up: runs behind live work, in the background lane of Lever's
    /// rate budget and on the runner's shared slots only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub background: bool,
}

impl Job {
    /// A new job for entry `id`, due now.
    pub fn new(id: u64, work: Work) -> Job {
        Job {
            id,
            work,
            attempts: 0,
            next_run_ms: 0,
            approved: false,
            background: false,
        }
    }
}

/// What a person may not do to an entry's job, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Approve on a job that does not wait for one.
    #[error("this entry does not wait for an approval")]
    NothingToApprove,
    /// The edited employee is not an object.
    #[error("the edited employee must be a JSON object")]
    NotAnObject,
    /// Dismiss on a job that asks nothing it could answer.
    #[error("this entry asks nothing that can be dismissed")]
    NothingToDismiss,
    /// An edited employee given where there is none to edit.
    #[error("this entry's changes cannot be edited: Approve them as shown, or Dismiss and change bob by hand")]
    NotEditable,
}

/// What the detail panel shows for review: the employee a hire would create and the
/// remarks made while preparing it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Review {
    /// The proposal, editable before Approve.
    pub proposal: Option<Value>,
    /// Remarks (values that could not be mapped).
    pub notes: Vec<String>,
    /// What Approve does here, in words (`None`: nothing to approve).
    pub approve: Option<String>,
    /// What Dismiss does here (`None`: nothing to dismiss).
    pub dismiss: Option<String>,
    /// The differences a change after the hire would write.
    pub changes: Vec<FieldChange>,
}

/// What a Retry must clear besides the job's own state: link keys starting with these
/// prefixes (an unfinished intent a person has checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryPlan {
    /// Link key prefixes to remove.
    pub clear_link_prefixes: Vec<String>,
}

impl Work {
    /// The flow's name, for logs and spans.
    pub fn name(&self) -> &'static str {
        match self {
            Work::Hire(_) => "hire",
            Work::Invite(_) => "invite",
            Work::AssessmentResult(_) => "assessment-result",
            Work::Outcome(_) => "outcome",
            Work::Change(_) => "change",
            Work::Purge(_) => "purge",
            Work::ScoreRule(_) => "score-rule",
        }
    }

    /// The opportunity the work is about, if one.
    pub fn opportunity_id(&self) -> Option<&str> {
        let id = match self {
            Work::Hire(s) => &s.opportunity_id,
            Work::Invite(s) => &s.opportunity_id,
            Work::AssessmentResult(s) => return s.opportunity_id.as_deref(),
            Work::Purge(_) => return None,
            Work::Outcome(s) => &s.opportunity_id,
            Work::Change(s) => &s.opportunity_id,
            Work::ScoreRule(s) => &s.opportunity_id,
        };
        (!id.is_empty()).then_some(id.as_str())
    }

    /// Which jobs must not run at the same time as this one: one per candidate, and
    /// result checks (which may touch any candidate) one at a time among themselves.
    pub fn lane(&self) -> String {
        match self {
            Work::AssessmentResult(_) => "assessment-results".into(),
            other => other.opportunity_id().unwrap_or_default().to_string(),
        }
    }

    /// Prepares the work for a person's Retry; says what else to clear.
    pub fn prepare_retry(&mut self) -> RetryPlan {
        match self {
            Work::Hire(s) => s.prepare_retry(),
            Work::Invite(s) => s.prepare_retry(),
            Work::AssessmentResult(_)
            | Work::Outcome(_)
            | Work::Change(_)
            | Work::Purge(_)
            | Work::ScoreRule(_) => RetryPlan::default(),
        }
    }

    /// Applies a person's Approve, with an edited employee when one was given.
    pub fn approve(&mut self, edited: Option<Value>) -> Result<(), Refused> {
        match self {
            Work::Hire(s) => s.approve(edited),
            Work::Change(s) => s.approve(edited),
            Work::Purge(s) => s.approve(),
            Work::ScoreRule(s) => s.approve(),
            Work::Invite(s) if s.confirm => {
                s.approve();
                Ok(())
            }
            _ => Err(Refused::NothingToApprove),
        }
    }

    /// Applies a person's Dismiss.
    pub fn dismiss(&mut self) -> Result<(), Refused> {
        match self {
            Work::Hire(s) => s.dismiss(),
            Work::Change(s) => s.dismiss(),
            Work::Invite(s) => s.dismiss(),
            Work::ScoreRule(s) => s.dismiss(),
            _ => Err(Refused::NothingToDismiss),
        }
    }

    /// What a review shows.
    pub fn review(&self) -> Review {
        match self {
            Work::Hire(s) => s.review(),
            Work::Change(s) => s.review(),
            Work::Invite(s) => s.review(),
            Work::Purge(s) => s.review(),
            Work::ScoreRule(s) => s.review(),
            _ => Review::default(),
        }
    }
}

/// A stored job as read back: the job, or why its record cannot be used. A record that
/// does not parse is never replaced by a fresh state (that could redo what was done):
/// it is shown in the history as it is, with the error.
#[derive(Debug, Clone, PartialEq)]
pub enum JobSlot {
    /// Read and understood.
    Job(Box<Job>),
    /// Not understood: the raw JSON and the error.
    Unreadable {
        /// The stored record.
        raw: Value,
        /// Why it cannot be read.
        error: String,
    },
}

impl JobSlot {
    /// The job, if its record could be read.
    pub fn job(&self) -> Option<&Job> {
        match self {
            JobSlot::Job(j) => Some(j),
            JobSlot::Unreadable { .. } => None,
        }
    }

    /// Reads a stored record.
    pub fn from_value(raw: Value) -> JobSlot {
        match serde_json::from_value::<Job>(raw.clone()) {
            Ok(job) => JobSlot::Job(Box::new(job)),
            Err(e) => JobSlot::Unreadable {
                raw,
                error: e.to_string(),
            },
        }
    }
}

impl Serialize for JobSlot {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            JobSlot::Job(j) => j.serialize(s),
            JobSlot::Unreadable { raw, .. } => raw.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for JobSlot {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(JobSlot::from_value(Value::deserialize(d)?))
    }
}

impl From<HireState> for Work {
    fn from(s: HireState) -> Work {
        Work::Hire(s)
    }
}

impl From<InviteState> for Work {
    fn from(s: InviteState) -> Work {
        Work::Invite(s)
    }
}

impl From<ResultState> for Work {
    fn from(s: ResultState) -> Work {
        Work::AssessmentResult(s)
    }
}

impl From<ChangeState> for Work {
    fn from(s: ChangeState) -> Work {
        Work::Change(s)
    }
}

impl From<PurgeState> for Work {
    fn from(s: PurgeState) -> Work {
        Work::Purge(s)
    }
}

impl From<RuleState> for Work {
    fn from(s: RuleState) -> Work {
        Work::ScoreRule(s)
    }
}

impl From<OutcomeState> for Work {
    fn from(s: OutcomeState) -> Work {
        Work::Outcome(s)
    }
}

#[cfg(test)]
mod tests;
