//! The README's main command stays quick and lean: `scripts/run` builds the UI only when
//! its sources changed (the app embeds `ui/dist`, so a rewritten `index.html` would make
//! cargo rebuild the whole app), and installs only what running needs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(script: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(repo().join(script));
    cmd.args(args).current_dir(repo());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{script}: {e}"));
    assert!(
        out.status.success(),
        "{script} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn built_at() -> SystemTime {
    std::fs::metadata(repo().join("ui/dist/index.html"))
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("ui/dist/index.html: {e} (the suite builds the UI first)"))
}

#[test]
fn the_ui_is_not_rebuilt_when_nothing_changed_and_is_when_a_source_did() {
    run("scripts/ui-build", &[], &[]);
    let first = built_at();
    let again = run("scripts/ui-build", &[], &[]);
    assert!(again.contains("up to date"), "{again}");
    assert_eq!(built_at(), first, "ui/dist/index.html was rewritten");

    // A source newer than the build: built again.
    let source = repo().join("ui/src/main.ts");
    let file = std::fs::File::options()
        .append(true)
        .open(&source)
        .unwrap_or_else(|e| panic!("{e}"));
    file.set_modified(SystemTime::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let rebuilt = run("scripts/ui-build", &[], &[]);
    assert!(!rebuilt.contains("up to date"), "{rebuilt}");
    assert!(built_at() > first);
}

#[test]
fn running_installs_only_what_running_needs_and_the_tests_add_their_tools() {
    let run_only = run(
        "scripts/setup",
        &["--print"],
        &[("HIREWIRE_SETUP_TESTS", "")],
    );
    let with_tests = run(
        "scripts/setup",
        &["--print"],
        &[("HIREWIRE_SETUP_TESTS", "1")],
    );
    for tool in [
        "chromium",
        "webkit2gtk-driver",
        "nats-server",
        "imagemagick",
    ] {
        assert!(
            !run_only.lines().any(|p| p == tool),
            "{tool} in: {run_only}"
        );
        assert!(
            with_tests.lines().any(|p| p == tool),
            "{tool} not in: {with_tests}"
        );
    }
    for need in ["libwebkit2gtk-4.1-dev", "gnome-keyring", "xvfb"] {
        assert!(
            run_only.lines().any(|p| p == need),
            "{need} not in: {run_only}"
        );
    }
}
