//! Team mode end to end: the real relay, the owner's `hirewire run` with the fake vendors,
//! and seats — other `hirewire` profiles with their own data and keychain entries, and
//! for what no honest seat sends, a seat held in this process. See docs/team.md.

use std::time::Duration;

use hirewire_e2e::app::App;
use hirewire_e2e::scan::holding;
use hirewire_e2e::seats::{invite, InProcessSeat};
use hirewire_e2e::wait;
use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::webhook::LeverEvent;
use hirewire_team::{seal_command, Action, CommandBody, DeviceKeys};
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

/// A second candidate ready to be hired: Katherine Johnson.
fn katherine(w: &World) -> String {
    w.add_hireable(&Hireable {
        id: "opp-katherine",
        name: "Katherine Johnson",
        email: "katherine@example.com",
        title: "Software Engineer",
        start: "2027-03-01",
        ..Default::default()
    })
}

/// Every byte the candidates are known by in the fakes.
const PERSONAL: [&str; 8] = [
    "Katherine Johnson",
    "katherine@example.com",
    "Ada Lovelace",
    "ada@example.com",
    "Grace Hopper",
    "grace@example.com",
    "Alan Turing",
    "alan@example.com",
];

fn employees_of(w: &World, email: &str) -> usize {
    w.bob
        .employees()
        .into_iter()
        .filter(|e| e["email"] == email)
        .count()
}

/// A seat: a second installation that joined with `code` as `name` (without `--name`
/// when empty: then as the owner invited it), its `run` started.
async fn seat(code: &str, name: &str) -> App {
    let mut app = App::new();
    let mut args = vec!["team", "join", code];
    if !name.is_empty() {
        args.extend(["--name", name]);
    }
    let out = app.cli(&args, "");
    assert_eq!(out.code, 0, "join: {}", out.stderr);
    assert!(out.stdout.contains("fingerprint"), "{}", out.stdout);
    app.start().await;
    app
}

/// A world whose hires wait for review, its engine started.
async fn reviewing_world() -> World {
    let mut w = World::new(Options {
        review: true,
        ..Default::default()
    })
    .await;
    w.start().await;
    w
}

