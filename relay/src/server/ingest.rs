//! `POST`/`PATCH /hooks/{channel}/{endpoint}`: the public intake. A `200` is sent only
//! after the event is committed durably; every refusal has its status, a JSON reason and
//! one log line.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::AppState;
use crate::protocol::valid_endpoint;
use crate::store::ops::now_ms;
use crate::store::records::StoredEvent;
use crate::store::StoreError;

/// Seconds a client is asked to wait when a channel's backlog is full: the app drains
/// thousands of events per second once it is online.
const BACKLOG_RETRY_AFTER_S: u64 = 60;

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
}

pub(super) async fn hook(
    State(st): State<AppState>,
    Path((channel, endpoint)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let arrived = Instant::now();
    let remote = remote_addr(&st, &headers, peer);
    match accept(
        &st, &channel, &endpoint, &method, &headers, body, &remote, arrived,
    )
    .await
    {
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

#[allow(clippy::too_many_arguments)]
async fn accept(
    st: &AppState,
    channel: &str,
    endpoint: &str,
    method: &Method,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    remote: &str,
    arrived: Instant,
) -> Result<u64, Refusal> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("body over the limit of {} bytes", st.cfg.max_body),
            )
        } else {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "bad_body",
                format!("could not read the body: {e}"),
            )
        }
    })?;
    if !valid_endpoint(endpoint) {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "bad_endpoint",
            "endpoint names are 1-64 of a-z, 0-9 and -",
        ));
    }
    let Some(live) = st.registry.get(channel) else {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "unknown_channel",
            "no such channel",
        ));
    };
    if let Some(limiter) = &st.limiter {
        if let Err(not_until) = limiter.check_key(&live.id) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            let mut r = Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "rate limit for this channel reached",
            );
            r.retry_after = Some(wait.as_secs().max(1));
            return Err(r);
        }
    }
    if live.pending() >= st.cfg.max_pending {
        let mut r = Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "backlog",
            format!(
                "{} events are waiting for the app; is it connected?",
                live.pending()
            ),
        );
        r.retry_after = Some(BACKLOG_RETRY_AFTER_S);
        return Err(r);
    }
    let body = String::from_utf8(body.to_vec()).map_err(|_| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "the body is not UTF-8 text",
        )
    })?;
    let event = StoredEvent {
        endpoint: endpoint.to_string(),
        method: method.as_str().to_string(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        remote: remote.to_string(),
        received_ms: now_ms(),
        body,
    };
    st.writer
        .ingest(&live.id, event, arrived)
        .await
        .map_err(|e| match e {
            StoreError::UnknownChannel(_) => {
                Refusal::new(StatusCode::NOT_FOUND, "unknown_channel", "no such channel")
            }
            other => {
                let mut r = Refusal::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store",
                    format!("cannot store the event now: {other}"),
                );
                r.retry_after = Some(5);
                r
            }
        })
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
