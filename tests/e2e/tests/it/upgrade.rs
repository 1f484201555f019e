//! Upgrades that lose nothing: the files a released Hirewire wrote (`tests/fixtures/`,
//! kept, never regenerated) open in this build with every entry, job, link, inbox event
//! and queued webhook intact; a file of a newer format is refused and left byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use hirewire_e2e::app::App;
use hirewire_e2e::fixtures::{self, Dump};
use hirewire_e2e::proc::Proc;
use hirewire_e2e::relay::Relay;
use hirewire_e2e::stream;
use serde_json::{json, Value};

use hirewire_e2e::deadline::RELAY as T;
/// The release whose files the fixtures are: the last one before formats were recorded.
const RELEASE: &str = "v0.1.0";

fn manifest() -> Value {
    let path = fixtures::dir(RELEASE).join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dump_of(manifest: &Value, which: &str) -> Dump {
    serde_json::from_value(manifest[which].clone()).unwrap_or_else(|e| panic!("{which}: {e}"))
}

/// An installation whose profile is a copy of the fixture profile.
fn app_with_fixture_profile() -> App {
    let app = App::new();
    let dir = app.data.join(&app.profile);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let from = fixtures::dir(RELEASE).join("profile/hirewire.redb");
    std::fs::copy(&from, app.db_file()).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    app
}

/// A copy of the fixture relay store in a fresh directory.
fn relay_dir_with_fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().join("relay");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let from = fixtures::dir(RELEASE).join("relay/relay.redb");
    std::fs::copy(&from, dir.join("relay.redb"))
        .unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    (tmp, dir)
}

#[test]
fn both_binaries_say_their_release() {
    let version = env!("CARGO_PKG_VERSION");
    assert_ne!(
        version, "0.1.0",
        "the workspace carries a real release number"
    );
    for bin in ["hirewire", "hirewire-relay"] {
        let out = Command::new(hirewire_e2e::bins::path(bin))
            .arg("--version")
            .output()
            .unwrap_or_else(|e| panic!("{bin}: {e}"));
        assert!(out.status.success(), "{bin} --version");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("{bin} {version}")
        );
    }
}

#[test]
fn the_fixtures_are_what_the_release_wrote() {
    let m = manifest();
    assert_eq!(m["release"], "hirewire 0.1.0");
    let profile = dump_of(&m, "profile");
    // No format was recorded before this one: the files are "format 1" by that rule.
    assert!(fixtures::rows(&profile, "meta-v1")
        .iter()
        .all(|(k, _)| k != "format_version"));
    // Something of every kind the upgrade must keep.
    for table in [
        "entries-v1",
        "details-v1",
        "jobs-v1",
        "links-v1",
        "inbox-v1",
        "seen-v1",
        "assessments-v1",
    ] {
        assert!(
            !fixtures::rows(&profile, table).is_empty(),
            "the fixture profile has no {table}"
        );
    }
    let relay = dump_of(&m, "relay");
    assert!(
        fixtures::rows(&relay, "events-v1").len() >= 3,
        "queued events"
    );
}

#[test]
fn a_profile_written_by_0_1_0_opens_with_every_entry_job_link_and_inbox_event_intact() {
    let m = manifest();
    let before = dump_of(&m, "profile");
    let app = app_with_fixture_profile();
    // The current build opens it through the CLI (the same open as the engine's) ...
    let history = app.history();
    let entries = fixtures::rows(&before, "entries-v1");
    assert_eq!(history.len(), entries.len(), "every entry is listed");
    for (id, stored) in entries {
        let stored: Value = serde_json::from_str(stored.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("entry {id}: {e}"));
        let shown = history
            .iter()
            .find(|e| e["id"] == *id)
            .unwrap_or_else(|| panic!("entry {id} is not listed"));
        for field in [
            "event",
            "opportunity_id",
            "candidate",
            "flow",
            "status",
            "reason",
        ] {
            assert_eq!(shown[field], stored[field], "entry {id}: {field}");
        }
    }
    // ... and every table holds what the release left, byte for byte; the only change is
    // the format, stamped as 1.
    let after = fixtures::dump_profile(&app.db_file()).unwrap_or_else(|e| panic!("{e}"));
    for (table, rows) in &before {
        if table == "meta-v1" {
            let mut expected = rows.clone();
            expected.push((json!("format_version"), json!(1)));
            expected.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
            assert_eq!(
                fixtures::rows(&after, table),
                expected.as_slice(),
                "{table}"
            );
        } else {
            assert_eq!(fixtures::rows(&after, table), rows.as_slice(), "{table}");
        }
    }
    // The current build reads every job and inbox event as its own records.
    let store = hirewire_engine::store::Store::open(&app.data.join(&app.profile))
        .unwrap_or_else(|e| panic!("{e}"));
    let jobs = store.read(|rx| rx.jobs()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(jobs.len(), fixtures::rows(&before, "jobs-v1").len());
    for (id, slot) in &jobs {
        assert!(
            matches!(slot, hirewire_engine::work::JobSlot::Job(_)),
            "job {id} reads as {slot:?}"
        );
    }
    for (at, stored) in fixtures::rows(&before, "inbox-v1") {
        let event: Result<hirewire_engine::model::RawEvent, _> =
            serde_json::from_str(stored.as_str().unwrap_or_default());
        assert!(event.is_ok(), "inbox {at}: {event:?}");
    }
    let inbox = store
        .read(|rx| rx.inbox_len())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inbox as usize, fixtures::rows(&before, "inbox-v1").len());
}

