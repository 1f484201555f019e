//! Intake, step 7: what one event becomes, decided without side effects from the event,
//! its endpoint (classified once, [`Endpoint::of`]), the settings, the endpoint's signing
//! token and a dedupe lookup. Lever events are verified ([`super::verify`]) and routed
//! ([`super::route`]); the partner's "check results now" and posts to unknown endpoints
//! join an entry that means the same. [`super::record`] writes what is decided.

use crate::model::{Flow, RawEvent, Status};
use crate::secrets::Secret;
use crate::settings::Settings;
use crate::store::entries::NewEntry;
use crate::store::Seen;
use crate::webhooks::{callback_token, LeverWebhook, ASSESSMENT_DONE};
use crate::work::{ResultState, Work};

use super::envelope::Envelope;
use super::route::{self, Purge};
use super::verify::{self, Verified};

/// What an endpoint is: classified once per event, before its signing token is read, and
/// handed to [`decide`] with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// The partner's "check results now": the bare endpoint (every pending result) or an
    /// invite's own callback, with its token.
    Results(Option<String>),
    /// One of Lever's webhooks.
    Lever(LeverWebhook),
    /// Nothing in Hirewire listens here.
    Unknown,
}

impl Endpoint {
    /// Classifies a relay endpoint.
    pub fn of(endpoint: &str) -> Endpoint {
        if endpoint == ASSESSMENT_DONE {
            return Endpoint::Results(None);
        }
        if let Some(token) = callback_token(endpoint) {
            return Endpoint::Results(Some(token.to_string()));
        }
        match LeverWebhook::from_endpoint(endpoint) {
            Some(hook) => Endpoint::Lever(hook),
            None => Endpoint::Unknown,
        }
    }

    /// The keychain name of the endpoint's signing token; only Lever's endpoints have one.
    pub fn signing_token(&self) -> Option<&'static str> {
        match self {
            Endpoint::Lever(hook) => Some(hook.token_name()),
            _ => None,
        }
    }
}

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
    Record(Record),
}

/// A Lever event's entry to record, with what it starts and leaves behind.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The entry.
    pub entry: NewEntry,
    /// The work to start.
    pub work: Option<Work>,
    /// Dedupe keys to remember (only for verified Lever events).
    pub seen: Vec<String>,
    /// SHA-256 of the body.
    pub body_hash: String,
    /// Whether to purge what Hirewire holds about the entry's opportunity first.
    pub purge: Purge,
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

/// Decides what an event is. `endpoint` is the event's endpoint classified, `token` its
/// signing token (if set); `seen` looks up a dedupe key.
pub fn decide(
    raw: &RawEvent,
    endpoint: &Endpoint,
    settings: &Settings,
    token: Option<&Secret>,
    seen: impl Fn(&str) -> Option<Seen>,
) -> Decision {
    let entry = NewEntry {
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
    match endpoint {
        Endpoint::Results(callback) => results_check(entry, callback.clone()),
        Endpoint::Unknown => unknown(entry),
        Endpoint::Lever(hook) => lever(entry, raw, *hook, settings, token, &seen),
    }
}

/// The partner's "check results now": joins a check that is already queued.
fn results_check(mut entry: NewEntry, callback: Option<String>) -> Decision {
    entry.event = crate::webhooks::ASSESSMENT_RESULT_EVENT.into();
    entry.flow = Flow::Assessment;
    let work = ResultState {
        all_pending: true,
        ..Default::default()
    };
    Decision::Coalesce(Coalesce::ResultsCheck(callback), entry, Some(work.into()))
}

/// A post to an endpoint nothing listens on: counted in the day's one entry.
fn unknown(mut entry: NewEntry) -> Decision {
    let endpoint = entry.endpoint.clone();
    entry.event = format!("unknown ({endpoint})");
    entry.reason = Some(format!(
        "nothing in Hirewire listens on the endpoint {endpoint:?}; check the webhook URL in Lever"
    ));
    Decision::Coalesce(Coalesce::UnknownEndpoint(endpoint), entry, None)
}

/// A post to one of Lever's webhooks: verified, then routed.
fn lever(
    mut entry: NewEntry,
    raw: &RawEvent,
    hook: LeverWebhook,
    settings: &Settings,
    token: Option<&Secret>,
    seen: &impl Fn(&str) -> Option<Seen>,
) -> Decision {
    // The body was hashed once, when it was accepted from the relay: verify compares it
    // with a redelivery's, and the recorded dedupe keys keep it.
    let body_hash = raw.body_hash();
    let record = |entry, work, seen, purge| {
        Decision::Record(Record {
            entry,
            work,
            seen,
            body_hash: body_hash.clone(),
            purge,
        })
    };
    match verify::verify(raw, hook, settings, token, &body_hash, seen) {
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
            record(entry, None, vec![], Purge::No)
        }
        Ok(Verified::Ping { env, signed }) => {
            let keys = if signed { verify::keys(&env) } else { vec![] };
            record(ping(entry, hook, &env, signed), None, keys, Purge::No)
        }
        Ok(Verified::Event(env)) => {
            let (entry, work, purge) = event(entry, hook, &env, settings);
            record(entry, work, verify::keys(&env), purge)
        }
    }
}

/// A Lever test ping's entry: skipped, saying whether its signature was checked.
fn ping(mut entry: NewEntry, hook: LeverWebhook, env: &Envelope, signed: bool) -> NewEntry {
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
    env: &Envelope,
    settings: &Settings,
) -> (NewEntry, Option<Work>, Purge) {
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
