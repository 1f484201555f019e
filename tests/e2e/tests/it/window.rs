//! The real desktop window end to end: the `hirewire` binary opened by tauri-driver under
//! Xvfb, its setup wizard finished by clicking and typing against the fakes and a real
//! relay, then signed Lever events through the relay shown as done in the history, the
//! hire's steps in the detail panel, its desktop notification on the session bus, and a
//! failed hire retried from the window. Screenshots go to `target/window-shots/`.

use std::time::Duration;

use hirewire_e2e::notifications::NotificationLog;
use hirewire_e2e::wait;
use hirewire_e2e::window::{Window, UI_TIMEOUT};
use hirewire_e2e::world::World;
use hirewire_fakes::lever::{Offer, OfferField};
use hirewire_fakes::webhook::LeverEvent;

use hirewire_e2e::deadline::FLOW as T;

/// One row of the history list as the window shows it.
#[derive(Debug, Clone)]
struct Row {
    testid: String,
    status: String,
    event: String,
    text: String,
}

/// Every history row on screen, read in one script: the list reuses a row's element for
/// whichever entry scrolls or moves into its place, so reading an element's parts one
/// WebDriver call at a time can mix two entries. The event is the row's `data-event` (the
/// engine's name; the screen shows it in words, and hides the column next to the detail
/// panel); the status is the
/// badge's text; the text is the row's DOM text (WebKitWebDriver's visible text leaves out
/// ellipsised cells).
async fn rows(win: &Window) -> Vec<Row> {
    const SNAPSHOT: &str = r#"return [...document.querySelectorAll('[data-testid^="history-row-"]')].map((r) => [
        r.dataset.testid,
        r.querySelector(".badge")?.textContent?.trim() ?? "",
        r.dataset.event ?? "",
        r.textContent,
    ]);"#;
    let snapshot = win
        .client
        .execute(SNAPSHOT, vec![])
        .await
        .unwrap_or_default();
    let rows: Vec<[String; 4]> = serde_json::from_value(snapshot).unwrap_or_default();
    rows.into_iter()
        .map(|[testid, status, event, text]| Row {
            testid,
            status,
            event,
            text,
        })
        .collect()
}

/// Waits until the row of `event` for `candidate` shows `status`; returns it.
async fn wait_row(win: &Window, event: &str, candidate: &str, status: &str) -> Row {
    let what = format!("the {event} row of {candidate} to read {status:?}");
    wait::until_every(&what, T, Duration::from_millis(200), || async {
        rows(win)
            .await
            .into_iter()
            .find(|r| r.event == event && r.text.contains(candidate) && r.status == status)
    })
    .await
}

