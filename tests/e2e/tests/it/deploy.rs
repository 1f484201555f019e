//! The deployment files are tested, not just written (issue 26, item 4): each systemd unit
//! in `deploy/systemd/` passes `systemd-analyze verify` with no warning (an unknown or
//! misspelt key is only a warning there, so warnings fail the test too), and every
//! `Environment=` name it sets is one the binary reads.

use std::path::Path;
use std::process::Command;

fn unit(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy/systemd")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Verifies `text` as unit `name`, with its binary pointed at this build's.
fn verify(name: &str, text: &str, installed: &str, bin: &str) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let built = hirewire_e2e::bins::path(bin);
    let text = text.replace(installed, &built.to_string_lossy());
    let path = tmp.path().join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("systemd-analyze (Debian's systemd package): {e}"));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {said}");
    assert!(said.trim().is_empty(), "{name} has warnings:\n{said}");
}

/// Every `Environment=NAME=…` of the unit that starts with `prefix` is in `bin --help`.
fn env_names_are_read(text: &str, prefix: &str, bin: &str, help_args: &[&str]) {
    let out = Command::new(hirewire_e2e::bins::path(bin))
        .args(help_args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Environment="))
        .filter_map(|kv| kv.split('=').next())
        .filter(|n| n.starts_with(prefix))
        .collect();
    assert!(!names.is_empty());
    for n in names {
        assert!(
            help.contains(&format!("env: {n}=")),
            "{bin} does not read {n}:\n{help}"
        );
    }
}

#[test]
fn the_relay_unit_passes_systemd_analyze_and_sets_only_flags_the_relay_has() {
    let text = unit("hirewire-relay.service");
    verify(
        "hirewire-relay.service",
        &text,
        "/usr/local/bin/hirewire-relay",
        "hirewire-relay",
    );
    env_names_are_read(
        &text,
        "HIREWIRE_RELAY_",
        "hirewire-relay",
        &["serve", "--help"],
    );
    for needed in [
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "ProtectSystem=strict",
        "DynamicUser=yes",
    ] {
        assert!(text.contains(needed), "the relay unit lacks {needed}");
    }
}

#[test]
fn the_engine_unit_passes_systemd_analyze_and_loads_the_secrets_key_as_a_credential() {
    let text = unit("hirewire.service");
    verify(
        "hirewire.service",
        &text,
        "/usr/local/bin/hirewire",
        "hirewire",
    );
    env_names_are_read(&text, "HIREWIRE_DATA", "hirewire", &["--help"]);
    env_names_are_read(&text, "HIREWIRE_PROFILE", "hirewire", &["--help"]);
    for needed in [
        "LoadCredentialEncrypted=hirewire-secrets-key:",
        "ProtectSystem=strict",
        "ExecStart=/usr/local/bin/hirewire run",
    ] {
        assert!(text.contains(needed), "the engine unit lacks {needed}");
    }
}
