//! How the relay's data is laid out in NATS: one key-value bucket for channel records and
//! shared settings, and one JetStream stream per channel for its events.
//!
//! A stream per channel (not one stream with a subject per channel) because the contract's
//! `seq` must count each channel on its own: JetStream numbers the messages of a stream,
//! so a channel's seq *is* its stream's sequence (plus a fixed base for migrated channels),
//! a cumulative ack is one purge "up to seq", `--max-pending` is the stream's `max_msgs`,
//! `--max-age` its `max_age`, and removing a channel deletes its stream. Each stream is its
//! own Raft group, so channels' leaders spread over the nodes.

use std::time::Duration;

use async_nats::jetstream::stream::{Config, DiscardPolicy, Republish, StorageType};

use super::options::NatsOptions;

/// The key-value bucket of channel records, acks, stream claims and settings.
pub const BUCKET: &str = "hirewire-relay";
/// The bucket's underlying stream (JetStream's naming for key-value buckets).
pub const BUCKET_STREAM: &str = "KV_hirewire-relay";
/// JetStream's default duplicate window: a post with the same Lever `token` inside it is
/// stored once. Longer would hold more message ids in the servers' memory.
pub const DEDUPE_WINDOW: Duration = Duration::from_secs(120);
/// Header carrying an event's envelope (endpoint, method, content type, remote, time) as
/// JSON; the message payload is the exact body.
pub const EVENT_HEADER: &str = "Hirewire-Event";
/// Subject tree JetStream republishes stored events' headers to, once they are stored:
/// every replica listens here to wake its streams.
pub const NOTES: &str = "hirewire.committed.*";

/// Key of a channel's record (name, secret hash, created).
pub fn channel_key(id: &str) -> String {
    format!("ch.{id}")
}
/// Key of a channel's delivery record (acknowledged and announced seqs).
pub fn ack_key(id: &str) -> String {
    format!("ack.{id}")
}
/// Key rewritten by every stream that takes a channel over; its revision is the stream's
/// generation.
pub fn claim_key(id: &str) -> String {
    format!("claim.{id}")
}
/// Key that reserves a channel name (names are unique), by the name's SHA-256.
pub fn name_key(name: &str) -> String {
    format!("name.{}", crate::credentials::hash_secret(name))
}
/// Key of the public URL the last `serve` announced.
pub const PUBLIC_URL_KEY: &str = "meta.public_url";
/// Key the health probe rewrites.
pub const PROBE_KEY: &str = "meta.probe";

/// Whether `id` can name a stream, a subject token and a key (ids are letters and digits;
/// older ones also `-` and `_`).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The stream holding a channel's events.
pub fn stream_name(id: &str) -> String {
    format!("hirewire-ev-{id}")
}
/// The subject a channel's events are published on.
pub fn event_subject(id: &str) -> String {
    format!("hirewire.ev.{id}")
}
/// The subject a channel's stored events are announced on.
pub fn note_subject(id: &str) -> String {
    format!("hirewire.committed.{id}")
}

/// The stream of one channel: every write replicated `replicas` times on disk, at most
/// `max_pending` messages (a publish beyond is refused, never an old event discarded),
/// messages older than `max_age` aged out, and every stored message's headers republished
/// so that other replicas learn of it.
pub fn stream_config(id: &str, opts: &NatsOptions, replicas: usize) -> Config {
    let subject = event_subject(id);
    Config {
        name: stream_name(id),
        description: Some(format!("Hirewire relay: events of channel {id}")),
        subjects: vec![subject.clone()],
        max_messages: i64::try_from(opts.max_pending).unwrap_or(i64::MAX),
        discard: DiscardPolicy::New,
        max_age: opts.max_age,
        storage: StorageType::File,
        num_replicas: replicas,
        duplicate_window: DEDUPE_WINDOW.min(opts.max_age),
        republish: Some(Republish {
            source: subject,
            destination: note_subject(id),
            headers_only: true,
        }),
        ..Default::default()
    }
}

/// The bucket's stream, as JetStream's key-value layer expects it, but with direct gets off:
/// every read goes to the stream's leader, so a secret rotated on one replica is seen by the
/// next read on any other.
pub fn bucket_config(replicas: usize) -> Config {
    Config {
        name: BUCKET_STREAM.to_string(),
        description: Some("Hirewire relay: channels and settings".into()),
        subjects: vec![format!("$KV.{BUCKET}.>")],
        max_messages_per_subject: 1,
        storage: StorageType::File,
        num_replicas: replicas,
        allow_rollup: true,
        deny_delete: true,
        discard: DiscardPolicy::New,
        allow_direct: false,
        ..Default::default()
    }
}
