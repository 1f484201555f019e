//! A child process whose stderr lines are captured for assertions, killed (SIGKILL) and
//! reaped when dropped, so no test leaves a process behind.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running child process.
pub struct Proc {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    /// Output pipes still being read (they reach their end once the process has exited).
    readers: Arc<AtomicUsize>,
    name: String,
}

impl Proc {
    /// Spawns `cmd` with stderr captured (and echoed with a prefix when `HIREWIRE_TEST_ECHO` is set).
    pub fn spawn(name: &str, mut cmd: Command) -> Proc {
        hermetic(&mut cmd);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let readers = Arc::new(AtomicUsize::new(0));
        let echo = std::env::var_os("HIREWIRE_TEST_ECHO").is_some();
        for pipe in [
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let lines = lines.clone();
            let tag = name.to_string();
            let readers = readers.clone();
            readers.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if echo {
                        eprintln!("[{tag}] {line}");
                    }
                    if let Ok(mut l) = lines.lock() {
                        l.push(line);
                    }
                }
                readers.fetch_sub(1, Ordering::SeqCst);
            });
        }
        Proc {
            child,
            lines,
            readers,
            name: name.to_string(),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Every line the process wrote so far (stderr and stdout interleaved).
    pub fn output(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The first output line containing `needle`, waiting up to `timeout`.
    pub async fn wait_line(&mut self, needle: &str, timeout: Duration) -> String {
        let what = format!("{} to print {needle:?}", self.name);
        let lines = self.lines.clone();
        crate::wait::until(&what, timeout, || {
            let found = lines
                .lock()
                .ok()
                .and_then(|l| l.iter().find(|l| l.contains(needle)).cloned());
            async move { found }
        })
        .await
    }

    /// Stops the process with SIGTERM and returns everything it wrote, to the last line (the
    /// readers are waited for until its pipes close).
    pub async fn stop_and_collect(&mut self, timeout: Duration) -> Vec<String> {
        if self.terminate(timeout).await.is_none() {
            self.kill9();
        }
        let what = format!("{}'s output to end", self.name);
        let readers = self.readers.clone();
        crate::wait::until_true(&what, timeout, || {
            let done = readers.load(Ordering::SeqCst) == 0;
            async move { done }
        })
        .await;
        self.output()
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for the exit status (up to `timeout`).
    pub async fn terminate(&mut self, timeout: Duration) -> Option<i32> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status();
        let child = &mut self.child;
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status.code();
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The exit code once the process has ended by itself (None while it runs, or when a
    /// signal ended it).
    pub fn exit_code(&mut self) -> Option<i32> {
        self.child.try_wait().ok().flatten().and_then(|s| s.code())
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// Keeps the caller's `HIREWIRE*` variables (a developer's own profile, data directory,
/// relay settings) out of a process under test: only what the test sets reaches it.
pub fn hermetic(cmd: &mut Command) {
    let set: Vec<std::ffi::OsString> = cmd.get_envs().map(|(k, _)| k.to_os_string()).collect();
    for (key, _) in std::env::vars_os() {
        let ours = key.to_string_lossy().starts_with("HIREWIRE");
        if ours && !set.contains(&key) {
            cmd.env_remove(&key);
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}
