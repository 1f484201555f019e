//! A member's Approve, Dismiss, Retry and Catch up, carried out by the engine: taken from
//! the relay's queue in order, opened, checked against the engine's own member list (not
//! the relay's), done once per command id, answered through the log, and acknowledged on
//! the relay only after that answer is committed.

use std::time::Duration;

use hirewire_team::{open_command, peek_command, Action, CommandBody, CommandError};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use super::config::Member;
use super::publish::{enqueue, Ctx};
use super::records::{CommandResult, TeamRecord};
use super::relay_api::unb64;
use super::TeamError;
use crate::history::actions::{self, ActionError};
use crate::{keys, Engine};

/// How long one wait for commands lasts on the relay.
const WAIT: Duration = Duration::from_secs(20);

/// What the engine recorded of a command id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
enum Mark {
    /// Begun: if it comes again, find out whether it happened before doing it again.
    Started,
    /// Answered.
    Done {
        /// The answer.
        result: CommandResult,
    },
}

/// Runs the command taker until an error it cannot pass.
pub async fn run(engine: Engine) -> Result<(), TeamError> {
    let mut ctx = Ctx::load(&engine).await?;
    loop {
        let (after, gen) = engine
            .store
            .read(|rx| Ok((rx.meta(keys::TEAM_COMMANDS)?, rx.meta(keys::TEAM_GEN)?)))?;
        if gen != ctx.gen {
            ctx = Ctx::load(&engine).await?;
        }
        let items = ctx.api.commands(after, WAIT).await?;
        // The team may have changed while waiting (a removal: a new epoch, a member gone).
        if engine.store.read(|rx| rx.meta(keys::TEAM_GEN))? != ctx.gen {
            ctx = Ctx::load(&engine).await?;
        }
        let mut last = after;
        for item in items {
            if item.seq <= last {
                continue;
            }
            take(&engine, &ctx, item.seq, &item.device, &item.body)
                .instrument(tracing::info_span!("team command", seq = item.seq))
                .await?;
            last = item.seq;
        }
        if last > after {
            ctx.api.ack_commands(last).await?;
        }
    }
}

/// Opens, checks and carries out one command; records the answer with the queue position.
async fn take(
    engine: &Engine,
    ctx: &Ctx,
    seq: u64,
    sender: &str,
    body: &str,
) -> Result<(), TeamError> {
    let opened = open(engine, ctx, sender, body);
    let (member, command) = match opened {
        Ok(ok) => ok,
        Err(why) => {
            tracing::warn!(seq, device = sender, reason = %why, "team: command refused");
            return answer(engine, seq, None, refused(seq, sender, why));
        }
    };
    let id = command.id.clone();
    let done: Option<Mark> = engine
        .store
        .read(|rx| rx.team_get(&keys::team_command(&id)))?;
    if let Some(Mark::Done { .. }) = done {
        // Sent twice (a seat that did not hear back, a replay, the relay's redelivery):
        // done once.
        tracing::info!(
            "team: command {seq} was already done (sent again or replayed): nothing more to do"
        );
        engine
            .store
            .write(|tx| tx.put_meta(keys::TEAM_COMMANDS, seq))?;
        return Ok(());
    }
    let started = matches!(done, Some(Mark::Started));
    let result = decide(engine, seq, sender, &member, &command, started).await?;
    answer(engine, seq, Some(&id), result)
}

/// The answer to a command from `member`: refused when the role does not allow it, else
/// carried out (marked begun first, so a crash in the middle is found out next time).
async fn decide(
    engine: &Engine,
    seq: u64,
    sender: &str,
    member: &Member,
    command: &CommandBody,
    started: bool,
) -> Result<CommandResult, TeamError> {
    let verb = verb(&command.action);
    let (ok, message) = if !member.role.may(&command.action) {
        let why = only_looks(&member.name, member.role.as_str());
        (false, why)
    } else {
        engine
            .store
            .write(|tx| tx.team_put(&keys::team_command(&command.id), &Mark::Started))?;
        match carry_out(engine, command, started).await {
            Ok(detail) => (
                true,
                match detail {
                    Some(d) => format!("{} by {}: {d}", past(&command.action), member.name),
                    None => format!("{} by {}", past(&command.action), member.name),
                },
            ),
            Err(why) => (false, why),
        }
    };
    tracing::info!(seq, ok, action = verb, "team: command answered");
    Ok(CommandResult {
        id: command.id.clone(),
        seq,
        device: sender.to_string(),
        by: member.name.clone(),
        action: verb.into(),
        entry: command.entry,
        ok,
        message,
    })
}

