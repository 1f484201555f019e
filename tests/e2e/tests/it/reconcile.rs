//! Catching up with Lever, end to end through the real relay and `hirewire` binary against
//! the fake Lever with its rate limit: hires whose webhook never came reach bob once, with
//! their files, and the health names the webhook; a second catch-up in sync writes nothing
//! and reads no opportunity of its own; a webhook and a catch-up for the same hire make one
//! employee; an offer changed after the hire waits with each difference and Approve writes
//! it once; a live hire overtakes a long catch-up; a dry run writes nothing anywhere.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use hirewire_e2e::app::yesterday;
use hirewire_e2e::wait;
use hirewire_e2e::world::{Hireable, World};
use hirewire_fakes::webhook::LeverEvent;
use serde_json::Value;

use hirewire_e2e::deadline::LONG_FLOW as T;
const EVERY: Duration = Duration::from_millis(500);

/// Adds candidate `i` with a signed offer and a resume, hired in Lever now.
fn hired(w: &World, i: usize, start: &str) -> String {
    w.add_hired_without_webhook("rc", "cand", i, start)
}

/// An opportunity nobody hired (applied, in the phone screen).
fn applicant(w: &World, i: usize) {
    w.lever.add_opportunity(hirewire_fakes::lever::Opportunity {
        id: format!("ap-{i:04}"),
        name: format!("Applicant {i:04}"),
        emails: vec![format!("ap{i:04}@example.com")],
        stage: w.ids.stage_phone.clone(),
        posting: Some(w.ids.posting_swe.clone()),
        ..Default::default()
    });
}

/// `hirewire reconcile --json` with these arguments.
fn reconcile(w: &World, args: &[&str]) -> Value {
    w.app.reconcile_json(args)
}

/// Waits until `n` hire entries are final; returns them.
async fn hires_final(w: &World, n: usize) -> Vec<Value> {
    wait::until_every(&format!("{n} hires to finish"), T, EVERY, || {
        let done: Vec<Value> = w
            .app
            .history()
            .into_iter()
            .filter(|e| e["event"] == "candidateHired")
            .filter(|e| matches!(e["status"].as_str(), Some("done" | "failed" | "waiting")))
            .collect();
        async move { (done.len() >= n).then_some(done) }
    })
    .await
}

