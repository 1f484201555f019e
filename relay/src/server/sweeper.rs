//! The age limit: events nobody acknowledged within `--max-age` are dropped, counted in
//! `/metrics`, and announced to the app with a `notice` frame so no loss is silent.

use std::time::Duration;

use super::AppState;
use crate::store::ops::now_ms;

/// Longest pause between sweeps; a minute of lateness on a 30-day limit is noise.
const MAX_INTERVAL: Duration = Duration::from_secs(60);
/// Shortest pause, so that a tiny test limit does not spin.
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// How long an acknowledgement may wait for a durable commit when no webhook arrives to
/// carry it: short enough that `channel list` and restarts see acks promptly.
const ACK_FLUSH_INTERVAL: Duration = Duration::from_millis(200);

/// Commits deferred acknowledgements until the task is aborted.
pub(super) async fn flush_acks(st: AppState) {
    let mut tick = tokio::time::interval(ACK_FLUSH_INTERVAL);
    loop {
        tick.tick().await;
        st.store.flush().await;
    }
}

/// Sweeps until the task is aborted.
pub(super) async fn run(st: AppState) {
    let every = (st.cfg.max_age / 4).clamp(MIN_INTERVAL, MAX_INTERVAL);
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let cutoff = now_ms().saturating_sub(st.cfg.max_age.as_millis() as u64);
        match st.store.drop_aged(cutoff).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(dropped = n, "dropped events older than the age limit"),
            Err(e) => tracing::error!(error = %e, "age sweep failed"),
        }
    }
}