/// Finishes the eight wizard steps against the world's fakes and relay; proves on the way
/// that the first signed event is marked on the webhook step.
async fn run_wizard(w: &World, win: &Window) {
    let next = |n: u32| async move {
        win.click("wizard-next").await;
        win.see("wizard-current", &format!("Step {n} of 8")).await;
    };
    win.see("wizard-current", "Step 1 of 8").await;

    // 1. Relay: the channel's connection code → connected.
    win.fill("relay-code", &w.channel.connect).await;
    win.click("relay-connect").await;
    // "Not connected yet." also contains "connected": wait for the check's own sentence.
    let status = win.see("relay-status", "Connected to ").await;
    assert!(status.contains(&w.relay.url()), "{status}");
    next(2).await;

    // 2. Lever API key, with the permission check.
    win.fill("lever-key", &w.ids.api_key).await;
    win.click("lever-key-save").await;
    win.see_exact("lever-key-state", "set").await;
    let checks = win
        .see(
            "lever-checks",
            "API key has every permission Hirewire needs",
        )
        .await;
    assert!(!checks.contains("lacks"), "{checks}");
    next(3).await;

    // 3. Setup key: Lever's stages, reasons and tags, used in memory only.
    win.fill("setup-key", &w.ids.api_key).await;
    win.click("setup-key-load").await;
    win.see(
        "setup-key-result",
        "Loaded 5 stages, 12 archive reasons, 3 tags",
    )
    .await;
    win.see("setup-key-result", "used in memory only and was not stored")
        .await;
    assert_eq!(win.value("setup-key").await, "", "the field was cleared");
    next(4).await;

    // 4. Webhooks: the relay's URLs, a signing token each, and the first signed event.
    for ep in hirewire_e2e::world::LEVER_ENDPOINTS {
        assert_eq!(
            win.value(&format!("webhook-url-{ep}")).await,
            w.relay.hook_url(&w.channel.channel, ep)
        );
        win.fill(&format!("webhook-token-{ep}"), &w.tokens[ep])
            .await;
        win.click(&format!("webhook-save-{ep}")).await;
        win.see_exact(&format!("webhook-token-{ep}-state"), "set")
            .await;
    }
    win.see("webhook-first-candidate-hired", "No signed event yet")
        .await;
    // Lever's "Send test" button: an empty signed event on the hire webhook.
    assert_eq!(w.send(&LeverEvent::test_ping("candidateHired")).await, 200);
    win.see(
        "webhook-first-candidate-hired",
        "first signed event arrived at",
    )
    .await;
    win.screenshot("wizard-webhooks").await;
    next(5).await;

    // 5. bob: service user and token, Test, default site, no review before create.
    win.fill("bob-user", &w.creds.0).await;
    win.fill("bob-token", &w.creds.1).await;
    win.click("bob-test").await;
    win.see("bob-status", "service user may search people")
        .await;
    win.see("bob-status", "sites: ").await;
    win.see_exact("bob-user-state", "set").await;
    win.see_exact("bob-token-state", "set").await;
    win.select("bob-site", "London").await;
    let review = win.find("bob-review").await;
    if review.is_selected().await.unwrap_or(true) {
        win.click("bob-review").await;
    }
    wait::until_true("review before create to be off", UI_TIMEOUT, || async {
        !win.find("bob-review")
            .await
            .is_selected()
            .await
            .unwrap_or(true)
    })
    .await;
    next(6).await;

    // 6. The assessment partner: URLs, key, its tests, one interview type.
    win.fill("partner-provider", "Byteboard").await;
    win.fill("partner-list-url", &w.partner.list_tests_url())
        .await;
    win.fill("partner-send-url", &w.partner.send_test_url())
        .await;
    win.fill("partner-status-url", &w.partner.test_status_url())
        .await;
    win.fill("partner-key", &w.creds.2).await;
    win.click("partner-load").await;
    win.see("partner-tests", "2 test(s) available").await;
    win.see_exact("partner-key-state", "set").await;
    win.click("interview-add").await;
    win.fill("interview-tag-0", "Byteboard SWE").await;
    win.select("interview-test-0", "12345").await;
    next(7).await;

    // 7. Mappings: three different stages, chosen from Lever's list by id.
    let ids = &w.ids;
    for (key, stage) in [
        ("assessment", &ids.stage_byteboard),
        ("onsite", &ids.stage_onsite),
        ("offer", &ids.stage_offer),
    ] {
        win.select(&format!("stage-{key}"), stage).await;
    }
    assert_eq!(win.value("interview-tag-0").await, "Byteboard SWE");
    next(8).await;

    // 8. Dry run on Ada: what would happen, and nothing is written.
    // A fresh install has no history: both searches go to Lever (by email; by name
    // through the recently updated candidates, as Lever has no name filter).
    win.fill("dryrun-search", "grace@example.com").await;
    win.see("dryrun-candidates", "Grace Hopper").await;
    win.fill("dryrun-search", "LOVELACE").await;
    let found = win.see("dryrun-candidates", "Ada Lovelace").await;
    assert!(!found.contains("Grace Hopper"), "{found}");
    win.click(&format!("dryrun-candidate-{}", ids.ada)).await;
    let docs = win.see("dryrun-documents", "ada-lovelace-cv.pdf").await;
    assert!(
        docs.contains("offer-ada-signed.pdf") && docs.contains("portfolio.pdf"),
        "{docs}"
    );
    win.see("dryrun-invite", "Byteboard SWE").await;
    assert_eq!(w.bob.create_calls(), 0, "the dry run created nothing");
    assert!(w.partner.invites().is_empty(), "the dry run sent no invite");

    win.click("finish-setup").await;
    win.see("history-list", "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_sets_up_from_scratch_shows_done_events_notifies_and_retries_a_failed_hire() {
    let notes = NotificationLog::start().await;
    let w = World::unconfigured().await;
    // The wizard has no base-URL fields (users keep the vendors' defaults): point those at
    // the fakes; everything else is set in the window.
    w.app.import(&format!(
        "[lever]\nbase_url = \"{}\"\n[bob]\nbase_url = \"{}\"\n",
        w.lever.url(),
        w.bob.url()
    ));
    // Grace gets an offer with a start date, which bob requires, for the hire that fails.
    w.lever.add_offer(
        &w.ids.grace,
        Offer {
            id: "offer-grace".into(),
            status: "signed".into(),
            fields: vec![OfferField {
                text: "Anticipated start date".into(),
                identifier: "anticipated_start_date".into(),
                value: serde_json::json!(hirewire_fakes::lever::START_DATE_MS),
            }],
            ..Default::default()
        },
    );
    let win = Window::open(&w.app).await;
    run_wizard(&w, &win).await;

    // A hire and a stage change, signed and sent through the relay, both done.
    let ids = w.ids.clone();
    assert_eq!(w.send(&LeverEvent::hired(&ids.ada)).await, 200);
    w.move_to_assessment(&ids.ada).await;
    let hire = wait_row(&win, "candidateHired", "Ada Lovelace", "Done").await;
    wait_row(&win, "candidateStageChange", "Ada Lovelace", "Done").await;
    assert_eq!(w.partner.invites().len(), 1, "one assessment invite");
    // The chart catches up a few seconds after the list: shoot once today's bar holds all three.
    wait::until_true("the chart to count today's three events", T, || async {
        for day in win.all("chart-day").await {
            if day.attr("data-total").await.ok().flatten().as_deref() == Some("3") {
                return true;
            }
        }
        false
    })
    .await;
    win.screenshot("history").await;

    // The hire's detail lists its steps: the employee, then three documents.
    win.click(&hire.testid).await;
    win.see("detail-panel", "Ada Lovelace").await;
    let steps = win
        .see("detail-steps", "created the bob employee ada@example.com")
        .await;
    for doc in [
        "ada-lovelace-cv.pdf",
        "offer-ada-signed.pdf",
        "portfolio.pdf",
    ] {
        assert!(
            steps.contains(&format!("upload {doc} to confidential documents")),
            "{doc} uploaded: {steps}"
        );
    }
    let employees: Vec<_> = w
        .bob
        .employees()
        .into_iter()
        .filter(|e| e["email"] == "ada@example.com")
        .collect();
    assert_eq!(employees.len(), 1);
    let ada_id = employees[0]["id"].as_str().unwrap_or_default().to_string();
    assert!(steps.contains(&ada_id), "the step names the employee");
    assert_eq!(w.bob.documents(&ada_id).len(), 3);
    // The toasts (the same notices as the desktop's) would hide the steps in the picture.
    win.no_toasts().await;
    win.scroll_to("detail-steps").await;
    win.screenshot("detail").await;

    // The hire's desktop notification, sent by this window's process (other suites'
    // engines notify on the same bus).
    let note = wait::until(
        "the window's \"Ada Lovelace → bob\" notification",
        T,
        || {
            let app_pids = win.app_pids();
            let found = notes.all().into_iter().find(|n| {
                n.summary == "Ada Lovelace → bob" && n.pid.is_some_and(|p| app_pids.contains(&p))
            });
            async move { found }
        },
    )
    .await;
    assert_eq!(note.app, "Hirewire");
    assert!(note.body.contains(&ada_id), "{}", note.body);

    // bob's service user loses its permission group: Grace's hire fails with bob's 403.
    w.bob.set_permission_group(&w.creds.0, false);
    assert_eq!(w.send(&LeverEvent::hired(&ids.grace)).await, 200);
    let failed = wait_row(&win, "candidateHired", "Grace Hopper", "Failed").await;
    win.click(&failed.testid).await;
    win.see("detail-panel", "Grace Hopper").await;
    win.see("detail-reason", "403").await;
    // Fixed in bob; Retry in the window finishes it.
    w.bob.set_permission_group(&w.creds.0, true);
    win.click("detail-retry").await;
    wait_row(&win, "candidateHired", "Grace Hopper", "Done").await;
    win.see("detail-steps", "created the bob employee grace@example.com")
        .await;
    assert_eq!(
        w.bob
            .employees()
            .iter()
            .filter(|e| e["email"] == "grace@example.com")
            .count(),
        1
    );
    win.close().await;
}

/// The window is created hidden and shown once its page has loaded, or at the latest after a
/// few seconds (see the app's
/// `desktop/showing.rs`): it must then be on screen, which the page sees as its visibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_created_hidden_is_on_screen_once_the_app_has_started() {
    let app = hirewire_e2e::app::App::new();
    let win = Window::open(&app).await;
    win.see("wizard-current", "Step 1 of 8").await;
    wait::until_true("the page to be visible", UI_TIMEOUT, || async {
        win.client
            .execute("return document.visibilityState", vec![])
            .await
            .is_ok_and(|v| v == "visible")
    })
    .await;
    win.close().await;
}

