//! The scheduled catch-up: every `lever.reconcile_hours` (0: only by hand), counted from
//! the last catch-up, or from the end of setup when there was none; the first scheduled
//! one compares from the end of setup (earlier hires are the person's to catch up on,
//! from the window or `hirewire reconcile --since`).

use std::time::Duration;

use super::{Options, ReconcileError};
use crate::{keys, time, Engine};

/// How often the schedule looks whether a catch-up is due.
const LOOK: Duration = Duration::from_secs(60);

/// When the next scheduled catch-up is due (ms), or `None` when there is none: switched
/// off, or setup not finished.
pub fn next_due(hours: u64, setup_done_ms: u64, last_at_ms: u64) -> Option<u64> {
    if hours == 0 || setup_done_ms == 0 {
        return None;
    }
    let from = last_at_ms.max(setup_done_ms);
    Some(from.saturating_add(hours.saturating_mul(3_600_000)))
}

/// Runs scheduled catch-ups until the task is aborted.
pub async fn run(engine: Engine) {
    loop {
        tokio::time::sleep(LOOK).await;
        let due = engine
            .store
            .read_async(|rx| {
                Ok((
                    rx.settings()?.lever.reconcile_hours,
                    super::configured_since(rx)?,
                    rx.meta(keys::RECONCILED_AT)?,
                    rx.meta(keys::RECONCILED_UNTIL)?,
                ))
            })
            .await;
        let (hours, setup, last, until) = match due {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("cannot read when to catch up: {e}");
                continue;
            }
        };
        if next_due(hours, setup, last).is_none_or(|d| d > time::now_ms()) {
            continue;
        }
        let opts = Options {
            since_ms: (until == 0).then_some(setup),
            dry_run: false,
            apply_rules: false,
        };
        match super::run(&engine, opts).await {
            Ok(r) => tracing::info!("scheduled catch-up: {}", r.summary()),
            Err(ReconcileError::Busy) => {}
            Err(e) => {
                tracing::warn!("scheduled catch-up failed: {e}");
                // Counted as a run, so that a lasting failure is tried again next period,
                // not every minute.
                let now = time::now_ms();
                let _ = engine
                    .store
                    .write_async(move |tx| tx.put_meta(keys::RECONCILED_AT, now))
                    .await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_a_period_after_the_last_catch_up_or_the_end_of_setup() {
        let h = 3_600_000;
        assert_eq!(next_due(6, 1_000, 0), Some(1_000 + 6 * h));
        assert_eq!(next_due(6, 1_000, 5_000), Some(5_000 + 6 * h));
        assert_eq!(next_due(0, 1_000, 5_000), None, "0 hours: only by hand");
        assert_eq!(next_due(6, 0, 0), None, "not set up: nothing to compare");
        assert_eq!(next_due(u64::MAX, 1, 1), Some(u64::MAX));
    }
}
