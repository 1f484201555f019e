//! `GET /v1/channels/{channel}/stream`: the app's WebSocket. The secret is checked before
//! the upgrade; then events go out in seq order, at most `window` unacknowledged, starting
//! right after the last durable ack, so a reconnect resends exactly what is unconfirmed.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};

use super::AppState;
use crate::live::ChannelLive;
use crate::protocol::{
    ClientFrame, EventFrame, ServerFrame, CLOSE_BAD_FRAME, CLOSE_CHANNEL_REMOVED, CLOSE_REPLACED,
    MAX_CLIENT_FRAME, PEER_TIMEOUT, PING_INTERVAL,
};
use crate::store::{self, records::StoredEvent};

/// Events read from the store per round trip while filling the window.
const READ_CHUNK: u64 = 64;
/// WebSocket close code "going away", sent on shutdown.
const CLOSE_GOING_AWAY: u16 = 1001;

/// `GET /v1/channels/{channel}/status`: lets the app check its secret and see the backlog
/// without taking over the stream (which would close the running engine's).
pub(super) async fn status(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Response {
    match authorize(&st, &channel, &headers) {
        Ok(live) => axum::Json(serde_json::json!({"channel": live.id, "pending": live.pending()}))
            .into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// The channel, if it exists and `Authorization: Bearer` carries its secret.
fn authorize(
    st: &AppState,
    channel: &str,
    headers: &HeaderMap,
) -> Result<Arc<ChannelLive>, (StatusCode, &'static str)> {
    let Some(live) = st.registry.get(channel) else {
        tracing::warn!(%channel, "refused stream: unknown channel");
        return Err((StatusCode::NOT_FOUND, "no such channel\n"));
    };
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !live.accepts(presented) {
        tracing::warn!(%channel, "refused stream: wrong or missing secret");
        return Err((
            StatusCode::UNAUTHORIZED,
            "wrong or missing channel secret\n",
        ));
    }
    Ok(live)
}

pub(super) async fn open(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let live = match authorize(&st, &channel, &headers) {
        Ok(live) => live,
        Err(refusal) => return refusal.into_response(),
    };
    ws.max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| async move {
            st.metrics.clients.inc();
            let name = live.name.clone();
            match Stream::start(st.clone(), live, socket).await {
                Ok(()) => tracing::info!(channel = %name, "stream closed"),
                Err(e) => tracing::warn!(channel = %name, "stream ended: {e}"),
            }
            st.metrics.clients.dec();
        })
}

/// Why a stream ended.
#[derive(Debug, thiserror::Error)]
enum End {
    #[error("connection error: {0}")]
    Socket(#[from] axum::Error),
    #[error("store error: {0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Closed(String),
}

struct Stream {
    st: AppState,
    live: Arc<ChannelLive>,
    tx: SplitSink<WebSocket, Message>,
    generation: u64,
    sent: u64,
    acked: u64,
    last_heard: Instant,
}

impl Stream {
    async fn start(st: AppState, live: Arc<ChannelLive>, socket: WebSocket) -> Result<(), End> {
        // Take over the channel: any older stream sees the new generation and closes.
        let mut generation = 0;
        live.control.send_modify(|c| {
            c.generation += 1;
            generation = c.generation;
        });
        let (tx, rx) = socket.split();
        let acked = live.acked.load(std::sync::atomic::Ordering::Relaxed);
        let mut s = Stream {
            st,
            live,
            tx,
            generation,
            sent: acked,
            acked,
            last_heard: Instant::now(),
        };
        let welcome = ServerFrame::Welcome {
            channel: s.live.id.clone(),
            pending: s.live.pending(),
            relay_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        s.send(&welcome).await?;
        tracing::info!(channel = %s.live.name, pending = s.live.pending(), "stream opened");
        let result = s.pump(rx).await;
        if let Err(End::Closed(reason)) = &result {
            tracing::debug!(channel = %s.live.name, "closing: {reason}");
        }
        result
    }

    async fn pump(&mut self, mut rx: SplitStream<WebSocket>) -> Result<(), End> {
        let mut committed = self.live.committed.subscribe();
        let mut dropped = self.live.dropped.subscribe();
        let mut control = self.live.control.subscribe();
        let mut shutdown = self.st.shutdown.clone();
        let mut ping = tokio::time::interval(PING_INTERVAL);
        ping.tick().await;
        // Check both once at the start: a notice may be owed, and a newer stream may have
        // taken over between our own takeover and these subscriptions.
        dropped.mark_changed();
        control.mark_changed();
        loop {
            let upto = *committed.borrow_and_update();
            self.fill(upto).await?;
            tokio::select! {
                changed = committed.changed() => if changed.is_err() { return Ok(()) },
                changed = dropped.changed() => {
                    if changed.is_err() { return Ok(()) }
                    let n = *dropped.borrow_and_update();
                    if n > 0 {
                        let reason = format!("not acknowledged within {}", humantime::format_duration(self.st.cfg.max_age));
                        self.send(&ServerFrame::Notice { dropped: n, reason }).await?;
                        self.st.writer.clear_dropped(&self.live.id, n).await;
                    }
                }
                msg = rx.next() => match msg {
                    None => return Ok(()),
                    Some(Err(e)) => return Err(self.close_bad(&format!("unreadable frame: {e}")).await),
                    Some(Ok(msg)) => self.on_message(msg).await?,
                },
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > PEER_TIMEOUT {
                        return Err(End::Closed("peer silent for too long".into()));
                    }
                    self.tx.send(Message::Ping(Default::default())).await?;
                }
                _ = control.changed() => {
                    let c = *control.borrow_and_update();
                    if c.removed {
                        return Err(self.close(CLOSE_CHANNEL_REMOVED, "channel removed").await);
                    }
                    if c.generation != self.generation {
                        return Err(self.close(CLOSE_REPLACED, "replaced by a newer stream").await);
                    }
                }
                _ = shutdown.changed() => {
                    return Err(self.close(CLOSE_GOING_AWAY, "relay shutting down").await);
                }
            }
        }
    }

    /// Sends committed events after `sent`, up to `upto`, while the window has room.
    async fn fill(&mut self, upto: u64) -> Result<(), End> {
        let window = self.st.cfg.window;
        while self.sent < upto && self.sent - self.acked < window {
            let room = (window - (self.sent - self.acked)).min(READ_CHUNK);
            let events = store::read_events(
                &self.st.db,
                &self.live.id,
                self.sent + 1,
                upto,
                room as usize,
            )?;
            let exhausted = (events.len() as u64) < room;
            for (seq, event) in events {
                self.send(&ServerFrame::Event(frame(seq, event))).await?;
                self.sent = seq;
            }
            if exhausted {
                // Gaps (age-dropped events) end here: nothing else is stored up to `upto`.
                self.sent = self.sent.max(upto);
            }
        }
        Ok(())
    }

    async fn on_message(&mut self, msg: Message) -> Result<(), End> {
        self.last_heard = Instant::now();
        match msg {
            Message::Text(text) => match serde_json::from_str::<ClientFrame>(&text) {
                Ok(ClientFrame::Ack { seq }) if seq > self.sent => Err(self
                    .close_bad(&format!(
                        "ack {seq} is beyond the last event sent ({})",
                        self.sent
                    ))
                    .await),
                Ok(ClientFrame::Ack { seq }) => {
                    if seq > self.acked {
                        self.acked = seq;
                        self.st.writer.ack(&self.live.id, seq).await;
                    }
                    Ok(())
                }
                Err(e) => Err(self.close_bad(&format!("not a protocol frame: {e}")).await),
            },
            Message::Binary(_) => Err(self
                .close_bad("binary frames are not part of the protocol")
                .await),
            Message::Close(_) => Err(End::Closed("the app closed the stream".into())),
            Message::Ping(_) | Message::Pong(_) => Ok(()),
        }
    }

    async fn send(&mut self, frame: &ServerFrame) -> Result<(), End> {
        let text = serde_json::to_string(frame).map_err(|e| End::Closed(e.to_string()))?;
        self.tx.send(Message::Text(text.into())).await?;
        Ok(())
    }

    async fn close_bad(&mut self, why: &str) -> End {
        tracing::warn!(channel = %self.live.name, "closing stream: {why}");
        self.close(CLOSE_BAD_FRAME, why).await
    }

    async fn close(&mut self, code: u16, why: &str) -> End {
        // Close reasons are limited to 123 bytes by the WebSocket spec.
        let reason: String = why.chars().take(100).collect();
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        };
        let _ = self.tx.send(Message::Close(Some(frame))).await;
        End::Closed(why.to_string())
    }
}

fn frame(seq: u64, e: StoredEvent) -> EventFrame {
    EventFrame {
        seq,
        endpoint: e.endpoint,
        method: e.method,
        received_at: store::ops::rfc3339_ms(e.received_ms),
        content_type: e.content_type,
        body: e.body,
    }
}
