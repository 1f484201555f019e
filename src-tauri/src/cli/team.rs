//! `hirewire team …`, and Approve / Dismiss / Retry sent from a seat.

use std::time::Duration;

use super::{Failure, TeamCmd};
use crate::engine::team::{self, manage, Action, Role};
use crate::engine::Engine;

/// Runs one `team` subcommand.
pub async fn run(engine: &Engine, cmd: TeamCmd) -> Result<(), Failure> {
    match cmd {
        TeamCmd::Invite {
            name,
            role,
            expires,
            owner,
        } => {
            let role = Role::parse_invited(&role).map_err(Failure::Usage)?;
            let owner = owner.unwrap_or_else(default_owner);
            let invited = manage::invite(engine, &name, role, expires, &owner).await?;
            eprintln!(
                "Give this code to {name} (it works once, until {}); on their device: hirewire team join CODE",
                invited.expires
            );
            eprintln!("The pairing completes while this profile's engine runs (the window or `hirewire run`).");
            println!("{}", invited.code);
            Ok(())
        }
        TeamCmd::Join { code, name, wait } => {
            let name = name.unwrap_or_default();
            let joined = team::join::join(engine, &code, &name, wait).await?;
            println!(
                "joined the team of {} as {} ({}); fingerprint {}",
                joined.owner,
                joined.name,
                joined.role.as_str(),
                joined.fingerprint
            );
            Ok(())
        }
        TeamCmd::List { json } => print_list(engine, json).await,
        TeamCmd::Remove { name } => {
            manage::remove(engine, &name).await?;
            eprintln!("{name} was removed: their device can read nothing written from now on, and its commands are refused");
            Ok(())
        }
    }
}

/// Approve, Dismiss or Retry: done here, or sent from a seat to the engine and its
/// answer awaited.
pub async fn act(
    engine: &Engine,
    action: Action,
    id: u64,
    proposal: Option<serde_json::Value>,
    wait: Duration,
) -> Result<(), Failure> {
    let said = team::act(engine, action, id, proposal, wait).await?;
    eprintln!("entry {id} {said}");
    Ok(())
}

/// `team list`: a line per device, or JSON lines.
async fn print_list(engine: &Engine, json: bool) -> Result<(), Failure> {
    for line in manage::list(engine).await? {
        if json {
            let text = serde_json::to_string(&line).map_err(|e| Failure::Other(e.to_string()))?;
            println!("{text}");
            continue;
        }
        let state = match (line.member.removed_at, &line.last_seen) {
            (Some(_), _) => "removed".to_string(),
            (None, Some(at)) => format!("last seen {at}"),
            (None, None) => "not seen yet".to_string(),
        };
        println!(
            "{}\t{}\t{}",
            line.member.name,
            line.member.role.as_str(),
            state
        );
    }
    Ok(())
}

fn default_owner() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "the owner".into())
}
