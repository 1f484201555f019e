//! Intake, step 6: which flow a verified Lever event starts: a hire, an invite or a next step (by the
//! stage it moved into), or an outcome (archive change); or none, with the reason.

use serde_json::Value;

use crate::model::Flow;
use crate::settings::Settings;
use crate::webhooks::LeverWebhook;
use crate::work::{HireState, InviteState, OutcomeState, PurgeState, Work};

use super::envelope::Envelope;

/// Where a verified event goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    /// The flow it belongs to.
    pub flow: Flow,
    /// The work to start, if any.
    pub work: Option<Work>,
    /// Why there is none, or what to know.
    pub reason: Option<String>,
    /// Whether what Hirewire holds about the opportunity is purged first.
    pub purge: Purge,
}

/// Whether intake purges what Hirewire holds about an event's opportunity before it
/// records the event (`candidateDeleted` naming an opportunity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Nothing to purge.
    No,
    /// Purge the opportunity the entry names.
    Opportunity,
}

fn nothing(flow: Flow, why: impl Into<String>) -> Routed {
    Routed {
        flow,
        work: None,
        reason: Some(why.into()),
        purge: Purge::No,
    }
}

fn work(flow: Flow, work: impl Into<Work>) -> Routed {
    Routed {
        flow,
        work: Some(work.into()),
        reason: None,
        purge: Purge::No,
    }
}

/// Routes an event that came in on `hook`'s endpoint.
pub fn route(hook: LeverWebhook, env: &Envelope, settings: &Settings) -> Routed {
    if env.event != hook.event() {
        return nothing(Flow::None, format!(
            "Lever sent {} to the {} webhook, which is for {}: give each Lever webhook its own URL from Setup",
            env.event, hook.endpoint(), hook.event()
        ));
    }
    if hook == LeverWebhook::CandidateDeleted {
        return deleted(env);
    }
    let Some(opp) = env.opportunity_id() else {
        return nothing(Flow::None, "the event names no opportunity");
    };
    match hook {
        LeverWebhook::CandidateHired => work(Flow::Hire, HireState::new(&opp)),
        LeverWebhook::StageChange => stage_change(env, &opp, settings),
        LeverWebhook::ArchiveChange => archive_change(env, &opp),
        LeverWebhook::CandidateDeleted => deleted(env),
    }
}

/// `candidateDeleted`, whose data Lever does not document: the opportunity it names is
/// purged at intake; when it names only a contact (or candidate) id, a job finds that
/// person's opportunities in Lever and purges each.
fn deleted(env: &Envelope) -> Routed {
    if env.data_str("opportunityId").is_some() {
        return Routed {
            flow: Flow::Privacy,
            work: None,
            reason: None,
            purge: Purge::Opportunity,
        };
    }
    match env.contact_id() {
        Some(contact) => work(Flow::Privacy, PurgeState::of_contact(&contact)),
        None => nothing(
            Flow::Privacy,
            "the event names no opportunity and no contact: nothing to remove",
        ),
    }
}

fn archive_change(env: &Envelope, opp: &str) -> Routed {
    if env.data.get("toArchived").is_some_and(Value::is_null) {
        return nothing(
            Flow::Outcome,
            "the candidate was unarchived: no outcome to record",
        );
    }
    let reason = env
        .data
        .get("toArchived")
        .and_then(|a| a.get("reason"))
        .and_then(Value::as_str);
    work(Flow::Outcome, OutcomeState::archive(opp, reason))
}

fn stage_change(env: &Envelope, opp: &str, settings: &Settings) -> Routed {
    let to = env.data_str("toStageId").unwrap_or_default();
    let stages = &settings.stages;
    if !stages.configured() {
        return nothing(
            Flow::None,
            "the assessment, onsite and offer stages are not mapped yet: map them in Mappings",
        );
    }
    if to == stages.assessment {
        return work(Flow::Assessment, InviteState::new(opp, &to));
    }
    for (stage, step) in [(&stages.onsite, "onsite"), (&stages.offer, "offer")] {
        if to == *stage {
            return work(Flow::Outcome, OutcomeState::next_step(opp, step));
        }
    }
    nothing(
        Flow::None,
        "moved to a stage that is not mapped to the assessment, onsite or offer step",
    )
}