/// The fake Lever's requests since `from` (an index into its log), but those its rate
/// limit turned away (answered 429, and made again).
fn lever_paths(w: &World, from: usize) -> Vec<String> {
    w.lever
        .requests()
        .into_iter()
        .skip(from)
        .filter(|r| r.status != 429)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_catch_up_brings_every_dropped_hire_once_and_a_second_in_sync_writes_and_reads_nothing_more(
) {
    let w = World::started().await;
    let hires: Vec<String> = (0..60).map(|i| hired(&w, i, "2027-03-01")).collect();
    for i in 0..240 {
        applicant(&w, i);
    }
    // 30% of the hire webhooks were never sent (lost before the relay).
    let sent: Vec<&String> = hires
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 >= 3)
        .map(|(_, h)| h)
        .collect();
    for opp in &sent {
        assert_eq!(w.send(&LeverEvent::hired(opp)).await, 200);
    }
    hires_final(&w, sent.len()).await;

    let report = reconcile(&w, &["--since", &yesterday()]);
    let found: Vec<&Value> = report["found"].as_array().into_iter().flatten().collect();
    assert_eq!(
        found.len(),
        18,
        "exactly the dropped hires are found: {report:#}"
    );
    assert!(found
        .iter()
        .all(|f| f["kind"] == "hire" && f["action"] == "queued"));
    let health = report["health"].to_string();
    assert!(
        health.contains("18 hires since") && health.contains("“Candidate Hired” webhook"),
        "the health names the hire webhook: {health}"
    );
    let entries = hires_final(&w, 60).await;
    assert!(
        entries.iter().all(|e| e["status"] == "done"),
        "{entries:#?}"
    );
    let by_catch_up = entries
        .iter()
        .filter(|e| e["source"] == "reconcile")
        .count();
    assert_eq!(by_catch_up, 18, "each entry says how it was found");

    let employees = w.bob.employees();
    let emails: HashSet<&str> = employees
        .iter()
        .filter_map(|e| e["email"].as_str())
        .collect();
    assert_eq!(employees.len(), 60, "one employee per hire, no duplicates");
    assert_eq!(emails.len(), 60);
    for e in &employees {
        let id = e["id"].as_str().unwrap_or_default();
        assert_eq!(w.bob.documents(id).len(), 1, "each resume copied once: {e}");
    }
    let status = w
        .app
        .ok(&["history", "--source", "reconcile", "--json"], "");
    assert!(
        status.contains("\"reconcile\""),
        "history --json carries the source"
    );

    // In sync: a second catch-up finds nothing, writes nothing, and reads no single
    // opportunity; only the offers of the employees it watches (created just now).
    let before_lever = w.lever.requests().len();
    let before_bob = w.bob.requests().len();
    let entries_before = w.app.history().len();
    let again = reconcile(&w, &[]);
    assert_eq!(again["found"], serde_json::json!([]), "{again:#}");
    let paths = lever_paths(&w, before_lever);
    let singles: Vec<&String> = paths
        .iter()
        .filter(|p| {
            p.starts_with("GET /v1/opportunities/")
                && !p.contains("/offers")
                && !p.starts_with("GET /v1/opportunities/deleted?")
        })
        .collect();
    assert!(
        singles.is_empty(),
        "no opportunity read on its own: {singles:#?}"
    );
    let offers = paths.iter().filter(|p| p.contains("/offers")).count();
    assert_eq!(offers, 60, "one offer read per watched employee");
    assert!(
        paths.iter().all(|p| p.starts_with("GET ")),
        "Lever is only read: {paths:#?}"
    );
    let bob_writes = w
        .bob
        .requests()
        .into_iter()
        .skip(before_bob)
        .filter(|r| r.method != "GET" && !r.path.contains("/people/search"))
        .count();
    assert_eq!(bob_writes, 0, "nothing written to bob");
    assert_eq!(
        w.app.history().len(),
        entries_before + 1,
        "only the catch-up's own entry is added"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_and_a_catch_up_for_the_same_hire_at_once_make_one_employee_with_one_set_of_files(
) {
    let w = World::started().await;
    let opp = hired(&w, 1, "2027-03-01");
    let since = yesterday();
    let event = LeverEvent::hired(&opp);
    // The catch-up (a process of its own) and the webhook at the same moment.
    let (status, report) = tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            let catch_up = s.spawn(|| reconcile(&w, &["--since", &since]));
            let status = tokio::runtime::Handle::current().block_on(w.send(&event));
            (
                status,
                catch_up
                    .join()
                    .unwrap_or_else(|_| panic!("the catch-up thread")),
            )
        })
    });
    assert_eq!(status, 200);
    let queued = report["found"].as_array().map(Vec::len).unwrap_or_default();
    let n = if queued == 1 { 2 } else { 1 };
    let entries = hires_final(&w, n).await;
    assert!(
        entries.iter().all(|e| e["status"] == "done"),
        "{entries:#?}"
    );
    let employees = w.employees_with("cand0001@example.com");
    assert_eq!(employees.len(), 1, "one employee");
    let id = employees[0]["id"].as_str().unwrap_or_default();
    assert_eq!(w.bob.documents(id).len(), 1, "the resume once");
    assert_eq!(w.bob.create_calls(), 1, "bob was asked to create once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_changed_after_the_hire_waits_with_each_difference_and_approve_writes_it_once() {
    let w = World::started().await;
    let opp = hired(&w, 7, "2027-03-01");
    assert_eq!(w.send(&LeverEvent::hired(&opp)).await, 200);
    hires_final(&w, 1).await;
    let employee = w.employees_with("cand0007@example.com")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    reconcile(&w, &["--since", &yesterday()]);

    // The recruiter moves the start date and changes the title on the signed offer.
    let start = w
        .lever
        .offer_date_field(
            "Anticipated start date",
            "anticipated_start_date",
            "2027-03-15",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    w.lever.set_offer_field(&opp, start);
    w.lever.set_offer_field(
        &opp,
        hirewire_fakes::lever::OfferField {
            text: "Job title".into(),
            identifier: "job_title".into(),
            value: serde_json::json!("Engineering Manager"),
        },
    );
    let report = reconcile(&w, &[]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["kind"], "change");
    let what = found[0]["what"].as_str().unwrap_or_default();
    assert!(
        what.contains("Start date 2027-03-01 → 2027-03-15")
            && what.contains("Title Software Engineer → Engineering Manager"),
        "both differences, old → new: {what}"
    );
    let id = found[0]["entry_id"].as_u64().unwrap_or_default();
    let waiting = w
        .app
        .wait_entry("the change to wait", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "waiting"
        })
        .await;
    assert_eq!(waiting["event"], "offerChanged");
    assert_eq!(waiting["source"], "reconcile");
    let work_before = w.bob.work_history(&employee).len();

    w.app.ok(&["approve", &id.to_string()], "");
    let done = w
        .app
        .wait_entry("the change to be written", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "done"
        })
        .await;
    let bob = w.bob.employee(&employee).unwrap_or_default();
    assert_eq!(bob["work"]["startDate"], "2027-03-15", "{bob:#}");
    let rows = w.bob.work_history(&employee);
    assert_eq!(
        rows.len(),
        work_before,
        "the hire's row is corrected, no row added before the start: {rows:#?}"
    );
    let manager = w.bob.list_item_id("title", "Engineering Manager");
    let title_ok = rows.iter().any(|r| {
        r["effectiveDate"] == "2027-03-15"
            && manager
                .as_ref()
                .is_some_and(|m| r["title"].to_string().contains(&m.to_string()))
    });
    assert!(
        title_ok,
        "the work row from the new start date has the new title: {rows:#?}"
    );
    assert!(done["steps"]
        .to_string()
        .contains("set the start date to 2027-03-15"));

    let again = reconcile(&w, &[]);
    assert_eq!(
        again["found"],
        serde_json::json!([]),
        "nothing new: {again:#}"
    );
}

