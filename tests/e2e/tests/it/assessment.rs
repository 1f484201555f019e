//! Flows F2 and F3 end to end: stage moves send assessment invites (once), results come back
//! as Lever notes (at once after a PATCH, or by polling), outcomes are recorded, and the
//! setup key is used in memory only.

use std::time::Duration;

use hirewire_e2e::world::{Options, World};
use hirewire_fakes::webhook::LeverEvent;
use hirewire_fakes::{FaultKind, FaultRule};
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

fn notes_containing(w: &World, opp: &str, text: &str) -> usize {
    w.lever
        .notes(opp)
        .iter()
        .filter(|n| n.value.contains(text))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tagged_candidate_moved_to_the_assessment_stage_gets_one_invite_and_one_note() {
    let w = World::started().await;
    let ids = w.ids.clone();
    w.move_to_assessment(&ids.ada).await;
    let entry = w.wait_final(&ids.ada, "candidateStageChange", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    assert_eq!(entry["flow"], "assessment");
    assert_eq!(entry["summary"], "invite sent: Byteboard SWE");
    let invites = w.partner.invites();
    assert_eq!(invites.len(), 1);
    let c = &invites[0].candidate;
    assert_eq!(invites[0].test_id, "12345");
    assert_eq!(
        (
            c["first_name"].as_str(),
            c["last_name"].as_str(),
            c["email"].as_str()
        ),
        (Some("Ada"), Some("Lovelace"), Some("ada@example.com"))
    );
    assert!(
        c["greenhouse_profile_url"]
            .as_str()
            .unwrap_or_default()
            .ends_with(&ids.ada),
        "the Lever profile URL: {c}"
    );
    assert!(
        invites[0]
            .url
            .starts_with(&w.relay.hook_url(&w.channel.channel, "assessment-done-")),
        "the partner reports back through the relay, on this invite's own URL: {}",
        invites[0].url
    );
    assert_eq!(
        c["preferred_name"], "Ada",
        "Greenhouse requires a preferred name"
    );
    assert_eq!(
        notes_containing(&w, &ids.ada, "invite sent (Byteboard SWE)"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tag_or_two_tags_send_no_invite_but_a_skipped_entry_and_a_note() {
    let mut w = World::started().await;
    let ids = w.ids.clone();
    for opp in [&ids.alan, &ids.grace] {
        w.move_to_assessment(opp).await;
    }
    let alan = w.wait_final(&ids.alan, "candidateStageChange", T).await;
    let grace = w.wait_final(&ids.grace, "candidateStageChange", T).await;
    assert_eq!(
        (alan["status"].as_str(), grace["status"].as_str()),
        (Some("skipped"), Some("skipped"))
    );
    assert!(
        alan["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no interview-type tag"),
        "{alan}"
    );
    assert!(
        grace["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("2 interview-type tags"),
        "{grace}"
    );
    assert!(w.partner.invites().is_empty(), "no invite at all");
    assert_eq!(
        notes_containing(&w, &ids.alan, "no Byteboard invite"),
        1,
        "the recruiter is told in Lever"
    );
    assert_eq!(notes_containing(&w, &ids.grace, "keep exactly one"), 1);
    // A notification was raised (and logged).
    w.app
        .wait_log("notification: Alan Turing: no invite sent", T)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_move_delivered_twice_sends_one_invite() {
    let w = World::started().await;
    let ids = w.ids.clone();
    let event = LeverEvent::stage_change(&ids.ada, &ids.stage_phone, &ids.stage_byteboard);
    assert_eq!(w.send(&event).await, 200);
    assert_eq!(w.send(&event).await, 200);
    w.move_to_assessment(&ids.ada).await;
    let second = w
        .app
        .wait_entry("the second stage change to finish", T, |e| {
            e["id"].as_u64() == Some(2) && e["status"] != "running"
        })
        .await;
    assert_eq!(second["status"], "skipped");
    assert!(second["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("already has the Byteboard SWE assessment"));
    assert_eq!(w.partner.invites().len(), 1);
    assert_eq!(notes_containing(&w, &ids.ada, "invite sent"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_patch_brings_the_result_note_within_seconds() {
    let mut w = World::new(Options {
        poll_minutes: 60,
        ..Default::default()
    })
    .await;
    w.start().await;
    let ids = w.ids.clone();
    w.move_to_assessment(&ids.ada).await;
    w.wait_final(&ids.ada, "candidateStageChange", T).await;
    let interview = w.partner.invites()[0].interview_id.clone();
    w.partner.grade(&interview, 91.0).await;
    assert!(
        w.partner.callbacks().iter().any(|c| c.status == Some(200)),
        "the relay took the PATCH: {:?}",
        w.partner.callbacks()
    );
    hirewire_e2e::wait::until_true("the result note", Duration::from_secs(20), || async {
        notes_containing(&w, &ids.ada, "score 91") == 1
    })
    .await;
    let note = w
        .lever
        .notes(&ids.ada)
        .into_iter()
        .find(|n| n.value.contains("score 91"))
        .map(|n| n.value)
        .unwrap_or_default();
    assert!(
        note.contains(&format!("/reports/{interview}")),
        "the report URL is in the note: {note}"
    );
    // A second PATCH (the vendor repeats itself) adds nothing.
    w.partner.grade(&interview, 91.0).await;
    hirewire_e2e::wait::until_true("the second status check to finish", T, || async {
        let checks: Vec<Value> = w
            .app
            .history()
            .into_iter()
            .filter(|e| e["event"] == "assessmentStatusChanged")
            .collect();
        checks.len() == 2 && checks.iter().all(|e| e["status"] != "running")
    })
    .await;
    let summaries: Vec<Value> = w
        .app
        .history()
        .into_iter()
        .filter(|e| e["event"] == "assessmentStatusChanged" && e["status"] == "done")
        .map(|e| e["summary"].clone())
        .collect();
    assert!(
        summaries.contains(&Value::from("result: 91, report")),
        "the row says the result: {summaries:?}"
    );
    assert_eq!(
        notes_containing(&w, &ids.ada, "score 91"),
        1,
        "the result is noted once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_finds_a_result_without_a_patch() {
    let mut w = World::new(Options {
        poll_minutes: 1,
        ..Default::default()
    })
    .await;
    w.partner.set_callbacks(false);
    w.start().await;
    let ids = w.ids.clone();
    w.move_to_assessment(&ids.ada).await;
    w.wait_final(&ids.ada, "candidateStageChange", T).await;
    let interview = w.partner.invites()[0].interview_id.clone();
    w.partner.grade(&interview, 77.0).await;
    assert!(w.partner.callbacks().is_empty(), "no PATCH was sent");
    hirewire_e2e::wait::until_true(
        "the polled result note",
        Duration::from_secs(120),
        || async { notes_containing(&w, &ids.ada, "score 77") == 1 },
    )
    .await;
    assert!(
        w.partner.hits(&format!("partner_interview_id={interview}")) >= 1,
        "the engine asked for the status"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onsite_offer_and_archive_outcomes_are_recorded_and_an_unmapped_reason_warns() {
    let mut w = World::started().await;
    let ids = w.ids.clone();
    w.move_to_assessment(&ids.ada).await;
    w.wait_final(&ids.ada, "candidateStageChange", T).await;
    w.send(&LeverEvent::stage_change(
        &ids.ada,
        &ids.stage_byteboard,
        &ids.stage_onsite,
    ))
    .await;
    w.send(&LeverEvent::stage_change(
        &ids.ada,
        &ids.stage_onsite,
        &ids.stage_offer,
    ))
    .await;
    w.lever.archive(&ids.grace, &ids.reason_not_a_fit);
    w.send(&LeverEvent::archive_change(
        &ids.grace,
        &ids.reason_not_a_fit,
    ))
    .await;
    w.lever.archive(&ids.alan, &ids.reason_unmapped);
    w.send(&LeverEvent::archive_change(&ids.alan, &ids.reason_unmapped))
        .await;
    let history = hirewire_e2e::wait::until("five finished entries", T, || {
        let h = w.app.history();
        async move { (h.len() == 5 && h.iter().all(|e| e["status"] != "running")).then_some(h) }
    })
    .await;
    let outcome_steps: Vec<String> = history
        .iter()
        .filter(|e| e["flow"] == "outcome")
        .flat_map(|e| e["steps"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s["action"].as_str().map(str::to_string))
        .filter(|a| a.starts_with("record"))
        .collect();
    assert!(
        outcome_steps.iter().any(|a| a.contains("next-step onsite")),
        "{outcome_steps:?}"
    );
    let outcome_rows: Vec<&Value> = history
        .iter()
        .filter(|e| e["flow"] == "outcome" && e["status"] == "done")
        .map(|e| &e["summary"])
        .collect();
    for said in ["next step: onsite", "next step: offer", "outcome: Rejected"] {
        assert!(
            outcome_rows.contains(&&Value::from(said)),
            "a row says {said:?}: {outcome_rows:?}"
        );
    }
    assert!(
        outcome_steps.iter().any(|a| a.contains("next-step offer")),
        "{outcome_steps:?}"
    );
    assert!(
        outcome_steps
            .iter()
            .any(|a| a.contains("offer-status rejected") && a.contains("Not a fit")),
        "{outcome_steps:?}"
    );
    let posted = w.partner.outcomes();
    let values: Vec<&str> = posted.iter().filter_map(|o| o["value"].as_str()).collect();
    assert_eq!(
        values,
        ["onsite", "offer"],
        "only Ada, whom the partner assessed, is posted to it"
    );
    let alan = history
        .iter()
        .find(|e| e["opportunity_id"] == ids.alan.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        alan["status"], "failed",
        "an unmapped reason is a visible failure, never a silent skip"
    );
    assert!(
        alan["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("“Culture add” is not mapped"),
        "{alan}"
    );
    w.app
        .wait_log("notification: Alan Turing: needs attention", T)
        .await;
    // One notification for one failure (the flow's reason in its body), not two.
    let log = w.app.stop().await;
    assert_eq!(log.matches("notification: Alan Turing").count(), 1, "{log}");
    // Mappings can show the reason by name as a row to map, with the entry that met it.
    let settings = w.app.ok(&["config", "export"], "");
    let names: toml::Value = toml::from_str(&settings).unwrap_or_else(|e| panic!("{e}"));
    let reason = ids.reason_unmapped.as_str();
    assert_eq!(
        names["names"]["archive_reasons"][reason].as_str(),
        Some("Culture add"),
        "{settings}"
    );
    assert_eq!(
        names["names"]["unmapped_seen"][reason].as_integer(),
        alan["id"].as_i64(),
        "{settings}"
    );
    // Mapped now: no longer listed as met unmapped, the name stays.
    let mapped = format!("{settings}\n");
    let mapped = mapped.replacen(
        "[archive_reasons]\n",
        &format!("[archive_reasons]\n\"{reason}\" = \"not-applicable\"\n"),
        1,
    );
    w.app.import(&mapped);
    let after = w.app.ok(&["config", "export"], "");
    let after: toml::Value = toml::from_str(&after).unwrap_or_else(|e| panic!("{e}"));
    assert!(after["names"]
        .get("unmapped_seen")
        .and_then(|u| u.get(reason))
        .is_none());
    assert_eq!(
        after["names"]["archive_reasons"][reason].as_str(),
        Some("Culture add")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_between_invite_and_note_still_gives_exactly_one_invite_and_one_note() {
    let mut w = World::new(Options::default()).await;
    w.lever.faults().add(
        FaultRule::new("/notes", FaultKind::DelayBefore(Duration::from_secs(30)))
            .method("POST")
            .times(1),
    );
    w.start().await;
    let ids = w.ids.clone();
    w.move_to_assessment(&ids.ada).await;
    // The invite's answer is recorded; the note call that follows hangs in the fake.
    w.app
        .wait_entry("the invite step to be recorded", T, |e| {
            e["steps"].as_array().is_some_and(|s| {
                s.iter().any(|s| {
                    s["action"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("send the Byteboard SWE invite")
                        && s["status"] == "done"
                })
            })
        })
        .await;
    w.app.kill9();
    w.app.start().await;
    let entry = w.wait_final(&ids.ada, "candidateStageChange", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    assert_eq!(w.partner.invites().len(), 1, "exactly one invite");
    assert_eq!(
        notes_containing(&w, &ids.ada, "invite sent"),
        1,
        "exactly one note"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mappings_suggest_uses_the_setup_key_in_memory_only() {
    let w = World::new(Options::default()).await;
    use hirewire_fakes::lever::Perm;
    let setup_key = format!("setup-key-{}", std::process::id());
    w.lever.add_key(
        &setup_key,
        &[
            Perm::FindAllStages,
            Perm::FindAllArchiveReasons,
            Perm::FindAllTags,
        ],
    );
    let out = w.app.cli(&["mappings", "suggest", "--apply"], &setup_key);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("you can now delete it in Lever"),
        "{}",
        out.stderr
    );
    let settings = w.app.ok(&["config", "export"], "");
    assert!(
        settings.contains(&format!("assessment = \"{}\"", w.ids.stage_byteboard)),
        "{settings}"
    );
    assert!(settings.contains(&format!("onsite = \"{}\"", w.ids.stage_onsite)));
    // TOML may write a key bare or quoted.
    let maps_to = |id: &str, outcome: &str| {
        settings.lines().any(|l| {
            l.trim_start_matches('"').starts_with(id) && l.ends_with(&format!("= \"{outcome}\""))
        })
    };
    assert!(maps_to(&w.ids.reason_not_a_fit, "rejected"), "{settings}");
    assert!(maps_to(&w.ids.reason_hired, "offer-accepted"), "{settings}");
    assert!(
        out.stdout
            .contains("no suggestion for the archive reason \"Culture add\""),
        "{}",
        out.stdout
    );
    let db = std::fs::read(w.app.db_file()).unwrap_or_default();
    assert!(
        !db.windows(setup_key.len())
            .any(|x| x == setup_key.as_bytes()),
        "the setup key is not in redb"
    );
    assert!(
        !out.stderr.contains(&setup_key) && !out.stdout.contains(&setup_key),
        "nor in the output"
    );
    // The whole keychain is listed, and the tests running beside this one add and delete
    // their own items meanwhile: a listing that met an item deleted under it is taken again.
    let keychain = hirewire_e2e::wait::until_seen(
        "a whole listing of the keychain",
        Duration::from_secs(20),
        Duration::from_millis(100),
        || async {
            let listed = std::process::Command::new("secret-tool")
                .args(["search", "--all", "service", "hirewire"])
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout).into_owned()
                        + &String::from_utf8_lossy(&o.stderr)
                })
                .unwrap_or_else(|e| format!("secret-tool: {e}"));
            if listed.contains("No such secret item") || !listed.contains("lever-api-key") {
                Err(listed)
            } else {
                Ok(listed)
            }
        },
    )
    .await;
    assert!(
        !keychain.contains(&setup_key),
        "the setup key is not in the keychain"
    );
}
