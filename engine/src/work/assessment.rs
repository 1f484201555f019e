//! The assessment states: the invite job's, the results job's, and the record of a sent
//! assessment that the scheduler polls until its result is noted.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RetryPlan;

/// The invite job's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteState {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The stage it moved into (kept as received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The partner's interview id, once sent by this job.
    #[serde(default)]
    pub interview_id: Option<String>,
    /// The token of this invite's own callback URL, chosen before the send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_token: Option<String>,
    /// Found by catching up, to be sent only once a person approves.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirm: bool,
    /// A person chose not to send it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub declined: bool,
}

impl InviteState {
    /// An invite for a move of `opportunity_id` into `stage`.
    pub fn new(opportunity_id: &str, stage: &str) -> InviteState {
        InviteState {
            opportunity_id: opportunity_id.to_string(),
            stage: Some(stage.to_string()),
            interview_id: None,
            callback_token: None,
            confirm: false,
            declined: false,
        }
    }

    pub(super) fn approve(&mut self) {
        self.confirm = false;
    }

    pub(super) fn dismiss(&mut self) -> Result<(), super::Refused> {
        if !self.confirm {
            return Err(super::Refused::NothingToDismiss);
        }
        self.declined = true;
        Ok(())
    }

    pub(super) fn review(&self) -> super::Review {
        if !self.confirm {
            return super::Review::default();
        }
        super::Review {
            approve: Some("Send the invite".into()),
            dismiss: Some("Do not send it".into()),
            ..Default::default()
        }
    }

    /// A person checked the partner after an interrupted send and asked again: the
    /// unfinished intent no longer blocks the invite. (A finished invite keeps its
    /// `done:` link, which alone prevents a resend.)
    pub(super) fn prepare_retry(&self) -> RetryPlan {
        RetryPlan {
            clear_link_prefixes: vec![crate::keys::invite_intents(&self.opportunity_id)],
        }
    }
}

/// The results job's state: one interview, or all pending ones (after a `PATCH`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultState {
    /// The interview to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview_id: Option<String>,
    /// Its opportunity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opportunity_id: Option<String>,
    /// Check every pending assessment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_pending: bool,
}

/// Where a sent assessment stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssessmentStatus {
    /// Sent, no result yet: polled.
    #[default]
    Pending,
    /// Graded; the result is noted in Lever.
    Complete,
    /// No result within eight weeks: no longer polled.
    Expired,
    /// The candidate was hired or archived first: results are only for active, unhired
    /// candidates, so it is no longer polled.
    Closed,
}

/// A sent assessment, kept until its result is noted (or it expires).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Assessment {
    /// The partner's interview id.
    pub interview_id: String,
    /// Lever opportunity.
    pub opportunity_id: String,
    /// Candidate name.
    pub candidate: String,
    /// The tag that chose the test.
    pub tag: String,
    /// The partner test.
    pub test_id: String,
    /// When sent (ms).
    pub sent_at: u64,
    /// Next status check (ms).
    pub next_poll_ms: u64,
    /// Where it stands.
    pub status: AssessmentStatus,
    /// The score, once complete.
    pub score: Option<Value>,
    /// The report, once complete.
    pub report_url: Option<String>,
    /// The token of its own callback URL (invites sent before these had none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_token: Option<String>,
    /// The stage the invite was sent from (invites sent before score rules have none:
    /// the assessment stage of the settings stands in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}
