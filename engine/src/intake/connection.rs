//! Intake, step 1: the relay connection. One WebSocket stream per channel, resumed after
//! every drop with exponential backoff and jitter (capped at 60 s). An event is
//! acknowledged only after it is committed to the app's own inbox ([`super::inbox`]).

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use futures_util::{SinkExt, StreamExt};
use hirewire_relay::protocol::{ClientFrame, ServerFrame, CLOSE_REPLACED, RECONNECT_CAP};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::model::RelayLink;
use crate::secrets::{Secret, RELAY_SECRET};
use crate::store::tx::RelayConn;
use crate::Engine;

use super::inbox::{self, Accepted};
use super::link::{self, delivering, state};
use super::watchdog::{self, Silence, Watch};

/// How often a missing connection setting is looked for again.
const SETUP_POLL: Duration = Duration::from_secs(3);

/// Why a stream ended.
#[derive(Debug, thiserror::Error)]
enum StreamEnd {
    #[error("{0}")]
    Failed(String),
    #[error("another Hirewire connected to this relay channel and took over the stream")]
    Replaced,
    #[error("the relay stream delivered nothing: {0}")]
    Stalled(String),
}

/// Keeps a stream open until the task is aborted.
pub async fn run(engine: Engine) {
    let mut delays = backoff();
    loop {
        let Some((conn, secret)) = configured(&engine).await else {
            state(&engine, RelayLink::NotConfigured, None);
            tokio::time::sleep(SETUP_POLL).await;
            continue;
        };
        state(&engine, RelayLink::Connecting, None);
        let result = stream(&engine, &conn, secret.expose(), &mut || delays = backoff()).await;
        let why = match result {
            Ok(()) => "the relay closed the stream".to_string(),
            Err(e) => e.to_string(),
        };
        let wait = delays.next().unwrap_or(RECONNECT_CAP);
        tracing::warn!("relay stream ended: {why}; reconnecting in {wait:?}");
        state(&engine, RelayLink::Offline, Some(why));
        tokio::time::sleep(wait).await;
    }
}

fn backoff() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_jitter()
        .with_min_delay(Duration::from_millis(500))
        .with_max_delay(RECONNECT_CAP)
        .without_max_times()
        .build()
}

async fn configured(engine: &Engine) -> Option<(RelayConn, Secret)> {
    let conn = engine
        .store
        .read_async(|rx| rx.relay_conn())
        .await
        .ok()
        .flatten()?;
    let secret = engine.secret(RELAY_SECRET).await.ok()?;
    Some((conn, secret))
}

/// The WebSocket stream of one relay channel.
type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn fail(e: &dyn std::fmt::Display) -> StreamEnd {
    StreamEnd::Failed(e.to_string())
}

/// Opens the channel's stream with its secret; a refused secret or an unknown channel is
/// said in words that tell what to do.
async fn connect(conn: &RelayConn, secret: &str) -> Result<Ws, StreamEnd> {
    use tokio_tungstenite::tungstenite::Error;
    let code = hirewire_relay::protocol::ConnectCode {
        url: conn.url.clone(),
        channel: conn.channel.clone(),
        secret: String::new(),
    };
    let mut req = code
        .stream_url()
        .into_client_request()
        .map_err(|e| fail(&e))?;
    let bearer = format!("Bearer {secret}")
        .parse()
        .map_err(|_| StreamEnd::Failed("the relay secret is not valid header text".into()))?;
    req.headers_mut().insert("authorization", bearer);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
        .await
        .map_err(|e| match e {
            Error::Http(resp) if resp.status() == 401 => StreamEnd::Failed(
                "the relay refused the channel secret (401): paste a new connection code in Setup"
                    .into(),
            ),
            Error::Http(resp) if resp.status() == 404 => StreamEnd::Failed(
                "the relay does not know this channel (404): it may have been removed".into(),
            ),
            other => fail(&other),
        })?;
    Ok(ws)
}

/// Reads the stream until it ends, handing each protocol frame to [`on_frame`] and
/// letting the watchdog judge each silence.
async fn stream(
    engine: &Engine,
    conn: &RelayConn,
    secret: &str,
    on_open: &mut (dyn FnMut() + Send),
) -> Result<(), StreamEnd> {
    let (mut tx, mut rx) = connect(conn, secret).await?.split();
    on_open();
    let mut watch = Watch::new(watchdog::stall_after());
    loop {
        let msg = tokio::select! {
            biased;
            msg = rx.next() => msg,
            () = tokio::time::sleep_until(watch.deadline()) => {
                match watch.silent(engine, conn, secret).await {
                    Silence::Idle => continue,
                    Silence::Stalled(why) => {
                        link::stalled(engine, &why);
                        return Err(StreamEnd::Stalled(why));
                    }
                }
            }
        };
        let Some(msg) = msg else { break };
        let text = match msg.map_err(|e| fail(&e))? {
            Message::Text(t) => t,
            Message::Close(Some(frame)) if u16::from(frame.code) == CLOSE_REPLACED => {
                return Err(StreamEnd::Replaced)
            }
            Message::Close(frame) => {
                return Err(StreamEnd::Failed(format!(
                    "closed by the relay: {}",
                    frame.map(|f| f.reason.to_string()).unwrap_or_default()
                )))
            }
            _ => continue,
        };
        match serde_json::from_str(&text) {
            Ok(frame) => on_frame(engine, conn, frame, &mut tx, &mut watch).await?,
            Err(e) => tracing::warn!("ignoring a frame outside the protocol: {e}"),
        }
    }
    Ok(())
}

/// One frame of the relay: the welcome, an event (committed to the inbox, then
/// acknowledged), or a notice of events it dropped.
async fn on_frame(
    engine: &Engine,
    conn: &RelayConn,
    frame: ServerFrame,
    tx: &mut (impl futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin),
    watch: &mut Watch,
) -> Result<(), StreamEnd> {
    match frame {
        ServerFrame::Welcome {
            pending,
            relay_version,
            ..
        } => {
            tracing::info!(pending, %relay_version, "connected to the relay");
            watch.welcome(pending);
            if watch.is_delivering() {
                state(engine, RelayLink::Connected, None);
            } else {
                // Not "connected" until the stream shows it delivers.
                state(
                    engine,
                    RelayLink::Connecting,
                    Some(format!("the relay holds {pending} event(s); receiving")),
                );
            }
        }
        ServerFrame::Event(event) => {
            let seq = event.seq;
            let accepted = inbox::accept(engine, conn, event)
                .await
                .map_err(|e| fail(&e))?;
            if let Accepted::Rewound { from, to } = accepted {
                link::went_back(engine, from, to).await;
            }
            send_ack(tx, seq).await?;
            delivering(engine, watch);
        }
        ServerFrame::Notice {
            dropped,
            reason,
            seqs,
        } => {
            link::dropped_notice(engine, dropped, &reason).await;
            // Skipped records are never sent: once the notice is recorded, the relay
            // may delete them with everything before.
            if let Some(last) = seqs.iter().max() {
                send_ack(tx, *last).await?;
            }
            delivering(engine, watch);
        }
    }
    Ok(())
}

async fn send_ack(
    tx: &mut (impl futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin),
    seq: u64,
) -> Result<(), StreamEnd> {
    let ack = serde_json::to_string(&ClientFrame::Ack { seq })
        .map_err(|e| StreamEnd::Failed(e.to_string()))?;
    tx.send(Message::Text(ack.into()))
        .await
        .map_err(|e| StreamEnd::Failed(e.to_string()))
}
