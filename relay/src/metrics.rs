//! Prometheus metrics: what an operator graphs and alerts on. Channels are labelled by
//! name, never by id, because the id is part of the public webhook URL.

use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Label of per-channel series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChannelLabel {
    /// The channel's name.
    pub channel: String,
}

/// Label of refused requests.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// A short reason: unknown_channel, too_large, not_utf8, backlog, rate_limited, store.
    pub reason: String,
}

/// Every series the relay exports.
pub struct Metrics {
    registry: Registry,
    /// Webhooks committed.
    pub received: Family<ChannelLabel, Counter>,
    /// Webhooks acknowledged by the app (and deleted).
    pub delivered: Family<ChannelLabel, Counter>,
    /// Webhooks dropped by the age limit.
    pub dropped: Family<ChannelLabel, Counter>,
    /// Webhooks queued and unacknowledged.
    pub pending: Family<ChannelLabel, Gauge>,
    /// The last durably acknowledged seq (lets tests and operators see acks land).
    pub acked_seq: Family<ChannelLabel, Gauge>,
    /// Requests refused, by reason.
    pub refused: Family<ReasonLabel, Counter>,
    /// Team mode: log records appended.
    pub team_records: Counter,
    /// Team mode: seat commands queued.
    pub team_commands: Counter,
    /// Team mode: long-polls waiting now.
    pub team_waiting: Gauge,
    /// Open streams.
    pub clients: Gauge,
    /// Open connections.
    pub connections: Gauge,
    /// Connections closed at once because a cap was reached, by cap.
    pub connections_refused: Family<ReasonLabel, Counter>,
    /// Requests and connections ended by a timeout, by which (header, body, idle).
    pub timeouts: Family<ReasonLabel, Counter>,
    /// Stored events that could not be read and were skipped with a notice.
    pub unreadable: Family<ChannelLabel, Counter>,
    /// 1 while the store takes writes, 0 after a failed commit until it is reopened.
    pub store_healthy: Gauge,
    /// Times the database was reopened after a storage error.
    pub store_reopens: Counter,
    /// When the TLS certificate served expires (Unix seconds); 0 without TLS.
    pub tls_cert_expiry: Gauge,
    /// Time from request arrival to durable commit.
    pub ingest_latency: Histogram,
    /// Operations per commit: shows group commit at work.
    pub batch_size: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every series.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hirewire_relay");
        let m = Metrics {
            received: Family::default(),
            delivered: Family::default(),
            dropped: Family::default(),
            pending: Family::default(),
            acked_seq: Family::default(),
            refused: Family::default(),
            team_records: Counter::default(),
            team_commands: Counter::default(),
            team_waiting: Gauge::default(),
            clients: Gauge::default(),
            connections: Gauge::default(),
            connections_refused: Family::default(),
            timeouts: Family::default(),
            unreadable: Family::default(),
            store_healthy: Gauge::default(),
            store_reopens: Counter::default(),
            tls_cert_expiry: Gauge::default(),
            // 50 µs .. ~1.6 s: fsync times on SSDs to slow network disks.
            ingest_latency: Histogram::new([
                0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                0.25, 0.5, 1.0, 2.5,
            ]),
            batch_size: Histogram::new([
                1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
            ]),
            registry: Registry::default(),
        };
        registry.register(
            "events_received",
            "Webhooks durably stored",
            m.received.clone(),
        );
        registry.register(
            "events_delivered",
            "Webhooks acknowledged by the app",
            m.delivered.clone(),
        );
        registry.register(
            "events_dropped",
            "Webhooks dropped by the age limit",
            m.dropped.clone(),
        );
        registry.register(
            "events_pending",
            "Webhooks waiting for the app",
            m.pending.clone(),
        );
        registry.register(
            "acked_seq",
            "Last durably acknowledged sequence number",
            m.acked_seq.clone(),
        );
        registry.register(
            "requests_refused",
            "Webhook posts refused",
            m.refused.clone(),
        );
        registry.register("connected_clients", "Open app streams", m.clients.clone());
        registry.register(
            "team_log_records",
            "Team log records appended (team mode)",
            m.team_records.clone(),
        );
        registry.register(
            "team_commands",
            "Seat commands queued (team mode)",
            m.team_commands.clone(),
        );
        registry.register(
            "team_long_polls",
            "Team long-polls waiting now (team mode)",
            m.team_waiting.clone(),
        );
        registry.register("connections", "Open connections", m.connections.clone());
        registry.register(
            "connections_refused",
            "Connections closed at once because a cap was reached",
            m.connections_refused.clone(),
        );
        registry.register(
            "timeouts",
            "Requests and connections ended by a timeout",
            m.timeouts.clone(),
        );
        registry.register(
            "events_unreadable",
            "Stored events that could not be read and were skipped",
            m.unreadable.clone(),
        );
        registry.register(
            "store_healthy",
            "1 while the store takes writes",
            m.store_healthy.clone(),
        );
        registry.register(
            "tls_cert_expiry_timestamp_seconds",
            "When the TLS certificate served expires (Unix seconds; 0 without TLS)",
            m.tls_cert_expiry.clone(),
        );
        registry.register(
            "store_reopens",
            "Database reopens after a storage error",
            m.store_reopens.clone(),
        );
        registry.register(
            "ingest_latency_seconds",
            "Arrival to durable commit",
            m.ingest_latency.clone(),
        );
        registry.register(
            "commit_batch_size",
            "Operations per durable commit",
            m.batch_size.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Per-channel label.
    pub fn channel(name: &str) -> ChannelLabel {
        ChannelLabel {
            channel: name.to_string(),
        }
    }

    /// Counts a refused request.
    pub fn refuse(&self, reason: &str) {
        self.refused
            .get_or_create(&ReasonLabel {
                reason: reason.to_string(),
            })
            .inc();
    }

    /// Counts a connection refused by a cap.
    pub fn refuse_connection(&self, cap: &str) {
        self.connections_refused
            .get_or_create(&ReasonLabel {
                reason: cap.to_string(),
            })
            .inc();
    }

    /// Counts a timeout.
    pub fn timeout(&self, which: &str) {
        self.timeouts
            .get_or_create(&ReasonLabel {
                reason: which.to_string(),
            })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
