//! Every replica follows the bucket: channel records (added, rotated, removed), delivery
//! records (acks made through another replica) and stream claims arrive here and move the
//! shared registry, so that a change made through any replica takes effect on all of them.
//! At start the watch first replays the latest value of every key: that is the load.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::kv::{Entry, Operation, Watch};
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use super::errors::{timed_out, unavailable};
use super::records::{from_json, AckDoc, ChannelDoc};
use super::state::{Counts, Shared};
use super::{layout, reconcile};
use crate::store::StoreError;

/// How long the first replay of the bucket may take.
const LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause before a watch that ended is started again.
const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// Loads every channel, then follows the bucket until the task is aborted.
pub(super) async fn start(shared: Arc<Shared>) -> Result<JoinHandle<()>, StoreError> {
    let bucket = shared
        .js
        .get_stream_no_info(layout::BUCKET_STREAM)
        .await
        .map_err(|e| unavailable("open the relay's bucket", e))?;
    let info = bucket
        .get_info()
        .await
        .map_err(|e| unavailable("read the relay's bucket", e))?;
    let mut watch = shared
        .kv
        .watch_with_history(">")
        .await
        .map_err(|e| unavailable("watch the relay's bucket", e))?;
    let mut last = 0;
    if info.state.messages > 0 {
        loop {
            let entry = match tokio::time::timeout(LOAD_TIMEOUT, watch.next()).await {
                Err(_) => return Err(timed_out("load the channels", LOAD_TIMEOUT.as_secs())),
                Ok(None) => return Err(StoreError::Unavailable("the bucket watch ended".into())),
                Ok(Some(Err(e))) => return Err(unavailable("load the channels", e)),
                Ok(Some(Ok(entry))) => entry,
            };
            last = entry.revision;
            let done = entry.delta == 0;
            apply(&shared, entry).await?;
            if done {
                break;
            }
        }
    }
    Ok(tokio::spawn(follow(shared, watch, last)))
}

/// Applies bucket changes as they come; restarts the watch after the last one seen.
async fn follow(shared: Arc<Shared>, mut watch: Watch, mut last: u64) {
    loop {
        while let Some(item) = watch.next().await {
            match item {
                Ok(entry) => {
                    last = last.max(entry.revision);
                    if let Err(e) = apply(&shared, entry).await {
                        tracing::warn!("a bucket change could not be applied yet: {e}");
                    }
                }
                Err(e) => tracing::warn!("bucket watch: {e}"),
            }
        }
        loop {
            tokio::time::sleep(RESTART_PAUSE).await;
            match shared.kv.watch_from_revision(">", last + 1).await {
                Ok(w) => {
                    watch = w;
                    break;
                }
                Err(e) => tracing::warn!("bucket watch cannot restart yet: {e}"),
            }
        }
    }
}

/// Applies one bucket entry to this replica's view. Idempotent: a replayed entry changes
/// nothing.
async fn apply(shared: &Shared, entry: Entry) -> Result<(), StoreError> {
    let put = matches!(entry.operation, Operation::Put);
    if let Some(id) = entry.key.strip_prefix("ch.") {
        if !put {
            shared.forget(id);
            return Ok(());
        }
        let doc: ChannelDoc = match from_json(&entry.value) {
            Ok(doc) => doc,
            Err(e) => {
                tracing::error!(channel = %id, "channel record unreadable, channel skipped: {e}");
                return Ok(());
            }
        };
        return adopt(shared, id, doc).await;
    }
    if let Some(id) = entry.key.strip_prefix("ack.") {
        if let (true, Some(side), Ok(doc)) =
            (put, shared.side(id), from_json::<AckDoc>(&entry.value))
        {
            side.update(|c| c.ack = c.ack.merged(&doc));
            shared.show(&side);
        }
        return Ok(());
    }
    if let Some(id) = entry.key.strip_prefix("claim.") {
        shared.saw_claim(id, entry.revision);
    }
    Ok(())
}

/// Installs a channel record: an update for a known channel, else a new channel whose
/// stream positions are read first.
pub(super) async fn adopt(shared: &Shared, id: &str, doc: ChannelDoc) -> Result<(), StoreError> {
    if !layout::valid_id(id) {
        tracing::error!(channel = %id, "channel id unusable in NATS names, channel skipped");
        return Ok(());
    }
    if shared.side(id).is_some() {
        shared.install(id, doc, Counts::default()).await?;
        return Ok(());
    }
    let probe = shared.install(id, doc, Counts::default()).await?;
    let (gone, last) = reconcile::positions(&probe).await?;
    let ack = reconcile::ack_doc(shared, id).await?;
    probe.update(|c| {
        c.last = c.last.max(last);
        c.gone = c.gone.max(gone);
        c.ack = c.ack.merged(&ack);
        c.counted_gone = c.gone;
    });
    shared.show(&probe);
    Ok(())
}
