//! Records written by the engine before `Work` was typed must read back as the same work,
//! and write back in the same shape.

use serde_json::{json, Value};

use super::*;

/// Jobs exactly as the untyped engine stored them (intake's `json!` and each flow's commit).
fn stored_before_typing() -> Vec<Value> {
    vec![
        json!({"id": 1, "kind": "hire", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-ada"}}),
        json!({"id": 2, "kind": "hire", "attempts": 2, "next_run_ms": 1767225600000u64, "approved": true,
               "state": {"opportunity_id": "opp-ada",
                         "proposal": {"firstName": "Ada", "work": {"site": "London"}},
                         "notes": ["department: “R&D” is not an item"],
                         "employee_id": "3332883000001", "create_started_ms": null,
                         "docs": {"resume:r1": {"name": "cv.pdf", "started_ms": null, "bob_id": "d1", "failed": null},
                                  "file:f2": {"name": "x.pdf", "started_ms": 17, "bob_id": null, "failed": "too large"}}}}),
        json!({"id": 3, "kind": "invite", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-grace", "stage": "stage-bb"}}),
        json!({"id": 4, "kind": "invite", "attempts": 1, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-grace", "interview_id": "int-9"}}),
        json!({"id": 5, "kind": "assessment-result", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"all_pending": true}}),
        json!({"id": 6, "kind": "assessment-result", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"interview_id": "int-9", "opportunity_id": "opp-grace"}}),
        json!({"id": 7, "kind": "outcome", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-alan", "kind": "next-step", "next_step": "onsite"}}),
        json!({"id": 8, "kind": "outcome", "attempts": 0, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-alan", "kind": "archive", "archive_reason": null}}),
        json!({"id": 9, "kind": "outcome", "attempts": 1, "next_run_ms": 0, "approved": false,
               "state": {"opportunity_id": "opp-alan", "kind": "archive", "next_step": null, "archive_reason": "r1"}}),
    ]
}

#[test]
fn every_record_of_the_untyped_engine_reads_as_typed_work() {
    for raw in stored_before_typing() {
        let slot = JobSlot::from_value(raw.clone());
        let job = slot
            .job()
            .unwrap_or_else(|| panic!("{raw} did not read: {slot:?}"));
        assert_eq!(json!(job.id), raw["id"]);
        assert_eq!(
            serde_json::to_value(&job.work)
                .ok()
                .map(|v| v["kind"].clone()),
            Some(raw["kind"].clone())
        );
        // Written back, the record reads as the same job.
        let again = serde_json::to_value(job).unwrap_or_default();
        assert_eq!(again["kind"], raw["kind"]);
        assert_eq!(JobSlot::from_value(again).job(), Some(job));
    }
}

#[test]
fn what_the_flows_read_survives_the_round_trip() {
    let records = stored_before_typing();
    let JobSlot::Job(hire) = JobSlot::from_value(records[1].clone()) else {
        panic!("the hire did not read");
    };
    let Work::Hire(h) = &hire.work else {
        panic!("not a hire")
    };
    assert_eq!(h.employee_id.as_deref(), Some("3332883000001"));
    assert_eq!(h.docs["resume:r1"].bob_id.as_deref(), Some("d1"));
    assert_eq!(h.docs["file:f2"].started_ms, Some(17));
    assert!(hire.approved);
    let JobSlot::Job(out) = JobSlot::from_value(records[6].clone()) else {
        panic!("the outcome did not read");
    };
    assert_eq!(
        out.work,
        Work::Outcome(OutcomeState::next_step("opp-alan", "onsite"))
    );
    let JobSlot::Job(all) = JobSlot::from_value(records[4].clone()) else {
        panic!("the results job did not read");
    };
    assert_eq!(
        serde_json::to_value(&all).ok().map(|v| v["state"].clone()),
        Some(json!({"all_pending": true}))
    );
}

#[test]
fn a_record_that_does_not_parse_is_kept_with_its_error_never_reset() {
    let broken = json!({"id": 7, "kind": "hire", "attempts": 0, "next_run_ms": 0,
                        "state": {"opportunity_id": 42}});
    match JobSlot::from_value(broken.clone()) {
        JobSlot::Unreadable { raw, error } => {
            assert_eq!(raw, broken, "kept as it was");
            assert!(!error.is_empty());
        }
        JobSlot::Job(j) => panic!("a broken state read as {j:?}"),
    }
    let unknown =
        json!({"id": 8, "kind": "teleport", "attempts": 0, "next_run_ms": 0, "state": {}});
    assert!(JobSlot::from_value(unknown).job().is_none());
    // Written back unchanged.
    let slot = JobSlot::from_value(broken.clone());
    assert_eq!(serde_json::to_value(&slot).ok(), Some(broken));
}

#[test]
fn each_flow_owns_its_retry_and_approve_rules() {
    let mut hire = Work::Hire(HireState {
        docs: [(
            "file:f".to_string(),
            DocState {
                failed: Some("422".into()),
                ..Default::default()
            },
        )]
        .into(),
        ..HireState::new("o")
    });
    assert_eq!(hire.prepare_retry(), RetryPlan::default());
    let Work::Hire(h) = &hire else { panic!() };
    assert!(
        h.docs["file:f"].failed.is_none(),
        "failed files are tried again"
    );
    assert_eq!(hire.approve(Some(json!([1]))), Err(Refused::NotAnObject));
    assert_eq!(hire.approve(Some(json!({"firstName": "Ada"}))), Ok(()));
    assert_eq!(hire.review().proposal, Some(json!({"firstName": "Ada"})));

    let mut invite = Work::Invite(InviteState::new("o", "s"));
    assert_eq!(
        invite.prepare_retry().clear_link_prefixes,
        vec!["intent:invite:o:".to_string()]
    );
    assert_eq!(invite.approve(None), Err(Refused::NothingToApprove));
    assert_eq!(invite.lane(), "o");
    assert_eq!(
        Work::AssessmentResult(ResultState::default()).lane(),
        "assessment-results"
    );
}
