//! What this replica knows of each channel in NATS ([`Side`]: its record, its stream's
//! first and last sequence, its delivery record), and how that shows in the shared
//! [`Registry`] the server reads. [`Shared::show`] is the only place that moves a channel's
//! live state, and it is called only with what NATS has confirmed.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};

use async_nats::jetstream::{self, kv, stream::Stream};

use super::layout;
use super::options::NatsOptions;
use super::records::{AckDoc, ChannelDoc};
use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;
use crate::store::StoreError;

/// A channel's stream positions and delivery record, in stream sequences.
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    /// The stream's last sequence.
    pub last: u64,
    /// Everything up to here has left the stream (the stream's first sequence − 1), as last
    /// read together with a fresh delivery record.
    pub gone: u64,
    /// The delivery record.
    pub ack: AckDoc,
    /// Age drops this replica has already counted in `/metrics`.
    pub counted_gone: u64,
}

impl Counts {
    /// Events stored and not acknowledged.
    pub fn pending(&self) -> u64 {
        self.last.saturating_sub(self.gone.max(self.ack.acked))
    }

    /// Events aged out that the app has not been told about.
    pub fn unannounced(&self) -> u64 {
        self.ack.carried + self.gone.saturating_sub(self.ack.floor())
    }
}

/// One channel as this replica knows it.
pub(super) struct Side {
    /// The channel id.
    pub id: String,
    /// Added to stream sequences to make the channel's seqs.
    pub base: u64,
    /// The channel's stream.
    pub stream: Stream<()>,
    /// The stored record (its secret hash changes on rotation).
    pub doc: Mutex<ChannelDoc>,
    /// Positions and the delivery record.
    pub counts: Mutex<Counts>,
}

impl Side {
    /// A copy of the positions.
    pub fn counts(&self) -> Counts {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// A copy of the record.
    pub fn doc(&self) -> ChannelDoc {
        self.doc
            .lock()
            .map(|d| d.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Changes the positions under the lock.
    pub fn update(&self, f: impl FnOnce(&mut Counts)) {
        let mut guard = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard);
    }
}

/// Everything the NATS store's tasks share.
pub(super) struct Shared {
    /// JetStream.
    pub js: jetstream::Context,
    /// The bucket.
    pub kv: kv::Store,
    /// The connection.
    pub client: async_nats::Client,
    /// Limits and servers.
    pub opts: NatsOptions,
    /// Replicas per stream.
    pub replicas: usize,
    /// The live face of every channel.
    pub registry: Arc<Registry>,
    /// `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Every known channel.
    pub sides: RwLock<HashMap<String, Arc<Side>>>,
    /// Acknowledgements waiting for the next flush: channel → seq.
    pub acks: Mutex<HashMap<String, u64>>,
    /// This process, as written into stream claims (for the operator's eyes).
    pub replica: String,
    /// Wake-ups of the seat API's long-polls (team mode).
    pub team: Arc<crate::store::team::signals::TeamSignals>,
    /// Team streams opened so far, by name.
    pub team_streams: Mutex<HashMap<String, jetstream::stream::Stream>>,
}

impl Shared {
    /// The channel with this id, if known.
    pub fn side(&self, id: &str) -> Option<Arc<Side>> {
        self.sides.read().ok()?.get(id).cloned()
    }

    /// Every known channel.
    pub fn all(&self) -> Vec<Arc<Side>> {
        self.sides
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Makes a channel known (or updates its record), then shows it.
    pub async fn install(
        &self,
        id: &str,
        doc: ChannelDoc,
        counts: Counts,
    ) -> Result<Arc<Side>, StoreError> {
        if let Some(side) = self.side(id) {
            if let Ok(mut d) = side.doc.lock() {
                *d = doc.clone();
            }
            if let Some(live) = self.registry.get(id) {
                live.set_secret_hash(&doc.secret_hash);
            }
            return Ok(side);
        }
        let stream = self
            .js
            .get_stream_no_info(layout::stream_name(id))
            .await
            .map_err(|e| StoreError::Unusable(format!("channel {id}: {e}")))?;
        let side = Arc::new(Side {
            id: id.to_string(),
            base: doc.seq_base,
            stream,
            doc: Mutex::new(doc.clone()),
            counts: Mutex::new(counts.clone()),
        });
        if let Ok(mut map) = self.sides.write() {
            map.insert(id.to_string(), side.clone());
        }
        let record = doc.record(&counts.ack, doc.seq_base + counts.last);
        self.registry
            .insert(ChannelLive::new(id, &record, counts.pending()));
        self.show(&side);
        Ok(side)
    }

    /// Forgets a removed channel and ends its streams (4004).
    pub fn forget(&self, id: &str) {
        if let Ok(mut map) = self.sides.write() {
            map.remove(id);
        }
        if let Ok(mut acks) = self.acks.lock() {
            acks.remove(id);
        }
        if let Some(live) = self.registry.remove(id) {
            self.metrics
                .pending
                .get_or_create(&Metrics::channel(&live.name))
                .set(0);
        }
    }

    /// Moves the channel's live state to what `side` holds; wakes its streams last.
    pub fn show(&self, side: &Side) {
        let Some(live) = self.registry.get(&side.id) else {
            return;
        };
        let c = side.counts();
        let label = Metrics::channel(&live.name);
        let acked = side.base + c.ack.acked;
        live.acked.fetch_max(acked, Ordering::Relaxed);
        live.pending.store(c.pending(), Ordering::Relaxed);
        self.metrics
            .pending
            .get_or_create(&label)
            .set(c.pending() as i64);
        self.metrics
            .acked_seq
            .get_or_create(&label)
            .set(live.acked.load(Ordering::Relaxed) as i64);
        let unannounced = c.unannounced();
        live.dropped
            .send_if_modified(|d| std::mem::replace(d, unannounced) != unannounced);
        let last = side.base + c.last;
        live.committed.send_if_modified(|v| {
            let changed = last > *v;
            *v = (*v).max(last);
            changed
        });
    }

    /// Records a stream's last sequence (from a publish ack or a note); shows it.
    pub fn saw_last(&self, side: &Side, last: u64) {
        let mut moved = false;
        side.update(|c| {
            moved = last > c.last;
            c.last = c.last.max(last);
        });
        if moved {
            self.show(side);
        }
    }

    /// Raises the channel's stream generation to `generation` (a claim somewhere).
    pub fn saw_claim(&self, id: &str, generation: u64) {
        if let Some(live) = self.registry.get(id) {
            live.control.send_if_modified(|c| {
                let changed = generation > c.generation;
                c.generation = c.generation.max(generation);
                changed
            });
        }
    }
}
