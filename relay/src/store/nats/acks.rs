//! Acknowledgements: the app's cumulative ack is recorded in the channel's delivery record
//! (`ack.<id>`), then the stream is purged up to it. Acks are coalesced per channel and
//! written by the periodic flush (every 200 ms), as the redb store does: a lost ack only
//! means a resend that the app drops by seq.
//!
//! The record is written before the purge, and only ever moves forward (a compare-and-set
//! merge with what is stored), so that a replica never takes purged events for aged-out
//! ones, and an old stream's late ack on one replica never undoes a newer one's elsewhere.

use std::time::Duration;

use async_nats::jetstream::kv::UpdateErrorKind;

use super::errors::{timed_out, unavailable};
use super::layout::ack_key;
use super::records::{from_json, to_json, AckDoc};
use super::state::{Shared, Side};
use crate::metrics::Metrics;
use crate::store::ops::now_ms;
use crate::store::StoreError;

/// Attempts of a compare-and-set before giving up until the next flush.
const CAS_ATTEMPTS: usize = 5;
/// How long one bucket write may take before the flush moves on (it retries next time).
const WRITE_TIMEOUT: Duration = Duration::from_secs(3);

/// Remembers an ack (app seq) for the next flush.
pub(super) fn note(shared: &Shared, channel: &str, seq: u64) {
    if let Ok(mut acks) = shared.acks.lock() {
        let slot = acks.entry(channel.to_string()).or_default();
        *slot = (*slot).max(seq);
    }
}

/// Writes every waiting ack; an ack that cannot be written now waits for the next flush.
pub(super) async fn flush(shared: &Shared) {
    let waiting: Vec<(String, u64)> = match shared.acks.lock() {
        Ok(mut acks) => acks.drain().collect(),
        Err(_) => return,
    };
    for (channel, seq) in waiting {
        let Some(side) = shared.side(&channel) else {
            continue;
        };
        if let Err(e) = settle(shared, &side, seq).await {
            tracing::warn!(%channel, seq, "acknowledgement not recorded yet (retried at the next flush): {e}");
            note(shared, &channel, seq);
        }
    }
}

/// Records an ack durably, purges what it covers, and shows the result.
async fn settle(shared: &Shared, side: &Side, seq: u64) -> Result<(), StoreError> {
    let acked = seq.saturating_sub(side.base);
    let before = side.counts();
    if acked <= before.ack.acked || acked > before.last {
        return Ok(());
    }
    let stored = merge(shared, &side.id, |doc| {
        doc.acked = doc.acked.max(acked);
        doc.last_delivery_ms = Some(now_ms());
    })
    .await?;
    side.update(|c| c.ack = c.ack.merged(&stored));
    purge(side, stored.acked).await?;
    side.update(|c| c.gone = c.gone.max(stored.acked));
    if let Some(live) = shared.registry.get(&side.id) {
        let delivered = stored
            .acked
            .saturating_sub(before.ack.acked.max(before.gone));
        shared
            .metrics
            .delivered
            .get_or_create(&Metrics::channel(&live.name))
            .inc_by(delivered);
    }
    shared.show(side);
    Ok(())
}

/// Deletes a channel's messages up to and including stream sequence `upto`.
pub(super) async fn purge(side: &Side, upto: u64) -> Result<(), StoreError> {
    let purge = side.stream.purge().sequence(upto + 1);
    match tokio::time::timeout(WRITE_TIMEOUT, purge).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(unavailable("delete acknowledged events", e)),
        Err(_) => Err(timed_out(
            "delete acknowledged events",
            WRITE_TIMEOUT.as_secs(),
        )),
    }
}

/// Applies `change` to the stored delivery record (compare-and-set, merged so that it only
/// moves forward); returns the record as stored.
pub(super) async fn merge(
    shared: &Shared,
    channel: &str,
    change: impl Fn(&mut AckDoc),
) -> Result<AckDoc, StoreError> {
    let key = ack_key(channel);
    for _ in 0..CAS_ATTEMPTS {
        let entry = tokio::time::timeout(WRITE_TIMEOUT, shared.kv.entry(key.clone()))
            .await
            .map_err(|_| timed_out("read a delivery record", WRITE_TIMEOUT.as_secs()))?
            .map_err(|e| unavailable("read a delivery record", e))?;
        let (current, revision) = match &entry {
            Some(e) if matches!(e.operation, async_nats::jetstream::kv::Operation::Put) => (
                from_json::<AckDoc>(&e.value).unwrap_or_default(),
                e.revision,
            ),
            Some(e) => (AckDoc::default(), e.revision),
            None => (AckDoc::default(), 0),
        };
        let mut next = current.clone();
        change(&mut next);
        let next = next.merged(&current);
        let write = shared.kv.update(key.clone(), to_json(&next)?, revision);
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(Ok(_)) => return Ok(next),
            Ok(Err(e)) if e.kind() == UpdateErrorKind::WrongLastRevision => continue,
            Ok(Err(e)) => return Err(unavailable("write a delivery record", e)),
            Err(_) => {
                return Err(timed_out(
                    "write a delivery record",
                    WRITE_TIMEOUT.as_secs(),
                ))
            }
        }
    }
    Err(StoreError::Unavailable(format!(
        "the delivery record of channel {channel} kept changing under this relay; retrying later"
    )))
}
