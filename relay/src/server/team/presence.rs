//! The engine's presence, for the seats' "last seen" line: while an engine stream is open
//! on this relay it counts as connected, and its presence is written to the store when the
//! stream opens, every [`HEARTBEAT`] while it stays open, and when it closes, so that a
//! relay restart (or another relay on the same NATS) still knows when it was last seen.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::store::ops::now_ms;
use crate::store::team::signals::TeamLive;
use crate::store::team::{EngineSeen, TeamStore};

/// How often an open stream's presence is written again.
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(30);
/// A stored "open" older than this is a stream that ended without saying so (a relay
/// killed): three heartbeats.
pub(crate) const STALE_MS: u64 = 90_000;

/// Held while an engine stream is open; records the close when dropped.
pub(crate) struct Presence {
    live: Arc<TeamLive>,
    team: Arc<dyn TeamStore>,
    channel: String,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl Presence {
    /// Marks the engine connected on `channel` and starts the heartbeat.
    pub fn start(team: Arc<dyn TeamStore>, channel: &str) -> Presence {
        let live = team.signals().get(channel);
        live.engine_streams.fetch_add(1, Ordering::Relaxed);
        let heartbeat = {
            let (team, channel) = (team.clone(), channel.to_string());
            tokio::spawn(async move {
                loop {
                    let seen = EngineSeen {
                        last_seen_ms: Some(now_ms()),
                        open: true,
                    };
                    if let Err(e) = team.engine_seen(&channel, seen).await {
                        tracing::debug!(%channel, "engine presence not recorded: {e}");
                    }
                    tokio::time::sleep(HEARTBEAT).await;
                }
            })
        };
        Presence {
            live,
            team,
            channel: channel.to_string(),
            heartbeat,
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.heartbeat.abort();
        let left = self.live.engine_streams.fetch_sub(1, Ordering::Relaxed) - 1;
        let (team, channel) = (self.team.clone(), self.channel.clone());
        tokio::spawn(async move {
            let seen = EngineSeen {
                last_seen_ms: Some(now_ms()),
                open: left > 0,
            };
            if let Err(e) = team.engine_seen(&channel, seen).await {
                tracing::debug!(%channel, "engine presence not recorded: {e}");
            }
        });
    }
}
