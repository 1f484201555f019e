//! Score rules end to end: a graded assessment moves the candidate in fake Lever through
//! the documented calls, once however often the result arrives, never past a recruiter
//! who moved them first, and archives only after Approve.

use hirewire_e2e::app::yesterday;
use hirewire_e2e::world::{Options, World};
use hirewire_fakes::lever::Perm;
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

/// The rule the tests run with, and Lever's names beside its ids.
fn rules(w_ids: &hirewire_fakes::lever::DemoIds) -> String {
    format!(
        r#"
[[score_rules]]
test = "12345"
at_least = 70
move_to = "{onsite}"
tag = "Passed assessment"
below = 40
propose_archive = "reason-underqualified"

[names.stages]
"{onsite}" = "Onsite"
"{bb}" = "Byteboard"
"{offer}" = "Offer"

[names.archive_reasons]
"reason-underqualified" = "Underqualified"
"#,
        onsite = w_ids.stage_onsite,
        bb = w_ids.stage_byteboard,
        offer = w_ids.stage_offer,
    )
}

/// A world with the rule, its engine running once `start` is called.
async fn world(poll_minutes: u64) -> World {
    let w = World::unconfigured().await;
    let opts = Options {
        poll_minutes,
        extra_toml: rules(&w.ids),
        ..Default::default()
    };
    w.configure(&opts);
    w
}

