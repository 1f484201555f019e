//! Reaching NATS: one connection (to whichever listed server answers; it fails over to the
//! others by itself), JetStream on it, the relay's bucket created on first use, and the
//! checks that would otherwise fail later in a confusing way (no JetStream, a
//! `max_payload` too small for `--max-body`).

use std::time::Duration;

use async_nats::jetstream::{self, context::GetStreamErrorKind};
use async_nats::{ConnectOptions, Event, ServerAddr};
use tokio::sync::mpsc;

use super::errors::{unavailable, REQUEST_TIMEOUT};
use super::layout::{bucket_config, BUCKET, BUCKET_STREAM};
use super::options::{replicas_for, NatsOptions};
use crate::store::StoreError;

/// Room NATS messages need beside the body: the event header and NATS's own framing.
const HEADER_ROOM: usize = 64 * 1024;
/// Longest pause between two reconnection attempts: a restarted node is found quickly.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(2);
/// How long `serve` keeps trying to open the store before it gives up (and its service
/// manager restarts it).
const OPEN_DEADLINE: Duration = Duration::from_secs(60);
/// Pause between two attempts to open the store.
const OPEN_RETRY_PAUSE: Duration = Duration::from_secs(1);
/// How long the first connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An open connection and what the store needs of it.
pub(super) struct Connection {
    pub client: async_nats::Client,
    pub js: jetstream::Context,
    pub kv: jetstream::kv::Store,
    pub replicas: usize,
    /// A message each time the connection is (re)established.
    pub connected: mpsc::UnboundedReceiver<()>,
}

/// Connects, checks the servers, and opens (or creates) the relay's bucket.
pub(super) async fn open(opts: &NatsOptions) -> Result<Connection, StoreError> {
    let list = opts.servers.join(",");
    let addrs: Vec<ServerAddr> = opts
        .servers
        .iter()
        .map(|s| s.parse::<ServerAddr>())
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Unusable(format!("--store {list}: {e}")))?;
    let (tx, connected) = mpsc::unbounded_channel();
    let client = ConnectOptions::new()
        .name(format!("hirewire-relay {}", env!("CARGO_PKG_VERSION")))
        .connection_timeout(CONNECT_TIMEOUT)
        .request_timeout(Some(REQUEST_TIMEOUT))
        .max_reconnects(None)
        .reconnect_delay_callback(|attempts| {
            (Duration::from_millis(100) * attempts as u32).min(MAX_RECONNECT_DELAY)
        })
        .event_callback(move |event| {
            let tx = tx.clone();
            async move {
                match event {
                    Event::Connected => {
                        let _ = tx.send(());
                    }
                    Event::Disconnected => {
                        tracing::warn!("lost the connection to NATS; reconnecting")
                    }
                    other => tracing::info!("NATS: {other}"),
                }
            }
        })
        .connect(addrs)
        .await
        .map_err(|e| StoreError::Unusable(format!("cannot reach NATS at {list}: {e}")))?;
    check_payload(&client, opts)?;
    let info = client.server_info();
    let nodes = opts.servers.len().max(info.connect_urls.len());
    let replicas = replicas_for(nodes, opts.replicas);
    let js = jetstream::ContextBuilder::new()
        .timeout(REQUEST_TIMEOUT)
        .build(client.clone());
    let kv = retrying("open the relay's bucket", || bucket(&js, replicas)).await?;
    tracing::info!(servers = %list, nodes, replicas, "NATS store ready");
    Ok(Connection {
        client,
        js,
        kv,
        replicas,
        connected,
    })
}

/// Runs `attempt` until it works or [`OPEN_DEADLINE`] passes: a node that has just
/// restarted, or a cluster electing its leaders, answers JetStream requests a few seconds
/// later.
pub(super) async fn retrying<T, F, Fut>(what: &str, mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let deadline = tokio::time::Instant::now() + OPEN_DEADLINE;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(e @ StoreError::Unavailable(_)) if tokio::time::Instant::now() < deadline => {
                tracing::warn!("cannot {what} yet, trying again: {e}");
                tokio::time::sleep(OPEN_RETRY_PAUSE).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Refuses a server whose `max_payload` cannot carry the largest body the relay accepts.
fn check_payload(client: &async_nats::Client, opts: &NatsOptions) -> Result<(), StoreError> {
    let max_payload = client.server_info().max_payload;
    let needed = opts.max_body.saturating_add(HEADER_ROOM);
    if max_payload < needed {
        return Err(StoreError::Unusable(format!(
            "NATS accepts messages of at most {max_payload} bytes (max_payload), but --max-body \
             {} needs {needed}: set `max_payload: 8MB` in nats-server.conf on every node, or \
             lower --max-body",
            opts.max_body
        )));
    }
    Ok(())
}

/// The relay's bucket, created with `replicas` copies when it does not exist yet.
async fn bucket(
    js: &jetstream::Context,
    replicas: usize,
) -> Result<jetstream::kv::Store, StoreError> {
    match js.get_stream(BUCKET_STREAM).await {
        Ok(_) => {}
        Err(e) if matches!(e.kind(), GetStreamErrorKind::JetStream(_)) => {
            js.create_stream(bucket_config(replicas))
                .await
                .map_err(|e| {
                    unavailable(
                        "create the relay's bucket (is JetStream enabled on the servers?)",
                        e,
                    )
                })?;
        }
        Err(e) => {
            return Err(unavailable(
                "open the relay's bucket (is JetStream enabled on the servers?)",
                e,
            ))
        }
    }
    js.get_key_value(BUCKET)
        .await
        .map_err(|e| unavailable("open the relay's bucket", e))
}
