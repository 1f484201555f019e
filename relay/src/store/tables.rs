//! Every redb table of the relay, in one place, with a version in each name so that a
//! future format can live beside this one and be migrated at open.

use redb::TableDefinition;

/// Small settings the server leaves for the offline `channel` commands (`public_url`).
pub const META: TableDefinition<&str, &str> = TableDefinition::new("meta-v1");
/// Channel id → JSON [`super::records::ChannelRecord`].
pub const CHANNELS: TableDefinition<&str, &[u8]> = TableDefinition::new("channels-v1");
/// (channel id, seq) → JSON [`super::records::StoredEvent`]; deleted when acknowledged.
pub const EVENTS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("events-v1");

/// Meta key of the store's format version (see [`super::open::FORMAT_VERSION`]).
pub const META_FORMAT: &str = "format_version";
/// Meta key of the public URL the last `serve` announced, used in connection codes.
pub const META_PUBLIC_URL: &str = "public_url";
/// Meta key the health probe rewrites, so that `/healthz` proves a real durable commit.
pub const META_PROBE: &str = "probe";
