//! The one table of Lever webhooks Hirewire listens to: for each, the relay endpoint it
//! is posted to, the Lever event it carries, the name Lever's settings page gives it, and
//! the keychain name of its signing token. Intake, secrets, the CLI, the window and the
//! demo all read this table; an endpoint that is not in it is not a Lever webhook.

use serde::{Deserialize, Serialize};

/// The relay endpoint of the assessment partner's bodiless `PATCH` ("status changed"),
/// as invites sent before each had its own URL used it: it asks for every pending result.
pub const ASSESSMENT_DONE: &str = "assessment-done";

/// The event name of a history entry that reads the partner's results: Hirewire's own,
/// since the partner's `PATCH` has no body to name one.
pub const ASSESSMENT_RESULT_EVENT: &str = "assessmentStatusChanged";

/// Hirewire's own event names: the history entries no Lever webhook names. With Lever's
/// (in [`LeverWebhook`]) they are every event a history row can show; the window's labels
/// are keyed by the generated list (`ui/src/generated/facts.ts`, `OWN_EVENTS`).
pub mod own {
    /// A results check that found the partner's result (polling, or a bodiless `PATCH`).
    pub const ASSESSMENT_RESULT: &str = super::ASSESSMENT_RESULT_EVENT;
    /// A result the scheduler found finished.
    pub const ASSESSMENT_COMPLETED: &str = "assessmentCompleted";
    /// A score rule applied to a result.
    pub const SCORE_RULE: &str = "assessmentScoreRule";
    /// An offer changed in Lever after the hire (found by catching up).
    pub const OFFER_CHANGED: &str = "offerChanged";
    /// A catch-up's own row.
    pub const CATCH_UP: &str = "reconcile";
    /// The relay's stream went back to an earlier position.
    pub const RELAY_REWOUND: &str = "relayRewound";

    /// Every one, by the key the window's list uses.
    pub const ALL: [(&str, &str); 6] = [
        ("assessmentResult", ASSESSMENT_RESULT),
        ("assessmentCompleted", ASSESSMENT_COMPLETED),
        ("scoreRule", SCORE_RULE),
        ("offerChanged", OFFER_CHANGED),
        ("catchUp", CATCH_UP),
        ("relayRewound", RELAY_REWOUND),
    ];
}

/// The endpoint of one invite's own callback: `assessment-done-{token}`, so that a
/// `PATCH` names the test it is about. The token is random, so nobody who does not
/// know it can make Hirewire ask the partner anything.
pub fn assessment_callback(token: &str) -> String {
    format!("{ASSESSMENT_DONE}-{token}")
}

/// The callback token of an endpoint, if it is an invite's own callback.
pub fn callback_token(endpoint: &str) -> Option<&str> {
    endpoint
        .strip_prefix(ASSESSMENT_DONE)?
        .strip_prefix('-')
        .filter(|t| !t.is_empty())
}

/// A Lever webhook Hirewire acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeverWebhook {
    /// `candidateHired`: a hire becomes a bob employee.
    CandidateHired,
    /// `candidateStageChange`: assessment invites and next steps.
    StageChange,
    /// `candidateArchiveChange`: outcomes.
    ArchiveChange,
    /// `candidateDeleted`: what Hirewire holds about the candidate is purged.
    CandidateDeleted,
}

impl LeverWebhook {
    /// Every webhook, in the order setup screens show them.
    pub const ALL: [LeverWebhook; 4] = [
        LeverWebhook::CandidateHired,
        LeverWebhook::StageChange,
        LeverWebhook::ArchiveChange,
        LeverWebhook::CandidateDeleted,
    ];

    /// The relay endpoint (`/hooks/{channel}/{endpoint}`).
    pub const fn endpoint(self) -> &'static str {
        match self {
            LeverWebhook::CandidateHired => "candidate-hired",
            LeverWebhook::StageChange => "stage-change",
            LeverWebhook::ArchiveChange => "archive-change",
            LeverWebhook::CandidateDeleted => "candidate-deleted",
        }
    }

    /// The Lever event name in the webhook's body.
    pub const fn event(self) -> &'static str {
        match self {
            LeverWebhook::CandidateHired => "candidateHired",
            LeverWebhook::StageChange => "candidateStageChange",
            LeverWebhook::ArchiveChange => "candidateArchiveChange",
            LeverWebhook::CandidateDeleted => "candidateDeleted",
        }
    }

    /// What Lever's webhook settings call it.
    pub const fn label(self) -> &'static str {
        match self {
            LeverWebhook::CandidateHired => "Candidate Hired",
            LeverWebhook::StageChange => "Candidate Stage Change",
            LeverWebhook::ArchiveChange => "Candidate Archive State Change",
            LeverWebhook::CandidateDeleted => "Candidate Deleted",
        }
    }

    /// The keychain name of its signing token.
    pub const fn token_name(self) -> &'static str {
        match self {
            LeverWebhook::CandidateHired => "lever-signing-token/candidate-hired",
            LeverWebhook::StageChange => "lever-signing-token/stage-change",
            LeverWebhook::ArchiveChange => "lever-signing-token/archive-change",
            LeverWebhook::CandidateDeleted => "lever-signing-token/candidate-deleted",
        }
    }

    /// Whether Lever lets this webhook take `configuration.conditions` (origins): every one
    /// but `candidateDeleted`, which Lever says cannot be configured.
    pub const fn takes_conditions(self) -> bool {
        !matches!(self, LeverWebhook::CandidateDeleted)
    }

    /// The webhook posted to `endpoint`, if it is one of Lever's.
    pub fn from_endpoint(endpoint: &str) -> Option<LeverWebhook> {
        Self::ALL.into_iter().find(|w| w.endpoint() == endpoint)
    }

    /// The webhook that carries the Lever event `event`, if Hirewire acts on it.
    pub fn from_event(event: &str) -> Option<LeverWebhook> {
        Self::ALL.into_iter().find(|w| w.event() == event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_webhook_is_found_by_its_endpoint_and_its_event_and_nothing_else_is() {
        for w in LeverWebhook::ALL {
            assert_eq!(LeverWebhook::from_endpoint(w.endpoint()), Some(w));
            assert_eq!(LeverWebhook::from_event(w.event()), Some(w));
            assert!(w.token_name().ends_with(w.endpoint()));
        }
        assert_eq!(LeverWebhook::from_endpoint(ASSESSMENT_DONE), None);
        assert_eq!(LeverWebhook::from_endpoint("archive"), None);
        assert_eq!(LeverWebhook::from_event("interviewCreated"), None);
    }

    #[test]
    fn an_invites_callback_endpoint_carries_its_token_and_fits_the_relay() {
        let ep = assessment_callback("k3x9q2");
        assert_eq!(callback_token(&ep), Some("k3x9q2"));
        assert_eq!(callback_token(ASSESSMENT_DONE), None);
        assert_eq!(callback_token("assessment-donex"), None);
        assert!(hirewire_relay::protocol::valid_endpoint(
            &assessment_callback(&"a".repeat(24))
        ));
    }
}
