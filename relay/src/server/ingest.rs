//! `POST`/`PATCH /hooks/{channel}/{endpoint}`: the public intake. A `200` is sent only
//! after the event is committed durably; every refusal has its status, a JSON reason and
//! one log line.
//!
//! Everything that can be decided without the body is decided first (endpoint, channel,
//! rate limit, backlog, a declared length over the limit), so that a post to an unknown
//! channel or an oversized one costs no body read; a client that sent
//! `Expect: 100-continue` gets its refusal instead of the go-ahead. The body is then read
//! under a size cap and a deadline.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::BodyExt;
use serde_json::json;

use super::AppState;
use crate::live::ChannelLive;
use crate::protocol::valid_endpoint;
use crate::store::ops::now_ms;
use crate::store::records::StoredEvent;
use crate::store::StoreError;

/// Seconds a client is asked to wait when a channel's backlog is full: the app drains
/// thousands of events per second once it is online.
const BACKLOG_RETRY_AFTER_S: u64 = 60;
/// Seconds a client is asked to wait while the store cannot take writes (disk full):
/// the relay retries the store itself every half second.
const STORE_RETRY_AFTER_S: u64 = 5;

/// One refusal: status, metric reason, message and optional `Retry-After`.
struct Refusal {
    status: StatusCode,
    reason: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, reason: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            reason,
            message: message.into(),
            retry_after: None,
        }
    }

    fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

/// What a post is, before its body is read.
struct Post<'a> {
    channel: &'a str,
    endpoint: &'a str,
    method: &'a Method,
    headers: &'a HeaderMap,
    remote: &'a str,
}

pub(super) async fn hook(
    State(st): State<AppState>,
    Path((channel, endpoint)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let arrived = Instant::now();
    let remote = remote_addr(&st, &headers, peer);
    let post = Post {
        channel: &channel,
        endpoint: &endpoint,
        method: &method,
        headers: &headers,
        remote: &remote,
    };
    match accept(&st, &post, body, arrived).await {
        Ok(seq) => {
            tracing::debug!(%channel, %endpoint, seq, %remote, "stored");
            Json(json!({"ok": true})).into_response()
        }
        Err(r) => {
            st.metrics.refuse(r.reason);
            tracing::warn!(%channel, %endpoint, %remote, status = r.status.as_u16(), reason = r.reason, "refused webhook: {}", r.message);
            let mut resp =
                (r.status, Json(json!({"ok": false, "error": r.message}))).into_response();
            if let Some(s) = r.retry_after {
                if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                    resp.headers_mut().insert("retry-after", v);
                }
            }
            resp
        }
    }
}

async fn accept(
    st: &AppState,
    post: &Post<'_>,
    body: Body,
    arrived: Instant,
) -> Result<u64, Refusal> {
    let live = admit(st, post)?;
    let body = read_body(st, body).await?;
    let body = String::from_utf8(body).map_err(|_| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "the body is not UTF-8 text",
        )
    })?;
    let event = StoredEvent {
        endpoint: post.endpoint.to_string(),
        method: post.method.as_str().to_string(),
        content_type: post
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        remote: post.remote.to_string(),
        received_ms: now_ms(),
        body,
    };
    st.store
        .ingest(&live.id, event, arrived)
        .await
        .map_err(|e| match e {
            StoreError::UnknownChannel(_) => {
                Refusal::new(StatusCode::NOT_FOUND, "unknown_channel", "no such channel")
            }
            StoreError::Full(why) => Refusal::new(StatusCode::TOO_MANY_REQUESTS, "backlog", why)
                .retry_after(BACKLOG_RETRY_AFTER_S),
            other => Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store",
                format!("cannot store the event now: {other}"),
            )
            .retry_after(STORE_RETRY_AFTER_S),
        })
}

/// Everything decided before the body: endpoint, channel, rate, backlog, declared size.
fn admit(st: &AppState, post: &Post<'_>) -> Result<std::sync::Arc<ChannelLive>, Refusal> {
    if !valid_endpoint(post.endpoint) {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "bad_endpoint",
            "endpoint names are 1-64 of a-z, 0-9 and -",
        ));
    }
    let Some(live) = st.registry.get(post.channel) else {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "unknown_channel",
            "no such channel",
        ));
    };
    let declared = post
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > st.cfg.max_body as u64) {
        return Err(too_large(st));
    }
    if let Some(limiter) = &st.limiter {
        if let Err(not_until) = limiter.check_key(&live.id) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            return Err(Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "rate limit for this channel reached",
            )
            .retry_after(wait.as_secs().max(1)));
        }
    }
    if live.pending() >= st.cfg.max_pending {
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "backlog",
            format!(
                "{} events are waiting for the app; is it connected?",
                live.pending()
            ),
        )
        .retry_after(BACKLOG_RETRY_AFTER_S));
    }
    Ok(live)
}

/// Reads the body, at most `max_body` bytes, within `body_timeout`.
async fn read_body(st: &AppState, body: Body) -> Result<Vec<u8>, Refusal> {
    let limited = http_body_util::Limited::new(body, st.cfg.max_body);
    match tokio::time::timeout(st.cfg.limits.body_timeout, limited.collect()).await {
        Err(_) => {
            st.metrics.timeout("body");
            Err(Refusal::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!(
                    "the body did not arrive within {}",
                    humantime::format_duration(st.cfg.limits.body_timeout)
                ),
            ))
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(st)),
        Ok(Err(e)) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("could not read the body: {e}"),
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes().to_vec()),
    }
}

fn too_large(st: &AppState) -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("body over the limit of {} bytes", st.cfg.max_body),
    )
}

/// The client's address; behind a trusted proxy, the last hop it reports.
fn remote_addr(st: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if st.cfg.trust_proxy {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|s| s.trim().to_string());
        if let Some(addr) = forwarded.filter(|s| !s.is_empty()) {
            return addr;
        }
    }
    peer.ip().to_string()
}
