//! The relay connection: one WebSocket stream per channel, resumed after every drop with
//! exponential backoff and jitter (capped at 60 s). An event is acknowledged only after it
//! is committed to the app's own inbox.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use futures_util::{SinkExt, StreamExt};
use hirewire_relay::protocol::{ClientFrame, ServerFrame, CLOSE_REPLACED, RECONNECT_CAP};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::inbox::{self, Accepted};
use super::model::{Flow, RelayLink, Status};
use super::notify::{Kind, Notice};
use super::relay_watch::{self, Silence, Watch};
use super::secrets::RELAY_SECRET;
use super::store::entries::NewEntry;
use super::store::tx::RelayConn;
use super::{time, Engine, EngineEvent};

/// Unreachable this long, the relay earns a notification: webhooks pile up there meanwhile.
const OFFLINE_ALERT: Duration = Duration::from_secs(10 * 60);
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

fn state(engine: &Engine, state: RelayLink, detail: Option<String>) {
    let now = time::now_ms();
    let notify_offline = {
        let Ok(mut rs) = engine.relay_state.lock() else {
            return;
        };
        if rs.state != Some(state) {
            tracing::info!(state = state.as_str(), "relay connection: {state}");
            rs.since = Some(now);
            if state != RelayLink::Offline {
                rs.offline_notified = false;
            }
        }
        rs.state = Some(state);
        rs.detail = detail.clone();
        let long = rs
            .since
            .is_some_and(|s| now.saturating_sub(s) > OFFLINE_ALERT.as_millis() as u64);
        let fire = state == RelayLink::Offline && long && !rs.offline_notified;
        if fire {
            rs.offline_notified = true;
        }
        fire
    };
    if notify_offline {
        engine.notifier.send(Notice {
            summary: "The relay is unreachable".into(),
            body: format!(
                "for over 10 minutes: {}",
                detail.clone().unwrap_or_default()
            ),
            entry_id: None,
            kind: Kind::Attention,
        });
    }
    let _ = engine.events.send(EngineEvent::Relay { state, detail });
}

async fn configured(engine: &Engine) -> Option<(RelayConn, super::secrets::Secret)> {
    let conn = engine
        .store
        .read_async(|rx| rx.relay_conn())
        .await
        .ok()
        .flatten()?;
    let secret = engine.secret(RELAY_SECRET).await.ok()?;
    Some((conn, secret))
}

async fn stream(
    engine: &Engine,
    conn: &RelayConn,
    secret: &str,
    on_open: &mut (dyn FnMut() + Send),
) -> Result<(), StreamEnd> {
    let fail = |e: &dyn std::fmt::Display| StreamEnd::Failed(e.to_string());
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
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true).await.map_err(|e| match e {
        tokio_tungstenite::tungstenite::Error::Http(resp) if resp.status() == 401 => {
            StreamEnd::Failed("the relay refused the channel secret (401): paste a new connection code in Setup".into())
        }
        tokio_tungstenite::tungstenite::Error::Http(resp) if resp.status() == 404 => {
            StreamEnd::Failed("the relay does not know this channel (404): it may have been removed".into())
        }
        other => fail(&other),
    })?;
    let (mut tx, mut rx) = ws.split();
    on_open();
    let mut watch = Watch::new(relay_watch::stall_after());
    loop {
        let msg = tokio::select! {
            biased;
            msg = rx.next() => msg,
            () = tokio::time::sleep_until(watch.deadline()) => {
                match watch.silent(engine, conn, secret).await {
                    Silence::Idle => continue,
                    Silence::Stalled(why) => {
                        stalled(engine, &why);
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
        let frame: ServerFrame = match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!("ignoring a frame outside the protocol: {e}");
                continue;
            }
        };
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
                    went_back(engine, from, to).await;
                }
                send_ack(&mut tx, seq).await?;
                delivering(engine, &mut watch);
            }
            ServerFrame::Notice {
                dropped,
                reason,
                seqs,
            } => {
                dropped_notice(engine, dropped, &reason).await;
                // Skipped records are never sent: once the notice is recorded, the relay
                // may delete them with everything before.
                if let Some(last) = seqs.iter().max() {
                    send_ack(&mut tx, *last).await?;
                }
                delivering(engine, &mut watch);
            }
        }
    }
    Ok(())
}

/// A frame was handled: the stream delivers, and says so the first time.
fn delivering(engine: &Engine, watch: &mut Watch) {
    let first = !watch.is_delivering();
    watch.delivered();
    if first {
        state(engine, RelayLink::Connected, None);
    }
}

/// A stalled stream is logged once, counted, and shown until the next connection.
fn stalled(engine: &Engine, why: &str) {
    let count = match engine.relay_state.lock() {
        Ok(mut rs) => {
            rs.stalls += 1;
            rs.stalls
        }
        Err(_) => 0,
    };
    tracing::warn!(
        stalls = count,
        "relay stream stalled, reconnecting: {why} (stall {count} since the engine started)"
    );
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

/// The relay dropped events: a visible, failed history entry and a notification.
async fn dropped_notice(engine: &Engine, dropped: u64, reason: &str) {
    let why = format!("the relay dropped {dropped} webhook(s) ({reason}); re-run them from Lever's webhook delivery history");
    tracing::error!("{why}");
    let entry = NewEntry::own(
        "relayDropped",
        Flow::None,
        Status::Failed,
        Some(why.clone()),
    );
    if let Some(id) = own_entry(engine, entry).await {
        engine.notifier.send(Notice {
            summary: "Webhooks were lost at the relay".into(),
            body: why,
            entry_id: Some(id),
            kind: Kind::Attention,
        });
    }
}

/// The relay's seq went back: never swallowed, always said.
async fn went_back(engine: &Engine, from: u64, to: u64) {
    let why = format!(
        "the relay's queue went back from event {from} to event {to}: it was probably restored from an older backup or its data was replaced. Its events are taken in again and checked against Lever's own ids, so nothing is done twice; webhooks Lever sent in between may need a re-run from Lever's delivery history"
    );
    tracing::warn!("{why}");
    let entry = NewEntry::own("relayRewound", Flow::None, Status::Done, Some(why.clone()));
    if let Some(id) = own_entry(engine, entry).await {
        engine.notifier.send(Notice {
            summary: "The relay went back in time".into(),
            body: why,
            entry_id: Some(id),
            kind: Kind::Attention,
        });
    }
}

async fn own_entry(engine: &Engine, entry: NewEntry) -> Option<u64> {
    let id = engine
        .store
        .write_async(move |tx| tx.open_entry(entry, None, None))
        .await;
    match id {
        Ok(id) => {
            engine.entry_changed(id);
            Some(id)
        }
        Err(e) => {
            tracing::error!("cannot record a relay notice: {e}");
            None
        }
    }
}
