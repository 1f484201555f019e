//! The window's figures, side by side with an empty Tauri v2 window as the floor:
//!
//! - cold start: from spawning the process to its first screen painted (the app's
//!   `window ready: history painted` log line; the floor's `floor: page loaded`);
//! - idle memory: RSS of the process and every process under it (WebKit's web and
//!   network processes), sampled after the start has settled;
//! - with a large history, through the real window (tauri-driver + WebKitWebDriver):
//!   opening the History screen until its first page is painted, and a filter change
//!   from the click to the filtered rows painted, timed inside the page.
//!
//! Needs a display, a session bus and a keychain: run it in `scripts/desktop-session`.
//! The history is made by the `history_bench` example (`--keep DIR`):
//!
//! ```sh
//! cargo build --release -p hirewire -p hirewire-e2e --bins --examples
//! target/release/examples/history_bench --keep /tmp/hw-bench
//! scripts/desktop-session target/release/window-bench --data /tmp/hw-bench
//! ```

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;
use fantoccini::Client;
use hirewire_e2e::window::Window;
use serde_json::{json, Value};

/// Window benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// The data directory holding the `bench` profile (from `history_bench --keep`).
    #[arg(long)]
    data: PathBuf,
    /// Profile name inside it.
    #[arg(long, default_value = "bench")]
    profile: String,
    /// Start-up runs of each (the first warms the disk cache and is not counted).
    #[arg(long, default_value_t = 6)]
    runs: usize,
    /// How long to let each window settle before sampling memory.
    #[arg(long, default_value_t = 5)]
    settle_secs: u64,
    /// Timed filter changes in the window.
    #[arg(long, default_value_t = 10)]
    clicks: usize,
}

/// A process whose output lines are timestamped as they arrive.
struct Launched {
    child: Child,
    started: Instant,
    lines: mpsc::Receiver<(Instant, String)>,
}

impl Launched {
    fn spawn(mut cmd: Command) -> Launched {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let (tx, lines) = mpsc::channel();
        let pipes: Vec<Box<dyn std::io::Read + Send>> = vec![
            Box::new(child.stdout.take().unwrap_or_else(|| panic!("stdout"))),
            Box::new(child.stderr.take().unwrap_or_else(|| panic!("stderr"))),
        ];
        for pipe in pipes {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = tx.send((Instant::now(), line));
                }
            });
        }
        Launched {
            child,
            started,
            lines,
        }
    }

    /// Time from the spawn to the first line containing `needle`.
    fn until_line(&self, needle: &str, timeout: Duration) -> Duration {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, line)) if line.contains(needle) => return at - self.started,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {timeout:?}"),
            }
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of `root` and every process under it, in MiB.
fn tree_rss_mib(root: u32) -> f64 {
    let mut tree = hirewire_e2e::window::descendants(root);
    tree.push(root);
    let kib: u64 = tree
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .sum();
    kib as f64 / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn release_dir() -> PathBuf {
    hirewire_e2e::bins::profile_dir()
}

fn app_command(args: &Args) -> Command {
    let mut cmd = Command::new(release_dir().join("hirewire"));
    cmd.env("HIREWIRE_DATA", &args.data)
        .env("HIREWIRE_PROFILE", &args.profile)
        .env("HIREWIRE_NO_DEMO", "1")
        .env("HIREWIRE_LOG", "info");
    cmd
}

/// One cold start of each, measured the same way: (start ms, idle MiB).
fn start_once(args: &Args, floor: &Path) -> ((f64, f64), (f64, f64)) {
    let settle = Duration::from_secs(args.settle_secs);
    let mut out = Vec::new();
    for which in ["floor", "app"] {
        let (launched, needle) = if which == "floor" {
            (Launched::spawn(Command::new(floor)), "floor: page loaded")
        } else {
            (
                Launched::spawn(app_command(args)),
                "window ready: history painted",
            )
        };
        let start = launched.until_line(needle, Duration::from_secs(60));
        // Idle: the start is over and nothing happens; the largest of a few samples.
        std::thread::sleep(settle);
        let rss = (0..5)
            .map(|_| {
                std::thread::sleep(Duration::from_millis(200));
                tree_rss_mib(launched.child.id())
            })
            .fold(0.0, f64::max);
        launched.stop();
        out.push((start.as_secs_f64() * 1000.0, rss));
    }
    (out[0], out[1])
}

/// Times `click` (a CSS selector) until `ready` (a JS expression) holds, then the next
/// frame: milliseconds, measured inside the page.
async fn timed_click(client: &Client, click: &str, ready: &str) -> f64 {
    let script = format!(
        r#"
        const done = arguments[arguments.length - 1];
        const ready = () => {{ try {{ return !!({ready}); }} catch (e) {{ return false; }} }};
        const t0 = performance.now();
        const finish = () => requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
        const obs = new MutationObserver(() => {{ if (ready()) {{ obs.disconnect(); finish(); }} }});
        obs.observe(document.body, {{ subtree: true, childList: true, attributes: true, characterData: true }});
        document.querySelector({click:?}).click();
        if (ready()) {{ obs.disconnect(); finish(); }}
        "#
    );
    let v = client
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("timed click on {click}: {e}"));
    v.as_f64()
        .unwrap_or_else(|| panic!("no time from the page: {v}"))
}

