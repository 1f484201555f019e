//! The long-poll of every seat-API read (`wait=MS`): read, and if there is nothing, wait
//! for the store's wake-up, the deadline, or an end — the device revoked (`401` at once),
//! the channel removed (`404`), the relay stopping (the empty answer).

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::auth::{revoked, Caller};
use super::refusal::Refusal;
use crate::live::{ChannelLive, Control};
use crate::server::AppState;
use crate::team::WAIT_CAP_MS;

/// Waits on one kind of change, subscribed before the first read.
pub(crate) struct Waiter {
    wake: watch::Receiver<u64>,
    control: watch::Receiver<Control>,
    revoked: Option<(watch::Receiver<BTreeSet<String>>, String)>,
    shutdown: watch::Receiver<bool>,
    deadline: Instant,
    waiting: prometheus_client::metrics::gauge::Gauge,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.waiting.dec();
    }
}

impl Waiter {
    /// Subscribes to `wake` for at most `wait_ms` (capped at 30 s).
    pub fn new(
        st: &AppState,
        live: &ChannelLive,
        wake: watch::Receiver<u64>,
        caller: &Caller,
        wait_ms: u64,
    ) -> Waiter {
        let revoked = match caller {
            Caller::Seat(device) => Some((
                st.team.signals().get(&live.id).revoked.subscribe(),
                device.clone(),
            )),
            Caller::Engine => None,
        };
        st.metrics.team_waiting.inc();
        Waiter {
            waiting: st.metrics.team_waiting.clone(),
            wake,
            control: live.control.subscribe(),
            revoked,
            shutdown: st.shutdown.clone(),
            deadline: Instant::now() + Duration::from_millis(wait_ms.min(WAIT_CAP_MS)),
        }
    }

    /// A waiter for requests from anyone (mailboxes): no device to revoke.
    pub fn anonymous(
        st: &AppState,
        live: &ChannelLive,
        wake: watch::Receiver<u64>,
        wait_ms: u64,
    ) -> Waiter {
        Waiter::new(st, live, wake, &Caller::Engine, wait_ms)
    }

    /// Whether the device was revoked already (checked again before answering).
    pub fn check(&self) -> Result<(), Refusal> {
        match &self.revoked {
            Some((rx, device)) if rx.borrow().contains(device) => Err(revoked()),
            _ => Ok(()),
        }
    }

    /// Waits for a change: `Ok(true)` woken (read again), `Ok(false)` the time is up.
    pub async fn wait(&mut self) -> Result<bool, Refusal> {
        self.check()?;
        if Instant::now() >= self.deadline || *self.shutdown.borrow() {
            return Ok(false);
        }
        let Waiter {
            wake,
            control,
            revoked,
            shutdown,
            deadline,
            ..
        } = self;
        let revoked = async {
            match revoked {
                Some((rx, device)) => {
                    let device = device.clone();
                    let _ = rx.wait_for(|set| set.contains(&device)).await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            changed = wake.changed() => {
                if changed.is_err() {
                    // The channel's wake-ups are gone: it was removed.
                    return Err(Refusal::unknown_channel());
                }
                Ok(true)
            }
            _ = revoked => Err(super::auth::revoked()),
            _ = control.wait_for(|c| c.removed) => Err(Refusal::unknown_channel()),
            _ = shutdown.wait_for(|s| *s) => Ok(false),
            _ = tokio::time::sleep_until(*deadline) => Ok(false),
        }
    }
}
