//! The engine under bad luck and bad input: another channel or a relay restored from an
//! older backup loses nothing; no single event holds up the inbox; numbers from outside
//! never panic a job or a shared task; a list that never ends stops; unauthenticated
//! callbacks and stray posts do not flood the history; uploads whose fate cannot be known
//! are asked, never repeated blindly; one person hired twice gets one employee.

use std::time::Duration;

use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::webhook::LeverEvent;
use hirewire_fakes::{FaultKind, FaultRule};
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

/// A move into a stage nothing maps: an entry each, no vendor call.
fn unmapped_move(w: &World, opp: &str) -> LeverEvent {
    LeverEvent::stage_change(opp, &w.ids.stage_phone, "stage-new")
}

async fn wait_entries(w: &World, n: usize, what: &str) -> Vec<Value> {
    hirewire_e2e::wait::until(what, T, || {
        let h = w.app.history();
        async move { (h.len() >= n).then_some(h) }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_a_newly_connected_channel_are_all_taken_whatever_their_seq() {
    let mut w = World::started().await;
    for _ in 0..5 {
        assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    }
    wait_entries(&w, 5, "the first channel's five events").await;
    // A new channel (seqs start at 1 again), connected while the engine is stopped.
    w.app.stop().await;
    let fresh = w.relay.add_channel("second");
    w.app.ok(&["connect", &fresh.connect], "");
    w.channel = fresh;
    w.app.start().await;
    for _ in 0..5 {
        assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    }
    let all = wait_entries(&w, 10, "all ten events").await;
    assert_eq!(
        all.len(),
        10,
        "none of the new channel's events was swallowed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_restored_from_an_older_backup_is_noticed_and_its_new_events_are_taken() {
    let mut w = World::started().await;
    for _ in 0..3 {
        assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    }
    wait_entries(&w, 3, "three events").await;
    let backup = w.relay.dir.join("backup.redb");
    w.relay.stop().await;
    std::fs::copy(w.relay.dir.join("relay.redb"), &backup).unwrap_or_else(|e| panic!("{e}"));
    w.relay.restart_with(&["--rate-limit", "0"]).await;
    for _ in 0..3 {
        assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    }
    wait_entries(&w, 6, "six events").await;
    // The operator restores yesterday's backup: its seqs 4.. are handed out again.
    w.relay.stop().await;
    std::fs::copy(&backup, w.relay.dir.join("relay.redb")).unwrap_or_else(|e| panic!("{e}"));
    w.relay.restart_with(&["--rate-limit", "0"]).await;
    for _ in 0..3 {
        assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    }
    let all = wait_entries(&w, 10, "the three new events and a notice").await;
    let events = all
        .iter()
        .filter(|e| e["event"] == "candidateStageChange")
        .count();
    assert_eq!(events, 9, "the new events under old seqs were taken");
    let notice = all
        .iter()
        .find(|e| e["event"] == "relayRewound")
        .unwrap_or_else(|| panic!("no notice: {all:#?}"));
    assert!(
        notice["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("backup"),
        "{notice:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hire_from_the_year_10000_is_rejected_and_the_hire_behind_it_goes_on_across_restarts() {
    let mut w = World::started().await;
    let far = LeverEvent::hired(&w.ids.grace).at(253_402_300_800_000);
    assert_eq!(w.send(&far).await, 200);
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let ada = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(ada["status"], "done", "{ada:#}");
    let rejected = w.wait_final(&w.ids.grace, "candidateHired", T).await;
    assert_eq!(rejected["status"], "rejected");
    assert!(rejected["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("triggeredAt"));
    w.app.stop().await;
    w.app.start().await;
    assert_eq!(w.send(&unmapped_move(&w, &w.ids.alan)).await, 200);
    let all = wait_entries(&w, 3, "the event after the restart").await;
    assert_eq!(all.len(), 3, "the far event did not come back: {all:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_date_beyond_any_calendar_fails_that_hire_and_frees_its_slot() {
    let w = World::started().await;
    let id = w.add_hireable(&Hireable {
        id: "opp-far",
        name: "Far Future",
        email: "far@example.com",
        title: "Software Engineer",
        start: "2027-01-04",
        ..Default::default()
    });
    w.lever.add_offer(
        &id,
        hirewire_fakes::lever::Offer {
            id: "offer-far-2".into(),
            status: "signed".into(),
            created_at: hirewire_fakes::webhook::now_ms(),
            fields: vec![hirewire_fakes::lever::OfferField {
                text: "Anticipated start date".into(),
                identifier: "anticipated_start_date".into(),
                value: serde_json::json!(8_640_000_000_000_000u64),
            }],
            ..Default::default()
        },
    );
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let e = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(e["status"], "failed", "{e:#}");
    assert!(
        e["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not a usable date"),
        "{e:#}"
    );
    // The same candidate's next job runs: its slot was released.
    assert_eq!(w.send(&unmapped_move(&w, &id)).await, 200);
    w.wait_final(&id, "candidateStageChange", T).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_of_1e30_or_inf_never_panics_and_other_hires_still_finish() {
    let w = World::started().await;
    w.bob.faults().add(
        FaultRule::new(
            "/people/search",
            FaultKind::StatusWithRawRetryAfter {
                status: 429,
                retry_after: "1e30".into(),
            },
        )
        .times(1),
    );
    w.lever.faults().add(
        FaultRule::new(
            "/opportunities/",
            FaultKind::StatusWithRawRetryAfter {
                status: 429,
                retry_after: "inf".into(),
            },
        )
        .times(1),
    );
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let ada = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(ada["status"], "done", "{ada:#}");
    let id = w.add_hireable(&Hireable {
        id: "opp-after",
        name: "Mae Jemison",
        email: "mae@example.com",
        title: "Software Engineer",
        start: "2027-01-04",
        ..Default::default()
    });
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let next = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(
        next["status"], "done",
        "the shared search still serves: {next:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lever_list_that_repeats_its_cursor_forever_stops_with_a_reason() {
    let w = World::started().await;
    w.lever.faults().add(FaultRule::new(
        "/resumes",
        FaultKind::Body(r#"{"data":[],"hasNext":true,"next":"again"}"#.into()),
    ));
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(e["status"], "failed", "{e:#}");
    assert!(
        e["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("same next page twice"),
        "{e:#}"
    );
    assert!(
        w.lever.hits("/resumes") <= 3,
        "stopped at once: {}",
        w.lever.hits("/resumes")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_partner_patches_and_fifty_stray_posts_leave_a_few_entries() {
    let w = World::started().await;
    for _ in 0..200 {
        assert_eq!(w.send_patch("assessment-done").await, 200);
    }
    for i in 0..50 {
        assert_eq!(
            w.send_raw(&format!("archive-{}", i % 3), "{}".into()).await,
            200
        );
    }
    hirewire_e2e::wait::until_true("the relay to be drained", T, || async {
        w.relay
            .metric("hirewire_relay_events_pending{channel=\"e2e\"}")
            .await
            == Some(0.0)
    })
    .await;
    let all = hirewire_e2e::wait::until("every post taken in", T, || {
        let h = w.app.history();
        let unknown = h
            .iter()
            .find(|e| e["event"] == "unknown endpoint")
            .and_then(|e| e["reason"].as_str().map(str::to_string));
        async move { unknown.filter(|r| r.starts_with("50 post(s)")).map(|_| h) }
    })
    .await;
    let checks = all
        .iter()
        .filter(|e| e["event"] == "assessmentStatusChanged")
        .count();
    assert!(checks <= 5, "200 PATCHes coalesced into {checks} checks");
    let unknown = all
        .iter()
        .filter(|e| e["event"] == "unknown endpoint")
        .count();
    assert_eq!(unknown, 1, "one entry counts the stray posts");
    assert!(
        w.partner.hits("/test_status") <= 5,
        "{}",
        w.partner.hits("/test_status")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_bob_cannot_list_documents_an_interrupted_upload_is_asked_not_repeated() {
    let mut w = World::new(Options::default()).await;
    w.bob.faults().add(
        FaultRule::new(
            "/confidential/upload",
            FaultKind::DelayAfter(Duration::from_secs(30)),
        )
        .times(1),
    );
    w.bob.faults().add(
        FaultRule::new(
            "/docs/people/",
            FaultKind::Status {
                status: 403,
                retry_after: None,
            },
        )
        .method("GET"),
    );
    w.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    hirewire_e2e::wait::until_true("the first upload to reach bob", T, || async {
        w.employees_with("ada@example.com")
            .first()
            .and_then(|e| e["id"].as_str().map(str::to_string))
            .is_some_and(|id| !w.bob.documents(&id).is_empty())
    })
    .await;
    w.app.kill9();
    w.app.start().await;
    let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(e["status"], "waiting", "{e:#}");
    let reason = e["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("cannot check whether it arrived") && reason.contains("Dismiss"),
        "{reason}"
    );
    let employee = w.employees_with("ada@example.com")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let names = |w: &World| {
        let mut n: Vec<String> = w
            .bob
            .documents(&employee)
            .iter()
            .map(|d| d.name.clone())
            .collect();
        n.sort();
        n
    };
    let before = names(&w);
    let mut unique = before.clone();
    unique.dedup();
    assert_eq!(before, unique, "nothing uploaded twice");
    w.app.ok(&["dismiss", &e["id"].to_string()], "");
    let done = w
        .app
        .wait_entry("the hire to finish", T, |x| {
            x["id"] == e["id"] && x["status"] == "done"
        })
        .await;
    assert_eq!(done["status"], "done");
    let after = names(&w);
    let mut unique = after.clone();
    unique.dedup();
    assert_eq!(after, unique, "still nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_person_hired_from_two_opportunities_gets_one_employee_and_each_file_once() {
    let w = World::started().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let first = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(first["status"], "done", "{first:#}");
    // Ada's second application (same email, same resume), hired too.
    let second = w.add_hireable(&Hireable {
        id: "opp-ada-2",
        name: "Ada Lovelace",
        email: "ada@example.com",
        title: "Software Engineer",
        start: "2027-01-04",
        ..Default::default()
    });
    let cv = hirewire_fakes::lever::LeverFile {
        id: "resume-ada-2".into(),
        name: "ada-lovelace-cv.pdf".into(),
        ext: "pdf".into(),
        content: hirewire_fakes::lever::pdf("cv"),
        ..Default::default()
    };
    w.lever.add_resume(
        &second,
        hirewire_fakes::lever::Resume {
            id: "resume-ada-2".into(),
            file: Some(cv),
        },
    );
    assert_eq!(w.send(&LeverEvent::hired(&second)).await, 200);
    let e = w.wait_final(&second, "candidateHired", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    let employees = w.employees_with("ada@example.com");
    assert_eq!(employees.len(), 1, "one employee for one person");
    let id = employees[0]["id"].as_str().unwrap_or_default();
    let cvs = w
        .bob
        .documents(id)
        .iter()
        .filter(|d| d.name == "ada-lovelace-cv.pdf")
        .count();
    assert_eq!(cvs, 1, "the same resume is not uploaded again");
    assert!(
        e["steps"]
            .to_string()
            .contains("created for another hire of the same person"),
        "the history says why: {:#}",
        e["steps"]
    );
}