/// The `hirewire` process among the window's processes.
fn app_pid(win: &Window) -> Option<u32> {
    win.app_pids().into_iter().find(|pid| {
        std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|exe| exe.file_name().is_some_and(|n| n == "hirewire"))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_demo_shows_the_flows_and_leaving_it_stays_in_the_same_process_and_leaves_nothing_behind(
) {
    let app = hirewire_e2e::app::App::new();
    clear_demo_secrets(&app);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let win = Window::open_demo(&app, tmp.path()).await;
    win.find("demo-banner").await;
    wait_row(&win, "candidateHired", "Ada Lovelace", "Done").await;
    win.see("health-banner", "reached Hirewire only by catching up")
        .await;
    win.screenshot("demo-history").await;
    let pid = app_pid(&win).unwrap_or_else(|| panic!("no hirewire process under the driver"));
    let folders = |p: &std::path::Path| std::fs::read_dir(p).map(|d| d.count()).unwrap_or(0);
    assert!(
        folders(tmp.path()) > 0,
        "the demo keeps its data in a temporary folder"
    );

    win.click("leave-demo").await;
    win.see("wizard-current", "Step 1 of 8").await;
    // The README's screenshots are these two (docs/screenshots/window-*.png).
    win.screenshot("demo-left-wizard").await;
    assert_eq!(app_pid(&win), Some(pid), "the same process, not a relaunch");
    assert!(
        win.all("demo-banner").await.is_empty(),
        "no demo banner any more"
    );
    let dir = tmp.path().to_path_buf();
    wait::until_every(
        "the demo's folder to be removed",
        T,
        Duration::from_millis(200),
        || {
            let n = folders(&dir);
            async move { (n == 0).then_some(()) }
        },
    )
    .await;
    // The keychain still works in this session: the relay step saves its secret.
    let relay = hirewire_e2e::relay::Relay::start(&["--rate-limit", "0"]).await;
    let channel = relay.add_channel("after-demo");
    win.fill("relay-code", &channel.connect).await;
    win.click("wizard-next").await;
    win.see("wizard-current", "Step 2 of 8").await;
    let secrets = app.ok(&["secret", "list"], "");
    assert!(
        secrets
            .lines()
            .any(|l| l.starts_with("relay-secret") && l.ends_with(" set")),
        "{secrets}"
    );
    // The demo's fake keys never reached the keychain.
    let listed = demo_secrets(&app, &["list"]);
    assert!(
        listed.lines().all(|l| l.ends_with("not set")),
        "no demo secret in the keychain: {listed}"
    );
}

/// `hirewire --profile demo secret ARGS…`: the keychain entries an older demo would have left.
fn demo_secrets(app: &hirewire_e2e::app::App, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(hirewire_e2e::bins::path("hirewire"));
    cmd.args(["--data"])
        .arg(&app.data)
        .args(["--profile", "demo", "secret"])
        .args(args);
    hirewire_e2e::proc::hermetic(&mut cmd);
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes the `demo/*` secrets a demo of an older build left in this session's keychain, so
/// that finding one afterwards proves this build wrote it.
fn clear_demo_secrets(app: &hirewire_e2e::app::App) {
    let listed = demo_secrets(app, &["list"]);
    let set = listed
        .lines()
        .filter(|l| !l.ends_with("not set"))
        .filter_map(|l| l.split_whitespace().next());
    for name in set {
        demo_secrets(app, &["delete", name]);
    }
}

/// A seat's window: another recruiter's profile joined to the team shows the engine's
/// history from the team log (only History and Team in its navigation), and its Approve,
/// sent to the engine as a command, creates the employee once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seat_s_window_shows_the_team_s_history_and_its_approve_creates_the_employee() {
    let mut w = World::new(hirewire_e2e::world::Options {
        review: true,
        ..Default::default()
    })
    .await;
    w.start().await;
    let code = hirewire_e2e::seats::invite(&w.app, "dana", "member", "1h");
    let seat = hirewire_e2e::app::App::new();
    let joined = seat.cli(&["team", "join", &code, "--name", "dana"], "");
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    w.wait_final(&w.ids.ada, "candidateHired", T).await;

    let win = Window::open(&seat).await;
    win.find("nav-history").await;
    let waiting = wait_row(&win, "candidateHired", "Ada Lovelace", "Waiting").await;
    wait::until_true(
        "the seat's navigation without Setup",
        UI_TIMEOUT,
        || async { win.all("nav-setup").await.is_empty() },
    )
    .await;
    win.find("nav-team").await;
    win.click(&waiting.testid).await;
    win.see("detail-panel", "Ada Lovelace").await;
    win.click("detail-approve").await;
    wait_row(&win, "candidateHired", "Ada Lovelace", "Done").await;
    assert_eq!(
        w.bob
            .employees()
            .iter()
            .filter(|e| e["email"] == "ada@example.com")
            .count(),
        1
    );
    win.click("nav-team").await;
    win.see("team-members", "dana").await;
    // The one picture is taken here: see `Window::screenshot` on why not while notifications
    // of the waiting review are up.
    win.screenshot("seat-team").await;
    win.close().await;
}
