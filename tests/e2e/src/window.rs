//! The real app window under WebDriver: `tauri-driver` (which bridges to WebKitWebDriver)
//! launches the built `hirewire` binary with no subcommand, so the window and its in-process
//! engine run exactly as a user starts them, and a fantoccini session drives the web view
//! through the UI's `data-testid` attributes. Needs a display and a session bus (run the
//! tests inside `scripts/desktop-session`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::app::App;
use crate::proc::Proc;

/// How long one UI condition may take: [`crate::deadline::UI`].
pub const UI_TIMEOUT: Duration = crate::deadline::UI;
/// How often the window is asked again: each check is a WebDriver round trip.
const POLL: Duration = Duration::from_millis(100);
/// How long a screenshot may take before it is given up (see [`Window::screenshot`]).
const SCREENSHOT_TIMEOUT: Duration = Duration::from_secs(10);

/// A running window and its WebDriver session.
pub struct Window {
    /// The WebDriver session.
    pub client: Client,
    driver: Driver,
    shots: PathBuf,
}

/// tauri-driver and everything it started. Killing tauri-driver alone would leave
/// WebKitWebDriver and the app running (the app holding the profile's database), so the
/// whole tree is killed, by process id, when this is dropped.
struct Driver(Proc);

impl Drop for Driver {
    fn drop(&mut self) {
        let pids = descendants(self.0.pid());
        for pid in pids.iter().rev() {
            // Some may have exited since the list was read: that is no error worth a line.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(std::process::Stdio::null())
                .status();
        }
        self.0.kill9();
    }
}

/// A free loopback port (bound and released at once; good enough on a test machine).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// `tauri-driver` from PATH or cargo's bin directory, or a panic that says how to get it.
fn tauri_driver() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join("tauri-driver"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "tauri-driver is not installed: run `HIREWIRE_NEED_TAURI_DRIVER=1 scripts/setup` \
                 (scripts/test does), or `cargo install tauri-driver --locked --version ^2`"
            )
        })
}

/// Every process below `root` (children first found, then theirs), read from /proc.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name may hold spaces and parentheses: fields start after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

impl Window {
    /// Starts `tauri-driver` for `app`'s data directory and profile (no demo), and opens a
    /// session on the built `hirewire` binary. Screenshots go to `target/window-shots/`.
    pub async fn open(app: &App) -> Window {
        Window::open_profile(&app.data, &app.profile).await
    }

    /// [`Window::open`] with the embedded demo, as a first start shows it; the app's
    /// temporary folders (the demo's data) go under `tmp`.
    pub async fn open_demo(app: &App, tmp: &Path) -> Window {
        Window::launch(&app.data, &app.profile, Some(tmp)).await
    }

    /// [`Window::open`] on any data directory and profile (the benchmark's big history).
    pub async fn open_profile(data: &Path, profile: &str) -> Window {
        Window::launch(data, profile, None).await
    }