/// Opens a command and finds its sender in the member list, or says why not.
fn open(
    engine: &Engine,
    ctx: &Ctx,
    sender: &str,
    body: &str,
) -> Result<(Member, CommandBody), String> {
    let bytes = unb64(body).map_err(|e| e.to_string())?;
    let (_, device) = peek_command(&bytes).map_err(|e| e.to_string())?;
    let device = hirewire_team::device_id_to_string(&device);
    if device != sender {
        return Err(format!(
            "a command signed as device {device} came from device {sender}: refused as forged"
        ));
    }
    let member: Option<Member> = engine
        .store
        .read(|rx| rx.team_get(&keys::team_member(&device)))
        .map_err(|e| e.to_string())?;
    let Some(member) = member else {
        return Err(format!("device {device} is not a member of this team"));
    };
    if !member.active() {
        return Err(format!(
            "{} was removed from the team: their commands are refused",
            member.name
        ));
    }
    let current = ctx.epochs.current().map(|k| k.epoch).unwrap_or(0);
    let key = super::relay_api::unb64(&member.key).map_err(|e| e.to_string())?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| "a member key of the wrong length".to_string())?;
    let channel = ctx.api.channel().to_string();
    let (_, command) = open_command(&channel, &ctx.epochs, current, |d| {
        (hirewire_team::device_id_to_string(d) == device).then_some(key)
    }, &bytes)
    .map_err(|e| match e {
        CommandError::OldEpoch { epoch, current } => format!(
            "the command was sealed under the team's old key (epoch {epoch}, now {current}): the device must catch up with the team first"
        ),
        other => format!("the command cannot be trusted: {other}"),
    })?;
    Ok((member, command))
}

/// Does what the command asks. `again`: it was begun before (a crash, a lost answer), so
/// an entry that no longer waits is taken as done by that first attempt. A catch-up says
/// what it found.
async fn carry_out(
    engine: &Engine,
    command: &CommandBody,
    again: bool,
) -> Result<Option<String>, String> {
    let entry = || {
        command
            .entry
            .ok_or_else(|| "the command names no entry".to_string())
    };
    let outcome = match command.action {
        Action::Approve => actions::approve(engine, entry()?, command.proposal.clone()).await,
        Action::Dismiss => actions::dismiss(engine, entry()?).await,
        Action::Retry => actions::retry(engine, entry()?).await,
        Action::CatchUp => return catch_up(engine).await.map(Some),
    };
    match outcome {
        Ok(()) => Ok(None),
        Err(ActionError::NotWaiting { .. }) if again => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Commits the answer, queues it for the log and moves the command cursor, in one write.
fn answer(
    engine: &Engine,
    seq: u64,
    id: Option<&str>,
    result: CommandResult,
) -> Result<(), TeamError> {
    engine.store.write(|tx| {
        if let Some(id) = id {
            tx.team_put(
                &keys::team_command(id),
                &Mark::Done {
                    result: result.clone(),
                },
            )?;
        }
        enqueue(tx, &TeamRecord::Result(result.clone()))?;
        tx.put_meta(keys::TEAM_COMMANDS, seq)
    })?;
    Ok(())
}

/// The answer to a command that could not be opened or trusted (no id to name).
fn refused(seq: u64, sender: &str, why: String) -> CommandResult {
    CommandResult {
        id: String::new(),
        seq,
        device: sender.to_string(),
        by: String::new(),
        action: String::new(),
        entry: None,
        ok: false,
        message: why,
    }
}

/// A member's catch-up: from where the last one ended. A seat cannot pick a start date,
/// so the team's first catch-up looks back over the days the engine's own window
/// suggests ([`crate::reconcile::FIRST_RUN_DAYS`]) and says so.
async fn catch_up(engine: &Engine) -> Result<String, String> {
    use crate::reconcile::{self, Options, ReconcileError, FIRST_RUN_DAYS};
    let from_last = Options::default();
    let (report, first) = match reconcile::run(engine, from_last).await {
        Err(ReconcileError::FirstRun(_)) => {
            let since = crate::time::now_ms().saturating_sub(FIRST_RUN_DAYS * 24 * 3600 * 1000);
            let opts = Options {
                since_ms: Some(since),
                ..Options::default()
            };
            (reconcile::run(engine, opts).await, true)
        }
        other => (other, false),
    };
    let report = report.map_err(|e| e.to_string())?;
    let words = found_words(report.found.len(), report.unread.len());
    Ok(if first {
        format!("{words} (the team's first catch-up: the last {FIRST_RUN_DAYS} days)")
    } else {
        words
    })
}

/// Why a member whose role does not allow an action is refused (a viewer).
pub(crate) fn only_looks(name: &str, role: &str) -> String {
    format!("{name} is a {role} in this team and may only look: ask the owner for the member role")
}

/// "2 events the webhooks missed, now in the history" / "nothing the webhooks missed".
fn found_words(found: usize, unread: usize) -> String {
    let found = match found {
        0 => "nothing the webhooks missed".to_string(),
        1 => "1 event the webhooks missed, now in the history".to_string(),
        n => format!("{n} events the webhooks missed, now in the history"),
    };
    match unread {
        0 => found,
        n => format!("{found}; {n} opportunities Lever did not answer for (try again later)"),
    }
}

fn verb(a: &Action) -> &'static str {
    match a {
        Action::Approve => "approve",
        Action::Dismiss => "dismiss",
        Action::Retry => "retry",
        Action::CatchUp => "catch up",
    }
}

fn past(a: &Action) -> &'static str {
    match a {
        Action::Approve => "approved",
        Action::Dismiss => "dismissed",
        Action::Retry => "retried",
        Action::CatchUp => "caught up",
    }
}
