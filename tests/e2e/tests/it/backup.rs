//! Moving the engine (issue 26, item 2): `hirewire backup` on a profile that did a hire,
//! the old engine stopped, `hirewire restore` into a fresh profile on the secrets-file
//! store (no keychain reachable): the same webhook redelivered makes nothing new, the next
//! hire is done. The archive holds no readable secret or candidate; a wrong passphrase, a
//! cut archive and a flipped byte are refused and leave the target as it was; a profile
//! that holds something is never restored into.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use hirewire_e2e::app::App;
use hirewire_e2e::scan::holds;
use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::webhook::LeverEvent;

use hirewire_e2e::deadline::FLOW as T;
const PASSPHRASE: &str = "correct horse battery staple";
/// A session bus that is not there: the keychain cannot be reached, as on a VPS.
const NO_BUS: (&str, &str) = (
    "DBUS_SESSION_BUS_ADDRESS",
    "unix:path=/nonexistent/hirewire-no-bus",
);

fn random_key(path: &Path) {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// A new installation that keeps its secrets in a file under `key`, with no keychain.
fn server_app(key: &Path) -> App {
    let mut app = App::new();
    app.env.push((NO_BUS.0.into(), NO_BUS.1.into()));
    app.env.push((
        "HIREWIRE_SECRETS_KEY_FILE".into(),
        key.to_string_lossy().into_owned(),
    ));
    app
}

/// What is in the data folder (names only), to show a refused restore left nothing.
fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn backup(app: &App, file: &Path) -> String {
    let out = app.cli(
        &["backup", &file.to_string_lossy()],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 0, "backup failed: {}", out.stderr);
    out.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_engine_goes_on_where_the_old_one_stopped() {
    let mut w = World::started().await;
    let hired = LeverEvent::hired(&w.ids.ada);
    assert_eq!(w.send(&hired).await, 200);
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    assert_eq!(w.bob.create_calls(), 1);

    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let archive = scratch.path().join("hirewire.age");
    // Taken while the engine runs: one snapshot of the database.
    let said = backup(&w.app, &archive);
    assert!(
        said.contains("1 history entry") && said.contains("9 secrets"),
        "the backup says what it wrote: {said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600), "the archive is the owner's only");
    }
    let bytes = std::fs::read(&archive).unwrap_or_default();
    for value in w.secret_values() {
        assert!(
            !holds(&bytes, &value),
            "a secret value is readable in the archive"
        );
    }
    for personal in ["Ada Lovelace", "Lovelace", "ada@example.com"] {
        assert!(
            !holds(&bytes, personal),
            "{personal:?} is readable in the archive"
        );
    }
    assert_eq!(
        listing(scratch.path()),
        ["hirewire.age"],
        "no temporary file is left beside the archive"
    );

    // The old engine stops for good; the new one is on a server: no keychain, a key file.
    w.app.stop().await;
    let key = scratch.path().join("secrets.key");
    random_key(&key);
    let new = server_app(&key);
    let out = new.cli(
        &["restore", &archive.to_string_lossy()],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 0, "restore failed: {}", out.stderr);
    assert!(
        out.stdout.contains("restored")
            && out.stdout.contains("1 history entry")
            && out.stdout.contains("9 secrets"),
        "the restore says what it restored: {}",
        out.stdout
    );
    let listed = new.cli(&["secret", "list"], "");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stderr.contains("secrets.enc") && !listed.stdout.contains("not set"),
        "every secret is in the new profile's secrets file: {}{}",
        listed.stdout,
        listed.stderr
    );
    let history = new.history();
    assert_eq!(history.len(), 1, "{history:#?}");
    assert_eq!(history[0]["status"], "done");

    let _old = std::mem::replace(&mut w.app, new);
    w.app.start().await;
    // Lever redelivers the hire the old engine did: nothing new anywhere.
    assert_eq!(w.send(&hired).await, 200);
    // The next hire: done by the new engine. Intake takes events in order, so once it is
    // final the redelivery before it has been taken in too.
    let next = w.add_hireable(&Hireable {
        id: "opp-after-move",
        name: "Nora Moved",
        email: "nora.moved@example.com",
        title: "Software Engineer",
        start: "2027-02-01",
        ..Default::default()
    });
    assert_eq!(w.send(&LeverEvent::hired(&next)).await, 200);
    let entry = w.wait_final(&next, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    assert_eq!(w.employees_with("nora.moved@example.com").len(), 1);

    assert_eq!(
        w.employees_with("ada@example.com").len(),
        1,
        "still one Ada in bob"
    );
    assert_eq!(
        w.bob.create_calls(),
        2,
        "bob was asked to create Ada once, Nora once"
    );
    let ada_entries = w
        .app
        .history()
        .into_iter()
        .filter(|e| e["opportunity_id"] == w.ids.ada.as_str())
        .count();
    assert_eq!(ada_entries, 1, "the redelivery made no entry");
    w.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_passphrase_a_cut_archive_and_a_flipped_byte_are_refused_and_change_nothing() {
    let w = World::new(Options::default()).await;
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let archive = scratch.path().join("hirewire.age");
    backup(&w.app, &archive);
    let good = std::fs::read(&archive).unwrap_or_default();
    assert!(good.len() > 400, "{} bytes", good.len());

    let variant = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = scratch.path().join(name);
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
        p
    };
    let mut flipped_payload = good.clone();
    let at = good.len() - 40;
    flipped_payload[at] ^= 0x01;
    let mut flipped_header = good.clone();
    flipped_header[60] ^= 0x01;
    let cases = [
        (
            "a wrong passphrase",
            archive.clone(),
            "not the passphrase at all",
            "passphrase does not open",
        ),
        (
            "a cut archive (half)",
            variant("half.age", &good[..good.len() / 2]),
            PASSPHRASE,
            "damaged or cut short",
        ),
        (
            "a cut archive (the last byte)",
            variant("cut.age", &good[..good.len() - 1]),
            PASSPHRASE,
            "damaged or cut short",
        ),
        (
            "a flipped byte in the payload",
            variant("flipped.age", &flipped_payload),
            PASSPHRASE,
            "damaged or cut short",
        ),
        (
            "a flipped byte in the header",
            variant("flipped-header.age", &flipped_header),
            PASSPHRASE,
            "nothing was changed",
        ),
        (
            "not an archive",
            variant("settings.toml", b"[lever]\nbase_url = \"x\"\n"),
            PASSPHRASE,
            "is not a Hirewire backup",
        ),
    ];
    let key = scratch.path().join("secrets.key");
    random_key(&key);
    let target = server_app(&key);
    for (what, file, pass, says) in &cases {
        let out = target.cli(&["restore", &file.to_string_lossy()], &format!("{pass}\n"));
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
        assert!(
            out.stderr.contains(says) && out.stderr.contains("nothing was changed"),
            "{what} is refused saying {says:?}: {}",
            out.stderr
        );
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{what}: one line: {}",
            out.stderr
        );
        assert!(
            listing(&target.data).is_empty(),
            "{what}: the target's data folder holds {:?}",
            listing(&target.data)
        );
    }

    // The same target takes the good archive: the refusals left it usable.
    let out = target.cli(
        &["restore", &archive.to_string_lossy()],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(listing(&target.data), std::slice::from_ref(&target.profile));
    let restored_settings = target.ok(&["config", "export"], "");
    assert_eq!(
        restored_settings,
        w.app.ok(&["config", "export"], ""),
        "the settings came across whole"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_that_holds_anything_is_never_restored_into() {
    let w = World::new(Options::default()).await;
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let archive = scratch.path().join("hirewire.age");
    backup(&w.app, &archive);
    let before = (
        w.app.ok(&["config", "export"], ""),
        w.app.history().len(),
        w.app.ok(&["secret", "list"], ""),
    );

    // Into the very profile it came from: settings, a relay connection, secrets.
    let out = w.app.cli(
        &["restore", &archive.to_string_lossy()],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("already holds")
            && out.stderr.contains("--profile")
            && out.stderr.contains("--data")
            && out.stderr.contains("nothing was changed"),
        "{}",
        out.stderr
    );
    let after = (
        w.app.ok(&["config", "export"], ""),
        w.app.history().len(),
        w.app.ok(&["secret", "list"], ""),
    );
    assert!(
        after == before,
        "the profile's settings, history and secrets are as they were"
    );

    // A profile on the secrets-file store with one secret set and nothing else.
    let key = scratch.path().join("secrets.key");
    random_key(&key);
    let other = server_app(&key);
    other.set_secret("bob-token", "a token of its own");
    let out = other.cli(
        &["restore", &archive.to_string_lossy()],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("a secrets file"), "{}", out.stderr);
}
