//! Intake, step 5: is this Lever's, and new? A test ping is recognised first, by its empty data, whatever
//! its signature says (it can do nothing). Then the signature (with the endpoint's own
//! signing token), the age against the relay's receipt time, and the dedupe keys: a
//! validly signed event whose token was never seen is taken however late Lever reruns it
//! inside the age limit, and a token seen before is a redelivery (same body) or a replay
//! (another body).

use crate::keys;
use crate::model::RawEvent;
use crate::secrets::Secret;
use crate::settings::Settings;
use crate::store::Seen;
use crate::time;
use crate::webhooks::LeverWebhook;

use super::envelope::{self, Envelope};

/// A verified Lever event.
#[derive(Debug, Clone)]
pub enum Verified {
    /// Lever's test button: the event with empty data; `signed` when its signature checks out.
    Ping {
        /// The envelope.
        env: Envelope,
        /// Whether the signature matched the token.
        signed: bool,
    },
    /// A signed, fresh, first-seen event.
    Event(Envelope),
}

/// Why an event is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Already taken in: no entry.
    Duplicate(String),
    /// Recorded as `rejected` with the reason.
    Rejected {
        /// The event name, when the body had one.
        event: String,
        /// The opportunity it names, when the body named one.
        opportunity: Option<String>,
        /// Why, in words a recruiter can act on.
        why: String,
    },
}

fn rejected(env: Option<&Envelope>, why: String) -> Refusal {
    Refusal::Rejected {
        event: env
            .map(|e| e.event.clone())
            .unwrap_or_else(|| "unknown".into()),
        opportunity: env.and_then(Envelope::opportunity_id),
        why,
    }
}

/// Verifies a Lever event posted to `hook`'s endpoint.
pub fn verify(
    raw: &RawEvent,
    hook: LeverWebhook,
    settings: &Settings,
    token: Option<&Secret>,
    body_hash: &str,
    seen: &impl Fn(&str) -> Option<Seen>,
) -> Result<Verified, Refusal> {
    let env = Envelope::parse(&raw.body)
        .map_err(|why| rejected(Envelope::lenient(&raw.body).as_ref(), why))?;
    let signed = token.is_some_and(|t| envelope::verify(t.expose(), &env));
    if env.is_test_ping() {
        return Ok(Verified::Ping { env, signed });
    }
    let Some(_) = token else {
        return Err(rejected(Some(&env), format!(
            "no signing token is set for the {} webhook, so its signature cannot be checked: paste the token from Lever in Setup, then Retry",
            hook.label()
        )));
    };
    if !signed {
        return Err(rejected(Some(&env), format!(
            "the signature does not match the {} webhook's signing token: either Lever did not send this, or the token in Setup is not the one Lever shows for this webhook",
            hook.label()
        )));
    }
    let sent = env.triggered_at.unwrap_or(0);
    let limit_ms = settings.lever.max_event_age_minutes.saturating_mul(60_000);
    if sent.abs_diff(raw.received_at) > limit_ms {
        return Err(rejected(Some(&env), format!(
            "Lever sent this at {} but the relay received it at {}, more than {} minutes apart (longer than Hirewire remembers deliveries): refused as a possible replay",
            time::rfc3339(sent),
            time::rfc3339(raw.received_at),
            settings.lever.max_event_age_minutes
        )));
    }
    first_seen(&env, body_hash, seen)?;
    Ok(Verified::Event(env))
}

/// A signed, fresh event whose id or delivery token was seen before is a redelivery (the
/// same body: dropped) or a replay (another body: rejected).
fn first_seen(
    env: &Envelope,
    body_hash: &str,
    seen: &impl Fn(&str) -> Option<Seen>,
) -> Result<(), Refusal> {
    if let Some(id) = env.id.as_deref().filter(|s| !s.is_empty()) {
        if let Some(prev) = seen(&keys::seen_id(id)) {
            return Err(Refusal::Duplicate(format!(
                "Lever event {id} was already taken in as entry {}",
                prev.entry_id
            )));
        }
    }
    let Some(prev) = seen(&keys::seen_token(&env.token)) else {
        return Ok(());
    };
    if prev.body_hash == body_hash {
        return Err(Refusal::Duplicate(format!(
            "a redelivery of entry {}",
            prev.entry_id
        )));
    }
    Err(rejected(
        Some(env),
        format!(
            "this webhook reuses the token of entry {} with a different body: refused as a replay",
            prev.entry_id
        ),
    ))
}

/// The dedupe keys a verified event leaves behind.
pub fn keys(env: &Envelope) -> Vec<String> {
    let mut out = vec![keys::seen_token(&env.token)];
    if let Some(id) = env.id.as_deref().filter(|s| !s.is_empty()) {
        out.push(keys::seen_id(id));
    }
    out
}
