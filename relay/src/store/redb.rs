//! The default store: one redb file in the data directory, written through the
//! group-commit [`Writer`], read directly by the streams.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::handle::DbHandle;
use super::queue::{AdminCmd, AdminOutcome};
use super::records::StoredEvent;
use super::tables::META_PUBLIC_URL;
use super::writer::Writer;
use super::{ops, Listed, ReadEvent, Store, StoreError};
use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;

/// The redb store of one data directory.
pub struct RedbStore {
    db: DbHandle,
    writer: std::sync::Mutex<Option<Writer>>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
    registry: Arc<Registry>,
    /// Wake-ups of the seat API's long-polls (team mode).
    pub(in crate::store) team: Arc<super::team::signals::TeamSignals>,
}

impl RedbStore {
    /// Opens the data directory (refusing an empty or damaged file), loads every channel
    /// and starts the writer thread.
    pub fn open(dir: &Path, metrics: Arc<Metrics>) -> Result<RedbStore, StoreError> {
        let db = DbHandle::new(dir.to_path_buf(), super::open(dir)?);
        let registry = Arc::new(Registry::default());
        let loaded = db.guard(|db| {
            ops::list_channels(db)?
                .into_iter()
                .map(|(id, record)| Ok((ops::pending_count(db, &id)?, id, record)))
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        for (pending, id, record) in loaded {
            let live = registry.insert(ChannelLive::new(&id, &record, pending));
            metrics
                .pending
                .get_or_create(&Metrics::channel(&live.name))
                .set(pending as i64);
        }
        let (writer, thread) = Writer::start(db.clone(), registry.clone(), metrics)?;
        Ok(RedbStore {
            db,
            writer: std::sync::Mutex::new(Some(writer)),
            thread: std::sync::Mutex::new(Some(thread)),
            registry,
            team: Default::default(),
        })
    }

    pub(in crate::store) fn writer(&self) -> Result<Writer, StoreError> {
        self.writer
            .lock()
            .ok()
            .and_then(|w| w.clone())
            .ok_or(StoreError::Closed)
    }

    /// Runs a read off the async runtime (redb reads may touch the disk).
    pub(in crate::store) async fn read_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&redb::Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.guard(f))
            .await
            .map_err(|e| StoreError::Db(format!("storage task failed: {e}")))?
    }
}

#[async_trait::async_trait]
impl Store for RedbStore {
    fn registry(&self) -> Arc<Registry> {
        self.registry.clone()
    }

    async fn ingest(
        &self,
        channel: &str,
        event: StoredEvent,
        arrived: Instant,
    ) -> Result<u64, StoreError> {
        self.writer()?.ingest(channel, event, arrived).await
    }

    async fn ack(&self, channel: &str, seq: u64) {
        if let Ok(w) = self.writer() {
            w.ack(channel, seq).await;
        }
    }

    async fn read(
        &self,
        channel: &str,
        from: u64,
        to: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<ReadEvent>, StoreError> {
        let channel = channel.to_string();
        self.read_db(move |db| ops::read_events(db, &channel, from, to, limit, max_bytes))
            .await
    }

    async fn admin(&self, cmd: AdminCmd) -> Result<AdminOutcome, StoreError> {
        self.writer()?.admin(cmd).await
    }

    async fn channels(&self) -> Result<Vec<Listed>, StoreError> {
        let registry = self.registry.clone();
        self.read_db(move |db| {
            Ok(ops::list_channels(db)?
                .into_iter()
                .map(|(id, rec)| {
                    let pending = registry.get(&id).map(|l| l.pending()).unwrap_or(0);
                    (id, rec, pending)
                })
                .collect())
        })
        .await
    }

    async fn public_url(&self) -> Result<Option<String>, StoreError> {
        self.read_db(|db| ops::get_meta(db, META_PUBLIC_URL)).await
    }

    async fn drop_aged(&self, cutoff_ms: u64) -> Result<u64, StoreError> {
        self.writer()?.drop_aged(cutoff_ms).await
    }

    async fn clear_dropped(&self, channel: &str, count: u64) {
        if let Ok(w) = self.writer() {
            w.clear_dropped(channel, count).await;
        }
    }

    async fn probe(&self) -> Result<(), StoreError> {
        self.writer()?.probe().await
    }

    async fn flush(&self) {
        if let Ok(w) = self.writer() {
            w.flush().await;
        }
    }

    async fn claim_stream(&self, channel: &str) -> Result<u64, StoreError> {
        // One relay process owns the file: taking over is a local matter.
        let live = self
            .registry
            .get(channel)
            .ok_or_else(|| StoreError::UnknownChannel(channel.to_string()))?;
        let mut generation = 0;
        live.control.send_modify(|c| {
            c.generation += 1;
            generation = c.generation;
        });
        Ok(generation)
    }

    async fn damaged(&self) -> String {
        self.db.damaged().await
    }

    async fn close(&self) {
        // The writer finishes every queued commit once its last handle is gone.
        if let Ok(mut w) = self.writer.lock() {
            w.take();
        }
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}
