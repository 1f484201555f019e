//! `make-fixtures OUT_DIR`: writes the upgrade fixtures with the binaries in
//! `HIREWIRE_E2E_BINS` (a released `hirewire` and `hirewire-relay`), through those
//! binaries only, on loopback with the fake vendors. Run by `scripts/make-fixtures.sh`;
//! no test runs it (the fixtures are kept, never regenerated).
//!
//! What it leaves in OUT_DIR:
//! - `profile/hirewire.redb`: a profile with history (a hire approved and done, with its
//!   steps and the `employee:` link that keeps it from being done twice), a hire waiting
//!   for review (a job in flight), an assessment sent and being polled, dedupe records,
//!   and events in the inbox (taken from the relay and acknowledged, not yet taken in:
//!   the secrets file is made unreadable for a moment, so that the intake waits).
//! - `relay/relay.redb`: the relay's store with the same channel and events still queued
//!   for it (sent while the engine was stopped).
//! - `relay/channel.json`: that channel's id and secret (a throwaway test relay's).
//! - `manifest.json`: the release, and a dump of every table of both files as the release
//!   left them.
//!
//! Teams (several seats on one engine) do not exist in this release: there is nothing of
//! them to keep yet.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use hirewire_e2e::fixtures;
use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::webhook::LeverEvent;

const T: Duration = Duration::from_secs(60);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: make-fixtures OUT_DIR")?,
    );
    std::fs::create_dir_all(out.join("profile"))?;
    std::fs::create_dir_all(out.join("relay"))?;
    let keys = tempfile::tempdir()?;
    let key_file = keys.path().join("secrets.key");
    let mut key = vec![0u8; 32];
    {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
    }
    std::fs::write(&key_file, &key)?;

    let mut w = World::unconfigured().await;
    w.app.env.push((
        "HIREWIRE_SECRETS_KEY_FILE".into(),
        key_file.display().to_string(),
    ));
    let release = w.app.ok(&["--version"], "").trim().to_string();
    w.configure(&Options {
        review: true,
        ..Options::default()
    });
    w.start().await;

    // An assessment sent and being polled (every hour: it stays in flight).
    w.move_to_assessment(&w.ids.ada).await;
    let sent = w.wait_final(&w.ids.ada, "candidateStageChange", T).await;
    anyhow::ensure!(sent["status"] == "done", "{sent:#}");
    // A hire that waited for review, approved and done: history, steps, the link.
    anyhow::ensure!(w.send(&LeverEvent::hired(&w.ids.ada)).await == 200);
    let waiting = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    anyhow::ensure!(waiting["status"] == "waiting", "{waiting:#}");
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();
    w.app.ok(&["approve", &id], "");
    let done = waiting["id"].as_u64();
    w.app
        .wait_entry("Ada's hire done", T, move |e| {
            e["id"].as_u64() == done && e["status"] == "done"
        })
        .await;
    // A hire left waiting for review: a job in flight.
    let katherine = w.add_hireable(&Hireable {
        id: "opp-katherine",
        name: "Katherine Johnson",
        email: "katherine@example.com",
        title: "Software Engineer",
        start: "2027-01-04",
        ..Default::default()
    });
    anyhow::ensure!(w.send(&LeverEvent::hired(&katherine)).await == 200);
    let waits = w.wait_final(&katherine, "candidateHired", T).await;
    anyhow::ensure!(waits["status"] == "waiting", "{waits:#}");

    // Events in the inbox: the intake waits while the secrets cannot be read.
    let secrets = w.app.data.join(&w.app.profile).join("secrets.enc");
    let kept = std::fs::read(&secrets)?;
    std::fs::write(&secrets, b"not a secrets file")?;
    for event in [
        LeverEvent::stage_change(&w.ids.grace, &w.ids.stage_phone, &w.ids.stage_onsite),
        LeverEvent::archive_change(&w.ids.alan, &w.ids.reason_not_a_fit),
    ] {
        anyhow::ensure!(w.send(&event).await == 200);
    }
    let db = w.app.db_file();
    let deadline = std::time::Instant::now() + T;
    loop {
        let inbox = fixtures::dump_profile(&db)
            .map(|d| fixtures::rows(&d, "inbox-v1").len())
            .unwrap_or(0);
        if inbox >= 2 {
            break;
        }
        if std::time::Instant::now() > deadline {
            let log = w.app.stop().await;
            anyhow::bail!("the two events did not wait in the inbox; the engine's log:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    w.app.stop().await;
    std::fs::write(&secrets, &kept)?;

    // Events queued on the relay for the stopped engine.
    for opp in [&w.ids.ada, &w.ids.grace, &w.ids.alan] {
        let event = LeverEvent::stage_change(opp, &w.ids.stage_onsite, &w.ids.stage_offer);
        anyhow::ensure!(w.send(&event).await == 200);
    }
    w.relay.stop().await;

    let profile = out.join("profile/hirewire.redb");
    let relay = out.join("relay/relay.redb");
    std::fs::copy(w.app.db_file(), &profile)?;
    std::fs::copy(w.relay.dir.join("relay.redb"), &relay)?;
    std::fs::write(
        out.join("relay/channel.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "channel": w.channel.channel,
            "secret": w.channel.secret,
        }))?,
    )?;
    let manifest = serde_json::json!({
        "release": release,
        "profile": fixtures::dump_profile(&profile).map_err(anyhow::Error::msg)?,
        "relay": fixtures::dump_relay(&relay).map_err(anyhow::Error::msg)?,
    });
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    eprintln!("fixtures of {release} written to {}", out.display());
    Ok(())
}
