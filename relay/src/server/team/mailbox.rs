//! Pairing mailboxes (the magic-wormhole pattern, `docs/team.md` "Joining"): the engine
//! opens one for an invite (at most 7 days) and closes it once the invite is spent; anyone
//! holding the mailbox id (a 128-bit random value in the invite code) posts to and reads a
//! side. Bounded: 4 KiB a message, 8 messages a side. Expired mailboxes are refused at
//! once and swept by the relay.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::body::{decode, json_cap, read_json};
use super::refusal::Refusal;
use super::wait::Waiter;
use super::Req;
use crate::store::ops::now_ms;
use crate::store::team::MailPost;
use crate::team::{
    b64, valid_id, MailboxMessage, MailboxOpen, MailboxPage, MailboxPost, MailboxPosted,
    MailboxSide, MAILBOX_MAX_MESSAGE, MAILBOX_MAX_MESSAGES, MAILBOX_MAX_TTL_SECS,
};

/// Query of a mailbox read.
#[derive(Debug, Deserialize)]
pub(super) struct MailQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    wait: u64,
}

fn gone() -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "team_mailbox_gone",
        "no such pairing mailbox: the invite was used, expired or mistyped",
    )
}

fn check(mailbox: &str) -> Result<(), Refusal> {
    if valid_id(mailbox) {
        Ok(())
    } else {
        Err(gone())
    }
}

fn side(s: &str) -> Result<MailboxSide, Refusal> {
    MailboxSide::parse(s).ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            "team_bad_side",
            "a mailbox side is `engine` or `seat`",
        )
    })
}

pub(super) async fn open(req: Req, mailbox: String, body: Body) -> Result<Response, Refusal> {
    check(&mailbox)?;
    let (live, caller) = req.caller("PUT").await?;
    caller.engine_only()?;
    let open: MailboxOpen = read_json(&req.st, body, 1024).await?;
    if open.ttl_secs == 0 || open.ttl_secs > MAILBOX_MAX_TTL_SECS {
        return Err(Refusal::bad_body(format!(
            "`ttl_secs` must be 1 to {MAILBOX_MAX_TTL_SECS} (7 days)"
        )));
    }
    let expires = now_ms().saturating_add(open.ttl_secs * 1000);
    req.st
        .team
        .open_mailbox(&live.id, &mailbox, expires)
        .await
        .map_err(Refusal::store)?;
    Ok(Json(serde_json::json!({"ok": true})).into_response())
}

pub(super) async fn close(req: Req, mailbox: String) -> Result<Response, Refusal> {
    check(&mailbox)?;
    let (live, caller) = req.caller("DELETE").await?;
    caller.engine_only()?;
    let existed = req
        .st
        .team
        .close_mailbox(&live.id, &mailbox)
        .await
        .map_err(Refusal::store)?;
    Ok(Json(serde_json::json!({"ok": true, "existed": existed})).into_response())
}

pub(super) async fn post(
    req: Req,
    mailbox: String,
    side_name: String,
    body: Body,
) -> Result<Response, Refusal> {
    check(&mailbox)?;
    let side = side(&side_name)?;
    let live = req.channel().await?;
    let post: MailboxPost = read_json(&req.st, body, json_cap(MAILBOX_MAX_MESSAGE)).await?;
    let bytes = decode(
        &post.body,
        "a mailbox message",
        MAILBOX_MAX_MESSAGE,
        "team_mailbox_too_large",
    )?;
    match req
        .st
        .team
        .post_mail(
            &live.id,
            &mailbox,
            side,
            bytes,
            now_ms(),
            MAILBOX_MAX_MESSAGES,
        )
        .await
        .map_err(Refusal::store)?
    {
        MailPost::Posted(n) => Ok(Json(MailboxPosted { n }).into_response()),
        MailPost::Gone => Err(gone()),
        MailPost::Full => Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "team_mailbox_full",
            format!("this side of the mailbox already holds {MAILBOX_MAX_MESSAGES} messages"),
        )
        .retry_after(60)),
    }
}

pub(super) async fn read(
    req: Req,
    mailbox: String,
    side_name: String,
    q: MailQuery,
) -> Result<Response, Refusal> {
    check(&mailbox)?;
    let side = side(&side_name)?;
    let live = req.channel().await?;
    let signals = req.st.team.signals().get(&live.id);
    let mut waiter = Waiter::anonymous(&req.st, &live, signals.mail.subscribe(), q.wait);
    loop {
        let messages = req
            .st
            .team
            .read_mail(&live.id, &mailbox, side, q.after, now_ms())
            .await
            .map_err(Refusal::store)?
            .ok_or_else(gone)?;
        if !messages.is_empty() || !waiter.wait().await? {
            let messages = messages
                .into_iter()
                .map(|(n, body)| MailboxMessage {
                    n,
                    body: b64(&body),
                })
                .collect();
            return Ok(Json(MailboxPage { messages }).into_response());
        }
    }
}
