//! The state of a score rule applied to one graded assessment: what the rule decided, and
//! whether it waits for a person (archiving always does; a `propose_only` rule's moves do).

use serde::{Deserialize, Serialize};

use super::{Refused, Review};
use crate::score_rules::Decision;

/// One rule applied to one result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleState {
    /// The partner's interview id.
    pub interview_id: String,
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The candidate's name.
    pub candidate: String,
    /// The partner test (the rule's `test`).
    pub test_id: String,
    /// The interview-type tag that chose the test.
    pub tag: String,
    /// The score, as the partner gave it.
    pub score: f64,
    /// The partner's report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_url: Option<String>,
    /// The stage the invite was sent from: the candidate must still be there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_stage: Option<String>,
    /// What the rule decided.
    pub decision: Decision,
    /// Words for what the decision moves ("moved to Onsite"), with Lever's names.
    pub said: String,
    /// Waits for Approve.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub confirm: bool,
    /// A person chose Dismiss.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub declined: bool,
}

impl RuleState {
    pub(super) fn approve(&mut self) -> Result<(), Refused> {
        if !self.confirm {
            return Err(Refused::NothingToApprove);
        }
        self.confirm = false;
        Ok(())
    }

    pub(super) fn dismiss(&mut self) -> Result<(), Refused> {
        if !self.confirm {
            return Err(Refused::NothingToDismiss);
        }
        self.declined = true;
        Ok(())
    }

    pub(super) fn review(&self) -> Review {
        if !self.confirm {
            return Review::default();
        }
        let mut notes = vec![format!("{}: {}", self.decision.why, self.said)];
        if let Some(r) = &self.report_url {
            notes.push(format!("report: {r}"));
        }
        Review {
            notes,
            approve: Some(format!("Do it in Lever: {}", self.said)),
            dismiss: Some("Leave the candidate as they are".into()),
            ..Default::default()
        }
    }
}
