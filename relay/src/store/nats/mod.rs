//! The NATS JetStream store (`serve --store nats://…`): events in one replicated stream per
//! channel, channel records and settings in a replicated key-value bucket, and any number
//! of relay processes serving the same channels. Each replica keeps the shared
//! [`Registry`] in step with NATS: its own writes once NATS acknowledged them, the others'
//! from the bucket watch ([`watch`]) and the streams' republished notes ([`notes`]).
//!
//! `docs/relay.md` ("NATS JetStream store") says when to choose it and how to run it.

mod acks;
mod admin;
mod connect;
mod errors;
mod events;
pub mod layout;
pub mod migrate;
pub mod options;
mod reconcile;
mod records;
mod state;
mod watch;

mod notes;
mod team;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

pub use options::NatsOptions;
use state::Shared;

use super::queue::{AdminCmd, AdminOutcome};
use super::records::StoredEvent;
use super::{Listed, ReadEvent, Store, StoreError};
use crate::live::Registry;
use crate::metrics::Metrics;

/// How often the flush also reconciles the channels streamed from this replica: the most
/// a lost wake-up note can delay an event.
const RECONCILE_OPEN_EVERY: Duration = Duration::from_secs(1);
/// How long the health probe's write may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A relay replica's view of the NATS store.
pub struct NatsStore {
    shared: Arc<Shared>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    last_reconcile: Mutex<Instant>,
    /// Channels with an ack waiting when the stop began (the flush takes them out of
    /// `shared.acks` while it tries them).
    waiting_at_close: std::sync::atomic::AtomicUsize,
}

impl NatsStore {
    /// Connects, loads every channel and starts following the bucket and the streams.
    pub async fn open(opts: NatsOptions, metrics: Arc<Metrics>) -> Result<NatsStore, StoreError> {
        let conn = connect::open(&opts).await?;
        let shared = Arc::new(Shared {
            js: conn.js,
            kv: conn.kv,
            client: conn.client,
            opts,
            replicas: conn.replicas,
            registry: Arc::new(Registry::default()),
            metrics,
            sides: RwLock::new(HashMap::new()),
            acks: Mutex::new(HashMap::new()),
            replica: format!("replica-{}", crate::credentials::new_channel_id()),
            team: Default::default(),
            team_streams: Mutex::new(HashMap::new()),
        });
        // Notes first, so that none is missed between the load and the watch.
        let notes = notes::start(shared.clone()).await?;
        let team_notes = team::listen(shared.clone()).await?;
        let watch = connect::retrying("load the channels", || watch::start(shared.clone())).await?;
        let reconnects = notes::on_reconnect(shared.clone(), conn.connected);
        let store = NatsStore {
            shared,
            tasks: Mutex::new(vec![notes, team_notes, watch, reconnects]),
            last_reconcile: Mutex::new(Instant::now()),
            waiting_at_close: Default::default(),
        };
        store.apply_limits().await;
        store.shared.metrics.store_healthy.set(1);
        Ok(store)
    }

    /// Puts this relay's `--max-pending` and `--max-age` on every channel's stream (the
    /// last `serve` started wins, as with the public URL).
    async fn apply_limits(&self) {
        for side in self.shared.all() {
            let config = layout::stream_config(&side.id, &self.shared.opts, 0);
            let Ok(info) = side.stream.get_info().await else {
                continue;
            };
            let current = &info.config;
            if current.max_messages == config.max_messages && current.max_age == config.max_age {
                continue;
            }
            let mut updated = current.clone();
            updated.max_messages = config.max_messages;
            updated.max_age = config.max_age;
            updated.duplicate_window = config.duplicate_window;
            if let Err(e) = self.shared.js.update_stream(updated).await {
                tracing::warn!(channel = %side.id, "stream limits not updated: {e}");
            }
        }
    }

    /// The shared state, for `migrate`.
    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn side(&self, channel: &str) -> Result<Arc<state::Side>, StoreError> {
        self.shared
            .side(channel)
            .ok_or_else(|| StoreError::UnknownChannel(channel.to_string()))
    }
}

impl Drop for NatsStore {
    fn drop(&mut self) {
        if let Ok(tasks) = self.tasks.lock() {
            tasks.iter().for_each(JoinHandle::abort);
        }
    }
}

#[async_trait::async_trait]
impl Store for NatsStore {
    fn registry(&self) -> Arc<Registry> {
        self.shared.registry.clone()
    }

    async fn ingest(
        &self,
        channel: &str,
        event: StoredEvent,
        arrived: Instant,
    ) -> Result<u64, StoreError> {
        let side = self.side(channel)?;
        let metrics = &self.shared.metrics;
        let published = events::publish(&self.shared, &side, &event).await;
        let healthy = !matches!(published, Err(StoreError::Unavailable(_)));
        metrics.store_healthy.set(i64::from(healthy));
        let (seq, duplicate) = published?;
        if let (false, Some(live)) = (duplicate, self.shared.registry.get(channel)) {
            metrics
                .received
                .get_or_create(&Metrics::channel(&live.name))
                .inc();
        }
        self.shared.saw_last(&side, seq);
        metrics
            .ingest_latency
            .observe(arrived.elapsed().as_secs_f64());
        Ok(side.base + seq)
    }

