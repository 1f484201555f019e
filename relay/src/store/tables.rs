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

/// Team mode: (channel id, device id) → JSON [`super::team::DeviceRecord`].
pub const TEAM_DEVICES: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("team-devices-v1");
/// Team mode: (channel id, position) → the sealed record, byte for byte.
pub const TEAM_LOG: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("team-log-v1");
/// Team mode: (channel id, seq) → (sending device, received ms, the sealed command).
pub const TEAM_COMMANDS: TableDefinition<(&str, u64), (&str, u64, &[u8])> =
    TableDefinition::new("team-commands-v1");
/// Team mode: (channel id, counter) → value; the counters are the `TEAM_*` keys below.
pub const TEAM_META: TableDefinition<(&str, &str), u64> = TableDefinition::new("team-meta-v1");
/// Team mode: (channel id, mailbox id) → expiry, ms since the epoch.
pub const TEAM_MAILBOXES: TableDefinition<(&str, &str), u64> =
    TableDefinition::new("team-mailboxes-v1");
/// Team mode: (channel id, mailbox id, side: 0 engine / 1 seat, n) → the message.
pub const TEAM_MAIL: TableDefinition<(&str, &str, u8, u64), &[u8]> =
    TableDefinition::new("team-mail-v1");

/// `TEAM_META` key: the oldest log position kept.
pub const TEAM_LOG_FIRST: &str = "log_first";
/// `TEAM_META` key: the log's next position.
pub const TEAM_LOG_NEXT: &str = "log_next";
/// `TEAM_META` key: the last command seq handed out.
pub const TEAM_CMD_LAST: &str = "cmd_last";
/// `TEAM_META` key: the last command seq acknowledged by the engine.
pub const TEAM_CMD_ACKED: &str = "cmd_acked";
/// `TEAM_META` key: when the engine's stream was last open (ms).
pub const TEAM_ENGINE_SEEN: &str = "engine_seen";
/// `TEAM_META` key: 1 while the engine's stream was open at the last write, else 0.
pub const TEAM_ENGINE_OPEN: &str = "engine_open";
