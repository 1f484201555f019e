//! Intake, step 1 (what it shows): the relay connection's state for the status bar and
//! the window, a notification when it stays offline, stalls counted, and the history
//! entries for what the relay says went wrong (events dropped, its queue gone back).

use std::time::Duration;

use crate::model::{Flow, RelayLink, Status};
use crate::notify::{Kind, Notice};
use crate::store::entries::NewEntry;
use crate::{time, Engine, EngineEvent};

use super::watchdog::Watch;

/// Unreachable this long, the relay earns a notification: webhooks pile up there meanwhile.
const OFFLINE_ALERT: Duration = Duration::from_secs(10 * 60);

/// Records where the connection stands, tells the window, and notifies once when it has
/// been offline for [`OFFLINE_ALERT`].
pub(crate) fn state(engine: &Engine, state: RelayLink, detail: Option<String>) {
    let now = time::now_ms();
    let notify_offline = {
        let Ok(mut rs) = engine.relay_state.lock() else {
            return;
        };
        if rs.state != Some(state) {
            tracing::info!(state = state.as_str(), "relay connection: {state}");
            rs.since = Some(now);
            if state != RelayLink::Offline {
                rs.offline_notified = false;
            }
        }
        rs.state = Some(state);
        rs.detail = detail.clone();
        let long = rs
            .since
            .is_some_and(|s| now.saturating_sub(s) > OFFLINE_ALERT.as_millis() as u64);
        let fire = state == RelayLink::Offline && long && !rs.offline_notified;
        if fire {
            rs.offline_notified = true;
        }
        fire
    };
    if notify_offline {
        engine.notifier.send(Notice {
            summary: "The relay is unreachable".into(),
            body: format!(
                "for over 10 minutes: {}",
                detail.clone().unwrap_or_default()
            ),
            entry_id: None,
            kind: Kind::Attention,
        });
    }
    let _ = engine.events.send(EngineEvent::Relay { state, detail });
}

/// A frame was handled: the stream delivers, and says so the first time.
pub(super) fn delivering(engine: &Engine, watch: &mut Watch) {
    let first = !watch.is_delivering();
    watch.delivered();
    if first {
        state(engine, RelayLink::Connected, None);
    }
}

/// A stalled stream is logged once, counted, and shown until the next connection.
pub(super) fn stalled(engine: &Engine, why: &str) {
    let count = match engine.relay_state.lock() {
        Ok(mut rs) => {
            rs.stalls += 1;
            rs.stalls
        }
        Err(_) => 0,
    };
    tracing::warn!(
        stalls = count,
        "relay stream stalled, reconnecting: {why} (stall {count} since the engine started)"
    );
}

/// The relay dropped events: a visible, failed history entry and a notification.
pub(super) async fn dropped_notice(engine: &Engine, dropped: u64, reason: &str) {
    let why = format!("the relay dropped {dropped} webhook(s) ({reason}); re-run them from Lever's webhook delivery history");
    tracing::error!("{why}");
    let entry = NewEntry::own(
        "relayDropped",
        Flow::None,
        Status::Failed,
        Some(why.clone()),
    );
    said(engine, entry, "Webhooks were lost at the relay", why).await;
}

/// The relay's seq went back: never swallowed, always said.
pub(super) async fn went_back(engine: &Engine, from: u64, to: u64) {
    let why = format!(
        "the relay's queue went back from event {from} to event {to}: it was probably restored from an older backup or its data was replaced. Its events are taken in again and checked against Lever's own ids, so nothing is done twice; webhooks Lever sent in between may need a re-run from Lever's delivery history"
    );
    tracing::warn!("{why}");
    let entry = NewEntry::own(
        crate::webhooks::own::RELAY_REWOUND,
        Flow::None,
        Status::Done,
        Some(why.clone()),
    );
    said(engine, entry, "The relay went back in time", why).await;
}

/// Records what the relay said as an entry of its own, and notifies with it.
async fn said(engine: &Engine, entry: NewEntry, summary: &str, why: String) {
    let id = engine
        .store
        .write_async(move |tx| tx.open_entry(entry, None, None))
        .await;
    match id {
        Ok(id) => {
            engine.entry_changed(id);
            engine.notifier.send(Notice {
                summary: summary.into(),
                body: why,
                entry_id: Some(id),
                kind: Kind::Attention,
            });
        }
        Err(e) => tracing::error!("cannot record a relay notice: {e}"),
    }
}
