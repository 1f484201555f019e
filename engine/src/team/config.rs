//! This profile's part in a team, the members the engine keeps, and what each role may do.
//! The member list is the engine's: the relay is told roles too, but the engine decides.

use serde::{Deserialize, Serialize};

use hirewire_team::Action;

/// What a device may do in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The engine's device: everything, settings and invites included.
    Owner,
    /// Sees the history; Approve, Dismiss, Retry, Catch up.
    Member,
    /// Sees the history only.
    Viewer,
}

impl Role {
    /// Whether this role may ask the engine for `action`.
    pub fn may(self, action: &Action) -> bool {
        match self {
            Role::Owner | Role::Member => true,
            Role::Viewer => {
                let _ = action;
                false
            }
        }
    }

    /// The role's name, as the CLI takes and prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    /// A role given on the command line (`member` or `viewer`: there is one owner).
    pub fn parse_invited(s: &str) -> Result<Role, String> {
        match s {
            "member" => Ok(Role::Member),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "{other:?} is not a role a device can be invited with: use member or viewer"
            )),
        }
    }
}

/// This profile's part in a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "side", rename_all = "lowercase")]
pub enum Config {
    /// The team's engine (the owner's profile).
    Engine(EngineConfig),
    /// A seat.
    Seat(SeatConfig),
}

/// The engine's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// The engine's own device id (it signs the log).
    pub device: String,
    /// The owner's name, as seats show it ("the engine on Ana's laptop").
    pub owner: String,
}

/// A seat's part: how to reach the team and whom to trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatConfig {
    /// The relay's public URL.
    pub relay_url: String,
    /// The team's relay channel.
    pub channel: String,
    /// This device's id.
    pub device: String,
    /// This device's name in the team.
    pub name: String,
    /// Its role, as the engine gave it when it joined.
    pub role: Role,
    /// The engine's signing key (base64url): every log record must carry its signature.
    pub engine_key: String,
    /// The owner's name.
    pub owner: String,
}

/// A device in the engine's member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Device id (base64url, 16 bytes).
    pub device: String,
    /// The name it joined with.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its signing key (base64url Ed25519).
    pub key: String,
    /// Its age recipient: new epoch keys are sealed to it.
    pub recipient: String,
    /// When it joined (ms).
    pub added_at: u64,
    /// When it was removed (ms): it stays listed, refused.
    #[serde(default)]
    pub removed_at: Option<u64>,
    /// The pairing fingerprint both screens showed.
    #[serde(default)]
    pub fingerprint: String,
}

impl Member {
    /// Whether the member may still act and read.
    pub fn active(&self) -> bool {
        self.removed_at.is_none()
    }
}

/// An invite the engine will complete when its device joins. Its code, which holds the
/// pairing password, is with the secrets (`keyring::invite_codes`), not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvite {
    /// The name the device will have.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it stops working (unix s).
    pub expires_at: u64,
    /// Where it stands: open, joined, spent (a wrong password was tried), expired.
    pub state: InviteState,
}

/// Where an invite stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InviteState {
    /// Waiting for the device.
    Open,
    /// The device joined.
    Joined,
    /// Someone tried it with another password; it cannot be used again.
    Spent,
}
