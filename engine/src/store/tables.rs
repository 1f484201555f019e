//! Every redb table of the app, in one place, each name carrying its format version.

use redb::TableDefinition;

/// `settings` → Settings TOML; `relay` → JSON relay connection (url, channel).
pub const SETTINGS: TableDefinition<&str, &str> = TableDefinition::new("settings-v1");
/// Counters: `relay_seq` (last relay seq committed to the inbox), `next_id`.
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta-v1");
/// Relay seq → JSON RawEvent: received and acknowledged, not yet taken in.
pub const INBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("inbox-v1");
/// Entry id → JSON Entry (the summary lists and filters read).
pub const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("entries-v1");
/// Entry id → JSON Detail (steps, raw event, job state).
pub const DETAILS: TableDefinition<u64, &[u8]> = TableDefinition::new("details-v1");
/// Entry id → JSON Job, for unfinished work only.
pub const JOBS: TableDefinition<u64, &[u8]> = TableDefinition::new("jobs-v1");
/// Dedupe key (`token:…`, `id:…`) → JSON Seen.
pub const SEEN: TableDefinition<&str, &[u8]> = TableDefinition::new("seen-v1");
/// Idempotency links: `employee:{opp}` → bob id, `doc:{opp}:{file}` → bob document id, …
pub const LINKS: TableDefinition<&str, &str> = TableDefinition::new("links-v1");
/// Partner interview id → JSON Assessment (what is being polled).
pub const ASSESSMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("assessments-v1");
/// Opportunity id → JSON list of recorded outcomes.
pub const OUTCOMES: TableDefinition<&str, &[u8]> = TableDefinition::new("outcomes-v1");

/// Meta key of the last relay seq committed.
pub const META_RELAY_SEQ: &str = "relay_seq";
/// Meta key of the next entry id.
pub const META_NEXT_ID: &str = "next_id";
/// Settings key of the settings TOML.
pub const KEY_SETTINGS: &str = "settings";
/// Settings key of the relay connection JSON.
pub const KEY_RELAY: &str = "relay";
/// Meta key set when the setup wizard was finished.
pub const META_SETUP_DONE: &str = "setup_done";