    /// Opens the window; with `demo_tmp`, the demo runs and its temporary folders go there.
    async fn launch(data: &Path, profile: &str, demo_tmp: Option<&Path>) -> Window {
        if std::env::var_os("DISPLAY").is_none() {
            panic!("no DISPLAY: run the window tests inside scripts/desktop-session");
        }
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new(tauri_driver());
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native.to_string())
            .env("HIREWIRE_DATA", data)
            .env("HIREWIRE_PROFILE", profile);
        match demo_tmp {
            Some(tmp) => {
                cmd.env("TMPDIR", tmp);
            }
            None => {
                cmd.env("HIREWIRE_NO_DEMO", "1");
            }
        }
        // From here on, a failure to open the session still kills whatever was started.
        let driver = Driver(Proc::spawn("tauri-driver", cmd));
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        // tauri-driver answers /status only once WebKitWebDriver behind it does.
        crate::wait::until_every(
            "tauri-driver to answer /status",
            Duration::from_secs(20),
            POLL,
            || {
                let req = http.get(format!("{base}/status")).send();
                async move {
                    req.await
                        .ok()
                        .filter(|r| r.status().is_success())
                        .map(|_| ())
                }
            },
        )
        .await;
        let app_path = crate::bins::path("hirewire");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({"application": app_path.to_string_lossy()}),
        );
        let client = tokio::time::timeout(
            Duration::from_secs(60),
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&base),
        )
        .await
        .unwrap_or_else(|_| panic!("tauri-driver did not open a session within 60 s"))
        .unwrap_or_else(|e| panic!("WebDriver session on {}: {e}", app_path.display()));
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/window-shots");
        std::fs::create_dir_all(&shots).unwrap_or_else(|e| panic!("{}: {e}", shots.display()));
        // A picture of an earlier failure would mislead next to this run's pictures.
        let _ = std::fs::remove_file(shots.join("failure.png"));
        let window = Window {
            client,
            driver,
            shots,
        };
        // The shell has started once its status bar is there.
        window.see("status-relay", "").await;
        window
    }

    /// The process ids of tauri-driver's descendants: WebKitWebDriver and the app.
    pub fn app_pids(&self) -> Vec<u32> {
        descendants(self.driver.0.pid())
    }

    fn css(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    /// Every element with this test id, now.
    pub async fn all(&self, testid: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(&Self::css(testid)))
            .await
            .unwrap_or_default()
    }

    /// The first element with this test id, waiting for it to appear.
    pub async fn find(&self, testid: &str) -> Element {
        crate::wait::until_every(&format!("{testid} to appear"), UI_TIMEOUT, POLL, || async {
            self.all(testid).await.into_iter().next()
        })
        .await
    }

    /// The text of the first element with this test id (waiting for it), empty when unreadable.
    pub async fn text(&self, testid: &str) -> String {
        self.find(testid).await.text().await.unwrap_or_default()
    }

    /// Waits until an element with this test id shows `text`; returns that element's text.
    pub async fn see(&self, testid: &str, text: &str) -> String {
        let what = format!("{testid} to show {text:?}");
        crate::wait::until_seen(&what, UI_TIMEOUT, POLL, || async {
            let mut seen = Vec::new();
            for e in self.all(testid).await {
                if let Ok(t) = e.text().await {
                    if t.contains(text) {
                        return Ok(t);
                    }
                    seen.push(t);
                }
            }
            Err(format!("{seen:?}"))
        })
        .await
    }

    /// Waits until an element with this test id shows exactly `text` (e.g. "set", which
    /// "not set" also contains).
    pub async fn see_exact(&self, testid: &str, text: &str) {
        let what = format!("{testid} to show exactly {text:?}");
        crate::wait::until_every(&what, UI_TIMEOUT, POLL, || async {
            for e in self.all(testid).await {
                if e.text().await.is_ok_and(|t| t.trim() == text) {
                    return Some(());
                }
            }
            None
        })
        .await
    }

    /// Clicks the element once it is there and enabled; a toast covering it is dismissed.
    pub async fn click(&self, testid: &str) {
        self.click_el(testid, || self.find(testid)).await;
    }

    /// Clicks an element got by `get` (re-got on every try: the UI re-renders).
    pub async fn click_el<F, Fut>(&self, what: &str, get: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Element>,
    {
        crate::wait::until_every(&format!("a click on {what}"), UI_TIMEOUT, POLL, || async {
            let el = get().await;
            if !el.is_enabled().await.unwrap_or(false) {
                return None;
            }
            match el.click().await {
                Ok(()) => Some(()),
                Err(_) => {
                    // Most likely a toast over the button: close them and try again.
                    self.dismiss_toasts().await;
                    None
                }
            }
        })
        .await
    }

    /// Closes every toast on screen.
    pub async fn dismiss_toasts(&self) {
        let closers = self
            .client
            .find_all(Locator::Css("[data-testid=\"toast\"] button.close"))
            .await
            .unwrap_or_default();
        for c in closers {
            let _ = c.click().await;
        }
    }

    /// Scrolls the first element with this test id to the top of its scrolling box.
    pub async fn scroll_to(&self, testid: &str) {
        let el = self.find(testid).await;
        let arg = serde_json::to_value(&el).unwrap_or_else(|e| panic!("{testid}: {e}"));
        self.client
            .execute("arguments[0].scrollIntoView({block: 'start'});", vec![arg])
            .await
            .unwrap_or_else(|e| panic!("scrolling to {testid}: {e}"));
    }

    /// Waits until no toast is left on screen (closing those there).
    pub async fn no_toasts(&self) {
        crate::wait::until_true("the toasts to close", UI_TIMEOUT, || async {
            self.dismiss_toasts().await;
            self.all("toast").await.is_empty()
        })
        .await;
    }

    /// Replaces the field's text with `value` (typed, so the UI sees input events).
    pub async fn fill(&self, testid: &str, value: &str) {
        let what = format!("typing into {testid}");
        crate::wait::until_every(&what, UI_TIMEOUT, POLL, || async {
            let el = self.find(testid).await;
            el.clear().await.ok()?;
            el.send_keys(value).await.ok()
        })
        .await;
    }

    /// The current value of an input or select.
    pub async fn value(&self, testid: &str) -> String {
        self.find(testid)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Picks the option with this value in a select, and waits until the select holds it.
    pub async fn select(&self, testid: &str, value: &str) {
        let what = format!("{testid} to hold {value:?}");
        crate::wait::until_every(&what, UI_TIMEOUT, POLL, || async {
            let el = self.find(testid).await;
            let _ = el.select_by_value(value).await;
            let now = el.prop("value").await.ok().flatten().unwrap_or_default();
            (now == value).then_some(())
        })
        .await;
    }

    /// Saves a screenshot of the window as `target/window-shots/NAME.png`, for a person
    /// reading a run; no test asserts on it. WebKitWebDriver's screenshot waits for the web
    /// view's next presentation update, which on Xvfb does not always come (seen with a seat's
    /// window while notifications are up: every other command still answers), so a picture
    /// that takes longer than [`SCREENSHOT_TIMEOUT`] is given up with a line instead of
    /// holding the test. Take pictures where a test ends or on screens no notification meets.
    pub async fn screenshot(&self, name: &str) {
        let path = self.shots.join(format!("{name}.png"));
        match tokio::time::timeout(SCREENSHOT_TIMEOUT, self.client.screenshot()).await {
            Ok(Ok(png)) => {
                std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            }
            Ok(Err(e)) => panic!("screenshot {name}: {e}"),
            Err(_) => eprintln!(
                "screenshot {name}: the web view gave no picture within {SCREENSHOT_TIMEOUT:?}; \
                 {} not written",
                path.display()
            ),
        }
    }

    /// Ends the session (WebKitWebDriver closes the app), then drops everything.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        // A failed test leaves a picture of what the window showed (multi-thread runtimes
        // only: the screenshot must be awaited from inside this synchronous drop).
        if std::thread::panicking() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                if rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
                    let client = self.client.clone();
                    let path = self.shots.join("failure.png");
                    tokio::task::block_in_place(|| {
                        rt.block_on(async {
                            let shot = client.screenshot();
                            if let Ok(Ok(png)) =
                                tokio::time::timeout(Duration::from_secs(5), shot).await
                            {
                                let _ = std::fs::write(&path, png);
                                eprintln!("window at the failure: {}", path.display());
                            }
                        })
                    });
                }
            }
        }
    }
}