/// A plain field (an offer field bob has by the same name) that changed after the hire is
/// written on Approve and read back. bob leaves out of an update a field its service user may
/// not edit and answers as if all were well: the read-back keeps that change from being called
/// done, says what to do, and a Retry once it is fixed writes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_plain_field_is_read_back_and_one_bob_would_not_take_is_not_called_done() {
    let w = World::started().await;
    let phone = |v: &str| hirewire_fakes::lever::OfferField {
        text: "Mobile phone".into(),
        identifier: "mobile_phone".into(),
        value: serde_json::json!(v),
    };
    let (first, second) = (hired(&w, 8, "2027-03-01"), hired(&w, 9, "2027-03-01"));
    for opp in [&first, &second] {
        w.lever.set_offer_field(opp, phone("+44 20 7946 0001"));
        assert_eq!(w.send(&LeverEvent::hired(opp)).await, 200);
    }
    hires_final(&w, 2).await;
    let employee = |email: &str| {
        w.employees_with(email)[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (one, two) = (
        employee("cand0008@example.com"),
        employee("cand0009@example.com"),
    );
    let phone_in_bob =
        |id: &str| w.bob.employee(id).unwrap_or_default()["home"]["mobilePhone"].clone();
    assert_eq!(phone_in_bob(&one), "+44 20 7946 0001", "the hire wrote it");
    reconcile(&w, &["--since", &yesterday()]);

    // Changed in Lever, approved: written, and the step says so.
    w.lever.set_offer_field(&first, phone("+44 20 7946 0002"));
    let id = change_entry(&w).await;
    let done = approve_until(&w, id, "done", T).await;
    assert_eq!(phone_in_bob(&one), "+44 20 7946 0002");
    assert!(
        done["steps"]
            .to_string()
            .contains("updated mobile phone in bob"),
        "{:#}",
        done["steps"]
    );

    // bob shows the update a few seconds late: read again, not called refused.
    w.bob.set_update_read_delay(Duration::from_secs(4));
    w.lever.set_offer_field(&first, phone("+44 20 7946 0004"));
    let id = change_entry(&w).await;
    let done = approve_until(&w, id, "done", T).await;
    assert_eq!(phone_in_bob(&one), "+44 20 7946 0004");
    assert!(
        done["reason"].is_null(),
        "nothing left for a person: {done:#}"
    );
    w.bob.set_update_read_delay(Duration::ZERO);

    // The service user may no longer edit it: bob answers 304, and leaves the phone as it was.
    w.bob.set_editable("home.mobilePhone", false);
    w.lever.set_offer_field(&second, phone("+44 20 7946 0003"));
    let id = change_entry(&w).await;
    // bob is given 30 s to show the update before a person is told (read again every 10 s).
    let failed = approve_until(&w, id, "failed", T * 2).await;
    let why = failed["reason"].to_string();
    assert!(
        why.contains("bob did not take Mobile phone (bob still has +44 20 7946 0001)")
            && why.contains("let the service user edit"),
        "{failed:#}"
    );
    assert_eq!(phone_in_bob(&two), "+44 20 7946 0001");

    // Fixed in bob, retried: written once.
    w.bob.set_editable("home.mobilePhone", true);
    w.app.ok(&["retry", &id.to_string()], "");
    w.app
        .wait_entry("the retried change to be written", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "done"
        })
        .await;
    assert_eq!(phone_in_bob(&two), "+44 20 7946 0003");
}

