//! The command queue: a seat posts a sealed command (`POST …/team/commands`), queued
//! durably; the engine reads them in order (`GET …/team/commands?after=S&wait=MS`) and
//! acknowledges cumulatively (`POST …/team/commands/ack`). Delivery is at least once: an
//! unacknowledged command is read again after a reconnect, and the engine does each
//! command id once.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::auth::Caller;
use super::body::{decode, json_cap, read_json};
use super::refusal::Refusal;
use super::wait::Waiter;
use super::{rfc3339, Req};
use crate::store::ops::now_ms;
use crate::store::team::CommandRecord;
use crate::team::{b64, CommandAck, CommandPage, CommandPost, CommandQueued, QueuedCommand};

/// Most commands one read returns.
const READ_CAP: usize = 256;

/// Query of a command read.
#[derive(Debug, Deserialize)]
pub(super) struct CommandQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    wait: u64,
}

pub(super) async fn post(req: Req, body: Body) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("POST").await?;
    let Caller::Seat(device) = &caller else {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "team_seat_only",
            "commands come from seats (a device key), not the engine",
        ));
    };
    if let Err(wait) = req.st.seats.command(&live.id, device) {
        let per_minute = req.st.cfg.team.seat_commands_per_minute;
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "team_seat_rate",
            format!("this device sent more than {per_minute} commands in a minute (--seat-commands-per-minute)"),
        )
        .retry_after(wait));
    }
    let max = req.st.cfg.team.max_command;
    let post: CommandPost = read_json(&req.st, body, json_cap(max)).await?;
    let body = decode(&post.body, "the command", max, "team_command_too_large")?;
    let cmd = CommandRecord {
        device: device.clone(),
        received_ms: now_ms(),
        body,
    };
    let seq = req
        .st
        .team
        .push_command(&live.id, cmd)
        .await
        .map_err(Refusal::store)?;
    req.st.metrics.team_commands.inc();
    tracing::debug!(channel = %live.name, %device, seq, "command queued");
    Ok(Json(CommandQueued { seq }).into_response())
}

pub(super) async fn read(req: Req, q: CommandQuery) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("GET").await?;
    caller.engine_only()?;
    let signals = req.st.team.signals().get(&live.id);
    let mut waiter = Waiter::new(
        &req.st,
        &live,
        signals.commands.subscribe(),
        &caller,
        q.wait,
    );
    loop {
        let commands = req
            .st
            .team
            .read_commands(&live.id, q.after, READ_CAP)
            .await
            .map_err(Refusal::store)?;
        if !commands.is_empty() || !waiter.wait().await? {
            let commands = commands
                .into_iter()
                .map(|(seq, c)| QueuedCommand {
                    seq,
                    device: c.device,
                    received_at: rfc3339(c.received_ms),
                    body: b64(&c.body),
                })
                .collect();
            return Ok(Json(CommandPage { commands }).into_response());
        }
    }
}

pub(super) async fn ack(req: Req, body: Body) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("POST").await?;
    caller.engine_only()?;
    let ack: CommandAck = read_json(&req.st, body, 1024).await?;
    req.st
        .team
        .ack_commands(&live.id, ack.seq)
        .await
        .map_err(Refusal::store)?;
    Ok(Json(serde_json::json!({"ok": true})).into_response())
}
