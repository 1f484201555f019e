//! Desktop notifications as they go over the session bus: `dbus-monitor` records every
//! `org.freedesktop.Notifications.Notify` call from the moment it starts. Other suites'
//! engines notify on the same bus, so each call is traced to the process that made it,
//! asked of the bus the moment the call is seen (while the caller's connection is open).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Notify call rule `dbus-monitor` listens for.
const RULE: &str = "type=method_call,interface=org.freedesktop.Notifications,member=Notify";

/// One recorded `Notify` call.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The caller's unique bus name (`:1.42`).
    pub sender: String,
    /// The caller's process id, if the bus still knew it.
    pub pid: Option<u32>,
    /// The application name.
    pub app: String,
    /// The summary (title).
    pub summary: String,
    /// The body.
    pub body: String,
}

#[derive(Default)]
struct Seen {
    lines: Vec<String>,
    pids: HashMap<String, u32>,
}

/// A running `dbus-monitor` on the session bus, killed when dropped.
pub struct NotificationLog {
    child: Child,
    seen: Arc<Mutex<Seen>>,
}

impl NotificationLog {
    /// Starts recording; panics when there is no session bus.
    pub async fn start() -> NotificationLog {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            panic!("no session bus: run the window tests inside scripts/desktop-session");
        }
        let mut child = Command::new("dbus-monitor")
            .args(["--session", RULE])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start dbus-monitor: {e}"));
        let seen = Arc::new(Mutex::new(Seen::default()));
        if let Some(out) = child.stdout.take() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    let pid = notify_sender(&line)
                        .and_then(|s| sender_pid(s).map(|p| (s.to_string(), p)));
                    if let Ok(mut s) = seen.lock() {
                        s.pids.extend(pid);
                        s.lines.push(line);
                    }
                }
            });
        }
        let log = NotificationLog { child, seen };
        // dbus-monitor reports its own subscription first: from then on nothing is missed.
        crate::wait::until_true(
            "dbus-monitor to subscribe",
            Duration::from_secs(10),
            || async {
                let s = log.seen.lock().map(|s| s.lines.join("\n"));
                s.is_ok_and(|l| l.contains("NameAcquired"))
            },
        )
        .await;
        log
    }

    /// Every Notify call so far.
    pub fn all(&self) -> Vec<Notification> {
        let Ok(seen) = self.seen.lock() else {
            return Vec::new();
        };
        let mut all = parse(&seen.lines);
        for n in &mut all {
            n.pid = seen.pids.get(&n.sender).copied();
        }
        all
    }
}

impl Drop for NotificationLog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sender of a Notify call's header line.
fn notify_sender(line: &str) -> Option<&str> {
    if !line.starts_with("method call") || !line.contains("member=Notify") {
        return None;
    }
    line.split_whitespace()
        .find_map(|w| w.strip_prefix("sender="))
}

/// Splits dbus-monitor's output into messages and reads the Notify arguments
/// (app name, replaces id, icon, summary, body, …) of each.
pub fn parse(lines: &[String]) -> Vec<Notification> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    let flush = |c: Option<(String, Vec<String>)>, out: &mut Vec<Notification>| {
        if let Some((sender, s)) = c {
            if s.len() >= 4 {
                out.push(Notification {
                    sender,
                    pid: None,
                    app: s[0].clone(),
                    summary: s[2].clone(),
                    body: s[3].clone(),
                });
            }
        }
    };
    for line in lines {
        if !line.starts_with(' ') {
            flush(current.take(), &mut out);
            current = notify_sender(line).map(|s| (s.to_string(), Vec::new()));
            continue;
        }
        if let Some((_, strings)) = current.as_mut() {
            // Only the top-level arguments: nested values (actions, hints) are indented more.
            if let Some(s) = line.strip_prefix("   string \"") {
                strings.push(s.strip_suffix('"').unwrap_or(s).to_string());
            }
        }
    }
    flush(current.take(), &mut out);
    out
}

/// The process id behind a unique bus name, while that connection is open.
pub fn sender_pid(sender: &str) -> Option<u32> {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
        ])
        .arg(format!("string:{sender}"))
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .skip_while(|w| *w != "uint32")
        .nth(1)
        .and_then(|p| p.parse().ok())
}
