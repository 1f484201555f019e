//! Group commit. One thread owns every write: it takes all the operations that queued up
//! while the previous commit was syncing, applies them in one transaction, commits once
//! (one fsync), and only then answers each caller and updates the live state. Throughput
//! is therefore the disk's fsync rate times the batch size, and a `200` is never sent for
//! an event that is not on disk.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use redb::Database;
use tokio::sync::{mpsc, oneshot};

use super::ops::{self, Issued};
use super::records::{ChannelRecord, StoredEvent};
use super::tables::META_PROBE;
use super::StoreError;
use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;

/// Most operations folded into one commit; bounds the transaction's memory.
const MAX_BATCH: usize = 2048;
/// Queue in front of the writer; a full queue makes callers wait (backpressure).
const QUEUE: usize = 16 * 1024;

/// A channel administration request.
#[derive(Debug)]
pub enum AdminCmd {
    /// Create a channel with this name.
    Add(String),
    /// Delete a channel and its queue.
    Remove(String),
    /// Give a channel a new secret.
    Rotate(String),
    /// Record the public URL used in connection codes.
    SetPublicUrl(String),
}

/// What an admin request produced.
#[derive(Debug)]
pub enum AdminOutcome {
    /// New credentials (add, rotate).
    Issued(Issued),
    /// Events deleted with a removed channel.
    Removed(u64),
    /// Nothing to report.
    Done,
}

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// One queued write.
#[derive(Debug)]
enum Op {
    Ingest {
        channel: String,
        event: StoredEvent,
        arrived: Instant,
        reply: Reply<u64>,
    },
    Ack {
        channel: String,
        seq: u64,
    },
    Admin {
        cmd: AdminCmd,
        reply: Reply<AdminOutcome>,
    },
    DropAged {
        cutoff_ms: u64,
        reply: Reply<u64>,
    },
    ClearDropped {
        channel: String,
        count: u64,
    },
    Probe {
        reply: Reply<()>,
    },
    /// Commit deferred acks, if any.
    Flush,
}

/// The cloneable handle every task uses to reach the writer.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Op>,
}

impl Writer {
    /// Starts the writer thread. It stops when every handle is dropped, after finishing
    /// what is queued.
    pub fn start(
        db: Arc<Database>,
        registry: Arc<Registry>,
        metrics: Arc<Metrics>,
    ) -> (Self, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("relay-writer".into())
            .spawn(move || run(&db, &registry, &metrics, rx))
            .unwrap_or_else(|e| panic!("cannot start the writer thread: {e}"));
        (Writer { tx }, thread)
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Op) -> Result<T, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Stores an event durably; returns its seq once committed.
    pub async fn ingest(
        &self,
        channel: &str,
        event: StoredEvent,
        arrived: Instant,
    ) -> Result<u64, StoreError> {
        let channel = channel.to_string();
        self.call(|reply| Op::Ingest {
            channel,
            event,
            arrived,
            reply,
        })
        .await
    }

    /// Records a cumulative acknowledgement (deletes up to `seq`). Fire and forget: the
    /// stream does not wait, and a lost ack only means a resend the app drops by seq.
    pub async fn ack(&self, channel: &str, seq: u64) {
        let _ = self
            .tx
            .send(Op::Ack {
                channel: channel.to_string(),
                seq,
            })
            .await;
    }

    /// Runs a channel administration request.
    pub async fn admin(&self, cmd: AdminCmd) -> Result<AdminOutcome, StoreError> {
        self.call(|reply| Op::Admin { cmd, reply }).await
    }

    /// Drops unacknowledged events older than `cutoff_ms`; returns how many.
    pub async fn drop_aged(&self, cutoff_ms: u64) -> Result<u64, StoreError> {
        self.call(|reply| Op::DropAged { cutoff_ms, reply }).await
    }

    /// Marks `count` dropped events as announced to the app.
    pub async fn clear_dropped(&self, channel: &str, count: u64) {
        let _ = self
            .tx
            .send(Op::ClearDropped {
                channel: channel.to_string(),
                count,
            })
            .await;
    }

    /// Commits acknowledgements that are waiting for a durable commit.
    pub async fn flush(&self) {
        let _ = self.tx.send(Op::Flush).await;
    }

    /// Makes a real durable commit: proves the store accepts writes.
    pub async fn probe(&self) -> Result<(), StoreError> {
        self.call(|reply| Op::Probe { reply }).await
    }
}

fn run(db: &Database, registry: &Registry, metrics: &Metrics, mut rx: mpsc::Receiver<Op>) {
    // Acks alone do not earn an fsync: they wait for the next commit that must be durable
    // anyway (an ingest, or the periodic flush). A crash loses at most a flush interval of
    // acks, which only means a resend that the app drops by seq.
    let mut deferred: Vec<Op> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        if batch.iter().all(|op| matches!(op, Op::Ack { .. })) {
            deferred.append(&mut batch);
            continue;
        }
        batch.retain(|op| !matches!(op, Op::Flush));
        batch.append(&mut deferred);
        if batch.is_empty() {
            continue;
        }
        metrics.batch_size.observe(batch.len() as f64);
        apply(db, registry, metrics, batch);
    }
    if !deferred.is_empty() {
        apply(db, registry, metrics, deferred);
    }
}