#[tokio::test]
async fn a_relay_store_written_by_0_1_0_delivers_every_queued_event() {
    if hirewire_e2e::relay::skip_on_nats(
        "a_relay_store_written_by_0_1_0_delivers_every_queued_event",
        "the fixture is a redb file",
    ) {
        return;
    }
    let m = manifest();
    let before = dump_of(&m, "relay");
    let events = fixtures::rows(&before, "events-v1");
    let channel: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures::dir(RELEASE).join("relay/channel.json"))
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (id, secret) = (
        channel["channel"].as_str().unwrap_or_default(),
        channel["secret"].as_str().unwrap_or_default(),
    );
    let (_tmp, dir) = relay_dir_with_fixture();
    let mut relay = Relay::start_in(&dir, "127.0.0.1:0", &[]).await;
    let mut s = stream::connect(&relay.url(), id, Some(secret))
        .await
        .unwrap_or_else(|c| panic!("the fixture's channel connects: {c}"));
    assert_eq!(
        s.pending as usize,
        events.len(),
        "the welcome counts every queued event"
    );
    for (key, stored) in events {
        let stored: Value = serde_json::from_str(stored.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let got = s.event(T).await;
        assert_eq!(json!([id, got.seq]), *key, "in order, with its seq");
        assert_eq!(
            got.body,
            stored["body"].as_str().unwrap_or_default(),
            "{key}: the body"
        );
        assert_eq!(
            got.endpoint,
            stored["endpoint"].as_str().unwrap_or_default()
        );
    }
    s.close().await;
    relay.stop().await;
    let after = fixtures::dump_relay(&dir.join("relay.redb")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        fixtures::rows(&after, "channels-v1"),
        fixtures::rows(&before, "channels-v1")
    );
    let format = fixtures::rows(&after, "meta-v1")
        .iter()
        .find(|(k, _)| k == "format_version")
        .map(|(_, v)| v.clone());
    assert_eq!(format, Some(json!("1")), "stamped as format 1");
}

/// Raises the recorded format of a file to 99, as a newer Hirewire would leave it.
fn make_newer_profile(path: &Path) {
    let db = redb::Database::builder()
        .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
        .open(path)
        .unwrap_or_else(|e| panic!("{e}"));
    let txn = db.begin_write().unwrap_or_else(|e| panic!("{e}"));
    {
        let def: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta-v1");
        let mut meta = txn.open_table(def).unwrap_or_else(|e| panic!("{e}"));
        meta.insert("format_version", 99)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    txn.commit().unwrap_or_else(|e| panic!("{e}"));
}

fn make_newer_relay(path: &Path) {
    let db = redb::Database::open(path).unwrap_or_else(|e| panic!("{e}"));
    let txn = db.begin_write().unwrap_or_else(|e| panic!("{e}"));
    {
        let def: redb::TableDefinition<&str, &str> = redb::TableDefinition::new("meta-v1");
        let mut meta = txn.open_table(def).unwrap_or_else(|e| panic!("{e}"));
        meta.insert("format_version", "99")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    txn.commit().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_newer_profile_is_refused_by_every_command_and_left_byte_identical() {
    let app = app_with_fixture_profile();
    make_newer_profile(&app.db_file());
    let bytes = std::fs::read(app.db_file()).unwrap_or_else(|e| panic!("{e}"));
    for args in [&["history"][..], &["run"][..], &["config", "export"][..]] {
        let out = app.cli(args, "");
        assert_ne!(out.code, 0, "{args:?} refused");
        assert!(
            out.stderr.contains("written by a newer Hirewire (format 99); this build reads up to format 1: upgrade Hirewire, or restore a backup"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        let now = std::fs::read(app.db_file()).unwrap_or_else(|e| panic!("{e}"));
        assert!(now == bytes, "{args:?} changed the file");
    }
}

#[tokio::test]
async fn a_newer_relay_store_is_refused_by_serve_and_left_byte_identical() {
    if hirewire_e2e::relay::skip_on_nats(
        "a_newer_relay_store_is_refused_by_serve_and_left_byte_identical",
        "the fixture is a redb file",
    ) {
        return;
    }
    let (_tmp, dir) = relay_dir_with_fixture();
    let file = dir.join("relay.redb");
    make_newer_relay(&file);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(hirewire_e2e::bins::path("hirewire-relay"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&dir);
    let mut relay = Proc::spawn("relay", cmd);
    relay
        .wait_line(
            "written by a newer Hirewire relay (format 99); this build reads up to format 1: upgrade hirewire-relay, or restore a backup",
            T,
        )
        .await;
    // A relay that opened the file would serve for ever: it must exit, with 1, within T
    // (a Proc is killed when dropped, so a relay that serves does not outlive the test).
    let code = hirewire_e2e::wait::until("serve to exit after refusing the store", T, || {
        let code = relay.exit_code();
        async move { code }
    })
    .await;
    assert_eq!(code, 1, "{:#?}", relay.output());
    let now = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
    assert!(now == bytes, "serve changed the file");
}