/// bob finds the Work row a rewrite replaces by the body's site and date unless
/// `patchUpdate=true` names it by id, and clears every column a rewrite leaves out. A title
/// changed after the hire rewrites the hire's own row whole, keeping the custom columns and
/// reason people gave it in bob; a site changed after the hire (no row has the new site yet)
/// rewrites that same row by its id, and keeps them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_and_a_site_changed_after_the_hire_rewrite_the_hire_s_row_and_keep_its_custom_columns(
) {
    let w = World::started().await;
    let opp = hired(&w, 11, "2027-03-01");
    assert_eq!(w.send(&LeverEvent::hired(&opp)).await, 200);
    hires_final(&w, 1).await;
    let employee = w.employees_with("cand0011@example.com")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    reconcile(&w, &["--since", &yesterday()]);
    let rows = w.bob.work_history(&employee);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let entry = rows[0]["id"].as_u64().unwrap_or_default();
    let custom = serde_json::json!({"column_1700000000001": "Relocation package", "column_1700000000002": "B2"});
    assert!(w.bob.set_work_columns(
        &employee,
        entry,
        serde_json::json!({"customColumns": custom})
    ));
    let the_row = || {
        let rows = w.bob.work_history(&employee);
        assert_eq!(rows.len(), 1, "no row added before the start: {rows:#?}");
        rows[0].clone()
    };

    w.lever.set_offer_field(
        &opp,
        hirewire_fakes::lever::OfferField {
            text: "Job title".into(),
            identifier: "job_title".into(),
            value: serde_json::json!("Engineering Manager"),
        },
    );
    let id = change_entry(&w).await;
    let end = approve_until_final(&w, id).await;
    assert_eq!(end["status"], "done", "{end:#}");
    let manager = w.bob.list_item_id("title", "Engineering Manager");
    let row = the_row();
    assert_eq!(
        (Some(row["title"].clone()), &row["site"], &row["id"]),
        (
            manager.map(|m| serde_json::json!(m.to_string())),
            &serde_json::json!("London"),
            &serde_json::json!(entry)
        ),
        "{row:#}"
    );
    assert_eq!(row["customColumns"], custom, "custom columns kept: {row:#}");
    assert_eq!(row["change"]["reason"], "Hired", "reason kept: {row:#}");

    w.lever.set_opportunity_location(&opp, Some("Berlin"));
    let id = change_entry(&w).await;
    let end = approve_until_final(&w, id).await;
    assert_eq!(end["status"], "done", "{end:#}");
    let row = the_row();
    assert_eq!(
        (&row["site"], &row["id"], &row["effectiveDate"]),
        (
            &serde_json::json!("Berlin"),
            &serde_json::json!(entry),
            &serde_json::json!("2027-03-01")
        ),
        "the hire's own row, by its id: {row:#}"
    );
    assert_eq!(row["customColumns"], custom, "custom columns kept: {row:#}");
    assert_eq!(
        w.bob.employee(&employee).unwrap_or_default()["work"]["site"],
        "Berlin"
    );
}

