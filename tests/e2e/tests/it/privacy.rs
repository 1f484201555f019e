//! Candidate data that goes away when it should, end to end: a signed `candidateDeleted`
//! leaves no byte of the name or email in the data directory or the app's log, and an
//! old event for that candidate creates nothing; a hired candidate's bob employee stays and
//! a person is asked; retention strips only old entries and keeps the chart's counts; a
//! person's record holds their entries and nobody else's; a forged deletion purges nothing.

use std::path::Path;
use std::time::Duration;

use hirewire_e2e::app::yesterday;
use hirewire_e2e::scan::holding;
use hirewire_e2e::wait;
use hirewire_e2e::world::{Hireable, World};
use hirewire_fakes::webhook::LeverEvent;
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;
const EVERY: Duration = Duration::from_millis(300);

/// Hires `who` through the webhook and waits until done; returns the opportunity and the bob
/// employee's id.
async fn hire(w: &World, who: &Hireable<'_>) -> (String, String) {
    let opp = w.add_hireable(who);
    assert_eq!(w.send(&LeverEvent::hired(&opp)).await, 200);
    assert_eq!(
        w.wait_final(&opp, "candidateHired", T).await["status"],
        "done"
    );
    let employee = w.employees_with(who.email)[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (opp, employee)
}

/// Waits until no file under `dir` holds any of `person` (compaction runs after a purge).
async fn no_byte_left(dir: &Path, person: &[&str]) {
    let dir = dir.to_path_buf();
    wait::until_seen("no byte of them in the data directory", T, EVERY, || {
        let left = holding(&dir, person);
        async move {
            if left.is_empty() {
                Ok(())
            } else {
                Err(left.join("; "))
            }
        }
    })
    .await;
}

fn entries_of(w: &World, opp: &str) -> Vec<Value> {
    w.app
        .history()
        .into_iter()
        .filter(|e| e["opportunity_id"] == opp)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_candidate_deleted_leaves_no_byte_of_the_name_or_email_and_an_old_event_creates_nothing(
) {
    let mut w = World::new(Default::default()).await;
    w.app.log = "info".into();
    w.start().await;
    let ada = w.ids.ada.clone();
    // Ada gets her invite and is archived as not a fit (an outcome the partner is told).
    w.move_to_assessment(&ada).await;
    let invite = w.wait_final(&ada, "candidateStageChange", T).await;
    assert_eq!(invite["status"], "done", "{invite:#}");
    let archived = LeverEvent::archive_change(&ada, &w.ids.reason_not_a_fit);
    assert_eq!(w.send(&archived).await, 200);
    let outcome = w.wait_final(&ada, "candidateArchiveChange", T).await;
    assert_eq!(outcome["status"], "done", "{outcome:#}");
    let person = ["Ada Lovelace", "Lovelace", "ada@example.com"];
    assert!(
        !holding(w.app.profile_dir(), &person).is_empty(),
        "the data held her before"
    );

    assert_eq!(w.send(&LeverEvent::candidate_deleted(&ada)).await, 200);
    let purge = w
        .app
        .wait_entry("the deletion", T, |e| e["event"] == "candidateDeleted")
        .await;
    assert_eq!(purge["candidate"], "deleted candidate");
    assert!(
        purge["reason"].to_string().contains("assessment"),
        "it says what stays at the partner: {purge:#}"
    );
    assert!(
        entries_of(&w, &ada).is_empty(),
        "no entry keeps her opportunity id"
    );
    let deleted = w
        .app
        .history()
        .iter()
        .filter(|e| e["candidate"] == "deleted candidate")
        .count();
    assert!(
        deleted >= 3,
        "her entries stay, as a deleted candidate ({deleted})"
    );
    let dir = w.app.profile_dir().to_path_buf();
    no_byte_left(&dir, &person).await;

    // An old stage change for her, sent again (a new delivery): nothing is done.
    let invites = w.partner.invites().len();
    let old = LeverEvent::stage_change(&ada, &w.ids.stage_phone, &w.ids.stage_byteboard);
    assert_eq!(w.send(&old).await, 200);
    let e = w
        .app
        .wait_entry("the old event", T, |e| {
            e["event"] == "candidateStageChange"
                && e["status"] == "skipped"
                && e["candidate"] == "deleted candidate"
        })
        .await;
    assert!(
        e["reason"].to_string().contains("removed from Hirewire"),
        "{e:#}"
    );
    assert_eq!(w.partner.invites().len(), invites, "no invite sent again");
    assert!(
        holding(&dir, &person).is_empty(),
        "nothing of her came back"
    );
    let log = w.app.stop().await;
    for p in person {
        assert!(
            !log.to_lowercase().contains(&p.to_lowercase()),
            "the app log names {p:?}:\n{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_candidate_who_was_hired_leaves_bob_untouched_and_waits_with_the_employee() {
    let w = World::started().await;
    let (opp, employee) = hire(
        &w,
        &Hireable {
            id: "opp-kat",
            name: "Katherine Johnson",
            email: "kat@example.com",
            title: "Software Engineer",
            start: "2027-03-01",
            ..Default::default()
        },
    )
    .await;
    assert_eq!(w.send(&LeverEvent::candidate_deleted(&opp)).await, 200);
    let e = w
        .app
        .wait_entry("the deletion to wait for a person", T, |e| {
            e["event"] == "candidateDeleted" && e["status"] == "waiting"
        })
        .await;
    let reason = e["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("bob employee {employee}")),
        "{reason}"
    );
    assert_eq!(
        w.employees_with("kat@example.com").len(),
        1,
        "bob is not touched"
    );
    let id = e["id"].as_u64().unwrap_or_default().to_string();
    w.app.ok(&["approve", &id], "");
    let done = w
        .app
        .wait_entry("a person took note", T, |x| {
            x["id"] == e["id"] && x["status"] == "done"
        })
        .await;
    assert!(done["reason"].to_string().contains("took note"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_candidate_deleted_purges_nothing() {
    let w = World::started().await;
    let ada = w.ids.ada.clone();
    w.move_to_assessment(&ada).await;
    w.wait_final(&ada, "candidateStageChange", T).await;
    let forged = LeverEvent::candidate_deleted(&ada).body_with_signature(&"0".repeat(64));
    assert_eq!(w.send_raw("candidate-deleted", forged).await, 200);
    let e = w
        .app
        .wait_entry("the forged deletion", T, |e| e["status"] == "rejected")
        .await;
    assert!(e["reason"].to_string().contains("signature"), "{e:#}");
    let kept = entries_of(&w, &ada);
    assert!(
        kept.iter().any(|e| e["candidate"] == "Ada Lovelace"),
        "her entries are as they were: {kept:#?}"
    );
    let record = w.app.ok(&["person", "ada@example.com"], "");
    assert!(!record.contains("holds nothing"), "{record}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_record_lists_every_entry_of_theirs_and_nothing_of_anyone_else() {
    let w = World::started().await;
    for (id, name, email) in [
        ("opp-p1", "Mary Jackson", "mary@example.com"),
        ("opp-p2", "Dorothy Vaughan", "dorothy@example.com"),
    ] {
        w.add_hireable(&Hireable {
            id,
            name,
            email,
            title: "Software Engineer",
            start: "2027-03-01",
            ..Default::default()
        });
        assert_eq!(w.send(&LeverEvent::hired(id)).await, 200);
        w.wait_final(id, "candidateHired", T).await;
    }
    let unmapped = LeverEvent::stage_change("opp-p1", &w.ids.stage_phone, "stage-new");
    assert_eq!(w.send(&unmapped).await, 200);
    wait::until_every("Mary's second entry", T, EVERY, || {
        let n = entries_of(&w, "opp-p1").len();
        async move { (n == 2).then_some(()) }
    })
    .await;
    let out = w.app.ok(&["person", "mary@example.com", "--json"], "");
    let record: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(record["opportunities"], serde_json::json!(["opp-p1"]));
    let ids: Vec<&Value> = record["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["id"])
        .collect();
    let expected: Vec<Value> = entries_of(&w, "opp-p1")
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(ids.len(), expected.len(), "{record:#}");
    assert!(expected.iter().all(|id| ids.contains(&id)));
    assert!(
        !out.contains("Dorothy") && !out.contains("dorothy@"),
        "nothing of anyone else"
    );
    assert!(out.contains("employee:opp-p1"), "the bob link is in it");

    // Erased by hand: nothing of Mary is left, and Dorothy is untouched.
    let erased = w
        .app
        .ok(&["person", "mary@example.com", "--erase", "--yes"], "");
    assert!(
        erased.contains("nothing of mary@example.com is left"),
        "{erased}"
    );
    let after = w.app.ok(&["person", "mary@example.com"], "");
    assert!(after.contains("holds nothing"), "{after}");
    assert!(holding(w.app.profile_dir(), &["Mary Jackson", "mary@example.com"]).is_empty());
    assert_eq!(entries_of(&w, "opp-p2").len(), 1, "Dorothy's entry stays");
}

/// A deletion whose `candidateDeleted` webhook never came (switched off, or lost) is found by
/// the next catch-up: what Hirewire held about the candidate goes as the webhook's purge takes
/// it, and the bob employee Hirewire made waits for a person, as after the webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_the_webhook_never_brought_is_found_by_catching_up_and_purged() {
    let w = World::started().await;
    let (opp, employee) = hire(
        &w,
        &Hireable {
            id: "opp-dor",
            name: "Dorothy Vaughan",
            email: "dorothy@example.com",
            title: "Software Engineer",
            start: "2027-03-01",
            ..Default::default()
        },
    )
    .await;
    w.lever
        .delete_opportunity(&opp, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = w.app.reconcile_json(&["--since", &yesterday()]);
    assert!(
        report["notes"]
            .to_string()
            .contains("1 candidate(s) deleted in Lever"),
        "{report:#}"
    );
    let e = w
        .app
        .wait_entry("the deletion found to wait for a person", T, |e| {
            e["event"] == "candidateDeleted" && e["status"] == "waiting"
        })
        .await;
    assert_eq!(e["source"], "reconcile", "{e:#}");
    assert_eq!(e["candidate"], "deleted candidate");
    assert!(
        e["reason"]
            .to_string()
            .contains(&format!("bob employee {employee}")),
        "{e:#}"
    );
    assert!(entries_of(&w, &opp).is_empty(), "no entry keeps her id");
    no_byte_left(
        w.app.profile_dir(),
        &["Dorothy Vaughan", "dorothy@example.com"],
    )
    .await;
    assert_eq!(
        w.employees_with("dorothy@example.com").len(),
        1,
        "bob is not touched"
    );

    // The next catch-up lists the same deletion and finds nothing left to do.
    let again = w.app.reconcile_json(&[]);
    assert!(
        !again["notes"].to_string().contains("deleted in Lever"),
        "{again:#}"
    );
    let deletions = w
        .app
        .history()
        .iter()
        .filter(|e| e["event"] == "candidateDeleted")
        .count();
    assert_eq!(deletions, 1, "one entry for the deletion");
}

/// A key made without the box for deleted opportunities: the catch-up does the rest and says
/// which box would let it find missed deletions too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_may_not_list_deletions_still_catches_up_and_names_the_box() {
    use hirewire_fakes::lever::Perm;
    let w = World::started().await;
    let partial: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::FindAllDeletedOpportunities)
        .collect();
    w.lever.add_key_with("no-deleted", &partial, true);
    w.app.set_secret("lever-api-key", "no-deleted");
    let report = w.app.reconcile_json(&["--since", &yesterday()]);
    assert!(
        report["notes"]
            .to_string()
            .contains("«Find all deleted opportunities»"),
        "{report:#}"
    );
    assert!(
        report["entry_id"].as_u64().is_some(),
        "the catch-up was recorded: {report:#}"
    );
    // `check` asks about the box like the others, and names it.
    let check = w.app.cli(&["check"], "");
    let missing: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.starts_with("MISS"))
        .collect();
    assert_eq!(missing.len(), 1, "{}", check.stdout);
    assert!(
        missing[0].contains("«Find all deleted opportunities»"),
        "{}",
        check.stdout
    );
}

/// Lever's lists leave confidential candidates out unless asked: the catch-up asks for them
/// (its key may see them), so a confidential candidate deleted without the webhook is
/// found and purged too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_candidate_deleted_without_the_webhook_is_found_by_catching_up() {
    let w = World::started().await;
    let (opp, employee) = hire(
        &w,
        &Hireable {
            id: "opp-ros",
            name: "Rosalind Franklin",
            email: "rosalind@example.com",
            title: "Software Engineer",
            start: "2027-03-01",
            confidential: true,
        },
    )
    .await;
    w.lever
        .delete_opportunity(&opp, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = w.app.reconcile_json(&["--since", &yesterday()]);
    assert!(
        report["notes"]
            .to_string()
            .contains("1 candidate(s) deleted in Lever"),
        "{report:#}"
    );
    assert!(
        w.lever
            .requests()
            .iter()
            .any(|r| r.path.contains("/opportunities/deleted")
                && r.path.contains("confidentiality=all")),
        "the deleted list asked for confidential candidates"
    );
    let e = w
        .app
        .wait_entry("the confidential deletion found", T, |e| {
            e["event"] == "candidateDeleted" && e["status"] == "waiting"
        })
        .await;
    assert!(
        e["reason"]
            .to_string()
            .contains(&format!("bob employee {employee}")),
        "{e:#}"
    );
    no_byte_left(
        w.app.profile_dir(),
        &["Rosalind Franklin", "rosalind@example.com"],
    )
    .await;
}

/// Lever publishes no example of `candidateDeleted`'s data. When it names only the person
/// (`contactId`, or Lever's older `candidateId`), their deleted opportunities are found in
/// Lever's list of deletions and purged, and the bob employee waits for a person as after a
/// deletion that names the opportunity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_deleted_naming_only_the_person_purges_each_of_their_opportunities() {
    use hirewire_fakes::webhook::DeletedShape;
    let w = World::started().await;
    let people = [
        (
            DeletedShape::ContactOnly,
            "opp-mae",
            "Mae Jemison",
            "mae@example.com",
        ),
        (
            DeletedShape::CandidateOnly,
            "opp-sal",
            "Sally Ride",
            "sally@example.com",
        ),
    ];
    for (shape, id, name, email) in people {
        let (opp, employee) = hire(
            &w,
            &Hireable {
                id,
                name,
                email,
                title: "Software Engineer",
                start: "2027-03-01",
                ..Default::default()
            },
        )
        .await;
        w.lever
            .delete_opportunity(&opp, None)
            .unwrap_or_else(|e| panic!("{e}"));
        // The fake's contact of an opportunity it was not given one for.
        let contact = format!("contact-{opp}");
        let event = LeverEvent::candidate_deleted_as(&opp, &contact, shape);
        assert_eq!(w.send(&event).await, 200);
        let e = w
            .app
            .wait_entry("the deletion to wait for a person", T, |e| {
                e["event"] == "candidateDeleted"
                    && e["status"] == "waiting"
                    && e["reason"].to_string().contains(&employee)
            })
            .await;
        assert!(
            e["reason"]
                .to_string()
                .contains(&format!("bob employee {employee}")),
            "{shape:?}: {e:#}"
        );
        assert!(
            entries_of(&w, &opp).is_empty(),
            "{shape:?}: no entry keeps the id"
        );
        no_byte_left(w.app.profile_dir(), &[name, email]).await;
    }
}

/// A row of Lever's deleted list that cannot be read (`"id": null`) is skipped and named, by
/// place and without the person's data; the deletion next to it is purged, the missed hire is
/// caught up, and the next catch-up starts from where this one ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_row_without_an_id_is_skipped_and_named_and_the_rest_is_caught_up() {
    let w = World::started().await;
    let (opp, _) = hire(
        &w,
        &Hireable {
            id: "opp-kat",
            name: "Katherine Johnson",
            email: "katherine@example.com",
            title: "Software Engineer",
            start: "2027-03-01",
            ..Default::default()
        },
    )
    .await;
    w.lever
        .delete_opportunity(&opp, None)
        .unwrap_or_else(|e| panic!("{e}"));
    w.lever.add_raw_deleted_row(serde_json::json!({
        "id": null,
        "name": "Someone Unreadable",
        "deletedAt": hirewire_fakes::clock::now_ms(),
    }));
    let missed = w.add_hired_without_webhook("odd", "mae", 1, "2027-03-01");

    let report = w.app.reconcile_json(&["--since", &yesterday()]);
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("deleted candidates had 1 row(s) Hirewire could not read")
            && notes.contains("row 1: its id is null"),
        "{report:#}"
    );
    assert!(
        notes.contains("1 candidate(s) deleted in Lever"),
        "{report:#}"
    );
    assert!(
        !report.to_string().contains("Someone Unreadable"),
        "the row's data is not repeated: {report:#}"
    );
    assert_eq!(report["unread"], serde_json::json!([]), "{report:#}");
    let found = report["found"].as_array().cloned().unwrap_or_default();
    assert!(
        found.iter().any(|f| f["opportunity_id"] == missed.as_str()),
        "{report:#}"
    );
    assert!(entries_of(&w, &opp).is_empty(), "Katherine is purged");

    let next = w.app.reconcile_json(&[]);
    assert!(
        next["since_ms"].as_u64() > report["since_ms"].as_u64(),
        "the start moved on: {next:#}"
    );
}
