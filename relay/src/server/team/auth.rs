//! Who is asking: the engine (`Authorization: Bearer SECRET`, the channel secret) or a seat
//! (`Authorization: HirewireSeat DEVICE.UNIX_MS.SIG`, checked against the device key the
//! engine registered, read from the store so that a revocation through any relay counts at
//! once). Also the per-seat bounds that do not need the store: requests held open, commands
//! per minute, and when each device was last seen.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::refusal::Refusal;
use crate::live::ChannelLive;
use crate::server::AppState;
use crate::store::ops::now_ms;
use crate::team::{parse_seat_auth, verify_seat_auth, SeatAuthError, SEAT_AUTH_SCHEME};

/// How often a device's last-seen time is written (it moves on every request).
const SEEN_EVERY_MS: u64 = 60_000;

/// The authenticated caller of a team request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The engine: it holds the channel secret.
    Engine,
    /// A seat: a registered device.
    Seat(String),
}

impl Caller {
    /// Refuses a seat on a request only the engine makes.
    pub fn engine_only(&self) -> Result<(), Refusal> {
        match self {
            Caller::Engine => Ok(()),
            Caller::Seat(_) => Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "team_engine_only",
                "only the engine (with the channel secret) may do this",
            )),
        }
    }
}

/// Per-seat state kept in memory by this relay.
pub(crate) struct Seats {
    open: Mutex<HashMap<(String, String), usize>>,
    seen: Mutex<HashMap<(String, String), u64>>,
    commands: DefaultKeyedRateLimiter<(String, String)>,
}

impl Seats {
    pub fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Seats {
            open: Mutex::default(),
            seen: Mutex::default(),
            commands: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// Takes one of a seat's open-request slots, or `None` when it holds `max` already.
    pub fn hold(self: &Arc<Self>, channel: &str, device: &str, max: usize) -> Option<SeatSlot> {
        let key = (channel.to_string(), device.to_string());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key.clone()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(SeatSlot {
            seats: self.clone(),
            key,
        })
    }

    /// Counts one command; `Err(seconds to wait)` over the per-minute bound.
    pub fn command(&self, channel: &str, device: &str) -> Result<(), u64> {
        let key = (channel.to_string(), device.to_string());
        self.commands.check_key(&key).map_err(|not_until| {
            let clock = governor::clock::DefaultClock::default();
            not_until
                .wait_time_from(governor::clock::Clock::now(&clock))
                .as_secs()
                .max(1)
        })
    }

    /// Notes a request from a device; whether its last-seen time should be written now.
    fn seen(&self, channel: &str, device: &str, now: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let key = (channel.to_string(), device.to_string());
        match seen.get(&key) {
            Some(&at) if now.saturating_sub(at) < SEEN_EVERY_MS => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }
}

/// One open request of a seat; frees its slot when dropped.
pub(crate) struct SeatSlot {
    seats: Arc<Seats>,
    key: (String, String),
}

impl Drop for SeatSlot {
    fn drop(&mut self) {
        let mut open = self.seats.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// The channel (refreshed from the store first) and who is asking, or the refusal.
pub(crate) async fn caller(
    st: &AppState,
    channel: &str,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<(Arc<ChannelLive>, Caller), Refusal> {
    if let Err(e) = st.store.refresh(channel).await {
        tracing::warn!(%channel, "channel not refreshed before the check: {e}");
    }
    let live = st
        .registry
        .get(channel)
        .ok_or_else(Refusal::unknown_channel)?;
    let header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(secret) = header.strip_prefix("Bearer ") {
        if live.accepts(secret) {
            return Ok((live, Caller::Engine));
        }
        return Err(unauthorized("wrong channel secret".to_string()));
    }
    if !header.starts_with(SEAT_AUTH_SCHEME) {
        return Err(unauthorized(
            "missing credential: the channel secret (engine) or a seat's `HirewireSeat` signature"
                .to_string(),
        ));
    }
    let device = parse_seat_auth(header)
        .map(|(d, _, _)| d.to_string())
        .ok_or_else(|| unauthorized(SeatAuthError::Malformed.to_string()))?;
    let record = st
        .team
        .device(channel, &device)
        .await
        .map_err(Refusal::store)?;
    let key = record
        .as_ref()
        .and_then(|r| crate::team::parse_device_key(&r.key));
    let now = now_ms();
    let device = verify_seat_auth(header, channel, method, path, now, |d| {
        key.filter(|_| d == device)
    })
    .map_err(|e| unauthorized(e.to_string()))?;
    if st.seats.seen(channel, &device, now) {
        // Best effort: last-seen is for the Team screen, not worth a request's latency.
        let (team, ch, dev) = (st.team.clone(), channel.to_string(), device.clone());
        tokio::spawn(async move {
            if let Err(e) = team.touch_device(&ch, &dev, now).await {
                tracing::debug!(channel = %ch, device = %dev, "last-seen not recorded: {e}");
            }
        });
    }
    Ok((live, Caller::Seat(device)))
}

fn unauthorized(why: String) -> Refusal {
    Refusal::new(StatusCode::UNAUTHORIZED, "team_unauthorized", why)
}

/// A seat's request was ended because its device was revoked.
pub(crate) fn revoked() -> Refusal {
    unauthorized("this device was removed from the team".to_string())
}
