//! The engine on a server (issue 26, item 1): no desktop keychain (no D-Bus session), a
//! secrets key file instead. Configured through the CLI, the engine does a hire; no secret
//! value is written anywhere readable; without a key and without a keychain every command
//! says both ways out in one line; a wrong key is refused and changes nothing.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use hirewire_e2e::scan::holds;
use hirewire_e2e::world::{Options, World};
use hirewire_fakes::webhook::LeverEvent;

use hirewire_e2e::deadline::FLOW as T;
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

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn without_a_desktop_keychain_secrets_live_in_an_encrypted_file_and_the_engine_hires() {
    let mut w = World::unconfigured().await;
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key = scratch.path().join("hirewire.key");
    random_key(&key);
    let tmp = scratch.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("{e}"));
    w.app.env.push((NO_BUS.0.into(), NO_BUS.1.into()));
    w.app
        .env
        .push(("TMPDIR".into(), tmp.to_string_lossy().into_owned()));
    w.app.env.push((
        "HIREWIRE_SECRETS_KEY_FILE".into(),
        key.to_string_lossy().into_owned(),
    ));
    w.configure(&Options::default());
    let listed = w.app.cli(&["secret", "list"], "");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stderr.contains("secrets.enc"), "{}", listed.stderr);

    w.app.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry}");
    let log = w.app.stop().await;

    let file = w.app.data.join(&w.app.profile).join("secrets.enc");
    assert!(file.is_file(), "the secrets are in {}", file.display());
    let mut scanned = files_under(&w.app.data);
    scanned.extend(files_under(&tmp));
    for value in w.secret_values() {
        assert!(
            !log.contains(&value),
            "a secret value is in the engine's log"
        );
        for f in &scanned {
            let bytes = std::fs::read(f).unwrap_or_default();
            assert!(
                !holds(&bytes, &value),
                "a secret value is readable in {}",
                f.display()
            );
        }
    }

    // A wrong key is refused with a clear line, and the file is left as it was.
    let before = std::fs::read(&file).unwrap_or_default();
    let wrong = scratch.path().join("wrong.key");
    random_key(&wrong);
    let out = w.app.cli(
        &[
            "--secrets-key-file",
            &wrong.to_string_lossy(),
            "secret",
            "set",
            "lever-api-key",
        ],
        "another-value\n",
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("does not open") && out.stderr.contains("nothing was changed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.trim().lines().count(),
        1,
        "one line: {}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(&file).unwrap_or_default(),
        before,
        "the file is unchanged"
    );

    // Without the key, a profile that keeps a file says which key it needs.
    w.app.env.retain(|(k, _)| k != "HIREWIRE_SECRETS_KEY_FILE");
    let out = w.app.cli(&["secret", "list"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("secrets.enc") && out.stderr.contains("--secrets-key-file"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn with_neither_a_keychain_nor_a_key_every_command_names_both_ways_out() {
    let mut app = hirewire_e2e::app::App::new();
    app.env.push((NO_BUS.0.into(), NO_BUS.1.into()));
    for args in [
        vec!["secret", "list"],
        vec!["secret", "set", "bob-token"],
        vec!["check"],
    ] {
        let out = app.cli(&args, "value\n");
        assert_ne!(
            out.code, 0,
            "{args:?} succeeded without anywhere to keep secrets"
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
        // `check` lists its items on stdout and sums up on stderr.
        let said = format!("{}{}", out.stdout, out.stderr);
        assert!(
            said.contains("unlock it") && said.contains("--secrets-key-file"),
            "{args:?} names both ways out: {said}"
        );
    }
    // A key file too short to be a key is refused before anything is written.
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let short = scratch.path().join("short.key");
    std::fs::write(&short, b"0123456789").unwrap_or_else(|e| panic!("{e}"));
    let out = app.cli(
        &[
            "--secrets-key-file",
            &short.to_string_lossy(),
            "secret",
            "set",
            "bob-token",
        ],
        "v\n",
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("at least 32 bytes"), "{}", out.stderr);
    assert!(!app.data.join(&app.profile).join("secrets.enc").exists());
}
