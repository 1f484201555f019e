//! What the status bar shows: the relay connection, whether setup is finished, the queue,
//! and when the last event arrived.

use serde::Serialize;

use crate::history::{self, Filter};
use crate::keys;
use crate::model::RelayLink;
use crate::store::StoreError;
use crate::{Engine, RelayState};

/// The engine's state for the status bar and the start screen.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EngineStatus {
    /// The profile.
    pub profile: String,
    /// Whether the setup wizard was finished.
    pub configured: bool,
    /// The relay connection.
    pub relay: RelayView,
    /// The receipt time of the newest entry (ms).
    pub last_event_at: Option<u64>,
    /// Jobs and inbox events waiting.
    pub queue: u64,
    /// What catching up found the webhooks missed: the banner lines.
    pub health: Vec<String>,
}

/// The relay connection as shown.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RelayView {
    /// Where the connection stands.
    pub state: RelayLink,
    /// The last error.
    pub detail: Option<String>,
    /// The relay's URL, once connected.
    pub url: Option<String>,
    /// Since when (ms).
    pub since: Option<u64>,
    /// Streams found stalled and reconnected since the engine started.
    pub stalls: u64,
}

/// The engine's state now.
pub async fn status(engine: &Engine) -> Result<EngineStatus, StoreError> {
    let rs: RelayState = engine
        .relay_state
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    let (conn, configured, queue, last, health) = engine
        .store
        .read_async(|rx| {
            let conn = rx.relay_conn()?;
            let configured = rx.meta(keys::SETUP_DONE)? > 0;
            let queue = rx.jobs_len()? + rx.inbox_len()?;
            let health = rx.health::<crate::reconcile::health::Health>()?.messages();
            let newest = Filter {
                limit: 1,
                ..Default::default()
            };
            let last = history::list(rx, &newest)?
                .entries
                .first()
                .map(|e| e.received_at);
            Ok((conn, configured, queue, last, health))
        })
        .await?;
    let state = rs.state.unwrap_or(RelayLink::Connecting);
    Ok(EngineStatus {
        profile: engine.profile.clone(),
        configured,
        relay: RelayView {
            state,
            detail: rs.detail,
            url: conn.map(|c| c.url),
            since: rs.since,
            stalls: rs.stalls,
        },
        last_event_at: last,
        queue,
        health,
    })
}