/// Moves `opp` into the assessment stage in fake Lever and through the webhook, and
/// waits for the invite; gives its interview id.
async fn invited(w: &World, opp: &str) -> String {
    w.lever.set_stage(opp, &w.ids.stage_byteboard);
    w.move_to_assessment(opp).await;
    let e = w.wait_final(opp, "candidateStageChange", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    // Invites are sent one at a time here: the newest is this candidate's.
    w.partner
        .invites()
        .last()
        .map(|i| i.interview_id.clone())
        .unwrap_or_else(|| panic!("no invite for {opp}"))
}

fn rule_entries(w: &World, opp: &str) -> Vec<Value> {
    w.app
        .history()
        .into_iter()
        .filter(|e| e["event"] == "assessmentScoreRule" && e["opportunity_id"] == opp)
        .collect()
}

fn rule_notes(w: &World, opp: &str) -> usize {
    w.lever
        .notes(opp)
        .iter()
        .filter(|n| n.value.contains("Score rule for Byteboard SWE"))
        .count()
}

fn reason(e: &Value) -> String {
    e["reason"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_score_above_the_bar_moves_once_across_a_poll_a_callback_and_a_catch_up() {
    let mut w = world(1).await;
    // The first result comes by polling: the partner does not call back.
    w.partner.set_callbacks(false);
    w.start().await;
    let ids = w.ids.clone();
    let interview = invited(&w, &ids.ada).await;
    w.partner.grade(&interview, 81.0).await;
    let moved = w
        .app
        .wait_entry(
            "the rule's entry to finish",
            hirewire_e2e::deadline::LONG_FLOW,
            |e| e["event"] == "assessmentScoreRule" && e["status"] != "running",
        )
        .await;
    assert_eq!(moved["status"], "done", "{moved:#}");
    assert!(
        reason(&moved).contains("score 81 ≥ 70: moved to Onsite, tagged “Passed assessment”"),
        "{moved:#}"
    );
    // The same result again: the partner's callback, then a catch-up asked to apply rules.
    let endpoint = w.partner.invites()[0]
        .url
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(w.send_patch(&endpoint).await, 200);
    hirewire_e2e::wait::until_true("the callback's check to finish", T, || async {
        let checks: Vec<Value> = w
            .app
            .history()
            .into_iter()
            .filter(|e| e["event"] == "assessmentStatusChanged")
            .collect();
        !checks.is_empty() && checks.iter().all(|e| e["status"] != "running")
    })
    .await;
    let report = w
        .app
        .reconcile_json(&["--since", &yesterday(), "--apply-rules"]);
    let notes = report["notes"].to_string();
    assert!(!notes.contains("score rule applied"), "{report:#}");
    assert_eq!(
        w.lever.stage_changes(&ids.ada),
        std::slice::from_ref(&ids.stage_onsite),
        "exactly one stage change"
    );
    let (stage, tags, archived) = w.lever.opportunity_state(&ids.ada).unwrap_or_default();
    assert_eq!(stage, ids.stage_onsite);
    assert!(tags.contains(&"Passed assessment".to_string()), "{tags:?}");
    assert_eq!(archived, None);
    assert_eq!(
        rule_entries(&w, &ids.ada).len(),
        1,
        "one entry for the rule"
    );
    assert_eq!(rule_notes(&w, &ids.ada), 1, "one note naming the rule");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_a_recruiter_moved_first_is_not_moved_and_the_entry_says_why() {
    let mut w = world(60).await;
    w.start().await;
    let ids = w.ids.clone();
    let interview = invited(&w, &ids.ada).await;
    // The recruiter moved Ada on before the result came.
    w.lever.set_stage(&ids.ada, &ids.stage_offer);
    w.partner.grade(&interview, 95.0).await;
    let e = w.wait_final(&ids.ada, "assessmentScoreRule", T).await;
    assert_eq!(e["status"], "skipped", "{e:#}");
    let why = reason(&e);
    assert!(
        why.contains("score 95 ≥ 70")
            && why.contains("nothing moved")
            && why.contains("in Offer now, no longer in Byteboard")
            && why.contains("a recruiter moved them first"),
        "{why}"
    );
    assert!(
        w.lever.moves(&ids.ada).is_empty(),
        "nothing written in Lever"
    );
    assert_eq!(rule_notes(&w, &ids.ada), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn below_the_bar_archiving_waits_approve_archives_and_dismiss_does_nothing() {
    let mut w = world(60).await;
    w.start().await;
    let ids = w.ids.clone();
    // Grace gets the same test as Ada (one interview-type tag).
    w.lever
        .set_opportunity_tags(&ids.grace, vec!["Byteboard SWE".into()]);
    let ada = invited(&w, &ids.ada).await;
    let grace = invited(&w, &ids.grace).await;
    w.partner.grade(&ada, 20.0).await;
    w.partner.grade(&grace, 12.0).await;
    let waiting = w.wait_final(&ids.ada, "assessmentScoreRule", T).await;
    assert_eq!(waiting["status"], "waiting", "{waiting:#}");
    let why = reason(&waiting);
    assert!(
        why.contains("score 20 < 40")
            && why.contains("archived as Underqualified")
            && why.contains(&format!("/reports/{ada}")),
        "the score and the report link: {why}"
    );
    assert!(w.lever.moves(&ids.ada).is_empty(), "nothing before Approve");
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();
    w.app.ok(&["approve", &id], "");
    hirewire_e2e::wait::until_true("Ada archived after Approve", T, || async {
        w.lever
            .opportunity_state(&ids.ada)
            .and_then(|s| s.2)
            .as_deref()
            == Some("reason-underqualified")
    })
    .await;
    let done = w
        .app
        .wait_entry("the approved rule to finish", T, |e| {
            e["id"].as_u64() == waiting["id"].as_u64() && e["status"] == "done"
        })
        .await;
    assert!(
        reason(&done).contains("archived as Underqualified"),
        "{done:#}"
    );

    let g = w.wait_final(&ids.grace, "assessmentScoreRule", T).await;
    assert_eq!(g["status"], "waiting", "{g:#}");
    let gid = g["id"].as_u64().unwrap_or_default().to_string();
    w.app.ok(&["dismiss", &gid], "");
    let dismissed = w
        .app
        .wait_entry("the dismissed rule to finish", T, |e| {
            e["id"].as_u64() == g["id"].as_u64() && e["status"] == "skipped"
        })
        .await;
    assert!(
        reason(&dismissed).contains("dismissed, nothing moved"),
        "{dismissed:#}"
    );
    assert!(
        w.lever.moves(&ids.grace).is_empty(),
        "Dismiss writes nothing"
    );
    assert_eq!(
        w.lever.opportunity_state(&ids.grace).and_then(|s| s.2),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_without_a_score_moves_nothing_and_says_so() {
    let mut w = world(60).await;
    w.start().await;
    let ids = w.ids.clone();
    let interview = invited(&w, &ids.ada).await;
    w.partner.grade_without_score(&interview).await;
    let e = w
        .app
        .wait_entry("the result check to finish", T, |e| {
            e["event"] == "assessmentStatusChanged" && e["status"] == "done"
        })
        .await;
    assert!(
        reason(&e).contains("no score: the rule for Byteboard SWE moves nothing"),
        "{e:#}"
    );
    assert!(rule_entries(&w, &ids.ada).is_empty());
    assert!(w.lever.moves(&ids.ada).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_without_the_stage_change_checkbox_fails_the_move_naming_it() {
    let mut w = world(60).await;
    let ids = w.ids.clone();
    let without: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::UpdateStage)
        .collect();
    w.lever.add_key_with(&ids.api_key, &without, true);
    w.start().await;
    let interview = invited(&w, &ids.ada).await;
    w.partner.grade(&interview, 88.0).await;
    let e = w.wait_final(&ids.ada, "assessmentScoreRule", T).await;
    assert_eq!(e["status"], "failed", "{e:#}");
    assert!(
        reason(&e).contains("«Update an opportunity's stage»"),
        "the entry names the checkbox: {e:#}"
    );
    assert!(w.lever.stage_changes(&ids.ada).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_added_after_the_result_moves_nobody_until_asked_and_the_preview_says_what_it_would_do(
) {
    // No rule yet: the result is only noted.
    let mut w = World::new(Options::default()).await;
    w.start().await;
    let ids = w.ids.clone();
    let interview = invited(&w, &ids.ada).await;
    w.partner.grade(&interview, 81.0).await;
    let noted = w
        .app
        .wait_entry("the result check to finish", T, |e| {
            e["event"] == "assessmentStatusChanged" && e["status"] == "done"
        })
        .await;
    assert!(
        noted["reason"].is_null(),
        "no rule, nothing said: {noted:#}"
    );
    // The rule comes later.
    w.app.import(&w.settings_toml(&Options {
        extra_toml: rules(&ids),
        ..Default::default()
    }));
    let plain = w.app.reconcile_json(&["--since", &yesterday()]);
    assert!(
        plain["notes"]
            .to_string()
            .contains("1 result(s) were graded before their test had a score rule: nothing moved"),
        "{plain:#}"
    );
    let preview = w
        .app
        .reconcile_json(&["--since", &yesterday(), "--apply-rules", "--dry-run"]);
    assert!(
        preview["notes"].to_string().contains(
            "would apply the score rule: Ada Lovelace (Byteboard SWE): score 81 ≥ 70: moved to Onsite"
        ),
        "{preview:#}"
    );
    assert!(w.lever.moves(&ids.ada).is_empty(), "neither moved anybody");
    assert!(rule_entries(&w, &ids.ada).is_empty());

    let applied = w
        .app
        .reconcile_json(&["--since", &yesterday(), "--apply-rules"]);
    assert!(
        applied["notes"]
            .to_string()
            .contains("score rule applied: Ada Lovelace"),
        "{applied:#}"
    );
    let e = w.wait_final(&ids.ada, "assessmentScoreRule", T).await;
    assert_eq!(e["status"], "done", "{e:#}");
    assert_eq!(e["source"], "reconcile", "found by catching up: {e:#}");
    // Asked again: applied once.
    let again = w
        .app
        .reconcile_json(&["--since", &yesterday(), "--apply-rules"]);
    assert!(
        !again["notes"].to_string().contains("score rule applied"),
        "{again:#}"
    );
    assert_eq!(
        w.lever.stage_changes(&ids.ada),
        std::slice::from_ref(&ids.stage_onsite)
    );
    assert_eq!(rule_entries(&w, &ids.ada).len(), 1);
}