/// The entry for `opp`'s hire on `app`, once it is `status`.
async fn entry_on(app: &App, opp: &str, status: &str) -> Value {
    let (opp, status) = (opp.to_string(), status.to_string());
    app.wait_entry(&format!("the hire of {opp} to be {status}"), T, move |e| {
        e["opportunity_id"] == opp.as_str()
            && e["event"] == "candidateHired"
            && e["status"] == status.as_str()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_and_a_viewer_see_a_waiting_hire_and_only_the_member_s_approve_creates_one_employee(
) {
    let w = reviewing_world().await;
    let dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    // Vic joins without --name: the name she was invited with is hers.
    let vic = seat(&invite(&w.app, "vic", "viewer", "1h"), "").await;

    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let waiting = entry_on(&w.app, &w.ids.ada, "waiting").await;
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();
    for s in [&dana, &vic] {
        let shown = entry_on(s, &w.ids.ada, "waiting").await;
        assert_eq!(shown["id"], waiting["id"], "entry numbers are the engine's");
        assert_eq!(shown["candidate"], "Ada Lovelace");
    }

    let refused = vic.cli(&["approve", &id, "--wait", "30s"], "");
    assert_ne!(refused.code, 0, "a viewer's approve must fail");
    assert!(refused.stderr.contains("viewer"), "{}", refused.stderr);
    assert_eq!(w.bob.create_calls(), 0, "nothing happens for a viewer");

    let said = dana.cli(&["approve", &id, "--wait", "30s"], "");
    assert_eq!(said.code, 0, "{}", said.stderr);
    assert!(said.stderr.contains("approved by dana"), "{}", said.stderr);
    entry_on(&w.app, &w.ids.ada, "done").await;
    for s in [&dana, &vic] {
        entry_on(s, &w.ids.ada, "done").await;
    }
    let again = dana.cli(&["approve", &id, "--wait", "30s"], "");
    assert_ne!(again.code, 0, "a second approve of a done entry is refused");
    assert_eq!(employees_of(&w, "ada@example.com"), 1);

    // The seats' lists name every device and role.
    let listed = dana.ok(&["team", "list", "--json"], "");
    for who in ["ana", "dana", "vic"] {
        assert!(listed.contains(&format!("\"name\":\"{who}\"")), "{listed}");
    }
    let owner_list = w.app.ok(&["team", "list"], "");
    assert!(owner_list.contains("vic\tviewer"), "{owner_list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_holds_no_candidate_name_or_email_in_its_store_or_its_log() {
    let w = reviewing_world().await;
    let dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    let kat = katherine(&w);
    for opp in [&w.ids.ada, &kat] {
        assert_eq!(w.send(&LeverEvent::hired(opp)).await, 200);
    }
    for opp in [&w.ids.ada, &kat] {
        let on_engine = w.wait_final(opp, "candidateHired", T).await;
        let status = on_engine["status"].as_str().unwrap_or_default();
        let e = entry_on(&dana, opp, status).await;
        assert!(
            e["candidate"].as_str().is_some_and(|c| !c.is_empty()),
            "{e}"
        );
    }
    let found = holding(&w.relay.dir, &PERSONAL);
    assert!(
        found.is_empty(),
        "the relay's files hold personal data: {found:?}"
    );
    let log = w.relay.proc.output().join("\n");
    for p in PERSONAL {
        assert!(
            !log.to_lowercase().contains(&p.to_lowercase()),
            "the relay logged {p:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_seat_reads_nothing_written_after_and_its_approve_is_refused() {
    let w = reviewing_world().await;
    let dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    let mut eve = seat(&invite(&w.app, "eve", "member", "1h"), "eve").await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    entry_on(&eve, &w.ids.ada, "waiting").await;

    w.app.ok(&["team", "remove", "eve"], "");
    let kat = katherine(&w);
    assert_eq!(w.send(&LeverEvent::hired(&kat)).await, 200);
    let waiting = entry_on(&dana, &kat, "waiting").await;
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();

    let refused = eve.cli(&["approve", &id, "--wait", "10s"], "");
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("removed"), "{}", refused.stderr);
    let _ = eve.stop().await;
    assert!(
        !eve.history()
            .iter()
            .any(|e| e["opportunity_id"] == kat.as_str()),
        "the removed seat's copy got the hire written after its removal"
    );
    let found = holding(
        eve.profile_dir(),
        &["Katherine Johnson", "katherine@example.com"],
    );
    assert!(found.is_empty(), "{found:?}");

    let ok = dana.cli(&["approve", &id, "--wait", "30s"], "");
    assert_eq!(ok.code, 0, "the remaining seat goes on: {}", ok.stderr);
    entry_on(&dana, &kat, "done").await;
    assert_eq!(employees_of(&w, "katherine@example.com"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn used_expired_and_mistyped_codes_are_refused_with_what_to_do() {
    let mut w = World::new(Options::default()).await;
    w.start().await;
    let code = invite(&w.app, "dana", "member", "1h");
    let _dana = seat(&code, "dana").await;

    let used = App::new().cli(
        &["team", "join", &code, "--name", "mallory", "--wait", "10s"],
        "",
    );
    assert_eq!(used.code, 2, "{}", used.stderr);
    assert!(used.stderr.contains("already used"), "{}", used.stderr);

    let fresh = invite(&w.app, "erin", "member", "1h");
    let mut chars: Vec<char> = fresh.chars().collect();
    let at = chars.len() / 2;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let typo: String = chars.into_iter().collect();
    let mistyped = App::new().cli(&["team", "join", &typo, "--name", "erin"], "");
    assert_eq!(mistyped.code, 2, "{}", mistyped.stderr);
    assert!(
        mistyped.stderr.contains("mistyped") || mistyped.stderr.contains("not a team code"),
        "{}",
        mistyped.stderr
    );

    let short = invite(&w.app, "fay", "member", "1s");
    let decoded = hirewire_team::Invite::decode(&short).unwrap_or_else(|e| panic!("{e}"));
    wait::until_true(
        "the short code to expire",
        Duration::from_secs(10),
        || async { hirewire_engine::time::now_ms() / 1000 > decoded.expires_at },
    )
    .await;
    let expired = App::new().cli(&["team", "join", &short, "--name", "fay"], "");
    assert_eq!(expired.code, 2, "{}", expired.stderr);
    assert!(expired.stderr.contains("expired"), "{}", expired.stderr);

    // The open invite's code (its pairing password) is in the owner's keychain, never in
    // the profile's files; the invite whose code was mistyped still works with it.
    let open = hirewire_team::Invite::decode(&fresh).unwrap_or_else(|e| panic!("{e}"));
    let found = hirewire_e2e::scan::holding_bytes(
        &w.app.data,
        &[fresh.as_bytes(), open.password.as_slice()],
    );
    assert!(found.is_empty(), "an invite's secret on disk: {found:?}");
    let _erin = seat(&fresh, "erin").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_and_old_epoch_commands_are_refused_and_do_nothing() {
    let mut w = reviewing_world().await;
    let mut mia = InProcessSeat::join(&invite(&w.app, "mia", "member", "1h"), "mia").await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let waiting = entry_on(&w.app, &w.ids.ada, "waiting").await;
    let id = waiting["id"].as_u64();
    let channel = mia.config.channel.clone();
    let device =
        hirewire_team::device_id_from_str(&mia.config.device).unwrap_or_else(|e| panic!("{e}"));
    let current = || mia_key(&mia);

    // Signed by a key that is not mia's, though it names her device.
    let stranger = DeviceKeys::generate();
    let body = CommandBody::new(Action::Approve, id, None, hirewire_engine::time::now_ms());
    let forged = seal_command(&channel, &current(), &device, stranger.signing_key(), &body);
    let seq = mia
        .api()
        .send_command(&forged)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = mia.answer(seq, T).await;
    assert!(!r.ok && r.message.contains("cannot be trusted"), "{r:?}");

    // A device the relay knows (registered with the channel secret) but the engine does not.
    let outsider = DeviceKeys::generate();
    let outsider_id = hirewire_team::new_device_id();
    let outsider_name = hirewire_team::device_id_to_string(&outsider_id);
    let owner_api = hirewire_engine::team::relay_api::RelayApi::new(
        reqwest::Client::new(),
        &w.relay.url(),
        &w.channel.channel,
        hirewire_engine::team::relay_api::Caller::Engine(hirewire_engine::secrets::Secret::new(
            w.channel.secret.clone(),
        )),
    );
    owner_api
        .put_device(
            &outsider_name,
            &outsider.public_key(),
            hirewire_relay::team::SeatRole::Member,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let as_outsider = hirewire_engine::team::relay_api::RelayApi::new(
        reqwest::Client::new(),
        &w.relay.url(),
        &w.channel.channel,
        hirewire_engine::team::relay_api::Caller::Seat {
            device: outsider_name.clone(),
            key: Box::new(outsider.signing_key().clone()),
        },
    );
    let body = CommandBody::new(Action::Approve, id, None, hirewire_engine::time::now_ms());
    let sealed = seal_command(
        &channel,
        &current(),
        &outsider_id,
        outsider.signing_key(),
        &body,
    );
    let seq = as_outsider
        .send_command(&sealed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = mia.answer(seq, T).await;
    assert!(!r.ok && r.message.contains("not a member"), "{r:?}");
    assert_eq!(
        w.bob.create_calls(),
        0,
        "nothing was created by a forged command"
    );

    // mia's own approve, then the same bytes replayed: one employee.
    let body = CommandBody::new(Action::Approve, id, None, hirewire_engine::time::now_ms());
    let real = seal_command(
        &channel,
        &current(),
        &device,
        mia.device.signing_key(),
        &body,
    );
    let seq = mia
        .api()
        .send_command(&real)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = mia.answer(seq, T).await;
    assert!(r.ok, "{r:?}");
    let replay = mia
        .api()
        .send_command(&real)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    w.app
        .wait_log(&format!("team: command {replay} was already done"), T)
        .await;
    entry_on(&w.app, &w.ids.ada, "done").await;
    assert_eq!(employees_of(&w, "ada@example.com"), 1);

    // Someone else is removed: a new epoch; a command sealed under the old one is refused.
    let _nia = seat(&invite(&w.app, "nia", "member", "1h"), "nia").await;
    let old = current();
    w.app.ok(&["team", "remove", "nia"], "");
    let kat = katherine(&w);
    assert_eq!(w.send(&LeverEvent::hired(&kat)).await, 200);
    let waiting_kat = entry_on(&w.app, &kat, "waiting").await;
    // Each read of the log waits for a record (a long poll), so this loop does not spin.
    let deadline = std::time::Instant::now() + T;
    loop {
        mia.sync(Duration::from_millis(500)).await;
        mia.reload_keys().await;
        if mia_key(&mia).epoch > old.epoch {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "mia never got the new epoch"
        );
    }
    let body = CommandBody::new(
        Action::Approve,
        waiting_kat["id"].as_u64(),
        None,
        hirewire_engine::time::now_ms(),
    );
    let stale = seal_command(&channel, &old, &device, mia.device.signing_key(), &body);
    let seq = mia
        .api()
        .send_command(&stale)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = mia.answer(seq, T).await;
    assert!(!r.ok && r.message.contains("old key"), "{r:?}");
    assert_eq!(employees_of(&w, "katherine@example.com"), 0);
}

fn mia_key(seat: &InProcessSeat) -> hirewire_team::TeamKey {
    let k = seat
        .epochs
        .current()
        .unwrap_or_else(|| panic!("no team key"));
    hirewire_team::TeamKey::from_b64(k.epoch, &k.to_b64()).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approve_sent_while_the_engine_is_stopped_waits_and_is_carried_out_once_when_it_is_back()
{
    let mut w = reviewing_world().await;
    let dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let waiting = entry_on(&dana, &w.ids.ada, "waiting").await;
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();
    let _ = w.app.stop().await;

    let first = dana.cli(&["approve", &id, "--wait", "2s"], "");
    assert_ne!(first.code, 0);
    assert!(
        first.stderr.contains("waits on the relay"),
        "{}",
        first.stderr
    );
    // Asked again before the engine answered: the same command goes again, not a new one.
    let second = dana.cli(&["approve", &id, "--wait", "2s"], "");
    assert_ne!(second.code, 0, "{}", second.stderr);
    assert_eq!(w.bob.create_calls(), 0);

    w.start().await;
    entry_on(&dana, &w.ids.ada, "done").await;
    assert_eq!(employees_of(&w, "ada@example.com"), 1);
    let third = dana.cli(&["approve", &id, "--wait", "30s"], "");
    assert_eq!(
        third.code, 0,
        "the answer to the command sent while it was away: {}",
        third.stderr
    );
    assert!(
        third.stderr.contains("approved by dana"),
        "{}",
        third.stderr
    );
    assert_eq!(employees_of(&w, "ada@example.com"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_s_catch_up_runs_on_the_engine_and_what_it_finds_reaches_the_seat_once() {
    let mut w = World::new(Options::default()).await;
    w.start().await;
    let dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    let vic = seat(&invite(&w.app, "vic", "viewer", "1h"), "vic").await;
    // Hired in Lever, its webhook never sent: only a catch-up finds it.
    let opp = w.add_hired_without_webhook("cu", "cand", 1, "2027-03-01");

    let refused = vic.cli(&["reconcile"], "");
    assert_ne!(refused.code, 0, "a viewer's catch-up must fail");
    assert!(refused.stderr.contains("viewer"), "{}", refused.stderr);
    let dry = dana.cli(&["reconcile", "--dry-run"], "");
    assert_eq!(dry.code, 2, "a dry run is the engine's: {}", dry.stderr);
    assert!(
        dry.stderr.contains("engine's own profile"),
        "{}",
        dry.stderr
    );

    let said = dana.cli(&["reconcile", "--wait", "2m"], "");
    assert_eq!(said.code, 0, "{}", said.stderr);
    assert!(
        said.stdout
            .contains("caught up by dana: 1 event the webhooks missed"),
        "{}",
        said.stdout
    );
    let shown = entry_on(&dana, &opp, "done").await;
    assert_eq!(shown["candidate"], "Cand 0001");
    assert_eq!(shown["source"], "reconcile");
    assert_eq!(employees_of(&w, "cand0001@example.com"), 1);

    let again = dana.cli(&["reconcile", "--wait", "2m"], "");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("nothing the webhooks missed"),
        "{}",
        again.stdout
    );
    assert_eq!(employees_of(&w, "cand0001@example.com"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_whose_code_left_the_keychain_is_spent_once_and_its_code_refused() {
    let mut w = World::new(Options::default()).await;
    w.start().await;
    let _dana = seat(&invite(&w.app, "dana", "member", "1h"), "dana").await;
    // Made while the engine is stopped, its code then gone from the keychain before the
    // engine sees the invite: it can never pair.
    let _ = w.app.stop().await;
    let code = invite(&w.app, "erin", "member", "1h");
    w.app.ok(&["secret", "delete", "team-invites"], "");
    w.start().await;
    w.app
        .wait_log("an invite was spent without a device joining", T)
        .await;
    let refused = App::new().cli(
        &["team", "join", &code, "--name", "erin", "--wait", "10s"],
        "",
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("already used, has expired or was withdrawn"),
        "{}",
        refused.stderr
    );
}
