//! Desktop notifications. The engine only says what happened; a notification is shown when
//! a desktop session bus is there (notify-rust), and always logged and sent to the UI.

use serde::Serialize;
use tokio::sync::broadcast;

use super::EngineEvent;

/// How a notice should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Something worked (hire done, invite sent).
    Done,
    /// A person has to look (failed, waiting for review, unmapped reason, missing tag).
    Attention,
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Sends notices to the desktop, the log and the UI.
#[derive(Debug, Clone)]
pub struct Notifier {
    events: broadcast::Sender<EngineEvent>,
    desktop: bool,
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
        }
    }

    /// Shows a notice.
    pub fn send(&self, notice: Notice) {
        tracing::info!(entry = ?notice.entry_id, "notification: {} — {}", notice.summary, notice.body);
        let _ = self.events.send(EngineEvent::Notice(notice.clone()));
        if !self.desktop {
            return;
        }
        // The D-Bus call blocks; it must not hold up a job.
        tokio::task::spawn_blocking(move || {
            let mut n = notify_rust::Notification::new();
            n.appname("Hirewire")
                .summary(&notice.summary)
                .body(&notice.body);
            if notice.kind == Kind::Attention {
                n.urgency(notify_rust::Urgency::Critical);
            }
            if let Err(e) = n.show() {
                tracing::warn!("could not show a desktop notification: {e}");
            }
        });
    }
}