/// Opens the app through tauri-driver and times the History screen on the big profile.
async fn history_latency(args: &Args, total: u64, failed: u64) -> (Vec<f64>, Vec<f64>) {
    let window = Window::open_profile(&args.data, &args.profile).await;
    let client = &window.client;
    let full = format!(
        r#"document.querySelector('[data-testid="history-list"][data-total="{total}"] [data-testid^="history-row-"]')"#
    );
    let filtered = format!(
        r#"document.querySelector('[data-testid="history-list"][data-total="{failed}"] [data-testid^="history-row-"]')"#
    );
    hirewire_e2e::wait::until("the history to show", Duration::from_secs(30), || {
        let js = format!("return !!({full})");
        async move {
            client
                .execute(&js, vec![])
                .await
                .ok()
                .filter(|v| v == &Value::Bool(true))
        }
    })
    .await;
    let (mut first, mut filter) = (Vec::new(), Vec::new());
    for _ in 0..args.clicks {
        // Away and back: History mounts again and asks for its first page.
        timed_click(
            client,
            r#"[data-testid="nav-mappings"]"#,
            r#"!document.querySelector('[data-testid="history-list"]')"#,
        )
        .await;
        first.push(timed_click(client, r#"[data-testid="nav-history"]"#, &full).await);
        filter
            .push(timed_click(client, r#"[data-testid="filter-status-failed"]"#, &filtered).await);
        filter.push(timed_click(client, r#"[data-testid="filter-status-failed"]"#, &full).await);
    }
    window.close().await;
    (first, filter)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let floor = release_dir().join("examples").join("empty_window");
    assert!(
        floor.exists(),
        "{} is not built: cargo build --release -p hirewire --examples",
        floor.display()
    );
    // What the list must show, counted by the CLI: everything, and the failed ones.
    let count = |status: Option<&str>| {
        let mut cmd = Command::new(release_dir().join("hirewire"));
        cmd.arg("--data")
            .arg(&args.data)
            .args(["--profile", &args.profile]);
        cmd.args(["history", "--json", "--limit", "10000000"]);
        if let Some(s) = status {
            cmd.args(["--status", s]);
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("hirewire history: {e}"));
        String::from_utf8_lossy(&out.stdout).lines().count() as u64
    };
    let (total, failed) = (count(None), count(Some("failed")));
    assert!(
        total > 0 && failed > 0,
        "the profile has no history: run history_bench --keep first"
    );
    let mut floor_ms = Vec::new();
    let mut app_ms = Vec::new();
    let mut floor_mib = Vec::new();
    let mut app_mib = Vec::new();
    for run in 0..args.runs {
        let ((f_ms, f_mib), (a_ms, a_mib)) = start_once(&args, &floor);
        eprintln!(
            "run {run}: floor {f_ms:.0} ms {f_mib:.0} MiB, app {a_ms:.0} ms {a_mib:.0} MiB{}",
            if run == 0 {
                " (warm-up, not counted)"
            } else {
                ""
            }
        );
        if run > 0 {
            floor_ms.push(f_ms);
            app_ms.push(a_ms);
            floor_mib.push(f_mib);
            app_mib.push(a_mib);
        }
    }
    let (first, filter) = history_latency(&args, total, failed).await;
    let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let report = json!({
        "floor_start_ms": median(floor_ms.clone()),
        "app_start_to_history_ms": median(app_ms.clone()),
        "floor_idle_mib": median(floor_mib.clone()),
        "app_idle_mib": median(app_mib.clone()),
        "idle_ratio_to_floor": (median(app_mib) / median(floor_mib) * 1000.0).round() / 1000.0,
        "history_entries": total,
        "first_page_ms_median": median(first.clone()),
        "first_page_ms_worst": worst(&first),
        "filter_change_ms_median": median(filter.clone()),
        "filter_change_ms_worst": worst(&filter),
        "app_start_ms_worst": worst(&app_ms),
    });
    println!("{report}");
}
