//! Intake: every event the relay delivered becomes exactly one history entry (or is dropped
//! as a duplicate). Lever events are verified with their endpoint's signing token; stale,
//! replayed and unsigned events are `rejected` with the reason; pings are `skipped`.

use serde_json::{json, Value};

use super::model::{Entry, Flow, JobKind, RawEvent, Status};
use super::secrets::Secret;
use super::settings::Settings;
use super::store::Seen;
use super::webhook::{self, Envelope};
use hirewire_relay::protocol::endpoints;

/// What to do with one event. (Built once per event and consumed at once, so the size
/// difference of the variants does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// A redelivery of something already taken in: no new entry.
    Duplicate(String),
    /// Record an entry, and start a job when there is work.
    Record {
        /// The entry (its id is assigned when stored).
        entry: Entry,
        /// The job to start, with its initial state.
        job: Option<(JobKind, Value)>,
        /// Dedupe keys to remember (only for verified Lever events).
        seen: Vec<String>,
        /// SHA-256 of the body.
        body_hash: String,
    },
}

/// Decides what an event is. `token` is the endpoint's signing token (if set); `seen` looks
/// up a dedupe key.
pub fn decide(
    raw: &RawEvent,
    settings: &Settings,
    token: Option<&Secret>,
    seen: impl Fn(&str) -> Option<Seen>,
) -> Decision {
    let body_hash = webhook::body_hash(&raw.body);
    let mut entry = Entry {
        id: 0,
        received_at: raw.received_at,
        event: String::new(),
        endpoint: raw.endpoint.clone(),
        opportunity_id: None,
        candidate: None,
        flow: Flow::None,
        status: Status::Skipped,
        reason: None,
        updated_at: raw.received_at,
    };
    let record = |entry: Entry, job, seen| Decision::Record {
        entry,
        job,
        seen,
        body_hash: body_hash.clone(),
    };
    if raw.endpoint == endpoints::ASSESSMENT_DONE {
        entry.event = "assessmentStatusChanged".into();
        entry.flow = Flow::Assessment;
        entry.status = Status::Running;
        return record(
            entry,
            Some((JobKind::AssessmentResult, json!({"all_pending": true}))),
            vec![],
        );
    }
    if !endpoints::LEVER.contains(&raw.endpoint.as_str()) {
        entry.event = format!("unknown ({})", raw.endpoint);
        entry.reason = Some(format!(
            "nothing in Hirewire listens on the endpoint {:?}; check the webhook URL in Lever",
            raw.endpoint
        ));
        return record(entry, None, vec![]);
    }
    let env = match Envelope::parse(&raw.body) {
        Ok(env) => env,
        Err(why) => return reject(entry, "unknown", why, record),
    };
    entry.event = env.event.clone();
    entry.opportunity_id = env.opportunity_id();
    let Some(token) = token else {
        let why = format!(
            "no signing token is set for the {} webhook, so its signature cannot be checked: paste the token from Lever in Setup, then Retry",
            raw.endpoint
        );
        return reject(entry, &env.event, why, record);
    };
    if !webhook::verify(token.expose(), &env) {
        let why = format!(
            "the signature does not match the {} webhook's signing token: either Lever did not send this, or the token in Setup is not the one Lever shows for this webhook",
            raw.endpoint
        );
        return reject(entry, &env.event, why, record);
    }
    let sent = env.triggered_at.unwrap_or(0);
    let limit_ms = settings.lever.max_event_age_minutes * 60_000;
    if sent.abs_diff(raw.received_at) > limit_ms {
        let why = format!(
            "Lever sent this at {} but the relay received it at {}, more than {} minutes apart: refused as a possible replay",
            super::time::rfc3339(sent),
            super::time::rfc3339(raw.received_at),
            settings.lever.max_event_age_minutes
        );
        return reject(entry, &env.event, why, record);
    }
    if let Some(id) = env.id.as_deref().filter(|s| !s.is_empty()) {
        if let Some(prev) = seen(&format!("id:{id}")) {
            return Decision::Duplicate(format!(
                "Lever event {id} was already taken in as entry {}",
                prev.entry_id
            ));
        }
    }
    if let Some(prev) = seen(&format!("token:{}", env.token)) {
        if prev.body_hash == body_hash {
            return Decision::Duplicate(format!("a redelivery of entry {}", prev.entry_id));
        }
        let why = format!(
            "this webhook reuses the token of entry {} with a different body: refused as a replay",
            prev.entry_id
        );
        return reject(entry, &env.event, why, record);
    }
    let mut keys = vec![format!("token:{}", env.token)];
    if let Some(id) = env.id.as_deref().filter(|s| !s.is_empty()) {
        keys.push(format!("id:{id}"));
    }
    if env.is_test_ping() {
        entry.reason = Some(format!(
            "Lever's test ping for the {} webhook: the signature checks out",
            raw.endpoint
        ));
        return record(entry, None, keys);
    }
    let (flow, job, reason) = route(&raw.endpoint, &env, settings);
    entry.flow = flow;
    entry.status = if job.is_some() {
        Status::Running
    } else {
        Status::Skipped
    };
    entry.reason = reason;
    record(entry, job, keys)
}

