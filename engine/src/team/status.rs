//! The team as the window's Team screen and its banner show it.

use serde::Serialize;

use super::config::{Config, Role};
use super::seat::{describe, EngineSeen};
use crate::{keys, Engine};

/// This profile's part in a team, for the window.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TeamView {
    /// "none", "engine" or "seat".
    #[ts(type = "\"none\" | \"engine\" | \"seat\"")]
    pub side: String,
    /// This device's name in the team (the owner's on the engine).
    pub name: Option<String>,
    /// Its role.
    pub role: Option<Role>,
    /// The owner's name.
    pub owner: Option<String>,
    /// On a seat: where the engine stands, in a sentence ("the engine on ana's device was
    /// last seen 3 h ago; hires wait on the relay until it is back"), when it is not
    /// connected now.
    pub engine_line: Option<String>,
    /// On a seat: whether the engine is connected to the relay now.
    pub engine_connected: bool,
}

/// This profile's part in a team now.
pub fn view(engine: &Engine) -> Result<TeamView, crate::store::StoreError> {
    let (config, seen) = engine.store.read(|rx| {
        Ok((
            rx.team_get::<Config>(keys::TEAM_CONFIG)?,
            rx.team_get::<EngineSeen>(keys::TEAM_ENGINE_SEEN)?,
        ))
    })?;
    Ok(match config {
        None => TeamView {
            side: "none".into(),
            name: None,
            role: None,
            owner: None,
            engine_line: None,
            engine_connected: false,
        },
        Some(Config::Engine(c)) => TeamView {
            side: "engine".into(),
            name: Some(c.owner.clone()),
            role: Some(Role::Owner),
            owner: Some(c.owner),
            engine_line: None,
            engine_connected: true,
        },
        Some(Config::Seat(c)) => {
            let connected = seen.as_ref().is_some_and(|s| s.connected);
            let engine_line = (!connected).then(|| {
                format!(
                    "The engine on {}'s device: {}; hires wait on the relay until it is back",
                    c.owner,
                    describe(seen.as_ref())
                )
            });
            TeamView {
                side: "seat".into(),
                name: Some(c.name),
                role: Some(c.role),
                owner: Some(c.owner),
                engine_line,
                engine_connected: connected,
            }
        }
    })
}
