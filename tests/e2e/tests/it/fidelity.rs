//! What the vendors actually accept and answer (issue "fidelity"), end to end against the
//! fakes that now follow their published contracts: list-valued bob fields, dates in the
//! account's zone, sites from the posting, reruns and replays, rehires, Lever's key
//! checkboxes and confidential toggle, and answers in each shape a vendor is allowed.

use std::time::Duration;

use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::bob::{ListKey, ListValues, UploadAnswer};
use hirewire_fakes::lever::Perm;
use hirewire_fakes::webhook::LeverEvent;
use hirewire_fakes::{FaultKind, FaultRule};
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

fn reason(e: &Value) -> String {
    e["reason"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_bob_does_not_list_fails_with_the_fix_and_goes_through_once_it_exists() {
    let w = World::started().await;
    let id = w.add_hireable(&Hireable {
        id: "opp-staff",
        name: "Mary Shelley",
        email: "mary@example.com",
        title: "Staff Engineer",
        start: "2027-02-01",
        ..Default::default()
    });
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let failed = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(failed["status"], "failed", "{failed:#}");
    let why = reason(&failed);
    assert!(
        why.contains("bob has no job title “Staff Engineer”"),
        "{why}"
    );
    assert!(
        why.contains("add it to bob's job title list") && why.contains("value_map"),
        "{why}"
    );
    assert_eq!(
        w.bob.create_calls(),
        0,
        "bob was not sent a value it refuses"
    );
    w.bob.add_list_item("title", 499, "Staff Engineer");
    w.app.ok(&["retry", &failed["id"].to_string()], "");
    let done = w
        .app
        .wait_entry("the retried hire to finish", T, |e| {
            e["opportunity_id"] == id.as_str() && e["status"] == "done"
        })
        .await;
    assert_eq!(done["status"], "done");
    let employees = w.employees_with("mary@example.com");
    assert_eq!(employees.len(), 1);
    assert_eq!(employees[0]["work"]["title"], "Staff Engineer");
    assert!(
        w.bob.schema_violations().is_empty(),
        "{:?}",
        w.bob.schema_violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_date_of_midnight_in_berlin_lands_on_its_own_day() {
    let w = World::started().await;
    w.lever.set_account_utc_offset_hours(1);
    let id = w.add_hireable(&Hireable {
        id: "opp-berlin",
        name: "Emmy Noether",
        email: "emmy@example.com",
        title: "Software Engineer",
        start: "2027-03-01",
        ..Default::default()
    });
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let e = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    let emp = w.employees_with("emmy@example.com");
    assert_eq!(
        emp[0]["work"]["startDate"], "2027-03-01",
        "not the day before"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_comes_from_the_posting_not_from_where_the_candidate_lives() {
    let w = World::started().await;
    // Ada lives in Brighton; her posting is in London.
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    let emp = w.employees_with("ada@example.com");
    assert_eq!(emp[0]["work"]["site"], "London");
    assert!(!reason(&e).contains("default site"), "{}", reason(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_three_days_late_is_taken_once_and_a_replay_of_it_is_refused() {
    let w = World::started().await;
    let three_days_ago = hirewire_fakes::webhook::now_ms() - 3 * 24 * 3600 * 1000;
    let rerun =
        LeverEvent::stage_change(&w.ids.alan, &w.ids.stage_phone, "stage-new").at(three_days_ago);
    assert_eq!(w.send(&rerun).await, 200);
    assert_eq!(w.send(&rerun).await, 200, "the same delivery again");
    let replay = rerun
        .clone()
        .with_data(serde_json::json!({"opportunityId": w.ids.grace, "toStageId": "stage-new"}));
    assert_eq!(w.send(&replay).await, 200);
    let entries = hirewire_e2e::wait::until("the rerun and the replay", T, || {
        let h = w.app.history();
        async move { (h.len() >= 2).then_some(h) }
    })
    .await;
    let taken: Vec<&Value> = entries
        .iter()
        .filter(|e| e["opportunity_id"] == w.ids.alan.as_str())
        .collect();
    assert_eq!(taken.len(), 1, "taken once: {entries:#?}");
    assert_ne!(taken[0]["status"], "rejected", "{:#}", taken[0]);
    let refused: Vec<&Value> = entries
        .iter()
        .filter(|e| e["status"] == "rejected")
        .collect();
    assert_eq!(refused.len(), 1, "{entries:#?}");
    assert!(
        reason(refused[0]).contains("replay"),
        "{}",
        reason(refused[0])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_reports_the_single_item_checkbox_and_the_confidential_toggle_in_lever_s_words() {
    let w = World::new(Options::default()).await;
    let partial: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::FindOpportunity)
        .collect();
    w.lever.add_key_with("no-single-read", &partial, false);
    w.app.set_secret("lever-api-key", "no-single-read");
    let out = w.app.cli(&["check"], "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("«Find an opportunity»"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("cannot be edited") && out.stdout.contains("new key"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Allow access to confidential data"),
        "{}",
        out.stdout
    );
    let missing: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("MISS"))
        .collect();
    assert_eq!(
        missing.len(),
        2,
        "the checkbox and the toggle, nothing else: {missing:#?}"
    );
    // Lever unreachable: a network failure, never a missing permission.
    w.app.import(
        &w.settings_toml(&Options::default())
            .replace(&w.lever.url(), "http://127.0.0.1:9"),
    );
    let out = w.app.cli(&["check"], "");
    assert!(!out.stdout.contains("lacks"), "{}", out.stdout);
    assert!(
        out.stdout.contains("could not be reached"),
        "{}",
        out.stdout
    );
}

/// Lever does not document whether a key without «Find an opportunity» gets 403 or 404 for an
/// id that does not exist: `check` tries a real candidate, so the missing box is named under
/// either answer; an account without candidates hears that those boxes are not proven.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_tries_a_real_candidate_so_a_missing_single_read_shows_whatever_lever_answers_first()
{
    use hirewire_fakes::lever::UnknownIdAnswer;
    let w = World::new(Options::default()).await;
    let partial: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::FindOpportunity)
        .collect();
    w.lever.add_key_with("no-single-read", &partial, true);
    w.app.set_secret("lever-api-key", "no-single-read");
    for answer in [
        UnknownIdAnswer::ForbiddenFirst,
        UnknownIdAnswer::NotFoundFirst,
    ] {
        w.lever.set_unknown_id_answer(answer);
        let out = w.app.cli(&["check"], "");
        assert_eq!(out.code, 1, "{answer:?}: {}", out.stdout);
        let missing: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("MISS"))
            .collect();
        assert_eq!(missing.len(), 1, "{answer:?}: {}", out.stdout);
        assert!(
            missing[0].contains("«Find an opportunity»"),
            "{answer:?}: {}",
            out.stdout
        );
    }
    // No candidate to try: said, not passed off as allowed.
    for opp in [&w.ids.ada, &w.ids.grace, &w.ids.alan] {
        w.lever
            .delete_opportunity(opp, None)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = w.app.cli(&["check"], "");
    assert!(
        out.stdout.contains("«Find an opportunity» is not proven")
            && out.stdout.contains("Lever has no candidate yet"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("every permission Hirewire needs,"),
        "{}",
        out.stdout
    );
}

/// Approve of a change after the hire reads and rewrites bob's Work rows: `check` tries both
/// on an employee, changing nothing, so a service user without either permission shows at
/// setup, not at the first Approve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_names_the_bob_work_permission_approve_of_a_change_needs() {
    let w = World::new(Options::default()).await;
    let ada = w.bob.add_employee(
        serde_json::json!({"firstName": "Ada", "surname": "Lovelace", "email": "ada@example.com",
            "work": {"site": "London", "startDate": "2020-01-06"}}),
        true,
    );
    let before = w.bob.work_history(&ada);
    let work_misses = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.starts_with("MISS") && l.contains("Work"))
            .map(str::to_string)
            .collect()
    };
    for (view, edit, named) in [
        (true, false, "«Edit selected employees' Work sections»"),
        (
            false,
            true,
            "«View selected employees' Work section histories»",
        ),
    ] {
        w.bob.set_work_permissions(view, edit);
        let out = w.app.cli(&["check"], "");
        assert_eq!(out.code, 1, "{}", out.stdout);
        let missing = work_misses(&out.stdout);
        assert!(
            missing.len() == 1 && missing[0].contains(named),
            "{named}: {}",
            out.stdout
        );
    }
    w.bob.set_work_permissions(true, true);
    let out = w.app.cli(&["check"], "");
    assert!(work_misses(&out.stdout).is_empty(), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("may read and rewrite employees' Work rows"),
        "{}",
        out.stdout
    );
    assert_eq!(w.bob.work_history(&ada), before, "check changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_candidate_s_403_says_the_toggle_not_a_checkbox() {
    let w = World::started().await;
    w.lever.add_key_with("no-confidential", &Perm::all(), false);
    w.app.set_secret("lever-api-key", "no-confidential");
    let id = w.add_hireable(&Hireable {
        id: "opp-secret",
        name: "Rosalind Franklin",
        email: "rosalind@example.com",
        title: "Software Engineer",
        start: "2027-02-01",
        confidential: true,
    });
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let e = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(e["status"], "failed", "{e:#}");
    assert!(
        reason(&e).contains("Allow access to confidential data"),
        "{}",
        reason(&e)
    );
    assert!(!reason(&e).contains("lacks the"), "{}", reason(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_former_employee_with_the_hire_s_email_waits_as_a_rehire() {
    let w = World::started().await;
    let former = w.bob.add_former_employee(serde_json::json!({
        "firstName": "Ada", "surname": "Lovelace", "email": "ada@example.com",
        "work": {"site": "London", "startDate": "2019-05-01"}
    }));
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(e["status"], "waiting", "{e:#}");
    assert!(
        reason(&e).contains("former employee") && reason(&e).contains(&former),
        "{}",
        reason(&e)
    );
    assert_eq!(
        w.bob.create_calls(),
        0,
        "no second record for the same person"
    );
    assert!(
        w.bob.documents(&former).is_empty(),
        "nothing copied before a person decides"
    );
    w.app.ok(&["approve", &e["id"].to_string()], "");
    let done = w
        .app
        .wait_entry("the approved rehire", T, |x| {
            x["id"] == e["id"] && x["status"] == "done"
        })
        .await;
    assert_eq!(done["status"], "done");
    assert_eq!(
        w.bob.documents(&former).len(),
        3,
        "the documents went to the former record"
    );
    assert_eq!(w.bob.create_calls(), 0);
}

/// bob's search lists former employees only when asked (`showInactive`). A service user
/// that may not read the lifecycle fields still never takes a former employee for a current
/// one: a match found only among inactive people waits for a person, with nothing copied to
/// it, while a current employee with the hire's email is used at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_former_employee_waits_as_a_rehire_even_when_the_service_user_cannot_see_lifecycle_fields(
) {
    let w = World::started().await;
    w.bob.hide_field("internal.status");
    w.bob.hide_field("internal.lifecycleStatus");
    let former = w.bob.add_former_employee(serde_json::json!({
        "firstName": "Ada", "surname": "Lovelace", "email": "ada@example.com",
        "work": {"site": "London", "startDate": "2019-05-01"}
    }));
    let grace = w.add_hired_without_webhook("gh", "grace", 1, "2027-03-01");
    let current = w.bob.add_employee(
        serde_json::json!({
            "firstName": "Grace", "surname": "0001", "email": "grace0001@example.com",
            "work": {"site": "London", "startDate": "2020-01-06"}
        }),
        true,
    );
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    assert_eq!(w.send(&LeverEvent::hired(&grace)).await, 200);

    let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(e["status"], "waiting", "{e:#}");
    assert!(
        reason(&e).contains("only among its inactive people") && reason(&e).contains(&former),
        "{}",
        reason(&e)
    );
    assert!(
        w.bob.documents(&former).is_empty(),
        "nothing copied before a person decides"
    );
    let g = w.wait_final(&grace, "candidateHired", T).await;
    assert_eq!(g["status"], "done", "{g:#}");
    assert_eq!(
        w.bob.documents(&current).len(),
        1,
        "the resume, to the current employee"
    );
    assert_eq!(w.bob.create_calls(), 0, "no second record for either");
}

/// bob's `hierarchy-list` fields hold list item ids like `list` fields (bob's lists guide):
/// an offer field mapped to one is written as the id of its (nested) item, never as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_value_for_a_hierarchy_list_field_is_written_as_its_item_id() {
    let w = World::started().await;
    w.bob.add_field(hirewire_fakes::bob::BobField {
        id: "work.field_1690000000099".into(),
        name: "Cost centre".into(),
        category: "work".into(),
        category_display_name: "Work".into(),
        json_path: "work.custom.field_1690000000099".into(),
        kind: "hierarchy-list".into(),
        list_id: Some("costcentre".into()),
        ..Default::default()
    });
    w.bob.add_list_item("costcentre", "9001", "Engineering");
    assert!(w
        .bob
        .add_list_child("costcentre", "9001", "9002", "Platform"));
    let id = w.add_hireable(&Hireable {
        id: "opp-cost-centre",
        name: "Katherine Johnson",
        email: "katherine@example.com",
        title: "Software Engineer",
        start: "2027-02-01",
        ..Default::default()
    });
    w.lever.set_offer_field(
        &id,
        hirewire_fakes::lever::OfferField {
            text: "Cost centre".into(),
            identifier: "custom_cost_centre".into(),
            value: serde_json::json!("Platform"),
        },
    );
    assert_eq!(w.send(&LeverEvent::hired(&id)).await, 200);
    let e = w.wait_final(&id, "candidateHired", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    let employee = w.employees_with("katherine@example.com")[0].clone();
    assert_eq!(
        employee["work"]["custom"]["field_1690000000099"], "9002",
        "the nested item's id: {employee:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bob_answers_in_each_allowed_shape_still_give_one_employee_and_three_documents() {
    for (values, key, upload) in [
        (ListValues::Id, ListKey::Values, UploadAnswer::DocId),
        (ListValues::Either, ListKey::Items, UploadAnswer::Bare),
        (ListValues::Name, ListKey::Values, UploadAnswer::Text),
    ] {
        let w = World::started().await;
        w.bob.set_list_values_by(values);
        w.bob.set_named_list_key(key);
        w.bob.set_upload_answer(upload);
        assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
        let e = w.wait_final(&w.ids.ada, "candidateHired", T).await;
        assert_eq!(e["status"], "done", "{values:?}/{key:?}/{upload:?}: {e:#}");
        let emp = w.employees_with("ada@example.com");
        assert_eq!(emp.len(), 1);
        let id = emp[0]["id"].as_str().unwrap_or_default();
        assert_eq!(
            w.bob.documents(id).len(),
            3,
            "{values:?}/{key:?}/{upload:?}"
        );
        // In an account that takes list values only as ids, the display name is refused
        // once by design, then the item id is sent: only such refusals may be on record.
        let refused = w.bob.schema_violations();
        assert!(
            refused
                .iter()
                .all(|(_, why)| values == ListValues::Id && why.contains("work.")),
            "{refused:#?}"
        );
        w.bob.clear_schema_violations();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_that_landed_before_a_crash_is_found_by_its_text_and_not_written_twice() {
    let mut w = World::new(Options::default()).await;
    // Lever writes the note, then hangs before answering: the engine dies waiting.
    w.lever.faults().add(
        FaultRule::new("/notes", FaultKind::DelayAfter(Duration::from_secs(30)))
            .method("POST")
            .times(1),
    );
    w.start().await;
    w.move_to_assessment(&w.ids.ada.clone()).await;
    hirewire_e2e::wait::until_true("the note to reach Lever", T, || async {
        !w.lever.notes(&w.ids.ada).is_empty()
    })
    .await;
    w.app.kill9();
    w.app.start().await;
    let e = w.wait_final(&w.ids.ada, "candidateStageChange", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    assert_eq!(w.lever.notes(&w.ids.ada).len(), 1, "the note once");
    let steps = e["steps"].to_string();
    assert!(
        steps.contains("found as note"),
        "recovered by its text: {steps}"
    );
}

/// Lever lists a note a recruiter deleted, with `deletedAt`: after a crash, such a note is
/// not taken as the one already posted, so the candidate still gets a note that is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_deleted_in_lever_before_recovery_is_written_again_not_taken_as_posted() {
    let mut w = World::new(Options::default()).await;
    w.lever.faults().add(
        FaultRule::new("/notes", FaultKind::DelayAfter(Duration::from_secs(30)))
            .method("POST")
            .times(1),
    );
    w.start().await;
    let ada = w.ids.ada.clone();
    w.move_to_assessment(&ada).await;
    hirewire_e2e::wait::until_true("the note to reach Lever", T, || async {
        !w.lever.notes(&ada).is_empty()
    })
    .await;
    w.app.kill9();
    let first = w.lever.notes(&ada)[0].id.clone();
    w.lever
        .delete_note(&ada, &first)
        .unwrap_or_else(|e| panic!("{e}"));
    w.app.start().await;
    let e = w.wait_final(&ada, "candidateStageChange", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    let notes = w.lever.notes(&ada);
    let live: Vec<_> = notes.iter().filter(|n| n.deleted_at.is_none()).collect();
    assert_eq!(live.len(), 1, "one note that is there: {notes:#?}");
    assert_ne!(live[0].id, first);
    assert!(
        !e["steps"].to_string().contains("found as note"),
        "the deleted note was not taken as posted: {e:#}"
    );
}
