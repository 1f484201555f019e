//! A WebSocket client of the relay's stream, as the app would be, for tests and load tools.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hirewire_relay::protocol::{ClientFrame, EventFrame, ServerFrame};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the next frame turned out to be.
#[derive(Debug)]
pub enum Next {
    /// A protocol frame.
    Frame(ServerFrame),
    /// The relay closed the stream, with its close frame if any.
    Closed(Option<CloseFrame>),
    /// Nothing arrived in time.
    Timeout,
}

/// An open stream.
pub struct StreamClient {
    ws: Ws,
    /// The welcome frame's `pending`.
    pub pending: u64,
}

/// Opens the stream with `secret`; returns the HTTP status on refusal.
pub async fn connect(
    relay_url: &str,
    channel: &str,
    secret: Option<&str>,
) -> Result<StreamClient, u16> {
    let url = format!(
        "{}/v1/channels/{channel}/stream",
        relay_url.replacen("http", "ws", 1)
    );
    let mut req = url.into_client_request().map_err(|_| 0u16)?;
    if let Some(s) = secret {
        let value = format!("Bearer {s}").parse().map_err(|_| 0u16)?;
        req.headers_mut().insert("authorization", value);
    }
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .map_err(|e| match e {
            tokio_tungstenite::tungstenite::Error::Http(resp) => resp.status().as_u16(),
            _ => 0,
        })?;
    let mut client = StreamClient { ws, pending: 0 };
    match client.next(Duration::from_secs(10)).await {
        Next::Frame(ServerFrame::Welcome { pending, .. }) => client.pending = pending,
        other => panic!("expected a welcome frame, got {other:?}"),
    }
    Ok(client)
}

/// Like [`connect`], for a client that expects failures (a relay that cannot reach its
/// store closes a new stream before the welcome): every failure is an `Err` saying what.
pub async fn try_connect(
    relay_url: &str,
    channel: &str,
    secret: Option<&str>,
) -> Result<StreamClient, String> {
    let url = format!(
        "{}/v1/channels/{channel}/stream",
        relay_url.replacen("http", "ws", 1)
    );
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    if let Some(s) = secret {
        let value = format!("Bearer {s}").parse().map_err(|_| "bad secret")?;
        req.headers_mut().insert("authorization", value);
    }
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .map_err(|e| e.to_string())?;
    let mut client = StreamClient { ws, pending: 0 };
    match client.next(Duration::from_secs(10)).await {
        Next::Frame(ServerFrame::Welcome { pending, .. }) => {
            client.pending = pending;
            Ok(client)
        }
        other => Err(format!("no welcome frame: {other:?}")),
    }
}

impl StreamClient {
    /// The next frame, skipping pings.
    pub async fn next(&mut self, timeout: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let msg = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Next::Timeout,
                Ok(None) => return Next::Closed(None),
                Ok(Some(Err(_))) => return Next::Closed(None),
                Ok(Some(Ok(m))) => m,
            };
            match msg {
                Message::Text(t) => match serde_json::from_str(&t) {
                    Ok(f) => return Next::Frame(f),
                    Err(e) => panic!("relay sent a frame outside the protocol: {t} ({e})"),
                },
                Message::Close(frame) => return Next::Closed(frame),
                _ => continue,
            }
        }
    }

    /// The next event frame (panics on anything else or timeout).
    pub async fn event(&mut self, timeout: Duration) -> EventFrame {
        match self.next(timeout).await {
            Next::Frame(ServerFrame::Event(e)) => e,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Acknowledges everything up to `seq`.
    pub async fn ack(&mut self, seq: u64) {
        let text = serde_json::to_string(&ClientFrame::Ack { seq }).unwrap_or_default();
        self.send_raw(Message::Text(text.into())).await;
    }

    /// Sends any message (garbage tests).
    pub async fn send_raw(&mut self, msg: Message) {
        let _ = self.ws.send(msg).await;
    }

    /// Drops the connection with a TCP reset (`SO_LINGER` 0), as a crashed app or a proxy
    /// that gives up does: no close frame, and whatever the relay had not read is lost.
    pub fn reset(self) {
        if let MaybeTlsStream::Plain(tcp) = self.ws.get_ref() {
            let _ = tcp.set_zero_linger();
        }
        drop(self.ws);
    }

    /// Closes politely.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
