//! What the command line says when there is nothing to work with, or the input is wrong:
//! one line that says what to do, never a backtrace.

use hirewire_e2e::app::App;

/// The line a failed command printed, checked for being one readable line.
fn one_line(stderr: &str) -> &str {
    let text = stderr.trim();
    assert!(!text.contains("panicked"), "a panic: {stderr}");
    assert!(!text.contains("backtrace"), "a backtrace: {stderr}");
    assert_eq!(text.lines().count(), 1, "one line: {stderr}");
    text
}

#[test]
fn retry_with_a_word_says_it_is_not_an_entry_number() {
    let app = App::new();
    for cmd in ["retry", "approve", "dismiss"] {
        let out = app.cli(&[cmd, "abc"], "");
        assert_eq!(out.code, 2, "{cmd}: {}", out.stderr);
        assert!(
            out.stderr.contains("\"abc\" is not an entry number")
                && out.stderr.contains("hirewire history"),
            "{cmd}: {}",
            out.stderr
        );
    }
}

#[test]
fn history_on_an_empty_profile_says_there_is_nothing_yet() {
    let app = App::new();
    let out = app.ok(&["history"], "");
    assert!(out.contains("The history is empty"), "{out}");
    let filtered = app.ok(&["history", "--status", "failed"], "");
    assert!(filtered.contains("No entry matches"), "{filtered}");
}

#[test]
fn run_with_nothing_configured_says_what_is_missing_and_exits() {
    let app = App::new();
    let out = app.cli(&["run"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let line = one_line(&out.stderr);
    assert!(
        line.contains("nothing is set up yet") && line.contains("hirewire connect CODE"),
        "{line}"
    );
}

#[test]
fn the_window_without_a_display_says_so_in_one_line() {
    let app = App::new();
    let mut cmd = std::process::Command::new(hirewire_e2e::bins::path("hirewire"));
    cmd.arg("--data")
        .arg(&app.data)
        .args(["--profile", &app.profile])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HIREWIRE_NO_DEMO", "1");
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = one_line(&stderr);
    assert!(
        line.contains("no display")
            && line.contains("hirewire run")
            && line.contains("hirewire demo"),
        "{line}"
    );
}
