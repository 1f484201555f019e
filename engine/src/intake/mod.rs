//! Intake: every event the relay delivered becomes exactly one history entry, or joins one
//! that means the same, or is dropped as a duplicate. Lever events are verified with their
//! endpoint's signing token ([`verify`]); then the verified event is routed to its flow
//! ([`route`]). Stale, replayed and unsigned events are `rejected` with the reason; pings
//! are `skipped`.

pub mod route;
pub mod verify;

use crate::model::{Flow, RawEvent, Status};
use crate::secrets::Secret;
use crate::settings::Settings;
use crate::store::entries::NewEntry;
use crate::store::Seen;
use crate::webhook;
use crate::webhooks::{callback_token, LeverWebhook, ASSESSMENT_DONE};
use crate::work::{ResultState, Work};
use verify::Verified;

/// What to do with one event. (Built once per event and consumed at once, so the size
/// difference of the variants does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// A redelivery of something already taken in: no new entry.
    Duplicate(String),
    /// Means the same as an entry that may already be waiting: join it if there is one.
    Coalesce(Coalesce, NewEntry, Option<Work>),
    /// Record an entry, and start a job when there is work.
    Record {
        /// The entry.
        entry: NewEntry,
        /// The work to start.
        work: Option<Work>,
        /// Dedupe keys to remember (only for verified Lever events).
        seen: Vec<String>,
        /// SHA-256 of the body.
        body_hash: String,
        /// Purge what Hirewire holds about the entry's opportunity first.
        purge: bool,
    },
}

/// Events that need no entry of their own when one that means the same is waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coalesce {
    /// "Check results now" (the partner's bodiless `PATCH`), for the invite whose own
    /// callback token is given, or for every pending one: one queued check is enough.
    ResultsCheck(Option<String>),
    /// A post to an endpoint nothing listens on: one entry a day counts them all.
    UnknownEndpoint(String),
}

/// Decides what an event is. `token` is the endpoint's signing token (if set); `seen` looks
/// up a dedupe key.
pub fn decide(
    raw: &RawEvent,
    settings: &Settings,
    token: Option<&Secret>,
    seen: impl Fn(&str) -> Option<Seen>,
) -> Decision {
    let mut entry = NewEntry {
        received_at: raw.received_at,
        event: String::new(),
        endpoint: raw.endpoint.clone(),
        opportunity_id: None,
        candidate: None,
        flow: Flow::None,
        status: Status::Skipped,
        reason: None,
        event_body: Some(raw.clone()),
        source: Default::default(),
    };
    let callback = callback_token(&raw.endpoint);
    if raw.endpoint == ASSESSMENT_DONE || callback.is_some() {
        entry.event = "assessmentStatusChanged".into();
        entry.flow = Flow::Assessment;
        let work = ResultState {
            all_pending: true,
            ..Default::default()
        };
        let callback = callback.map(str::to_string);
        return Decision::Coalesce(Coalesce::ResultsCheck(callback), entry, Some(work.into()));
    }
    let Some(hook) = LeverWebhook::from_endpoint(&raw.endpoint) else {
        entry.event = format!("unknown ({})", raw.endpoint);
        entry.reason = Some(format!(
            "nothing in Hirewire listens on the endpoint {:?}; check the webhook URL in Lever",
            raw.endpoint
        ));
        return Decision::Coalesce(Coalesce::UnknownEndpoint(raw.endpoint.clone()), entry, None);
    };
    let body_hash = webhook::body_hash(&raw.body);
    let record = |entry: NewEntry, work: Option<Work>, seen: Vec<String>| Decision::Record {
        entry,
        work,
        seen,
        body_hash: body_hash.clone(),
        purge: false,
    };
    match verify::verify(raw, hook, settings, token, &body_hash, &seen) {
        Err(verify::Refusal::Duplicate(why)) => Decision::Duplicate(why),
        Err(verify::Refusal::Rejected {
            event,
            opportunity,
            why,
        }) => {
            entry.event = event;
            entry.opportunity_id = opportunity;
            entry.status = Status::Rejected;
            entry.reason = Some(why);
            record(entry, None, vec![])
        }
        Ok(Verified::Ping { env, signed }) => {
            let keys = if signed { verify::keys(&env) } else { vec![] };
            record(ping(entry, hook, &env, signed), None, keys)
        }
        Ok(Verified::Event(env)) => {
            let (entry, work, purge) = event(entry, hook, &env, settings);
            match record(entry, work, verify::keys(&env)) {
                Decision::Record {
                    entry,
                    work,
                    seen,
                    body_hash,
                    ..
                } => Decision::Record {
                    entry,
                    work,
                    seen,
                    body_hash,
                    purge,
                },
                other => other,
            }
        }
    }
}

/// A Lever test ping's entry: skipped, saying whether its signature was checked.
fn ping(
    mut entry: NewEntry,
    hook: LeverWebhook,
    env: &webhook::Envelope,
    signed: bool,
) -> NewEntry {
    entry.event = env.event.clone();
    entry.reason = Some(if signed {
        format!(
            "Lever's test ping for the {} webhook: the signature checks out",
            hook.label()
        )
    } else {
        format!("Lever's test ping for the {} webhook (a ping carries no data, so its signature is not needed)", hook.label())
    });
    entry
}

/// A verified event's entry, the work its route starts, and whether it purges.
fn event(
    mut entry: NewEntry,
    hook: LeverWebhook,
    env: &webhook::Envelope,
    settings: &Settings,
) -> (NewEntry, Option<Work>, bool) {
    entry.event = env.event.clone();
    entry.opportunity_id = if hook == LeverWebhook::CandidateDeleted {
        // Only an opportunity id is purged at intake; a contact's are found by its job.
        env.data_str("opportunityId")
    } else {
        env.opportunity_id()
    };
    let routed = route::route(hook, env, settings);
    entry.flow = routed.flow;
    entry.status = if routed.work.is_some() {
        Status::Running
    } else {
        Status::Skipped
    };
    entry.reason = routed.reason;
    (entry, routed.work, routed.purge)
}

#[cfg(test)]
mod tests;
