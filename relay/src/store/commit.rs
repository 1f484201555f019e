//! One group commit: the batch is sorted into [`Effects`] (so every reply is held before
//! anything can fail), applied in one write transaction, and committed once. Only after
//! the commit does [`super::publish`] answer the callers and move the live state.

use std::collections::HashMap;
use std::time::Instant;

use redb::WriteTransaction;

use super::handle::DbHandle;
use super::ops;
use super::queue::{AdminCmd, AdminOutcome, Effects, Op, Reply, TeamWork};
use super::records::{ChannelRecord, StoredEvent};
use super::tables::META_PROBE;
use super::StoreError;
use crate::live::Registry;
use crate::metrics::Metrics;

/// Applies and commits a batch, then publishes it; on failure every caller hears why
/// (and the error is returned, so the writer reopens the database).
pub(super) fn apply(
    db: &DbHandle,
    registry: &Registry,
    metrics: &Metrics,
    batch: Vec<Op>,
) -> Result<(), StoreError> {
    let mut fx = Effects::sorted(batch);
    let result = db.guard(|db| {
        let txn = db.begin_write()?;
        let records = write_batch(&txn, &mut fx)?;
        txn.commit()?;
        Ok(records)
    });
    match result {
        Ok(records) => {
            super::publish::publish(registry, metrics, records, fx);
            Ok(())
        }
        Err(e) => {
            fail_all(fx, &e);
            Err(e)
        }
    }
}

/// Answers every caller of a batch that could not be committed.
pub(super) fn fail_all(fx: Effects, e: &StoreError) {
    let again = || match e {
        StoreError::Unavailable(_) | StoreError::Damaged(_) => e.clone(),
        other => StoreError::Unavailable(other.to_string()),
    };
    for (_, _, _, reply) in fx.queued {
        let _ = reply.send(Err(again()));
    }
    for (reply, result, _) in fx.ingested {
        let _ = reply.send(result.and(Err(again())));
    }
    for (_, reply, _) in fx.admin {
        let _ = reply.send(Err(again()));
    }
    for (_, reply, _) in fx.aged {
        let _ = reply.send(Err(again()));
    }
    for reply in fx.probes {
        let _ = reply.send(Err(again()));
    }
    for (_, reply, _) in fx.team {
        let _ = reply.send(Err(again()));
    }
}

/// Applies a sorted batch inside `txn`; returns the channel records as they will be
/// committed, for [`super::publish`].
fn write_batch(
    txn: &WriteTransaction,
    fx: &mut Effects,
) -> Result<HashMap<String, ChannelRecord>, StoreError> {
    let mut records: HashMap<String, Option<ChannelRecord>> = HashMap::new();
    for (cmd, _, outcome) in &mut fx.admin {
        *outcome = run_admin(txn, cmd);
    }
    for (channel, count) in std::mem::take(&mut fx.cleared) {
        if let Some(rec) = cached(txn, &mut records, &channel)? {
            rec.dropped_unnoticed = rec.dropped_unnoticed.saturating_sub(count);
        }
    }
    for i in 0..fx.aged.len() {
        let cutoff = fx.aged[i].0;
        let out = drop_all_aged(txn, &mut records, cutoff, &mut fx.deleted);
        fx.aged[i].2 = out;
    }
    for (channel, seq) in std::mem::take(&mut fx.acks) {
        let Some(rec) = cached(txn, &mut records, &channel)? else {
            continue;
        };
        if seq <= rec.acked_seq || seq > rec.last_seq {
            continue;
        }
        let n = ops::delete_events(txn, &channel, rec.acked_seq + 1, seq)?;
        rec.acked_seq = seq;
        rec.last_delivery_ms = Some(ops::now_ms());
        fx.deleted.entry(channel).or_default().0 += n;
    }
    append_ingests(txn, &mut records, fx)?;
    for (work, _, result) in &mut fx.team {
        if let Some(TeamWork(work)) = work.take() {
            // A storage error fails the whole batch (every caller hears it); outcomes the
            // caller must see (a conflict, a full mailbox) are values, not errors.
            *result = Ok(work(txn)?);
        }
    }
    if !fx.probes.is_empty() {
        ops::put_meta(txn, META_PROBE, &ops::now_ms().to_string())?;
    }
    let mut committed = HashMap::new();
    for (id, rec) in records {
        if let Some(rec) = rec {
            ops::put_channel(txn, &id, &rec)?;
            committed.insert(id, rec);
        }
    }
    Ok(committed)
}

