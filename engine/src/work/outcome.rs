//! The outcome job's state and the outcomes recorded per candidate.

use serde::{Deserialize, Serialize};

/// What kind of outcome an event brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// A move into the onsite or offer stage.
    NextStep,
    /// An archive change (its reason is the offer status).
    Archive,
}

/// The outcome job's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeState {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// Next step or archive.
    pub kind: OutcomeKind,
    /// `onsite` or `offer`, for a next step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// The archive reason id the webhook named, if it did.
    #[serde(default)]
    pub archive_reason: Option<String>,
}

impl OutcomeState {
    /// A move of `opportunity_id` into the `step` stage.
    pub fn next_step(opportunity_id: &str, step: &str) -> OutcomeState {
        OutcomeState {
            opportunity_id: opportunity_id.to_string(),
            kind: OutcomeKind::NextStep,
            next_step: Some(step.to_string()),
            archive_reason: None,
        }
    }

    /// An archive change of `opportunity_id`, with the reason the webhook named.
    pub fn archive(opportunity_id: &str, reason: Option<&str>) -> OutcomeState {
        OutcomeState {
            opportunity_id: opportunity_id.to_string(),
            kind: OutcomeKind::Archive,
            next_step: None,
            archive_reason: reason.map(str::to_string),
        }
    }
}

/// The kind of a recorded outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordedKind {
    /// onsite / offer.
    #[default]
    NextStep,
    /// rejected / withdrew / offer-accepted / offer-declined / not-applicable.
    OfferStatus,
}

/// One recorded outcome of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recorded {
    /// Next step or offer status.
    pub kind: RecordedKind,
    /// onsite / offer, or rejected / withdrew / offer-accepted / offer-declined / not-applicable.
    pub value: String,
    /// The Lever archive reason's text, for offer statuses.
    pub reason: Option<String>,
    /// When (ms).
    pub at: u64,
    /// The history entry.
    pub entry_id: u64,
}
