//! After a successful commit: the live state and metrics move, then every caller is
//! answered. Nothing here runs for a batch that did not commit.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::queue::{AdminCmd, AdminOutcome, Effects};
use super::records::ChannelRecord;
use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;

/// After a successful commit: update live state and metrics, then answer everyone.
pub(super) fn publish(
    registry: &Registry,
    metrics: &Metrics,
    records: HashMap<String, ChannelRecord>,
    fx: Effects,
) {
    for (cmd, reply, outcome) in fx.admin {
        match (&cmd, &outcome) {
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
        let _ = reply.send(outcome);
    }
    for (id, (acked, aged)) in &fx.deleted {
        let Some(live) = registry.get(id) else {
            continue;
        };
        live.pending
            .fetch_sub((acked + aged).min(live.pending()), Ordering::Relaxed);
        let label = Metrics::channel(&live.name);
        metrics.delivered.get_or_create(&label).inc_by(*acked);
        metrics.dropped.get_or_create(&label).inc_by(*aged);
    }
    for (id, rec) in &records {
        let Some(live) = registry.get(id) else {
            continue;
        };
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
        live.dropped.send_if_modified(|d| {
            std::mem::replace(d, rec.dropped_unnoticed) != rec.dropped_unnoticed
        });
        // Wake the stream last, when everything it may read is in place.
        live.committed.send_if_modified(|c| {
            let changed = rec.last_seq > *c;
            *c = (*c).max(rec.last_seq);
            changed
        });
    }
    for (reply, result, arrived) in fx.ingested {
        metrics
            .ingest_latency
            .observe(arrived.elapsed().as_secs_f64());
        let _ = reply.send(result);
    }
    for (_, reply, result) in fx.aged {
        let _ = reply.send(result);
    }
    for reply in fx.probes {
        let _ = reply.send(Ok(()));
    }
    for (_, reply, result) in fx.team {
        let _ = reply.send(result);
    }
}