fn append_ingests(
    txn: &WriteTransaction,
    records: &mut HashMap<String, Option<ChannelRecord>>,
    fx: &mut Effects,
) -> Result<(), StoreError> {
    // Group by channel, keeping arrival order inside each channel.
    let mut by_channel: HashMap<String, Vec<(StoredEvent, Instant, Reply<u64>)>> = HashMap::new();
    for (channel, event, arrived, reply) in fx.queued.drain(..) {
        by_channel
            .entry(channel)
            .or_default()
            .push((event, arrived, reply));
    }
    let mut failure = None;
    for (channel, items) in by_channel {
        let rec = match cached(txn, records, &channel) {
            Ok(rec) => rec,
            Err(e) => {
                failure = Some(e);
                None
            }
        };
        let Some(rec) = rec.filter(|_| failure.is_none()) else {
            for (_, arrived, reply) in items {
                fx.ingested.push((
                    reply,
                    Err(StoreError::UnknownChannel(channel.clone())),
                    arrived,
                ));
            }
            continue;
        };
        let events: Vec<&StoredEvent> = items.iter().map(|(e, _, _)| e).collect();
        match ops::append_events(txn, &channel, rec, &events) {
            Ok(seqs) => {
                for ((_, arrived, reply), seq) in items.into_iter().zip(seqs) {
                    fx.ingested.push((reply, Ok(seq), arrived));
                }
            }
            Err(e) => {
                for (_, arrived, reply) in items {
                    fx.ingested
                        .push((reply, Err(StoreError::Db(e.to_string())), arrived));
                }
                failure = Some(e);
            }
        }
    }
    failure.map_or(Ok(()), Err)
}

fn cached<'a>(
    txn: &WriteTransaction,
    records: &'a mut HashMap<String, Option<ChannelRecord>>,
    id: &str,
) -> Result<Option<&'a mut ChannelRecord>, StoreError> {
    if !records.contains_key(id) {
        let rec = ops::get_channel(txn, id)?;
        records.insert(id.to_string(), rec);
    }
    Ok(records.get_mut(id).and_then(|r| r.as_mut()))
}

fn run_admin(txn: &WriteTransaction, cmd: &AdminCmd) -> Result<AdminOutcome, StoreError> {
    match cmd {
        AdminCmd::Add(name) => ops::add_channel(txn, name).map(AdminOutcome::Issued),
        AdminCmd::Rotate(id) => ops::rotate_channel(txn, id).map(AdminOutcome::Issued),
        AdminCmd::Remove(id) => ops::remove_channel(txn, id).map(AdminOutcome::Removed),
        AdminCmd::SetPublicUrl(url) => {
            ops::put_meta(txn, super::tables::META_PUBLIC_URL, url)?;
            Ok(AdminOutcome::Done)
        }
    }
}

fn drop_all_aged(
    txn: &WriteTransaction,
    records: &mut HashMap<String, Option<ChannelRecord>>,
    cutoff_ms: u64,
    deleted: &mut HashMap<String, (u64, u64)>,
) -> Result<u64, StoreError> {
    let mut total = 0;
    for id in ops::channel_ids(txn)? {
        if let Some(rec) = cached(txn, records, &id)? {
            let n = ops::drop_aged(txn, &id, rec, cutoff_ms)?;
            if n > 0 {
                deleted.entry(id).or_default().1 += n;
                total += n;
            }
        }
    }
    Ok(total)
}
