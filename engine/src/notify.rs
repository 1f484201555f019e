//! Desktop notifications. The engine only says what happened; a notification is shown when
//! a desktop session bus is there (notify-rust), and always logged and sent to the UI.

use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tokio::sync::broadcast;

use super::EngineEvent;

/// How a notice should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Something worked (hire done, invite sent).
    Done,
    /// A person has to look (failed, waiting for review, unmapped reason, missing tag).
    Attention,
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Notice {
    /// Title ("Ada Lovelace → bob").
    pub summary: String,
    /// One line of detail.
    pub body: String,
    /// The history entry it is about.
    pub entry_id: Option<u64>,
    /// Done or attention.
    pub kind: Kind,
}

/// What a click on a notification does (the window shows the entry).
pub type OnClick = Arc<dyn Fn(u64) + Send + Sync>;

/// Sends notices to the desktop, the log and the UI.
#[derive(Clone)]
pub struct Notifier {
    events: broadcast::Sender<EngineEvent>,
    desktop: bool,
    click: Arc<OnceLock<OnClick>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("desktop", &self.desktop)
            .finish()
    }
}

impl Notifier {
    /// A notifier; desktop notifications only with a session bus and unless
    /// `HIREWIRE_NOTIFICATIONS=off`.
    pub fn new(events: broadcast::Sender<EngineEvent>) -> Self {
        let off = std::env::var("HIREWIRE_NOTIFICATIONS").is_ok_and(|v| v == "off");
        let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
            || cfg!(not(target_os = "linux"));
        Notifier {
            events,
            desktop: bus && !off,
            click: Arc::default(),
        }
    }

    /// Sets what a click on a notification does (once; the window sets it).
    pub fn on_click(&self, f: OnClick) {
        let _ = self.click.set(f);
    }

    /// Shows a notice.
    pub fn send(&self, notice: Notice) {
        // Ids only at info level: a notice names the candidate.
        tracing::info!(entry = ?notice.entry_id, kind = ?notice.kind, "notification shown");
        tracing::debug!(entry = ?notice.entry_id, "notification: {} — {}", notice.summary, notice.body);
        let _ = self.events.send(EngineEvent::Notice(notice.clone()));
        if !self.desktop {
            return;
        }
        let click = self.click.get().cloned();
        // The D-Bus call blocks (and waits for a click): it must not hold up a job.
        tokio::task::spawn_blocking(move || show(&notice, click));
    }
}

fn show(notice: &Notice, click: Option<OnClick>) {
    let mut n = notify_rust::Notification::new();
    n.appname("Hirewire")
        .summary(&notice.summary)
        .body(&notice.body);
    #[cfg(all(unix, not(target_os = "macos")))]
    if notice.kind == Kind::Attention {
        n.urgency(notify_rust::Urgency::Critical);
    }
    let wants_click = click.is_some() && notice.entry_id.is_some();
    if wants_click {
        n.action("default", "Open in Hirewire");
    }
    match n.show() {
        Ok(handle) => {
            #[cfg(all(unix, not(target_os = "macos")))]
            if let (true, Some(cb), Some(id)) = (wants_click, click, notice.entry_id) {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        cb(id);
                    }
                });
            }
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            let _ = (handle, click);
        }
        Err(e) => tracing::warn!("could not show a desktop notification: {e}"),
    }
}