    async fn ack(&self, channel: &str, seq: u64) {
        acks::note(&self.shared, channel, seq);
    }

    async fn read(
        &self,
        channel: &str,
        from: u64,
        to: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<ReadEvent>, StoreError> {
        let side = self.side(channel)?;
        if to <= side.base || limit == 0 {
            return Ok(vec![]);
        }
        let (from, to) = (from.saturating_sub(side.base), to - side.base);
        events::read(&side, from, to, limit, max_bytes).await
    }

    async fn admin(&self, cmd: AdminCmd) -> Result<AdminOutcome, StoreError> {
        let shared = &self.shared;
        Ok(match cmd {
            AdminCmd::Add(name) => AdminOutcome::Issued(admin::add(shared, &name).await?),
            AdminCmd::Rotate(id) => AdminOutcome::Issued(admin::rotate(shared, &id).await?),
            AdminCmd::Remove(id) => AdminOutcome::Removed(admin::remove(shared, &id).await?),
            AdminCmd::SetPublicUrl(url) => {
                admin::set_public_url(shared, &url).await?;
                AdminOutcome::Done
            }
        })
    }

    async fn channels(&self) -> Result<Vec<Listed>, StoreError> {
        let mut out: Vec<Listed> = self
            .shared
            .all()
            .iter()
            .map(|side| {
                let c = side.counts();
                let record = side.doc().record(&c.ack, side.base + c.last);
                (side.id.clone(), record, c.pending())
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    async fn public_url(&self) -> Result<Option<String>, StoreError> {
        admin::public_url(&self.shared).await
    }

    async fn drop_aged(&self, _cutoff_ms: u64) -> Result<u64, StoreError> {
        // JetStream ages events out itself (each stream's max_age); this finds them.
        reconcile::all(&self.shared).await
    }

    async fn clear_dropped(&self, channel: &str, count: u64) {
        let Ok(side) = self.side(channel) else {
            return;
        };
        let result = acks::merge(&self.shared, channel, |doc| {
            let from_carried = count.min(doc.carried);
            doc.carried -= from_carried;
            doc.noticed = doc.floor() + (count - from_carried);
        })
        .await;
        match result {
            Ok(stored) => {
                side.update(|c| c.ack = stored);
                self.shared.show(&side);
            }
            Err(e) => tracing::warn!(%channel, "announced drops not recorded: {e}"),
        }
    }

    async fn probe(&self) -> Result<(), StoreError> {
        let state = self.shared.client.connection_state();
        if state != async_nats::connection::State::Connected {
            self.shared.metrics.store_healthy.set(0);
            return Err(StoreError::Unavailable(format!(
                "not connected to NATS ({state}); the relay reconnects by itself"
            )));
        }
        let value = bytes::Bytes::from(crate::store::ops::now_ms().to_string());
        let write = self.shared.kv.put(layout::PROBE_KEY, value);
        let result = match tokio::time::timeout(PROBE_TIMEOUT, write).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(errors::unavailable("take a write", e)),
            Err(_) => Err(errors::timed_out("take a write", PROBE_TIMEOUT.as_secs())),
        };
        let healthy = i64::from(result.is_ok());
        self.shared.metrics.store_healthy.set(healthy);
        result
    }

    async fn flush(&self) {
        acks::flush(&self.shared).await;
        let due = self
            .last_reconcile
            .lock()
            .map(|mut t| {
                let due = t.elapsed() >= RECONCILE_OPEN_EVERY;
                if due {
                    *t = Instant::now();
                }
                due
            })
            .unwrap_or(false);
        if due {
            reconcile::open_streams(&self.shared).await;
        }
    }

    async fn claim_stream(&self, channel: &str) -> Result<u64, StoreError> {
        let side = self.side(channel)?;
        reconcile::channel(&self.shared, &side).await?;
        admin::claim(&self.shared, channel).await
    }

    async fn refresh(&self, channel: &str) -> Result<(), StoreError> {
        if self.shared.side(channel).is_none() {
            return Ok(());
        }
        match admin::stored(&self.shared, channel).await {
            Ok((doc, _)) => watch::adopt(&self.shared, channel, doc).await,
            Err(StoreError::UnknownChannel(_)) => {
                self.shared.forget(channel);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn waiting_acks(&self) -> usize {
        let now = self.shared.acks.lock().map(|a| a.len()).unwrap_or(0);
        now.max(
            self.waiting_at_close
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    async fn close(&self) {
        let waiting = self.shared.acks.lock().map(|a| a.len()).unwrap_or(0);
        self.waiting_at_close
            .store(waiting, std::sync::atomic::Ordering::Relaxed);
        acks::flush(&self.shared).await;
        if let Ok(tasks) = self.tasks.lock() {
            tasks.iter().for_each(JoinHandle::abort);
        }
        let _ = self.shared.client.flush().await;
    }
}
