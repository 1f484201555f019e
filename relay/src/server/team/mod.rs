//! The seat API (team mode, `docs/relay.md` "Seats"): devices, the team log, the command
//! queue and pairing mailboxes, over plain HTTP with long-polls. The wire types are in
//! [`crate::team`]; the durable state behind [`crate::store::team::TeamStore`]. Seats never
//! reach the webhook stream.

pub(crate) mod auth;
mod body;
mod commands;
mod devices;
mod log;
mod mailbox;
pub(crate) mod presence;
mod refusal;
mod wait;

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use auth::{Caller, SeatSlot};
use refusal::Refusal;

use super::AppState;
use crate::live::ChannelLive;
use crate::store::ops::now_ms;
use crate::team::{parse_seat_auth, EngineStatus};

/// How often expired pairing mailboxes are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The seat API's routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/channels/{channel}/team/devices", get(list_devices))
        .route(
            "/v1/channels/{channel}/team/devices/{device}",
            put(put_device).delete(delete_device),
        )
        .route(
            "/v1/channels/{channel}/team/log",
            post(log_append).get(log_read),
        )
        .route("/v1/channels/{channel}/team/log/compact", post(log_compact))
        .route(
            "/v1/channels/{channel}/team/commands",
            post(command_post).get(command_read),
        )
        .route(
            "/v1/channels/{channel}/team/commands/ack",
            post(command_ack),
        )
        .route(
            "/v1/channels/{channel}/team/mailboxes/{mailbox}",
            put(mailbox_open).delete(mailbox_close),
        )
        .route(
            "/v1/channels/{channel}/team/mailboxes/{mailbox}/{side}",
            post(mailbox_post).get(mailbox_read),
        )
}

/// One team request: the state, its channel, path and headers.
pub(crate) struct Req {
    st: AppState,
    channel: String,
    uri: Uri,
    headers: HeaderMap,
}

impl Req {
    /// The channel and the authenticated caller (signed over this method and path).
    async fn caller(&self, method: &str) -> Result<(Arc<ChannelLive>, Caller), Refusal> {
        auth::caller(
            &self.st,
            &self.channel,
            &self.headers,
            method,
            self.uri.path(),
        )
        .await
    }

    /// The channel alone (mailbox requests: the mailbox id is the credential).
    async fn channel(&self) -> Result<Arc<ChannelLive>, Refusal> {
        if let Err(e) = self.st.store.refresh(&self.channel).await {
            tracing::warn!(channel = %self.channel, "channel not refreshed before the check: {e}");
        }
        self.st
            .registry
            .get(&self.channel)
            .ok_or_else(Refusal::unknown_channel)
    }

    /// One of a seat's open-request slots (the engine has no such bound).
    fn seat_slot(&self, live: &ChannelLive, caller: &Caller) -> Result<Option<SeatSlot>, Refusal> {
        let Caller::Seat(device) = caller else {
            return Ok(None);
        };
        let max = self.st.cfg.team.seat_connections;
        self.st
            .seats
            .hold(&live.id, device, max)
            .map(Some)
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "team_seat_connections",
                    format!("this device already holds {max} requests open (--seat-connections)"),
                )
                .retry_after(1)
            })
    }

    /// Who the refusal log line names: a device id, the engine, or nobody known.
    fn who(&self) -> String {
        let header = self
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if header.starts_with("Bearer ") {
            "engine".into()
        } else {
            parse_seat_auth(header)
                .map(|(d, _, _)| d.to_string())
                .unwrap_or_else(|| "-".into())
        }
    }
}

/// Answers a handler's result, logging and counting a refusal.
fn finish(req_st: &AppState, channel: &str, who: String, r: Result<Response, Refusal>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(refusal) => refusal.answer(&req_st.metrics, channel, &who),
    }
}

macro_rules! handler {
    ($name:ident, $path:ty, |$req:ident, $p:pat_param| $body:expr) => {
        async fn $name(
            State(st): State<AppState>,
            Path($p): Path<$path>,
            uri: Uri,
            headers: HeaderMap,
            body: Body,
        ) -> Response {
            let channel = channel_of(&uri);
            let $req = Req {
                st: st.clone(),
                channel: channel.clone(),
                uri,
                headers,
            };
            let who = $req.who();
            let r = ($body)(body).await;
            finish(&st, &channel, who, r)
        }
    };
}

