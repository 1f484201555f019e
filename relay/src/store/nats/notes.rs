//! Wake-ups across replicas. Each channel's stream republishes the headers of every event
//! it has stored (JetStream's `republish`, sent by the stream's leader after the write is
//! replicated) on `hirewire.committed.<id>`; every replica listens there and moves the
//! channel's last seq, which wakes its open streams. The notes are plain NATS messages and
//! may be lost while a connection is down, so each reconnection reconciles every channel
//! from the streams themselves (see `reconcile.rs`).

use std::sync::Arc;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::errors::unavailable;
use super::layout::NOTES;
use super::reconcile;
use super::state::Shared;
use crate::store::StoreError;

/// Listens for notes until the task is aborted.
pub(super) async fn start(shared: Arc<Shared>) -> Result<JoinHandle<()>, StoreError> {
    let mut sub = shared
        .client
        .subscribe(NOTES)
        .await
        .map_err(|e| unavailable("listen for stored events", e))?;
    Ok(tokio::spawn(async move {
        while let Some(msg) = sub.next().await {
            let Some(id) = msg.subject.as_str().rsplit('.').next() else {
                continue;
            };
            let seq = msg
                .headers
                .as_ref()
                .and_then(|h| h.get("Nats-Sequence"))
                .and_then(|v| v.as_str().parse::<u64>().ok());
            if let (Some(side), Some(seq)) = (shared.side(id), seq) {
                shared.saw_last(&side, seq);
            }
        }
    }))
}

/// Reconciles every channel each time the connection to NATS is (re)established, so that
/// notes lost while it was down are made up for.
pub(super) fn on_reconnect(
    shared: Arc<Shared>,
    mut connected: mpsc::UnboundedReceiver<()>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while connected.recv().await.is_some() {
            while connected.try_recv().is_ok() {}
            tracing::info!("connected to NATS: bringing every channel up to date");
            if let Err(e) = reconcile::all(&shared).await {
                tracing::warn!("channels not brought up to date yet: {e}");
            }
        }
    })
}
