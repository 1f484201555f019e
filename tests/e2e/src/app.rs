//! The real `hirewire` binary: `run` as a child process, and its subcommands, each test in
//! its own data directory and keychain profile (secrets are deleted again on drop).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::proc::Proc;

/// Every keychain name the app uses (to clean up a test's profile).
pub const SECRET_NAMES: [&str; 11] = [
    "relay-secret",
    "lever-api-key",
    "lever-signing-token/candidate-hired",
    "lever-signing-token/stage-change",
    "lever-signing-token/archive-change",
    "lever-signing-token/candidate-deleted",
    "bob-service-user",
    "bob-token",
    "assessment-api-key",
    "team-device",
    "team-epochs",
];

/// What a subcommand did.
#[derive(Debug, Clone)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

/// One app installation: a data directory and a keychain profile.
pub struct App {
    /// Data directory.
    pub data: PathBuf,
    /// Keychain profile (unique per test).
    pub profile: String,
    /// The running engine, if started.
    pub engine: Option<Proc>,
    /// `HIREWIRE_LOG` of every process (default `info,hirewire=debug`; the privacy tests
    /// read the log at `info`, the level a user runs at).
    pub log: String,
    /// Extra environment of every process (e.g. the relay watchdog's deadline).
    pub env: Vec<(String, String)>,
    _tmp: tempfile::TempDir,
}

impl App {
    /// A fresh installation.
    pub fn new() -> App {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let profile = format!(
            "test-{}-{}",
            std::process::id(),
            tmp.path()
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
        App {
            data: tmp.path().join("data"),
            profile,
            engine: None,
            log: "info,hirewire=debug".into(),
            env: Vec::new(),
            _tmp: tmp,
        }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(crate::bins::path("hirewire"));
        cmd.arg("--data")
            .arg(&self.data)
            .arg("--profile")
            .arg(&self.profile);
        cmd.env("HIREWIRE_LOG", &self.log);
        crate::proc::hermetic(&mut cmd);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// Runs a subcommand with `stdin`.
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        let mut cmd = self.command();
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run hirewire: {e}"));
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.as_bytes());
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("hirewire {args:?}: {e}"));
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs a subcommand that must succeed.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.cli(args, stdin);
        assert_eq!(out.code, 0, "hirewire {args:?} failed: {}", out.stderr);
        out.stdout
    }

    /// Stores a secret through `hirewire secret set`.
    pub fn set_secret(&self, name: &str, value: &str) {
        self.ok(&["secret", "set", name], value);
    }

    /// Imports settings TOML.
    /// (`--replace`: each test's file is the whole of its settings; sections it leaves out
    /// are meant to be the defaults.)
    pub fn import(&self, toml: &str) {
        let path = self.data.with_extension("toml");
        std::fs::write(&path, toml).unwrap_or_else(|e| panic!("{e}"));
        self.ok(
            &["config", "import", "--replace", &path.to_string_lossy()],
            "",
        );
    }

    /// Starts `hirewire run`.
    pub async fn start(&mut self) {
        let mut cmd = self.command();
        cmd.arg("run");
        let mut proc = Proc::spawn("app", cmd);
        proc.wait_line("engine starting", Duration::from_secs(30))
            .await;
        self.engine = Some(proc);
    }

    /// Kills the engine with SIGKILL.
    pub fn kill9(&mut self) {
        if let Some(p) = self.engine.as_mut() {
            p.kill9();
        }
    }

    /// The first engine log line containing `needle`, waiting up to `timeout` (a line is read
    /// from the engine's pipe a moment after it is written).
    pub async fn wait_log(&mut self, needle: &str, timeout: Duration) -> String {
        match self.engine.as_mut() {
            Some(p) => p.wait_line(needle, timeout).await,
            None => panic!("the engine is not running: no log to wait for {needle:?}"),
        }
    }

    /// Stops the engine (SIGTERM) and returns its whole log, to the last line.
    pub async fn stop(&mut self) -> String {
        match self.engine.as_mut() {
            Some(p) => p.stop_and_collect(Duration::from_secs(30)).await.join("\n"),
            None => String::new(),
        }
    }

    /// `history --json`, newest first.
    pub fn history(&self) -> Vec<serde_json::Value> {
        self.ok(&["history", "--json", "--limit", "100000"], "")
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// `hirewire reconcile --json` with these arguments: its report.
    pub fn reconcile_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["reconcile", "--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all, "");
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("reconcile --json: {e}: {out}"))
    }

    /// The history entry matching `pred`, waiting up to `timeout`.
    pub async fn wait_entry(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        crate::wait::until(what, timeout, || {
            let found = self.history().into_iter().find(|e| pred(e));
            async move { found }
        })
        .await
    }

    /// The redb file.
    pub fn db_file(&self) -> PathBuf {
        self.data.join(&self.profile).join("hirewire.redb")
    }

    /// The data directory of the profile.
    pub fn profile_dir(&self) -> &Path {
        &self.data
    }
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.kill9();
        for name in SECRET_NAMES {
            let _ = self.cli(&["secret", "delete", name], "");
        }
    }
}

/// Yesterday's date (`YYYY-MM-DD`) on the fakes' clock: a catch-up's `--since`.
pub fn yesterday() -> String {
    let ms = hirewire_fakes::clock::now_ms() - 86_400_000;
    hirewire_fakes::clock::iso_utc(ms)[..10].to_string()
}