/// The channel id of a team path (`/v1/channels/{ch}/team/…`).
fn channel_of(uri: &Uri) -> String {
    uri.path()
        .strip_prefix("/v1/channels/")
        .and_then(|p| p.split('/').next())
        .unwrap_or("")
        .to_string()
}

handler!(list_devices, String, |req, _ch| |_b| devices::list(req));
handler!(put_device, (String, String), |req, (_ch, device)| |b| {
    devices::put(req, device, b)
});
handler!(delete_device, (String, String), |req, (_ch, device)| |_b| {
    devices::delete(req, device)
});
handler!(log_append, String, |req, _ch| |b| log::append(req, b));
handler!(log_compact, String, |req, _ch| |b| log::compact(req, b));
handler!(command_post, String, |req, _ch| |b| commands::post(req, b));
handler!(command_ack, String, |req, _ch| |b| commands::ack(req, b));
handler!(mailbox_open, (String, String), |req, (_ch, mb)| |b| {
    mailbox::open(req, mb, b)
});
handler!(mailbox_close, (String, String), |req, (_ch, mb)| |_b| {
    mailbox::close(req, mb)
});
handler!(
    mailbox_post,
    (String, String, String),
    |req, (_ch, mb, side)| |b| mailbox::post(req, mb, side, b)
);

/// A long-poll read: its query checked (a 400 otherwise), the one call, its answer or refusal.
async fn query_read<Q, F, Fut>(
    st: AppState,
    channel: String,
    q: Result<Query<Q>, axum::extract::rejection::QueryRejection>,
    uri: Uri,
    headers: HeaderMap,
    read: F,
) -> Response
where
    F: FnOnce(Req, Q) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Refusal>>,
{
    let req = Req {
        st: st.clone(),
        channel: channel.clone(),
        uri,
        headers,
    };
    let who = req.who();
    let r = match q {
        Ok(Query(q)) => read(req, q).await,
        Err(e) => Err(Refusal::bad_body(e)),
    };
    finish(&st, &channel, who, r)
}

async fn log_read(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    q: Result<Query<log::LogQuery>, axum::extract::rejection::QueryRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    query_read(st, channel, q, uri, headers, log::read).await
}

async fn command_read(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    q: Result<Query<commands::CommandQuery>, axum::extract::rejection::QueryRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    query_read(st, channel, q, uri, headers, commands::read).await
}

async fn mailbox_read(
    State(st): State<AppState>,
    Path((channel, mailbox, side)): Path<(String, String, String)>,
    q: Result<Query<mailbox::MailQuery>, axum::extract::rejection::QueryRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    query_read(st, channel, q, uri, headers, |req, q| {
        mailbox::read(req, mailbox, side, q)
    })
    .await
}

/// Milliseconds since the epoch as RFC 3339 UTC (millisecond precision).
pub(crate) fn rfc3339(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// Whether the engine is connected (a stream open on this relay, or a fresh "open"
/// heartbeat from another), and when it was last seen.
pub(crate) async fn engine_status(st: &AppState, channel: &str) -> EngineStatus {
    let here = st.team.signals().get(channel).engine_connected();
    let seen = st.team.engine(channel).await.unwrap_or_default();
    let fresh = seen
        .last_seen_ms
        .is_some_and(|ms| now_ms().saturating_sub(ms) < presence::STALE_MS);
    let connected = here || (seen.open && fresh);
    let last_seen = if here {
        Some(now_ms())
    } else {
        seen.last_seen_ms
    };
    EngineStatus {
        connected,
        last_seen: last_seen.map(rfc3339),
    }
}

/// Sweeps expired pairing mailboxes, forever.
pub(super) async fn sweep(st: AppState) {
    loop {
        tokio::time::sleep(SWEEP_EVERY).await;
        match st.team.sweep_mailboxes(now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(mailboxes = n, "expired pairing mailboxes swept"),
            Err(e) => tracing::warn!("pairing mailboxes not swept: {e}"),
        }
    }
}
