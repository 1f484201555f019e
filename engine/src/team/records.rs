//! What a team log record says, once opened: the JSON the engine seals. Seats read only
//! what they know; a kind they do not know is skipped (a newer engine), never an error.

use serde::{Deserialize, Serialize};

use super::config::Role;
use crate::history::actions::EntryView;

/// One record of the team log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum TeamRecord {
    /// An entry as the history shows it now (it replaces any earlier one of that id).
    Entry {
        /// The view, without the raw webhook body.
        view: Box<EntryView>,
    },
    /// The engine no longer holds this entry: a seat forgets it too.
    Gone {
        /// The entry id.
        entry: u64,
    },
    /// The team as it stands.
    Members {
        /// Owner first, then each device.
        members: Vec<MemberView>,
    },
    /// What catching up found the webhooks missed (the banner).
    Health {
        /// As the engine stores it.
        health: serde_json::Value,
    },
    /// The engine's answer to a command.
    Result(CommandResult),
    /// A kind this build does not know.
    #[serde(other)]
    Unknown,
}

/// A member as seats see the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MemberView {
    /// Device id.
    pub device: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// When it joined (ms).
    #[ts(type = "number")]
    pub added_at: u64,
    /// When it was removed (ms), if it was.
    #[ts(type = "number | null")]
    pub removed_at: Option<u64>,
}

/// The engine's answer to one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CommandResult {
    /// The command's id (empty when the command could not be opened).
    pub id: String,
    /// Its place in the relay's queue (the seat was told it when it sent the command).
    #[ts(type = "number")]
    pub seq: u64,
    /// The device that sent it (the relay's word for it).
    pub device: String,
    /// Who asked (the member's name).
    pub by: String,
    /// What was asked ("approve", …).
    pub action: String,
    /// The entry it was about.
    #[ts(type = "number | null")]
    pub entry: Option<u64>,
    /// Whether it was done.
    pub ok: bool,
    /// What happened, in words ("approved by dana", or why not).
    pub message: String,
}
