//! Table tests of `decide` (and `route`, `verify` through it): each way an event can be taken, refused or dropped.

use serde_json::json;

use super::decide::{Coalesce, Decision, Endpoint, Record};
use super::envelope;
use crate::model::{Flow, RawEvent, Status};
use crate::secrets::Secret;
use crate::settings::Settings;
use crate::store::Seen;
use crate::work::{OutcomeState, Work};

/// `decide` with the endpoint classified as intake classifies it.
fn decide(
    raw: &RawEvent,
    settings: &Settings,
    token: Option<&Secret>,
    seen: impl Fn(&str) -> Option<Seen>,
) -> Decision {
    super::decide::decide(raw, &Endpoint::of(&raw.endpoint), settings, token, seen)
}

const TOKEN: &str = "sig-token";
const NOW: u64 = 1_767_225_600_000;

fn settings() -> Settings {
    let mut s = Settings::default();
    s.stages.assessment = "st-bb".into();
    s.stages.onsite = "st-on".into();
    s.stages.offer = "st-of".into();
    s
}

fn lever(endpoint: &str, event: &str, data: serde_json::Value, at: u64, token: &str) -> RawEvent {
    let sig = envelope::signature(TOKEN, token, at);
    let body =
        json!({"event": event, "triggeredAt": at, "token": token, "signature": sig, "data": data});
    RawEvent {
        seq: 1,
        endpoint: endpoint.into(),
        method: "POST".into(),
        received_at: NOW,
        content_type: Some("application/json".into()),
        body: body.to_string(),
        body_hash: None,
    }
}

fn hired(token: &str) -> RawEvent {
    lever(
        "candidate-hired",
        "candidateHired",
        json!({"opportunityId": "o1"}),
        NOW - 1000,
        token,
    )
}

fn none(_: &str) -> Option<Seen> {
    None
}

fn secret() -> Secret {
    Secret::new(TOKEN)
}

fn status_and_reason(d: &Decision) -> (Status, String) {
    match d {
        Decision::Record(Record { entry, .. }) => {
            (entry.status, entry.reason.clone().unwrap_or_default())
        }
        other => panic!("expected an entry, got {other:?}"),
    }
}

