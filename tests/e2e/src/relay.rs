//! A real `hirewire-relay serve` process on `127.0.0.1`, with its own data directory.
//!
//! With `HIREWIRE_E2E_RELAY_STORE=nats` every relay started here runs on the NATS store:
//! each data directory gets a private `nats-server` (see [`crate::nats`]), shared by every
//! relay started on that directory while one of them is alive, and the `channel` commands
//! reach it too when no relay runs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use serde::Deserialize;

use crate::nats::Nats;
use crate::proc::Proc;

/// The environment variable that runs the relay suites on the NATS store.
pub const STORE_ENV: &str = "HIREWIRE_E2E_RELAY_STORE";

/// Whether the relays of this test run use the NATS store.
pub fn store_is_nats() -> bool {
    std::env::var(STORE_ENV).is_ok_and(|v| v == "nats")
}

/// Says why a test does not run on this store, for the test log.
pub fn skip_on_nats(test: &str, why: &str) -> bool {
    if store_is_nats() {
        eprintln!("SKIPPED {test} on the NATS store: {why}");
    }
    store_is_nats()
}

/// Each data directory's NATS server (while a relay on it is alive) and `--store` value.
#[derive(Default)]
struct Stores {
    servers: HashMap<PathBuf, Weak<Nats>>,
    urls: HashMap<PathBuf, String>,
}

fn stores() -> &'static Mutex<Stores> {
    static STORES: OnceLock<Mutex<Stores>> = OnceLock::new();
    STORES.get_or_init(Mutex::default)
}

/// The private NATS server of `dir`, started when it has none alive.
async fn server_for(dir: &Path) -> Arc<Nats> {
    let alive = stores()
        .lock()
        .ok()
        .and_then(|s| s.servers.get(dir).and_then(Weak::upgrade));
    if let Some(server) = alive {
        return server;
    }
    let server = Arc::new(Nats::single().await);
    if let Ok(mut s) = stores().lock() {
        s.servers.insert(dir.to_path_buf(), Arc::downgrade(&server));
    }
    server
}

/// The `--store` a relay on `dir` was last started with, if any.
fn store_of(dir: &Path) -> Option<String> {
    stores().lock().ok()?.urls.get(dir).cloned()
}

/// How long a relay may take to start listening.
const START_TIMEOUT: Duration = crate::deadline::START;

/// Credentials printed by `channel add` / `channel rotate`.
#[derive(Debug, Clone, Deserialize)]
pub struct Channel {
    /// Channel id.
    pub channel: String,
    /// Channel secret.
    pub secret: String,
    /// Connection code.
    pub connect: String,
}

/// A running relay.
pub struct Relay {
    /// The process.
    pub proc: Proc,
    /// Its data directory.
    pub dir: PathBuf,
    /// Where it listens.
    pub addr: SocketAddr,
    args: Vec<String>,
    /// The private NATS server it runs on (NATS store only).
    nats: Option<Arc<Nats>>,
    _tmp: Option<tempfile::TempDir>,
}

impl Relay {
    /// Starts a relay in a fresh temporary directory with extra `serve` flags.
    pub async fn start(extra: &[&str]) -> Relay {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let dir = tmp.path().join("relay");
        let mut relay = Relay::start_in(&dir, "127.0.0.1:0", extra).await;
        relay._tmp = Some(tmp);
        relay
    }

    /// Starts a relay on `dir` listening on `listen`.
    pub async fn start_in(dir: &Path, listen: &str, extra: &[&str]) -> Relay {
        Relay::start_wrapped(&[], dir, listen, extra).await
    }

    /// Starts a relay under a wrapper command (e.g. `prlimit --nofile=256 --`).
    pub async fn start_wrapped(
        wrapper: &[&str],
        dir: &Path,
        listen: &str,
        extra: &[&str],
    ) -> Relay {
        let bin = crate::bins::path("hirewire-relay");
        Relay::start_binary(&bin, wrapper, dir, listen, extra).await
    }

