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

/// Issue 26, item 7: a file with one section used to reset every other one silently
/// (vendor URLs back to the real hosts, review switched on, partner URLs emptied).
#[test]
fn a_partial_settings_file_is_refused_naming_what_it_would_reset_unless_replace() {
    let app = App::new();
    app.import(
        "[bob]\nreview_before_create = false\n[assessment]\nlist_tests_url = \"https://partner.example/tests\"\n[interview_types]\n\"SWE\" = \"bb-swe\"\n",
    );
    let partial = app
        .data
        .parent()
        .map(|p| p.join("partial.toml"))
        .unwrap_or_default();
    std::fs::write(&partial, "[lever]\nreconcile_hours = 6\n").unwrap_or_else(|e| panic!("{e}"));
    let path = partial.to_string_lossy().to_string();
    let out = app.cli(&["config", "import", &path], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let said = one_line(&out.stderr);
    assert!(
        said.contains("[bob], [assessment], [interview_types]") && said.contains("--replace"),
        "{said}"
    );
    let kept = app.ok(&["config", "export"], "");
    assert!(
        kept.contains("review_before_create = false") && kept.contains("bb-swe"),
        "nothing changed: {kept}"
    );
    app.ok(&["config", "import", "--replace", &path], "");
    let replaced = app.ok(&["config", "export"], "");
    assert!(
        replaced.contains("reconcile_hours = 6") && !replaced.contains("bb-swe"),
        "{replaced}"
    );
}

/// A settings file far larger than any team's (400,000 interview types made intake fall to
/// ~2 events/s) is refused with its bound, and nothing is saved.
#[test]
fn a_settings_table_past_its_bound_is_refused_in_one_line() {
    let app = App::new();
    let mut text = String::from("[interview_types]\n");
    for i in 0..5_000 {
        text.push_str(&format!("\"tag-{i}\" = \"test-{i}\"\n"));
    }
    let file = app
        .data
        .parent()
        .map(|p| p.join("big.toml"))
        .unwrap_or_default();
    std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
    let out = app.cli(&["config", "import", &file.to_string_lossy()], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        one_line(&out.stderr).contains("[interview_types] has 5000 entries"),
        "{}",
        out.stderr
    );
    assert!(!app.ok(&["config", "export"], "").contains("tag-1"));
}
