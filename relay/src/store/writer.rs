//! Group commit. One thread owns every write: it takes all the operations that queued up
//! while the previous commit was syncing, applies them in one transaction, commits once
//! (one fsync), and only then answers each caller and updates the live state. Throughput
//! is therefore the disk's fsync rate times the batch size, and a `200` is never sent for
//! an event that is not on disk.
//!
//! A failed commit (disk full) leaves redb's handle unusable; the thread then reopens the
//! database before the next batch, and keeps answering `503` with the reason until the
//! file opens again. The periodic flush drives those attempts, so the relay comes back by
//! itself once space is freed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::commit::{apply, fail_all};
use super::handle::DbHandle;
use super::queue::{AdminCmd, AdminOutcome, Effects, Op, Reply, TeamWork};
use super::records::StoredEvent;
use super::StoreError;
use crate::live::Registry;
use crate::metrics::Metrics;

/// Most operations folded into one commit; bounds the transaction's memory.
const MAX_BATCH: usize = 2048;
/// Queue in front of the writer; a full queue makes callers wait (backpressure).
const QUEUE: usize = 16 * 1024;
/// Least time between two attempts to reopen a failed database: the flush tick (200 ms)
/// asks often, and each attempt may scan the file.
const REOPEN_EVERY: Duration = Duration::from_millis(500);

/// The cloneable handle every task uses to reach the writer.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Op>,
}

impl Writer {
    /// Starts the writer thread. It stops when every handle is dropped, after finishing
    /// what is queued.
    pub fn start(
        db: DbHandle,
        registry: Arc<Registry>,
        metrics: Arc<Metrics>,
    ) -> Result<(Self, std::thread::JoinHandle<()>), StoreError> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("relay-writer".into())
            .spawn(move || run(&db, &registry, &metrics, rx))
            .map_err(|e| StoreError::Db(format!("cannot start the writer thread: {e}")))?;
        Ok((Writer { tx }, thread))
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Op) -> Result<T, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    async fn tell(&self, op: Op) {
        let _ = self.tx.send(op).await;
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

    /// Records a cumulative acknowledgement (deletes up to `seq`).
    pub async fn ack(&self, channel: &str, seq: u64) {
        let channel = channel.to_string();
        self.tell(Op::Ack { channel, seq }).await
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
        let channel = channel.to_string();
        self.tell(Op::ClearDropped { channel, count }).await
    }

    /// Commits acknowledgements that are waiting for a durable commit.
    pub async fn flush(&self) {
        self.tell(Op::Flush).await
    }

    /// Runs a team-mode write inside the next group commit; answers once it is durable.
    pub async fn team<T: Send + 'static>(
        &self,
        work: impl FnOnce(&redb::WriteTransaction) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let work = TeamWork(Box::new(move |txn| {
            work(txn).map(|t| Box::new(t) as super::queue::TeamDone)
        }));
        let done = self.call(|reply| Op::Team { work, reply }).await?;
        done.downcast::<T>()
            .map(|t| *t)
            .map_err(|_| StoreError::Db("a team write answered with the wrong type".into()))
    }

    /// Makes a real durable commit: proves the store accepts writes.
    pub async fn probe(&self) -> Result<(), StoreError> {
        self.call(|reply| Op::Probe { reply }).await
    }
}

/// Whether the database needs reopening, and when that was last tried.
struct Health {
    broken: Option<String>,
    last_try: Option<Instant>,
}

fn run(db: &DbHandle, registry: &Registry, metrics: &Metrics, mut rx: mpsc::Receiver<Op>) {
    // Acks alone do not earn an fsync: they wait for the next commit that must be durable
    // anyway (an ingest, or the periodic flush). A crash loses at most a flush interval of
    // acks, which only means a resend that the app drops by seq.
    let mut deferred: Vec<Op> = Vec::new();
    let mut health = Health {
        broken: None,
        last_try: None,
    };
    metrics.store_healthy.set(1);
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
        if let Some(message) = db.damage() {
            // A damaged file takes no more writes: each caller hears why, and the server
            // stops on the same message.
            deferred.clear();
            metrics.store_healthy.set(0);
            fail_all(Effects::sorted(batch), &StoreError::Damaged(message));
            continue;
        }
        if let Err(why) = recover(db, metrics, &mut health) {
            // Acks wait for the store to come back; everything else is answered now.
            let (acks, rest): (Vec<Op>, Vec<Op>) = batch
                .into_iter()
                .partition(|op| matches!(op, Op::Ack { .. }));
            deferred.extend(acks);
            fail_all(Effects::sorted(rest), &StoreError::Unavailable(why));
            continue;
        }
        batch.append(&mut deferred);
        if batch.is_empty() {
            continue;
        }
        metrics.batch_size.observe(batch.len() as f64);
        if let Err(e) = apply(db, registry, metrics, batch) {
            if matches!(e, StoreError::Damaged(_)) {
                metrics.store_healthy.set(0);
                continue;
            }
            tracing::error!(error = %e, "commit failed; this batch is answered 503 and the database will be reopened");
            health.broken = Some(e.to_string());
            health.last_try = Some(Instant::now());
            metrics.store_healthy.set(0);
        }
    }
    if !deferred.is_empty() && health.broken.is_none() && db.damage().is_none() {
        let _ = apply(db, registry, metrics, deferred);
    }
}

/// Reopens a database whose last commit failed; says why not while it cannot.
fn recover(db: &DbHandle, metrics: &Metrics, health: &mut Health) -> Result<(), String> {
    let Some(why) = health.broken.clone() else {
        return Ok(());
    };
    if health.last_try.is_some_and(|t| t.elapsed() < REOPEN_EVERY) {
        return Err(why);
    }
    health.last_try = Some(Instant::now());
    match db.reopen() {
        Ok(()) => {
            tracing::warn!("the database was reopened after a storage error: writes resume");
            metrics.store_reopens.inc();
            metrics.store_healthy.set(1);
            health.broken = None;
            Ok(())
        }
        Err(e @ (StoreError::Unusable(_) | StoreError::Damaged(_) | StoreError::TooNew(_))) => {
            // The file itself is the problem, not the disk: stop, do not retry.
            let message = e.to_string();
            db.set_damage(message.clone());
            Err(message)
        }
        Err(e) => {
            let why = format!("{e} (after: {why}); free disk space, the relay retries by itself");
            tracing::debug!("reopen failed: {why}");
            health.broken = Some(short_reason(&why));
            Err(why)
        }
    }
}

/// Keeps the reason from growing with each failed attempt.
fn short_reason(why: &str) -> String {
    match why.find(" (after: ") {
        Some(i) => why[..i].to_string(),
        None => why.to_string(),
    }
}
