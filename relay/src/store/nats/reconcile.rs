//! Bringing a channel's view on this replica up to date from NATS itself: the stream's
//! first and last sequence, then its delivery record (in that order: the record is written
//! before a purge, so a purge seen here always comes with its record, and purged events are
//! never mistaken for aged-out ones). Events JetStream aged out (`max_age`) show as a first
//! sequence beyond the record's floor: they are counted and announced with a `notice`.
//!
//! The age sweep reconciles every channel; a new stream reconciles its own before it
//! starts; the flush reconciles channels with a stream open here about once a second, which
//! bounds how late a lost wake-up note can make an event.

use std::time::Duration;

use super::acks;
use super::errors::{timed_out, unavailable};
use super::layout::ack_key;
use super::records::{from_json, AckDoc};
use super::state::{Shared, Side};
use crate::metrics::Metrics;
use crate::store::StoreError;

/// How long one stream-info or bucket read may take.
const READ_TIMEOUT: Duration = Duration::from_secs(3);

/// A channel's first and last stream sequence, from its leader.
pub(super) async fn positions(side: &Side) -> Result<(u64, u64), StoreError> {
    let info = tokio::time::timeout(READ_TIMEOUT, side.stream.get_info())
        .await
        .map_err(|_| timed_out("read a channel's stream", READ_TIMEOUT.as_secs()))?
        .map_err(|e| unavailable("read a channel's stream", e))?;
    let state = info.state;
    Ok((state.first_sequence.saturating_sub(1), state.last_sequence))
}

/// A channel's delivery record as stored (default when it has none).
pub(super) async fn ack_doc(shared: &Shared, channel: &str) -> Result<AckDoc, StoreError> {
    let value = tokio::time::timeout(READ_TIMEOUT, shared.kv.get(ack_key(channel)))
        .await
        .map_err(|_| timed_out("read a delivery record", READ_TIMEOUT.as_secs()))?
        .map_err(|e| unavailable("read a delivery record", e))?;
    Ok(value
        .map(|v| from_json::<AckDoc>(&v).unwrap_or_default())
        .unwrap_or_default())
}

/// Refreshes one channel; returns how many newly aged-out events this replica saw.
pub(super) async fn channel(shared: &Shared, side: &Side) -> Result<u64, StoreError> {
    let (gone, last) = positions(side).await?;
    let ack = ack_doc(shared, &side.id).await?;
    let mut newly = 0;
    side.update(|c| {
        c.ack = c.ack.merged(&ack);
        c.last = c.last.max(last);
        c.gone = c.gone.max(gone);
        let seen = c.counted_gone.max(c.ack.floor());
        newly = c.gone.saturating_sub(seen);
        c.counted_gone = c.counted_gone.max(c.gone);
    });
    if newly > 0 {
        if let Some(live) = shared.registry.get(&side.id) {
            shared
                .metrics
                .dropped
                .get_or_create(&Metrics::channel(&live.name))
                .inc_by(newly);
        }
    }
    // An ack recorded whose purge did not happen (NATS was down): purge now.
    let c = side.counts();
    if c.ack.acked > c.gone {
        acks::purge(side, c.ack.acked).await?;
        side.update(|c| c.gone = c.gone.max(c.ack.acked));
    }
    shared.show(side);
    Ok(newly)
}

/// Refreshes every channel; returns how many newly aged-out events were seen.
pub(super) async fn all(shared: &Shared) -> Result<u64, StoreError> {
    let mut total = 0;
    let mut failure = None;
    for side in shared.all() {
        match channel(shared, &side).await {
            Ok(n) => total += n,
            Err(e) => failure = Some(e),
        }
    }
    match failure {
        Some(e) if total == 0 => Err(e),
        _ => Ok(total),
    }
}

/// Refreshes the channels that have a stream open on this replica.
pub(super) async fn open_streams(shared: &Shared) {
    for side in shared.all() {
        let streamed = shared
            .registry
            .get(&side.id)
            .is_some_and(|live| live.committed.receiver_count() > 0);
        if streamed {
            if let Err(e) = channel(shared, &side).await {
                tracing::debug!(channel = %side.id, "reconcile failed: {e}");
            }
        }
    }
}
