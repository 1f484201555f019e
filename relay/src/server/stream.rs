//! `GET /v1/channels/{channel}/stream`: the app's WebSocket. The secret is checked before
//! the upgrade; then events go out in seq order, at most `window` unacknowledged, starting
//! right after the last durable ack, so a reconnect resends exactly what is unconfirmed.
//!
//! Every write races the channel's control signals, shutdown and the peer timeout
//! ([`Guard`]), so a client that stops reading is still replaced, cut off by a rotation or
//! removal, and dropped when silent, and what it can pin in memory is bounded: one read
//! of at most [`READ_BYTES`] and tungstenite's write buffer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tracing::Instrument;

use super::guard::{Guard, Verdict};
use super::window::Window;
use super::AppState;
use crate::live::ChannelLive;
use crate::protocol::{
    ClientFrame, EventFrame, ServerFrame, CLOSE_BAD_FRAME, CLOSE_STORE, MAX_CLIENT_FRAME,
};
use crate::store::{self, records::StoredEvent};

/// Events read from the store per round trip while filling the window.
const READ_CHUNK: usize = 64;
/// Bodies read from the store per round trip: one large event at a time, not 64 MiB.
const READ_BYTES: usize = 1024 * 1024;
/// tungstenite's write buffer: frames are flushed once this much is queued.
const WRITE_BUFFER: usize = 128 * 1024;
/// How long a close frame may take to leave before the connection is simply dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// `GET /v1/channels/{channel}/status`: lets the app check its secret and see the backlog
/// without taking over the stream (which would close the running engine's).
pub(super) async fn status(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = st.store.refresh(&channel).await {
        tracing::warn!(%channel, "channel not refreshed before the check: {e}");
    }
    match authorize(&st, &channel, &headers) {
        Ok((live, _)) => {
            axum::Json(serde_json::json!({"channel": live.id, "pending": live.pending()}))
                .into_response()
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// The channel and the secret epoch it was checked at, if it exists and
/// `Authorization: Bearer` carries its secret.
fn authorize(
    st: &AppState,
    channel: &str,
    headers: &HeaderMap,
) -> Result<(Arc<ChannelLive>, u64), (StatusCode, &'static str)> {
    let Some(live) = st.registry.get(channel) else {
        tracing::warn!(%channel, "refused stream: unknown channel");
        return Err((StatusCode::NOT_FOUND, "no such channel\n"));
    };
    // Read before the check: a rotation that lands after it bumps the epoch (see live.rs).
    let epoch = live.secret_epoch();
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !live.accepts(presented) {
        let seat = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(crate::team::SEAT_AUTH_SCHEME));
        if seat {
            // Seats never receive or acknowledge webhooks: only the engine streams.
            tracing::warn!(%channel, "refused stream: a seat credential (only the engine, with the channel secret, streams webhooks)");
            return Err((
                StatusCode::UNAUTHORIZED,
                "seats cannot open the webhook stream; only the engine, with the channel secret\n",
            ));
        }
        tracing::warn!(%channel, "refused stream: wrong or missing secret");
        return Err((
            StatusCode::UNAUTHORIZED,
            "wrong or missing channel secret\n",
        ));
    }
    Ok((live, epoch))
}

pub(super) async fn open(
    State(st): State<AppState>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // Another relay on the same store may have rotated the secret a moment ago.
    if let Err(e) = st.store.refresh(&channel).await {
        tracing::warn!(%channel, "channel not refreshed before the check: {e}");
    }
    let (live, epoch) = match authorize(&st, &channel, &headers) {
        Ok(found) => found,
        Err(refusal) => return refusal.into_response(),
    };
    // Largest frame the relay writes: a body whose every byte is escaped (`\u0000`).
    let max_frame = st.cfg.max_body.saturating_mul(6).saturating_add(4096);
    // A child of the connection's span: the stream outlives the upgrade request.
    let span =
        tracing::info_span!(parent: &tracing::Span::current(), "stream", channel = %live.name);
    ws.max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(WRITE_BUFFER.saturating_add(max_frame))
        .on_upgrade(move |socket| {
            async move {
                st.metrics.clients.inc();
                // Seats see whether the engine is connected, and since when it is not.
                let _presence = super::team::presence::Presence::start(st.team.clone(), &live.id);
                match Stream::start(st.clone(), live, epoch, socket).await {
                    Ok(()) => tracing::info!("stream closed"),
                    Err(e) => tracing::warn!("stream ended: {e}"),
                }
                st.metrics.clients.dec();
            }
            .instrument(span)
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
    #[error("{}", .0.why)]
    Must(Verdict),
}

struct Stream {
    st: AppState,
    live: Arc<ChannelLive>,
    tx: SplitSink<WebSocket, Message>,
    guard: Guard,
    win: Window,
    last_heard: Instant,
}

impl Stream {
    async fn start(
        st: AppState,
        live: Arc<ChannelLive>,
        epoch: u64,
        socket: WebSocket,
    ) -> Result<(), End> {
        // Take over the channel: any older stream sees the new generation and closes.
        let generation = st.store.claim_stream(&live.id).await?;
        let guard = Guard::new(&live, st.shutdown.clone(), generation, epoch);
        let (tx, rx) = socket.split();
        // The durable ack may still be behind the dropped stream's last acks (committed a
        // moment later): the window follows it as it moves (`Window::durable`).
        let acked = live.acked.load(std::sync::atomic::Ordering::Relaxed);
        let win = Window::new(st.cfg.window, acked);
        let mut s = Stream {
            st,
            live,
            tx,
            guard,
            win,
            last_heard: Instant::now(),
        };
        s.run(rx).await
    }

    async fn run(&mut self, rx: SplitStream<WebSocket>) -> Result<(), End> {
        let welcome = ServerFrame::Welcome {
            channel: self.live.id.clone(),
            pending: self.live.pending(),
            relay_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let result = match self.send(&welcome).await {
            Ok(()) => {
                tracing::info!(pending = self.live.pending(), "stream opened");
                self.pump(rx).await
            }
            Err(e) => Err(e),
        };
        // Every end the relay chooses is said to the app with a reason, so that a stream
        // with events waiting never just goes quiet.
        match &result {
            Err(End::Must(v)) => self.close(v.code, v.why).await,
            Err(End::Store(e)) => {
                let why = format!("the relay cannot read its store: {e}");
                self.close(CLOSE_STORE, &why).await
            }
            _ => {}
        }
        result
    }

    async fn pump(&mut self, mut rx: SplitStream<WebSocket>) -> Result<(), End> {
        let mut committed = self.live.committed.subscribe();
        let mut dropped = self.live.dropped.subscribe();
        let peer_timeout = self.st.cfg.limits.peer_timeout;
        let mut ping = tokio::time::interval(peer_timeout / 3);
        ping.tick().await;
        // A notice may be owed from before this stream.
        dropped.mark_changed();
        loop {
            self.guard.check()?;
            let upto = *committed.borrow_and_update();
            self.fill(upto).await?;
            tokio::select! {
                biased;
                changed = self.guard.changed() => changed?,
                changed = committed.changed() => if changed.is_err() { return Ok(()) },
                changed = dropped.changed() => {
                    if changed.is_err() { return Ok(()) }
                    let n = *dropped.borrow_and_update();
                    if n > 0 {
                        let reason = format!("not acknowledged within {}", humantime::format_duration(self.st.cfg.max_age));
                        self.send(&ServerFrame::Notice { dropped: n, reason, seqs: vec![] }).await?;
                        self.st.store.clear_dropped(&self.live.id, n).await;
                    }
                }
                msg = rx.next() => match msg {
                    None => return Ok(()),
                    Some(Err(e)) => return Err(self.close_bad(&format!("unreadable frame: {e}")).await),
                    Some(Ok(msg)) => self.on_message(msg).await?,
                },
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > peer_timeout {
                        return Err(End::Closed("peer silent for too long".into()));
                    }
                    self.write(Message::Ping(Default::default())).await?;
                }
            }
        }
    }

    /// Sends committed events after the last one passed, up to `upto`, while the window
    /// has room. Every read either sends something or moves past seqs the store no longer
    /// has, so the loop ends, and an empty window is never mistaken for a full one.
    async fn fill(&mut self, upto: u64) -> Result<(), End> {
        self.win
            .durable(self.live.acked.load(std::sync::atomic::Ordering::Relaxed));
        while let Some(read) = self.win.next_read(upto, READ_CHUNK) {
            self.guard.check()?;
            let events = self
                .st
                .store
                .read(&self.live.id, read.from, read.to, read.limit, READ_BYTES)
                .await?;
            let seqs: Vec<u64> = events.iter().map(|(seq, _)| *seq).collect();
            self.win.took(read, &seqs);
            // A run of unreadable records is announced in its place, before the next event.
            let mut unreadable = Vec::new();
            for (seq, event) in events {
                if seq < read.from || seq > read.to {
                    tracing::error!(seq, "the store answered a seq outside the read; ignored");
                    continue;
                }
                match event {
                    Ok(e) => {
                        if !unreadable.is_empty() {
                            self.skipped(std::mem::take(&mut unreadable)).await?;
                        }
                        self.send(&ServerFrame::Event(frame(seq, e))).await?;
                    }
                    Err(why) => {
                        tracing::error!(seq, "stored event is unreadable and is skipped: {why}");
                        unreadable.push(seq);
                    }
                }
            }
            if !unreadable.is_empty() {
                self.skipped(unreadable).await?;
            }
        }
        Ok(())
    }

    /// Tells the app which stored events could not be read, so that no loss is silent;
    /// the app acknowledges past them once it has recorded the notice.
    async fn skipped(&mut self, seqs: Vec<u64>) -> Result<(), End> {
        let label = crate::metrics::Metrics::channel(&self.live.name);
        self.st
            .metrics
            .unreadable
            .get_or_create(&label)
            .inc_by(seqs.len() as u64);
        let list: Vec<String> = seqs.iter().map(u64::to_string).collect();
        let reason = format!(
            "stored event(s) {} could not be read from the relay's database (damaged) and were skipped; the relay operator's log names them",
            list.join(", ")
        );
        let notice = ServerFrame::Notice {
            dropped: seqs.len() as u64,
            reason,
            seqs,
        };
        self.send(&notice).await
    }

    async fn on_message(&mut self, msg: Message) -> Result<(), End> {
        self.last_heard = Instant::now();
        match msg {
            Message::Text(text) => match serde_json::from_str::<ClientFrame>(&text) {
                Ok(ClientFrame::Ack { seq }) => {
                    // An ack read after a rotation or takeover must not delete anything.
                    self.guard.check()?;
                    match self.win.ack(seq) {
                        Ok(true) => {
                            self.st.store.ack(&self.live.id, seq).await;
                            Ok(())
                        }
                        Ok(false) => Ok(()),
                        Err(e) => Err(self
                            .close_bad(&format!(
                                "ack {} is beyond the last event sent ({})",
                                e.seq, e.sent
                            ))
                            .await),
                    }
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
        self.write(Message::Text(text.into())).await
    }

    /// Writes one message unless the stream must end first or the peer stops reading
    /// for longer than the peer timeout.
    async fn write(&mut self, msg: Message) -> Result<(), End> {
        let deadline = self.last_heard + self.st.cfg.limits.peer_timeout;
        let Stream { guard, tx, .. } = self;
        match guard.run(deadline, tx.send(msg)).await? {
            Some(sent) => Ok(sent?),
            None => Err(End::Closed(
                "the app stopped reading for longer than the peer timeout".into(),
            )),
        }
    }

    async fn close_bad(&mut self, why: &str) -> End {
        tracing::warn!("closing stream: {why}");
        self.close(CLOSE_BAD_FRAME, why).await;
        End::Closed(why.to_string())
    }

    /// Sends a close frame if the connection takes it within [`CLOSE_GRACE`].
    async fn close(&mut self, code: u16, why: &str) {
        // Close reasons are limited to 123 bytes by the WebSocket spec.
        let reason: String = why.chars().take(100).collect();
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        };
        let _ = tokio::time::timeout(CLOSE_GRACE, self.tx.send(Message::Close(Some(frame)))).await;
    }
}

impl From<Verdict> for End {
    fn from(v: Verdict) -> Self {
        End::Must(v)
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
