//! Team mode: one engine, many seats (see `docs/team.md`).
//!
//! The engine (the owner's profile) stays the only process that takes webhooks and calls
//! the vendors. It publishes what the history shows into the team log on the relay,
//! sealed with the team key, and carries out the commands members send. A seat holds no
//! vendor key: it keeps a copy of the log in its own file and sends commands.
//!
//! - [`config`]: this profile's part in a team, its members and their roles;
//! - [`relay_api`]: the relay's team endpoints (log, commands, devices, mailboxes);
//! - [`keyring`]: the device's keys and the team's epoch keys, in the keychain;
//! - [`records`]: what a log record says;
//! - engine side: [`publish`] (entries and results into the log), [`commands`] (a
//!   member's Approve, Dismiss, Retry, Catch up), [`pairing`] (an invite completed),
//!   [`manage`] (invite, list, remove);
//! - seat side: [`join`], [`seat`] (the copy kept current, commands sent);
//! - [`status`]: the team as the window shows it.

pub mod commands;
pub mod config;
pub mod join;
pub mod keyring;
pub mod manage;
pub mod pairing;
pub mod publish;
pub mod records;
pub mod relay_api;
pub mod seat;
pub mod status;

pub use config::{Config, Member, Role};
pub use hirewire_team::Action;

use crate::Engine;

/// Why a team action could not be done, in words for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The profile has no part in a team.
    #[error("this profile is not in a team: on the owner's profile, `hirewire team invite --name NAME` starts one; on a new device, `hirewire team join CODE`")]
    NotInTeam,
    /// The profile is a seat where the engine is needed, or the reverse.
    #[error("{0}")]
    WrongSide(String),
    /// No relay connection to carry the team.
    #[error("the team needs the relay connection: run `hirewire connect CODE` first")]
    NoRelay,
    /// A member name nobody has.
    #[error("no member is called {0:?}: `hirewire team list` shows the members")]
    NoSuchMember(String),
    /// Bad input from the person.
    #[error("{0}")]
    Usage(String),
    /// The invite code cannot be used.
    #[error("{0}")]
    Code(String),
    /// The relay refused or could not be reached.
    #[error(transparent)]
    Relay(#[from] relay_api::ApiError),
    /// Keys in the keychain.
    #[error("team keys: {0}")]
    Keys(String),
    /// The engine refused a command (the reason is the engine's).
    #[error("{0}")]
    Refused(String),
    /// The engine did not answer in time.
    #[error("{0}")]
    NoAnswer(String),
    /// The action itself was refused or failed (on the engine's own profile).
    #[error(transparent)]
    Action(#[from] crate::history::actions::ActionError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl TeamError {
    /// Whether the person asked for something that cannot be (exit 2 on the CLI).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            TeamError::NotInTeam
                | TeamError::WrongSide(_)
                | TeamError::NoSuchMember(_)
                | TeamError::Usage(_)
                | TeamError::Code(_)
        ) || matches!(self, TeamError::Action(e) if e.is_usage())
    }
}

/// This profile's part in a team, if any.
pub fn config(engine: &Engine) -> Result<Option<Config>, crate::store::StoreError> {
    engine
        .store
        .read(|rx| rx.team_get(crate::keys::TEAM_CONFIG))
}

/// Whether this profile is a team's seat (it holds no vendor key and calls no vendor).
pub fn is_seat(engine: &Engine) -> bool {
    matches!(config(engine), Ok(Some(Config::Seat(_))))
}

/// Approve, Dismiss or Retry as a person asks it, whichever side this profile is: done
/// here on the engine's profile (or outside a team); on a seat, sent to the engine and its
/// answer awaited up to `wait`. What happened, in words.
pub async fn act(
    engine: &Engine,
    action: hirewire_team::Action,
    id: u64,
    proposal: Option<serde_json::Value>,
    wait: std::time::Duration,
) -> Result<String, TeamError> {
    use crate::history::actions;
    use hirewire_team::Action;
    if is_seat(engine) {
        let r = seat::command(engine, action, Some(id), proposal, wait).await?;
        return Ok(r.message);
    }
    match action {
        Action::Approve => {
            actions::approve(engine, id, proposal).await?;
            Ok("approved: the employee will be created".into())
        }
        Action::Dismiss => {
            actions::dismiss(engine, id).await?;
            Ok("dismissed: the job goes on with that answer".into())
        }
        Action::Retry => {
            actions::retry(engine, id).await?;
            Ok("will run again (the running engine picks it up)".into())
        }
        Action::CatchUp => Err(TeamError::Usage(
            "catch up is started with `hirewire reconcile` on the engine's profile".into(),
        )),
    }
}

/// Why a catch-up is not sent to an engine from a profile that is not a seat.
pub(crate) const NOT_A_SEAT: &str =
    "this profile is not a seat: its catch-up runs here (`hirewire reconcile`)";

/// A member's Catch up from a seat: sent to the engine, which compares with Lever (the
/// seat holds no Lever key) and answers through the log; waits up to `wait`. On the
/// engine's own profile a catch-up is `reconcile::run` itself, with its report.
pub async fn catch_up(engine: &Engine, wait: std::time::Duration) -> Result<String, TeamError> {
    if !is_seat(engine) {
        return Err(TeamError::Usage(NOT_A_SEAT.into()));
    }
    let r = seat::command(engine, hirewire_team::Action::CatchUp, None, None, wait).await?;
    Ok(r.message)
}

/// The team's part of [`Engine::run`]: the engine's publisher, command taker and
/// pairing on an engine profile, the copy kept current on a seat, nothing otherwise
/// (until a team starts: `team invite` or `team join` in another process). A part that
/// fails (the relay away, a refusal) is logged and tried again after a pause.
pub async fn run(engine: Engine) {
    loop {
        let outcome = match config(&engine) {
            Ok(Some(Config::Engine(_))) => tokio::try_join!(
                publish::run(engine.clone()),
                commands::run(engine.clone()),
                pairing::run(engine.clone()),
            )
            .map(|_| ()),
            Ok(Some(Config::Seat(_))) => seat::run(engine.clone()).await,
            Ok(None) => Ok(()),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "team: will try again");
            tokio::time::sleep(RETRY).await;
        } else {
            tokio::time::sleep(IDLE).await;
        }
    }
}

/// Pause after a failed round of the team's parts.
const RETRY: std::time::Duration = std::time::Duration::from_secs(3);
/// How often a profile outside a team looks whether one started.
const IDLE: std::time::Duration = std::time::Duration::from_secs(2);
