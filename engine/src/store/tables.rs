//! Every redb table of the app, in one place, each name carrying its format version.

use redb::TableDefinition;

/// `settings` → Settings TOML; `relay` → JSON relay connection (url, channel).
pub const SETTINGS: TableDefinition<&str, &str> = TableDefinition::new("settings-v1");
/// Counters and marks (formats in `crate::keys`): the relay cursor of each channel,
/// `next_id`, `next_inbox`, `setup_done`, `first_signed:{endpoint}`.
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta-v1");
/// Inbox position → JSON RawEvent: received and acknowledged, not yet taken in. Positions
/// are the app's own (arrival order), not relay seqs, which restart on another channel.
pub const INBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("inbox-v1");
/// Entry id → JSON Entry (the summary lists and filters read).
pub const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("entries-v1");
/// Entry id → JSON Detail (steps, raw event, job state).
pub const DETAILS: TableDefinition<u64, &[u8]> = TableDefinition::new("details-v1");
/// Entry id → JSON Job, for unfinished work only.
pub const JOBS: TableDefinition<u64, &[u8]> = TableDefinition::new("jobs-v1");
/// Dedupe key (`token:…`, `id:…`) → JSON Seen.
pub const SEEN: TableDefinition<&str, &[u8]> = TableDefinition::new("seen-v1");
/// Idempotency links (formats in `crate::keys`): `employee:{opp}` → bob id, …
pub const LINKS: TableDefinition<&str, &str> = TableDefinition::new("links-v1");
/// Partner interview id → JSON Assessment (what is being polled).
pub const ASSESSMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("assessments-v1");
/// (relay cursor key, seq) → SHA-256 of the body: the last few thousand relay events of
/// each channel, so that a seq seen again is told apart as a resend (same body) or a
/// relay that went back (restored from a backup: another body).
pub const RECENT: TableDefinition<(&str, u64), &str> = TableDefinition::new("relay-recent-v1");
/// Opportunity id → JSON Watch: an employee Hirewire created, watched for changes in Lever
/// for `bob.watch_days`.
pub const WATCH: TableDefinition<&str, &[u8]> = TableDefinition::new("watch-v1");
/// Opportunity id → JSON list of recorded outcomes.
pub const OUTCOMES: TableDefinition<&str, &[u8]> = TableDefinition::new("outcomes-v1");

/// Team mode (see `crate::team`), key → JSON: `config` (this profile's part in a team),
/// `member:{device}`, `invite:{mailbox}`, `command:{id}` (a seat's command carried out or
/// refused), `result:{id}` (on a seat: the engine's answer to one of its commands).
pub const TEAM: TableDefinition<&str, &[u8]> = TableDefinition::new("team-v1");
/// Entry id → change mark: entries changed since the engine last published them to the
/// team log. Written in the same transaction as the change, so a crash loses none.
pub const TEAM_OUTBOX: TableDefinition<u64, u64> = TableDefinition::new("team-outbox-v1");
/// On a seat: entry id → the JSON view the engine published (steps, proposal, what may
/// be done); the summary goes to `entries-v1` like the engine's own, so History reads both.
pub const TEAM_VIEWS: TableDefinition<u64, &[u8]> = TableDefinition::new("team-views-v1");

/// Settings key of the settings TOML.
pub const KEY_SETTINGS: &str = "settings";
/// Settings key of the relay connection JSON.
pub const KEY_RELAY: &str = "relay";
/// Settings key of the webhook health JSON (what catching up found the webhooks missed).
pub const KEY_HEALTH: &str = "health";
/// The one global relay cursor of the engine before cursors were kept per channel; moved
/// to the connected channel's key at open.
pub(crate) const LEGACY_RELAY_SEQ: &str = "relay_seq";