/// What the catch-up's re-read of a posting could not obtain (here its department and team
/// come back empty) is not a change: it is named as not compared, never proposed as
/// "Department Engineering → (none)", and Approve of a real change beside it leaves bob's
/// department as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_the_re_read_could_not_obtain_is_reported_unknown_never_proposed_as_none() {
    let w = World::started().await;
    let opp = hired(&w, 12, "2027-03-01");
    assert_eq!(w.send(&LeverEvent::hired(&opp)).await, 200);
    hires_final(&w, 1).await;
    let employee = w.employees_with("cand0012@example.com")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let department = || w.bob.employee(&employee).unwrap_or_default()["work"]["department"].clone();
    let hired_department = department();
    assert!(!hired_department.is_null(), "the hire set a department");
    reconcile(&w, &["--since", &yesterday()]);

    w.lever.set_posting_department(&w.ids.posting_swe, "", "");
    let report = reconcile(&w, &[]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{report:#}");
    let what = found[0]["what"].as_str().unwrap_or_default();
    assert!(
        found[0]["action"] == "listed"
            && found[0]["entry_id"].is_null()
            && what.contains("did not give Department (Engineering at the hire)")
            && !what.contains("(none)"),
        "named as unknown, nothing queued: {report:#}"
    );

    w.lever.set_offer_field(
        &opp,
        hirewire_fakes::lever::OfferField {
            text: "Job title".into(),
            identifier: "job_title".into(),
            value: serde_json::json!("Engineering Manager"),
        },
    );
    let report = reconcile(&w, &[]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{report:#}");
    let what = found[0]["what"].as_str().unwrap_or_default();
    assert!(
        what.contains("Title Software Engineer → Engineering Manager")
            && what.contains("did not give Department")
            && !what.contains("Department Engineering →"),
        "{what}"
    );
    let id = found[0]["entry_id"].as_u64().unwrap_or_default();
    w.app
        .wait_entry("the change to wait", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "waiting"
        })
        .await;
    let end = approve_until_final(&w, id).await;
    assert_eq!(end["status"], "done", "{end:#}");
    assert_eq!(
        department(),
        hired_department,
        "bob's department left as it was"
    );
}

/// An offer changed after signature is found in both shapes Lever may record it in: the
/// signed offer edited in place, or a new offer made after it (here only sent, so less
/// advanced than the signed one, which used to hide it). Each change says which offer it
/// is, and Approve writes the newer offer's title.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_changed_after_signature_is_found_edited_in_place_or_as_a_new_offer() {
    let w = World::started().await;
    let (edited, renewed) = (hired(&w, 13, "2027-03-01"), hired(&w, 14, "2027-03-01"));
    for opp in [&edited, &renewed] {
        assert_eq!(w.send(&LeverEvent::hired(opp)).await, 200);
    }
    hires_final(&w, 2).await;
    reconcile(&w, &["--since", &yesterday()]);

    let title = || hirewire_fakes::lever::OfferField {
        text: "Job title".into(),
        identifier: "job_title".into(),
        value: serde_json::json!("Engineering Manager"),
    };
    w.lever.set_offer_field(&edited, title());
    w.lever
        .add_offer_after_hire(&renewed, "sent", vec![title()]);
    let report = reconcile(&w, &[]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    let what = |opp: &str| -> String {
        found
            .iter()
            .find(|f| f["opportunity_id"] == opp)
            .and_then(|f| f["what"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(found.len(), 2, "{report:#}");
    assert!(
        what(&edited).contains("the offer the employee came from (signed), edited")
            && what(&edited).contains("Title Software Engineer → Engineering Manager"),
        "{report:#}"
    );
    assert!(
        what(&renewed).contains("a newer offer than the one the employee came from (sent, made")
            && what(&renewed).contains("Title Software Engineer → Engineering Manager"),
        "{report:#}"
    );
    let id = found
        .iter()
        .find(|f| f["opportunity_id"] == renewed.as_str())
        .and_then(|f| f["entry_id"].as_u64())
        .unwrap_or_default();
    let waiting = w
        .app
        .wait_entry("the change to wait", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "waiting"
        })
        .await;
    assert!(
        waiting["reason"].to_string().contains("a newer offer"),
        "the entry says which offer: {waiting:#}"
    );
    let end = approve_until_final(&w, id).await;
    assert_eq!(end["status"], "done", "{end:#}");
    let employee = w.employees_with("cand0014@example.com")[0].clone();
    assert_eq!(
        employee["work"]["title"], "Engineering Manager",
        "{employee:#}"
    );
}

/// Approves entry `id` and waits until it is done or failed; returns it.
async fn approve_until_final(w: &World, id: u64) -> Value {
    w.app.ok(&["approve", &id.to_string()], "");
    w.app
        .wait_entry(&format!("entry {id} to finish"), T, |e| {
            e["id"].as_u64() == Some(id) && matches!(e["status"].as_str(), Some("done" | "failed"))
        })
        .await
}

/// Approves entry `id` and waits until it has `status`; returns it.
async fn approve_until(w: &World, id: u64, status: &str, timeout: Duration) -> Value {
    w.app.ok(&["approve", &id.to_string()], "");
    w.app
        .wait_entry(&format!("entry {id} to be {status}"), timeout, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == status
        })
        .await
}

/// Reconciles and returns the one change it found, once it waits for a person.
async fn change_entry(w: &World) -> u64 {
    let report = reconcile(w, &[]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["kind"], "change", "{report:#}");
    let id = found[0]["entry_id"].as_u64().unwrap_or_default();
    w.app
        .wait_entry("the change to wait", T, |e| {
            e["id"].as_u64() == Some(id) && e["status"] == "waiting"
        })
        .await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_hire_during_a_200_hire_catch_up_is_not_queued_behind_it() {
    let w = World::started().await;
    for i in 0..200 {
        hired(&w, i, "2027-03-01");
    }
    let report = reconcile(&w, &["--since", &yesterday()]);
    assert_eq!(report["found"].as_array().map(Vec::len), Some(200));
    // Once the catch-up is under way, a live hire arrives.
    wait::until_every("the catch-up to be under way", T, EVERY, || {
        let n = w.bob.employees().len();
        async move { (n >= 5).then_some(()) }
    })
    .await;
    let live = w.add_hireable(&Hireable {
        id: "live-1",
        name: "Live Hire",
        email: "live@example.com",
        title: "Software Engineer",
        start: "2027-03-01",
        ..Default::default()
    });
    let sent = Instant::now();
    assert_eq!(w.send(&LeverEvent::hired(&live)).await, 200);
    let e = w.wait_final(&live, "candidateHired", T).await;
    let took = sent.elapsed();
    assert_eq!(e["status"], "done", "{e:#}");
    let caught_up = w.bob.employees().len() - 1;
    assert!(
        caught_up < 150,
        "the live hire finished while the catch-up was still going ({caught_up} of 200 done) — in {took:?}"
    );
    // The bound this proves is the order, not a time: see docs/perf.md for the latency.
    eprintln!("live hire during the catch-up: {took:?}, with {caught_up} of 200 caught up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_writes_nothing_anywhere() {
    let w = World::started().await;
    for i in 0..3 {
        hired(&w, i, "2027-03-01");
    }
    w.lever.set_stage(&w.ids.ada, &w.ids.stage_byteboard);
    let before = (
        w.app.history().len(),
        w.bob.requests().len(),
        w.partner.requests().len(),
    );
    let lever_before = w.lever.requests().len();
    let report = reconcile(&w, &["--since", &yesterday(), "--dry-run"]);
    assert_eq!(report["dry_run"], true);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        found
            .iter()
            .filter(|f| f["action"] == "would-queue")
            .count(),
        4,
        "three hires and Ada's invite would be queued: {report:#}"
    );
    assert!(lever_paths(&w, lever_before)
        .iter()
        .all(|p| p.starts_with("GET ")));
    let after = (
        w.app.history().len(),
        w.bob.requests().len(),
        w.partner.requests().len(),
    );
    assert_eq!(before, after, "no entry, no bob or partner call");
    let first = w.app.cli(&["reconcile"], "");
    let err = &first.stderr;
    assert!(
        err.contains("first catch-up"),
        "where the catch-up ended was not recorded either: {err}"
    );
    assert!(w.employees_with("cand0000@example.com").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_invites_are_sent_or_listed_with_the_reason_and_the_health_names_the_stage_webhook()
{
    let w = World::started().await;
    // Moved into the assessment stage in Lever; the webhooks never came.
    for opp in [&w.ids.ada, &w.ids.grace, &w.ids.alan] {
        w.lever.set_stage(opp, &w.ids.stage_byteboard);
    }
    let report = reconcile(&w, &["--since", &yesterday()]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    let of = |opp: &str| {
        found
            .iter()
            .find(|f| f["opportunity_id"] == opp)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        of(&w.ids.ada)["action"],
        "queued",
        "one tag: the invite goes"
    );
    assert_eq!(of(&w.ids.grace)["action"], "listed");
    assert!(of(&w.ids.grace)["what"]
        .as_str()
        .unwrap_or_default()
        .contains("several interview-type tags"));
    assert_eq!(of(&w.ids.alan)["action"], "listed");
    assert!(of(&w.ids.alan)["what"]
        .as_str()
        .unwrap_or_default()
        .contains("no interview-type tag"));
    assert!(report["health"]
        .to_string()
        .contains("1 move into the assessment stage"));
    let ada = w.ids.ada.clone();
    let e = w
        .app
        .wait_entry("Ada's invite", T, move |e| {
            e["opportunity_id"] == ada.as_str() && e["status"] == "done"
        })
        .await;
    assert_eq!(e["source"], "reconcile");
    assert_eq!(w.partner.invites().len(), 1, "one invite sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ends_with_a_hire_found_by_catching_up_and_its_health() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = std::process::Command::new(hirewire_e2e::bins::path("hirewire"));
    cmd.arg("--data").arg(tmp.path()).arg("demo");
    hirewire_e2e::proc::hermetic(&mut cmd);
    let mut demo = hirewire_e2e::proc::Proc::spawn("demo", cmd);
    let line = wait::until_every(
        "Katherine's hire, found by catching up, to be done",
        T,
        EVERY,
        || {
            let found = demo.output().into_iter().find(|l| {
                l.contains("Katherine Johnson") && l.contains(" done ") && l.contains("reconcile")
            });
            async move { found }
        },
    )
    .await;
    assert!(line.contains("candidateHired"), "{line}");
    demo.wait_line("The demo is over", T).await;
    let out = demo.output();
    assert!(
        out.iter()
            .any(|l| l.starts_with("TIME") && l.contains("WHAT HAPPENED")),
        "the table has a header: {out:#?}"
    );
    assert!(
        out.iter().any(|l| l.contains("hirewire retry")),
        "advice for the window is given as a command: {out:#?}"
    );
    // Ctrl-C (here SIGTERM, which the demo takes the same way) ends it without a word.
    assert_eq!(demo.terminate(T).await, Some(0));
    let after = demo.output();
    assert_eq!(
        after.len(),
        out.len(),
        "nothing printed while stopping: {:?}",
        &after[out.len()..]
    );
}

/// The `param` (a start, in ms) of the fake Lever's requests since `from` (an index into its
/// log) whose path holds `path` and none of `but`.
fn starts_asked(w: &World, from: usize, path: &str, but: &str, param: &str) -> Vec<u64> {
    let key = format!("{param}=");
    lever_paths(w, from)
        .iter()
        .filter(|p| p.contains(path) && (but.is_empty() || !p.contains(but)))
        .filter_map(|p| {
            let rest = &p[p.find(&key)? + key.len()..];
            rest.split('&').next()?.parse().ok()
        })
        .collect()
}

/// Lever's list of deleted opportunities answers 404 and then its hire list fails after its
/// retries: each time the other lists are caught up all the same, the report, its text form
/// and the health banner name the list that failed and why, and the next catch-up reads that
/// list again from where it stood while the others move on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_lever_cannot_give_is_named_and_read_again_from_where_it_stood_while_the_others_are_caught_up(
) {
    use hirewire_fakes::{FaultKind, FaultRule};
    let w = World::started().await;
    hired(&w, 1, "2027-03-01");
    let gone = FaultKind::Status {
        status: 404,
        retry_after: None,
    };
    w.lever
        .faults()
        .add(FaultRule::new("/opportunities/deleted", gone));

    let first = reconcile(&w, &["--since", &yesterday()]);
    let found = first["found"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "the hire is caught up: {first:#}");
    assert_eq!(found[0]["action"], "queued");
    let unread = first["unread"].as_array().cloned().unwrap_or_default();
    assert_eq!(unread.len(), 1, "{first:#}");
    assert_eq!(unread[0]["list"], "deletions");
    assert!(unread[0]["reason"].to_string().contains("404"), "{first:#}");
    let stood = unread[0]["since_ms"].as_u64().unwrap_or_default();
    assert_eq!(Some(stood), first["since_ms"].as_u64());
    assert!(
        first["health"]
            .to_string()
            .contains("Lever's list of deleted candidates could not be read"),
        "the banner names it: {first:#}"
    );
    hires_final(&w, 1).await;

    // Still failing: deletions are asked from where they stood, while the others' start
    // moves on; the text form says so too.
    let before = w.lever.requests().len();
    let second = reconcile(&w, &[]);
    let deleted = starts_asked(
        &w,
        before,
        "/opportunities/deleted?",
        "",
        "deleted_at_start",
    );
    assert_eq!(deleted, vec![stood], "deletions from where they stood");
    assert_eq!(second["unread"][0]["since_ms"].as_u64(), Some(stood));
    assert!(
        second["since_ms"].as_u64().unwrap_or_default() > stood,
        "the start moved on for the others: {second:#}"
    );
    let text = w.app.ok(&["reconcile", "--dry-run"], "");
    assert!(
        text.contains("Not caught up: Lever's list of deleted candidates could not be read")
            && text.contains("404"),
        "{text}"
    );

    // Now the hire list fails after its retries (a 503 each time): Ada's invite still goes,
    // the deletions are read from where they stood, and the hire list keeps its start.
    w.lever.faults().clear();
    w.lever.faults().add(FaultRule::new(
        "archive_reason_id",
        FaultKind::Status {
            status: 503,
            retry_after: Some(0),
        },
    ));
    w.lever.set_stage(&w.ids.ada, &w.ids.stage_byteboard);
    let before = w.lever.requests().len();
    let third = reconcile(&w, &[]);
    let third_since = third["since_ms"].as_u64().unwrap_or_default();
    let deleted = starts_asked(
        &w,
        before,
        "/opportunities/deleted?",
        "",
        "deleted_at_start",
    );
    assert_eq!(
        deleted,
        vec![stood],
        "deletions read again from where they stood"
    );
    let lists: Vec<&str> = third["unread"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["list"].as_str())
        .collect();
    assert_eq!(lists, ["hires", "offers"], "{third:#}");
    assert!(third["unread"][0]["reason"].to_string().contains("503"));
    let found = third["found"].as_array().cloned().unwrap_or_default();
    assert!(
        found
            .iter()
            .any(|f| f["kind"] == "invite" && f["opportunity_id"] == w.ids.ada.as_str()),
        "the invite list is caught up: {third:#}"
    );
    let health = third["health"].to_string();
    assert!(
        health.contains("Lever's list of hires could not be read")
            && !health.contains("deleted candidates could not"),
        "{health}"
    );

    // A hire Lever dates from the start of that catch-up, found only if the hire list is
    // read again from where it stood (the others start 15 minutes before it ended).
    let late = hired(&w, 2, "2027-03-01");
    w.lever
        .archive_at(&late, &w.ids.reason_hired, third_since + 1);
    w.lever.faults().clear();
    let fourth = reconcile(&w, &[]);
    assert_eq!(fourth["unread"], serde_json::json!([]), "{fourth:#}");
    assert!(
        fourth["since_ms"].as_u64().unwrap_or_default() > third_since + 1,
        "{fourth:#}"
    );
    let found: Vec<&Value> = fourth["found"].as_array().into_iter().flatten().collect();
    assert!(
        found
            .iter()
            .any(|f| f["kind"] == "hire" && f["opportunity_id"] == late.as_str()),
        "the hire list was read from where it stood: {fourth:#}"
    );
    assert!(
        !fourth["health"].to_string().contains("could not be read"),
        "{fourth:#}"
    );
}

/// A list that moves while it is paged through gives an opportunity twice: each missed hire
/// is one entry, and the count and banner say as many as there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opportunity_listed_twice_across_pages_is_caught_up_once() {
    let w = World::started().await;
    for i in 0..5 {
        hired(&w, i, "2027-03-01");
    }
    w.lever.set_page_cap(2);
    w.lever.set_page_overlap(true);
    let report = reconcile(&w, &["--since", &yesterday()]);
    let found = report["found"].as_array().cloned().unwrap_or_default();
    let ids: HashSet<&str> = found
        .iter()
        .filter_map(|f| f["opportunity_id"].as_str())
        .collect();
    assert_eq!(found.len(), 5, "one per hire: {report:#}");
    assert_eq!(ids.len(), 5);
    assert!(
        report["health"].to_string().contains("5 hires since"),
        "{report:#}"
    );
    assert!(
        report["notes"].to_string().contains("twice"),
        "the repeat is named: {report:#}"
    );
    let entries = hires_final(&w, 5).await;
    assert_eq!(entries.len(), 5, "{entries:#?}");
}

/// A candidate erased by hand (`person --erase`) is not brought back as a missed hire by a
/// catch-up that covers their hire: no entry, no name, no count on the banner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_candidate_is_not_brought_back_by_a_catch_up() {
    let w = World::started().await;
    let opp = hired(&w, 3, "2027-03-01");
    assert_eq!(w.send(&LeverEvent::hired(&opp)).await, 200);
    hires_final(&w, 1).await;
    let erased = w
        .app
        .ok(&["person", "cand0003@example.com", "--erase", "--yes"], "");
    assert!(
        erased.contains("nothing of cand0003@example.com is left"),
        "{erased}"
    );
    let entries = w.app.history().len();

    let report = reconcile(&w, &["--since", &yesterday()]);
    assert_eq!(report["found"], serde_json::json!([]), "{report:#}");
    let text = report.to_string();
    assert!(!text.contains("Cand 0003"), "no name: {report:#}");
    assert!(!report["health"].to_string().contains("hire"), "{report:#}");
    let after = w.app.history();
    assert_eq!(after.len(), entries + 1, "only the catch-up's own entry");
    assert!(!after.iter().any(|e| e["opportunity_id"] == opp.as_str()));
}