    /// Starts the relay binary at `bin` (e.g. an older build, to compare), under an
    /// optional wrapper command.
    pub async fn start_binary(
        bin: &Path,
        wrapper: &[&str],
        dir: &Path,
        listen: &str,
        extra: &[&str],
    ) -> Relay {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let mut nats = None;
        if store_is_nats() && !args.iter().any(|a| a == "--store") {
            let server = server_for(dir).await;
            args.extend(["--store".to_string(), server.store_url()]);
            nats = Some(server);
        }
        if let Some(i) = args.iter().position(|a| a == "--store") {
            if let (Some(url), Ok(mut s)) = (args.get(i + 1), stores().lock()) {
                s.urls.insert(dir.to_path_buf(), url.clone());
            }
        }
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        cmd.args([
            "serve",
            "--listen",
            listen,
            "--log-format",
            "json",
            "--data",
        ])
        .arg(dir)
        .args(&args);
        cmd.env("HIREWIRE_RELAY_LOG", "info");
        let mut proc = Proc::spawn("relay", cmd);
        let line = proc.wait_line("relay listening", START_TIMEOUT).await;
        let addr = listening_addr(&line);
        Relay {
            proc,
            dir: dir.to_path_buf(),
            addr,
            args,
            nats,
            _tmp: None,
        }
    }

    /// Kills the relay with SIGKILL and starts it again on the same directory and port.
    pub async fn kill9_and_restart(&mut self) {
        self.proc.kill9();
        let extra: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let next = Relay::start_in(&self.dir, &self.addr.to_string(), &extra).await;
        self.proc = next.proc;
        self.nats = next.nats.or(self.nats.take());
    }

    /// Stops the relay with SIGTERM (it finishes its commits) and starts it again on the
    /// same directory and port with `extra` flags.
    pub async fn restart_with(&mut self, extra: &[&str]) {
        self.stop().await;
        self.args = extra.iter().map(|s| s.to_string()).collect();
        let next = Relay::start_in(&self.dir, &self.addr.to_string(), extra).await;
        self.proc = next.proc;
        self.nats = next.nats.or(self.nats.take());
    }

    /// Stops the relay with SIGTERM and waits for it to exit.
    pub async fn stop(&mut self) {
        if !self.proc.running() {
            return;
        }
        if self.proc.terminate(START_TIMEOUT).await.is_none() {
            self.proc.kill9();
        }
    }

    /// Every directory the relay's store writes to: its data directory, and the NATS
    /// server's store when it runs on NATS.
    pub fn store_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.dir.clone()];
        dirs.extend(self.nats.as_ref().map(|n| n.dir().to_path_buf()));
        dirs
    }

    /// The relay process's resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        crate::net::rss_kib(self.proc.pid())
    }

    /// The relay's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The intake URL for a channel and endpoint.
    pub fn hook_url(&self, channel: &str, endpoint: &str) -> String {
        format!("{}/hooks/{channel}/{endpoint}", self.url())
    }

    /// Runs `hirewire-relay channel ARGS --data DIR`; returns (exit code, stdout, stderr).
    pub fn channel_cmd(&self, args: &[&str]) -> (i32, String, String) {
        channel_cmd(&self.dir, args)
    }

    /// Creates a channel and returns its credentials.
    pub fn add_channel(&self, name: &str) -> Channel {
        let (code, out, err) = self.channel_cmd(&["add", name]);
        assert_eq!(code, 0, "channel add failed: {err}");
        serde_json::from_str(out.trim())
            .unwrap_or_else(|e| panic!("channel add printed {out:?}: {e}"))
    }

    /// Reads one sample from `/metrics`, e.g. `hirewire_relay_events_pending{channel="a"}`.
    pub async fn metric(&self, series: &str) -> Option<f64> {
        let text = reqwest::get(format!("{}/metrics", self.url()))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(series))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    }
}

/// Posts `body` to `url` as a webhook sender would; the status, or 0 when no answer came
/// (refused, reset, timed out). The one way the suites post to a relay.
pub async fn post(url: &str, body: impl AsRef<[u8]>) -> u16 {
    reqwest::Client::new()
        .post(url)
        .body(body.as_ref().to_vec())
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Runs a `channel` command against a data directory, server running or not (on the NATS
/// store, the command reaches NATS itself when no relay answers).
pub fn channel_cmd(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(crate::bins::path("hirewire-relay"));
    crate::proc::hermetic(&mut cmd);
    if let Some(url) = store_of(dir) {
        cmd.env("HIREWIRE_RELAY_STORE", url);
    }
    let out = cmd
        .arg("channel")
        .args(args)
        .arg("--data")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run hirewire-relay channel: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn listening_addr(line: &str) -> SocketAddr {
    let v: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("log line {line:?}: {e}"));
    let local = v["fields"]["local"].as_str().unwrap_or_default();
    local
        .parse()
        .unwrap_or_else(|e| panic!("listening address {local:?}: {e}"))
}