#[test]
fn a_signed_fresh_hire_starts_the_hire_flow() {
    let d = decide(&hired("t1"), &settings(), Some(&secret()), none);
    match d {
        Decision::Record(Record {
            entry, work, seen, ..
        }) => {
            assert_eq!((entry.status, entry.flow), (Status::Running, Flow::Hire));
            assert_eq!(entry.opportunity_id.as_deref(), Some("o1"));
            assert!(matches!(work, Some(Work::Hire(h)) if h.opportunity_id == "o1"));
            assert_eq!(seen, vec!["token:t1".to_string()]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_signature_is_rejected() {
    let mut raw = hired("t1");
    raw.body = raw.body.replace("\"signature\":\"", "\"signature\":\"00");
    let (status, why) = status_and_reason(&decide(&raw, &settings(), Some(&secret()), none));
    assert_eq!(status, Status::Rejected);
    assert!(why.contains("signature does not match"), "{why}");
    let (status, why) = status_and_reason(&decide(
        &hired("t1"),
        &settings(),
        Some(&Secret::new("other")),
        none,
    ));
    assert_eq!(status, Status::Rejected, "{why}");
}

#[test]
fn no_token_set_is_rejected_with_what_to_do() {
    let (status, why) = status_and_reason(&decide(&hired("t1"), &settings(), None, none));
    assert_eq!(status, Status::Rejected);
    assert!(why.contains("paste the token"), "{why}");
}

#[test]
fn an_event_older_than_the_age_limit_is_rejected_but_a_rerun_inside_it_is_taken() {
    let mut s = settings();
    s.lever.max_event_age_minutes = 20_160;
    let three_days = 3 * 24 * 3600 * 1000;
    let late = lever(
        "candidate-hired",
        "candidateHired",
        json!({"opportunityId": "o1"}),
        NOW - three_days,
        "t-late",
    );
    let (status, _) = status_and_reason(&decide(&late, &s, Some(&secret()), none));
    assert_eq!(status, Status::Running, "a rerun three days late is taken");
    let stale = lever(
        "candidate-hired",
        "candidateHired",
        json!({"opportunityId": "o1"}),
        NOW - 15 * 24 * 3600 * 1000,
        "t-old",
    );
    let (status, why) = status_and_reason(&decide(&stale, &s, Some(&secret()), none));
    assert_eq!(status, Status::Rejected);
    assert!(why.contains("possible replay"), "{why}");
}

#[test]
fn a_redelivery_is_dropped_and_a_replay_with_another_body_is_rejected() {
    let raw = hired("t1");
    let hash = crate::model::body_hash(&raw.body);
    let seen = |k: &str| {
        (k == "token:t1").then(|| Seen {
            body_hash: hash.clone(),
            entry_id: 4,
            at: 0,
        })
    };
    assert!(matches!(
        decide(&raw, &settings(), Some(&secret()), seen),
        Decision::Duplicate(_)
    ));
    let other = lever(
        "candidate-hired",
        "candidateHired",
        json!({"opportunityId": "o2"}),
        NOW - 1000,
        "t1",
    );
    let (status, why) = status_and_reason(&decide(&other, &settings(), Some(&secret()), seen));
    assert_eq!(status, Status::Rejected);
    assert!(why.contains("replay"), "{why}");
}

#[test]
fn the_body_is_hashed_once_when_accepted_and_an_older_inbox_record_is_hashed_when_decided() {
    // Accepted from the relay: the hash taken then is the one decide records.
    let mut raw = hired("t-hash");
    raw.body_hash = Some("taken-at-acceptance".into());
    let Decision::Record(r) = decide(&raw, &settings(), Some(&secret()), none) else {
        panic!("a signed hire is recorded");
    };
    assert_eq!(r.body_hash, "taken-at-acceptance");
    // An inbox record written before the hash was kept has none: it is hashed here.
    let old: RawEvent = serde_json::from_value(json!({
        "seq": 1, "endpoint": "candidate-hired", "method": "POST",
        "received_at": NOW, "body": raw.body,
    }))
    .unwrap_or_else(|e| panic!("an older inbox record must still read: {e}"));
    assert_eq!(old.body_hash, None);
    let Decision::Record(r) = decide(&old, &settings(), Some(&secret()), none) else {
        panic!("a signed hire is recorded");
    };
    assert_eq!(r.body_hash, crate::model::body_hash(&raw.body));
}

#[test]
fn a_ping_is_recognised_first_whatever_its_signature() {
    let mut ping = lever(
        "stage-change",
        "candidateStageChange",
        json!({}),
        NOW,
        "t-ping",
    );
    let (status, why) = status_and_reason(&decide(&ping, &settings(), Some(&secret()), none));
    assert_eq!(status, Status::Skipped);
    assert!(why.contains("signature checks out"), "{why}");
    // Lever's own example ping carries a signature that is not even hex.
    ping.body = ping
        .body
        .replace("\"signature\":\"", "\"signature\":\"not-hex-");
    let (status, why) = status_and_reason(&decide(&ping, &settings(), Some(&secret()), none));
    assert_eq!(status, Status::Skipped, "{why}");
    assert!(why.contains("test ping"), "{why}");
    let (status, _) = status_and_reason(&decide(&ping, &settings(), None, none));
    assert_eq!(status, Status::Skipped, "no token needed for a ping");
}

#[test]
fn an_event_sent_to_the_wrong_webhook_is_skipped_with_advice() {
    let raw = lever(
        "archive-change",
        "candidateHired",
        json!({"opportunityId": "o1"}),
        NOW - 1000,
        "t1",
    );
    let (status, why) = status_and_reason(&decide(&raw, &settings(), Some(&secret()), none));
    assert_eq!(status, Status::Skipped);
    assert!(why.contains("its own URL"), "{why}");
}

#[test]
fn an_unknown_endpoint_is_coalesced_never_routed() {
    let raw = lever(
        "archive",
        "candidateArchiveChange",
        json!({"opportunityId": "o1"}),
        NOW,
        "t1",
    );
    match decide(&raw, &settings(), Some(&secret()), none) {
        Decision::Coalesce(Coalesce::UnknownEndpoint(name), entry, None) => {
            assert_eq!(name, "archive");
            assert!(entry
                .reason
                .unwrap_or_default()
                .contains("nothing in Hirewire listens"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_partners_patch_asks_for_one_results_check() {
    let raw = RawEvent {
        seq: 2,
        endpoint: "assessment-done".into(),
        method: "PATCH".into(),
        received_at: NOW,
        content_type: None,
        body: String::new(),
        body_hash: None,
    };
    assert!(matches!(
        decide(&raw, &settings(), None, none),
        Decision::Coalesce(
            Coalesce::ResultsCheck(None),
            _,
            Some(Work::AssessmentResult(_))
        )
    ));
    let own = RawEvent {
        endpoint: "assessment-done-abc123".into(),
        ..raw
    };
    assert!(matches!(
        decide(&own, &settings(), None, none),
        Decision::Coalesce(Coalesce::ResultsCheck(Some(t)), _, _) if t == "abc123"
    ));
}

#[test]
fn stage_moves_route_by_the_mapped_stage() {
    let into = |stage: &str| {
        lever(
            "stage-change",
            "candidateStageChange",
            json!({"opportunityId": "o1", "toStageId": stage}),
            NOW,
            "t",
        )
    };
    let work_of = |d: Decision| match d {
        Decision::Record(Record { work, .. }) => work,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        work_of(decide(&into("st-bb"), &settings(), Some(&secret()), none)),
        Some(Work::Invite(_))
    ));
    assert_eq!(
        work_of(decide(&into("st-on"), &settings(), Some(&secret()), none)),
        Some(Work::Outcome(OutcomeState::next_step("o1", "onsite")))
    );
    assert_eq!(
        work_of(decide(&into("st-x"), &settings(), Some(&secret()), none)),
        None
    );
}

#[test]
fn a_triggered_at_in_the_year_10000_is_rejected_not_panicked_on() {
    let raw = lever(
        "candidate-hired",
        "candidateHired",
        json!({"opportunityId": "o1"}),
        253_402_300_800_000,
        "t1",
    );
    let (status, why) = status_and_reason(&decide(&raw, &settings(), Some(&secret()), none));
    assert_eq!(status, Status::Rejected);
    assert!(why.contains("triggeredAt"), "{why}");
}

#[test]
fn an_endpoint_is_classified_once_into_what_it_is() {
    use crate::webhooks::LeverWebhook;
    assert_eq!(Endpoint::of("assessment-done"), Endpoint::Results(None));
    assert_eq!(
        Endpoint::of("assessment-done-k3x9"),
        Endpoint::Results(Some("k3x9".into()))
    );
    for hook in LeverWebhook::ALL {
        let e = Endpoint::of(hook.endpoint());
        assert_eq!(e, Endpoint::Lever(hook));
        assert_eq!(e.signing_token(), Some(hook.token_name()));
    }
    assert_eq!(Endpoint::of("archive"), Endpoint::Unknown);
    assert_eq!(Endpoint::of("assessment-done-").signing_token(), None);
}
