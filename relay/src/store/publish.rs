//! After a successful commit: the live state and metrics move, then every caller is
//! answered. Nothing here runs for a batch that did not commit.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::queue::{AdminCmd, AdminOutcome, Effects};
use super::records::ChannelRecord;
use super::StoreError;
use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;

/// After a successful commit: update live state and metrics, then answer everyone.
pub(super) fn publish(
    registry: &Registry,
    metrics: &Metrics,
    records: HashMap<String, ChannelRecord>,
    fx: Effects,
) {
    let Effects {
        admin,
        deleted,
        ingested,
        aged,
        probes,
        team,
        ..
    } = fx;
    for (cmd, reply, outcome) in admin {
        apply_admin(registry, metrics, &cmd, &outcome);
        let _ = reply.send(outcome);
    }
    for (id, (acked, aged)) in &deleted {
        count_deleted(registry, metrics, id, *acked, *aged);
    }
    for (id, rec) in &records {
        if let Some(live) = registry.get(id) {
            advance(&live, metrics, rec);
        }
    }
    for (reply, result, arrived) in ingested {
        metrics
            .ingest_latency
            .observe(arrived.elapsed().as_secs_f64());
        let _ = reply.send(result);
    }
    for (_, reply, result) in aged {
        let _ = reply.send(result);
    }
    for reply in probes {
        let _ = reply.send(Ok(()));
    }
    for (_, reply, result) in team {
        let _ = reply.send(result);
    }
}

/// A committed channel change reaches the live registry: a new channel, a new secret,
/// or a channel gone (its pending gauge to zero).
fn apply_admin(
    registry: &Registry,
    metrics: &Metrics,
    cmd: &AdminCmd,
    outcome: &Result<AdminOutcome, StoreError>,
) {
    match (cmd, outcome) {
        (AdminCmd::Add(_), Ok(AdminOutcome::Issued(new))) => {
            registry.insert(ChannelLive::new(&new.id, &new.record, 0));
        }
        (AdminCmd::Rotate(id), Ok(AdminOutcome::Issued(new))) => {
            if let Some(live) = registry.get(id) {
                live.set_secret_hash(&new.record.secret_hash);
            }
        }
        (AdminCmd::Remove(id), Ok(_)) => {
            if let Some(live) = registry.remove(id) {
                metrics
                    .pending
                    .get_or_create(&Metrics::channel(&live.name))
                    .set(0);
            }
        }
        _ => {}
    }
}

/// Events deleted from a channel: by acks (delivered) or by age (dropped).
fn count_deleted(registry: &Registry, metrics: &Metrics, id: &str, acked: u64, aged: u64) {
    let Some(live) = registry.get(id) else {
        return;
    };
    live.pending
        .fetch_sub((acked + aged).min(live.pending()), Ordering::Relaxed);
    let label = Metrics::channel(&live.name);
    metrics.delivered.get_or_create(&label).inc_by(acked);
    metrics.dropped.get_or_create(&label).inc_by(aged);
}

/// A channel's committed record moves its live state and gauges, then wakes its stream.
fn advance(live: &ChannelLive, metrics: &Metrics, rec: &ChannelRecord) {
    let label = Metrics::channel(&live.name);
    let before = *live.committed.borrow();
    if rec.last_seq > before {
        let added = rec.last_seq - before;
        live.pending.fetch_add(added, Ordering::Relaxed);
        metrics.received.get_or_create(&label).inc_by(added);
    }
    live.acked.store(rec.acked_seq, Ordering::Relaxed);
    metrics
        .pending
        .get_or_create(&label)
        .set(live.pending() as i64);
    metrics
        .acked_seq
        .get_or_create(&label)
        .set(rec.acked_seq as i64);
    live.dropped
        .send_if_modified(|d| std::mem::replace(d, rec.dropped_unnoticed) != rec.dropped_unnoticed);
    // Wake the stream last, when everything it may read is in place.
    live.committed.send_if_modified(|c| {
        let changed = rec.last_seq > *c;
        *c = (*c).max(rec.last_seq);
        changed
    });
}