/// Replies and live-state changes that may only happen after the commit.
#[derive(Default)]
struct Effects {
    /// Ingests waiting to be appended: (channel, event, arrival, reply).
    queued: Vec<(String, StoredEvent, Instant, Reply<u64>)>,
    ingested: Vec<(Reply<u64>, Result<u64, StoreError>, Instant)>,
    admin: Vec<(
        AdminCmd,
        Reply<AdminOutcome>,
        Result<AdminOutcome, StoreError>,
    )>,
    aged: Vec<(Reply<u64>, Result<u64, StoreError>)>,
    probes: Vec<Reply<()>>,
    /// Channel id → (events deleted by acks, events dropped by age).
    deleted: HashMap<String, (u64, u64)>,
}

fn apply(db: &Database, registry: &Registry, metrics: &Metrics, batch: Vec<Op>) {
    let mut effects = Effects::default();
    match write_batch(db, batch, &mut effects) {
        Ok(records) => publish(registry, metrics, records, effects),
        Err(e) => {
            tracing::error!(error = %e, "commit failed; this batch is answered 503");
            fail_all(effects, &e);
        }
    }
}

/// Applies a batch in one transaction and commits it. On success returns the channel
/// records as committed, for [`publish`].
fn write_batch(
    db: &Database,
    batch: Vec<Op>,
    fx: &mut Effects,
) -> Result<HashMap<String, ChannelRecord>, StoreError> {
    let mut acks: HashMap<String, u64> = HashMap::new();
    let mut rest = Vec::new();
    // Sort the batch first, so that every reply sits in `fx` before anything can fail.
    for op in batch {
        match op {
            Op::Ingest {
                channel,
                event,
                arrived,
                reply,
            } => fx.queued.push((channel, event, arrived, reply)),
            Op::Ack { channel, seq } => {
                let slot = acks.entry(channel).or_default();
                *slot = (*slot).max(seq);
            }
            Op::Admin { cmd, reply } => fx.admin.push((cmd, reply, Ok(AdminOutcome::Done))),
            Op::Probe { reply } => fx.probes.push(reply),
            other => rest.push(other),
        }
    }
    let txn = db.begin_write()?;
    let mut records: HashMap<String, Option<ChannelRecord>> = HashMap::new();
    for (cmd, _, outcome) in &mut fx.admin {
        *outcome = run_admin(&txn, cmd);
    }
    for op in rest {
        match op {
            Op::ClearDropped { channel, count } => {
                if let Some(rec) = cached(&txn, &mut records, &channel)? {
                    rec.dropped_unnoticed = rec.dropped_unnoticed.saturating_sub(count);
                }
            }
            Op::DropAged { cutoff_ms, reply } => {
                let out = drop_all_aged(&txn, &mut records, cutoff_ms, &mut fx.deleted);
                fx.aged.push((reply, out));
            }
            _ => {}
        }
    }
    for (channel, seq) in acks {
        let Some(rec) = cached(&txn, &mut records, &channel)? else {
            continue;
        };
        if seq <= rec.acked_seq || seq > rec.last_seq {
            continue;
        }
        let n = ops::delete_events(&txn, &channel, rec.acked_seq + 1, seq)?;
        rec.acked_seq = seq;
        rec.last_delivery_ms = Some(ops::now_ms());
        fx.deleted.entry(channel).or_default().0 += n;
    }
    append_ingests(&txn, &mut records, fx)?;
    if !fx.probes.is_empty() {
        ops::put_meta(&txn, META_PROBE, &ops::now_ms().to_string())?;
    }
    let mut committed = HashMap::new();
    for (id, rec) in records {
        if let Some(rec) = rec {
            ops::put_channel(&txn, &id, &rec)?;
            committed.insert(id, rec);
        }
    }
    txn.commit()?;
    Ok(committed)
}

fn append_ingests(
    txn: &redb::WriteTransaction,
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
    txn: &redb::WriteTransaction,
    records: &'a mut HashMap<String, Option<ChannelRecord>>,
    id: &str,
) -> Result<Option<&'a mut ChannelRecord>, StoreError> {
    if !records.contains_key(id) {
        let rec = ops::get_channel(txn, id)?;
        records.insert(id.to_string(), rec);
    }
    Ok(records.get_mut(id).and_then(|r| r.as_mut()))
}

fn run_admin(txn: &redb::WriteTransaction, cmd: &AdminCmd) -> Result<AdminOutcome, StoreError> {
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
    txn: &redb::WriteTransaction,
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

/// After a successful commit: update live state and metrics, then answer everyone.
fn publish(
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
    for (reply, result) in fx.aged {
        let _ = reply.send(result);
    }
    for reply in fx.probes {
        let _ = reply.send(Ok(()));
    }
}

fn fail_all(fx: Effects, e: &StoreError) {
    let again = || StoreError::Db(e.to_string());
    for (_, _, _, reply) in fx.queued {
        let _ = reply.send(Err(again()));
    }
    for (reply, result, _) in fx.ingested {
        let _ = reply.send(result.and(Err(again())));
    }
    for (_, reply, _) in fx.admin {
        let _ = reply.send(Err(again()));
    }
    for (reply, _) in fx.aged {
        let _ = reply.send(Err(again()));
    }
    for reply in fx.probes {
        let _ = reply.send(Err(again()));
    }
}
