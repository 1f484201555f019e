//! `hirewire-relay migrate --data DIR --store nats://…`: moves a stopped redb relay's
//! channels to NATS with the same ids and secret hashes (so the connection codes already
//! handed out keep working) and their queued events in order, with the same seqs (each
//! channel's stream sequence is offset by a base, so the app's cursor goes on, never back).
//!
//! Running it again resumes: a channel already in NATS with the same secret hash gets only
//! the events it does not have yet; one whose id or name NATS holds otherwise is refused.

use std::path::Path;

use serde::Serialize;

use super::records::{event_headers, AckDoc, ChannelDoc};
use super::{admin, events, NatsStore};
use crate::store::records::ChannelRecord;
use crate::store::tables::META_PUBLIC_URL;
use crate::store::{ops, StoreError};

/// Events read from redb per round: bounds memory whatever the backlog.
const CHUNK: usize = 256;

/// What was moved for one channel.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    /// The channel id (unchanged).
    pub channel: String,
    /// Its name.
    pub name: String,
    /// Events copied now.
    pub events: u64,
    /// The seq of the last event the channel holds.
    pub last_seq: u64,
}

/// Moves every channel of the redb relay in `dir` to `store`.
pub async fn run(dir: &Path, store: &NatsStore) -> Result<Vec<Moved>, StoreError> {
    let db = crate::store::open(dir).map_err(|e| match e {
        StoreError::Locked(_) => StoreError::Unusable(format!(
            "a relay is running on {}: stop it first (migrate reads the redb file alone)",
            dir.display()
        )),
        other => other,
    })?;
    let shared = store.shared();
    if admin::public_url(shared).await?.is_none() {
        if let Some(url) = ops::get_meta(&db, META_PUBLIC_URL)? {
            admin::set_public_url(shared, &url).await?;
        }
    }
    let mut moved = Vec::new();
    for (id, record) in ops::list_channels(&db)? {
        moved.push(channel(&db, store, &id, &record).await?);
    }
    Ok(moved)
}

/// Moves one channel: creates it (unless a previous run did), then copies the events NATS
/// does not have yet.
async fn channel(
    db: &redb::Database,
    store: &NatsStore,
    id: &str,
    record: &ChannelRecord,
) -> Result<Moved, StoreError> {
    let shared = store.shared();
    let first = ops::read_events(db, id, 0, u64::MAX, 1, usize::MAX)?
        .first()
        .map(|(seq, _)| *seq)
        .unwrap_or(record.last_seq + 1);
    let base = first - 1;
    let doc = ChannelDoc {
        name: record.name.clone(),
        secret_hash: record.secret_hash.clone(),
        created_ms: record.created_ms,
        seq_base: base,
    };
    let have = match admin::stored(shared, id).await {
        Ok((existing, _)) if existing.secret_hash == doc.secret_hash => existing,
        Ok(_) => {
            return Err(StoreError::Unusable(format!(
                "channel {id} already exists in NATS with another secret; not touched"
            )))
        }
        Err(StoreError::UnknownChannel(_)) => {
            let ack = AckDoc {
                carried: record.dropped_unnoticed,
                ..AckDoc::default()
            };
            admin::create(shared, id, &doc, &ack).await?;
            doc
        }
        Err(e) => return Err(e),
    };
    let side = store.side(id)?;
    let mut next = side.base + side.counts().last + 1;
    let mut copied = 0;
    loop {
        let batch = ops::read_events(db, id, next, u64::MAX, CHUNK, usize::MAX)?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        for (seq, event) in batch {
            copy(store, &side, seq, event).await?;
            copied += 1;
        }
        next = last + 1;
    }
    Ok(Moved {
        channel: id.to_string(),
        name: have.name,
        events: copied,
        last_seq: side.base + side.counts().last,
    })
}

/// Publishes one redb event at its seq; an unreadable one is copied as a message the
/// relay will announce as unreadable in its place, as redb's would be.
async fn copy(
    store: &NatsStore,
    side: &super::state::Side,
    seq: u64,
    event: Result<crate::store::records::StoredEvent, String>,
) -> Result<(), StoreError> {
    let msg_id = format!("migrate:{}:{seq}", side.id);
    let (headers, payload) = match event {
        Ok(e) => (
            event_headers(&e, &msg_id)?,
            bytes::Bytes::from(e.body.into_bytes()),
        ),
        Err(why) => {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", msg_id.as_str());
            headers.insert("Hirewire-Unreadable", "1");
            (
                headers,
                bytes::Bytes::from(format!("unreadable in redb: {why}")),
            )
        }
    };
    let (stream_seq, _) = events::publish_raw(store.shared(), side, headers, payload).await?;
    store.shared().saw_last(side, stream_seq);
    if side.base + stream_seq != seq {
        return Err(StoreError::Unusable(format!(
            "channel {}: event {seq} landed at {} in NATS (was something else published to \
             this channel during the migration?)",
            side.id,
            side.base + stream_seq
        )));
    }
    Ok(())
}