fn reject(
    mut entry: Entry,
    event: &str,
    why: String,
    record: impl Fn(Entry, Option<(JobKind, Value)>, Vec<String>) -> Decision,
) -> Decision {
    entry.event = event.to_string();
    entry.status = Status::Rejected;
    entry.reason = Some(why);
    record(entry, None, vec![])
}

/// Which flow a verified event starts.
fn route(
    endpoint: &str,
    env: &Envelope,
    settings: &Settings,
) -> (Flow, Option<(JobKind, Value)>, Option<String>) {
    let expected = match endpoint {
        endpoints::CANDIDATE_HIRED => "candidateHired",
        endpoints::STAGE_CHANGE => "candidateStageChange",
        _ => "candidateArchiveChange",
    };
    if env.event != expected {
        let why = format!(
            "Lever sent {} to the {endpoint} webhook, which is for {expected}: give each Lever webhook its own URL from Setup",
            env.event
        );
        return (Flow::None, None, Some(why));
    }
    let Some(opp) = env.opportunity_id() else {
        return (
            Flow::None,
            None,
            Some("the event names no opportunity".into()),
        );
    };
    match endpoint {
        endpoints::CANDIDATE_HIRED => (
            Flow::Hire,
            Some((JobKind::Hire, json!({"opportunity_id": opp}))),
            None,
        ),
        endpoints::STAGE_CHANGE => stage_change(env, &opp, settings),
        _ => {
            let reason = env
                .data
                .get("toArchived")
                .and_then(|a| a.get("reason"))
                .and_then(Value::as_str);
            if env.data.get("toArchived").is_some_and(Value::is_null) {
                return (
                    Flow::Outcome,
                    None,
                    Some("the candidate was unarchived: no outcome to record".into()),
                );
            }
            let state = json!({"opportunity_id": opp, "kind": "archive", "archive_reason": reason});
            (Flow::Outcome, Some((JobKind::Outcome, state)), None)
        }
    }
}

fn stage_change(
    env: &Envelope,
    opp: &str,
    settings: &Settings,
) -> (Flow, Option<(JobKind, Value)>, Option<String>) {
    let to = env.data_str("toStageId").unwrap_or_default();
    let stages = &settings.stages;
    if !stages.configured() {
        return (Flow::None, None, Some("the assessment, onsite and offer stages are not mapped yet: map them in Setup → Mappings".into()));
    }
    if to == stages.assessment {
        return (
            Flow::Assessment,
            Some((JobKind::Invite, json!({"opportunity_id": opp, "stage": to}))),
            None,
        );
    }
    for (stage, step) in [(&stages.onsite, "onsite"), (&stages.offer, "offer")] {
        if to == *stage {
            let state = json!({"opportunity_id": opp, "kind": "next-step", "next_step": step});
            return (Flow::Outcome, Some((JobKind::Outcome, state)), None);
        }
    }
    (
        Flow::None,
        None,
        Some("moved to a stage that is not mapped to the assessment, onsite or offer step".into()),
    )
}
