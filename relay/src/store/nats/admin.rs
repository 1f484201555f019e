//! Channel administration in the bucket: add, rotate, remove, the public URL, and stream
//! claims. Each change is written to NATS first and applied to this replica's registry as
//! soon as NATS confirmed it; every other replica applies it from its bucket watch.

use async_nats::jetstream::kv::{CreateErrorKind, Entry, Operation, UpdateErrorKind};

use super::errors::{unavailable, within};
use super::layout::{self, ack_key, channel_key, claim_key, name_key};
use super::reconcile;
use super::records::{from_json, to_json, AckDoc, ChannelDoc};
use super::state::Shared;
use super::watch::adopt;
use crate::credentials;
use crate::store::ops::{now_ms, Issued};
use crate::store::StoreError;

/// Attempts of a compare-and-set rotation.
const CAS_ATTEMPTS: usize = 5;

/// Creates a channel with a fresh id and secret.
pub(super) async fn add(shared: &Shared, name: &str) -> Result<Issued, StoreError> {
    let (id, secret) = (credentials::new_channel_id(), credentials::new_secret());
    let doc = ChannelDoc {
        name: name.to_string(),
        secret_hash: credentials::hash_secret(&secret),
        created_ms: now_ms(),
        seq_base: 0,
    };
    create(shared, &id, &doc, &AckDoc::default()).await?;
    Ok(Issued {
        record: doc.record(&AckDoc::default(), 0),
        id,
        secret,
    })
}

/// Creates a channel from a complete record (new, or moved from redb): the name is
/// reserved first (names are unique across replicas), then the stream, the delivery record
/// and last the channel record, which is what makes the channel exist for every replica.
pub(super) async fn create(
    shared: &Shared,
    id: &str,
    doc: &ChannelDoc,
    ack: &AckDoc,
) -> Result<(), StoreError> {
    if !layout::valid_id(id) {
        return Err(StoreError::Unusable(format!(
            "channel id {id:?} cannot name a NATS stream"
        )));
    }
    let reserve = shared.kv.create(name_key(&doc.name), id.to_string().into());
    match within("reserve the channel name", async {
        Ok::<_, String>(reserve.await)
    })
    .await?
    {
        Ok(_) => {}
        Err(e) if e.kind() == CreateErrorKind::AlreadyExists => {
            return Err(StoreError::NameTaken(doc.name.clone()))
        }
        Err(e) => return Err(unavailable("reserve the channel name", e)),
    }
    let made = async {
        let config = layout::stream_config(id, &shared.opts, shared.replicas);
        within(
            "create the channel's stream",
            shared.js.create_stream(config),
        )
        .await?;
        within(
            "write the delivery record",
            shared.kv.put(ack_key(id), to_json(ack)?),
        )
        .await?;
        within(
            "write the channel record",
            shared.kv.put(channel_key(id), to_json(doc)?),
        )
        .await
    };
    if let Err(e) = made.await {
        let _ = shared.kv.delete(name_key(&doc.name)).await;
        let _ = shared.js.delete_stream(layout::stream_name(id)).await;
        return Err(e);
    }
    adopt(shared, id, doc.clone()).await
}

/// The stored record of a channel and its revision, read from the bucket's leader.
pub(super) async fn stored(shared: &Shared, id: &str) -> Result<(ChannelDoc, u64), StoreError> {
    let unknown = || StoreError::UnknownChannel(id.to_string());
    if !layout::valid_id(id) {
        return Err(unknown());
    }
    let entry: Option<Entry> =
        within("read the channel record", shared.kv.entry(channel_key(id))).await?;
    let entry = entry
        .filter(|e| matches!(e.operation, Operation::Put))
        .ok_or_else(unknown)?;
    Ok((from_json(&entry.value)?, entry.revision))
}

/// Gives a channel a new secret; the old one stops working on every replica.
pub(super) async fn rotate(shared: &Shared, id: &str) -> Result<Issued, StoreError> {
    for _ in 0..CAS_ATTEMPTS {
        let (mut doc, revision) = stored(shared, id).await?;
        let secret = credentials::new_secret();
        doc.secret_hash = credentials::hash_secret(&secret);
        let write = shared.kv.update(channel_key(id), to_json(&doc)?, revision);
        match within("write the new secret", async {
            Ok::<_, String>(write.await)
        })
        .await?
        {
            Ok(_) => {}
            Err(e) if e.kind() == UpdateErrorKind::WrongLastRevision => continue,
            Err(e) => return Err(unavailable("write the new secret", e)),
        }
        adopt(shared, id, doc.clone()).await?;
        let ack = shared.side(id).map(|s| s.counts().ack).unwrap_or_default();
        return Ok(Issued {
            id: id.to_string(),
            secret,
            record: doc.record(&ack, 0),
        });
    }
    Err(StoreError::Unavailable(format!(
        "channel {id} changed during the rotation; run it again"
    )))
}

/// Deletes a channel and its stream; returns how many events went with it.
pub(super) async fn remove(shared: &Shared, id: &str) -> Result<u64, StoreError> {
    let (doc, _) = stored(shared, id).await?;
    let queued = match shared.side(id) {
        Some(side) => reconcile::positions(&side)
            .await
            .map(|(gone, last)| last.saturating_sub(gone))
            .unwrap_or(0),
        None => 0,
    };
    within(
        "delete the channel record",
        shared.kv.delete(channel_key(id)),
    )
    .await?;
    shared.forget(id);
    within(
        "delete the channel's stream",
        shared.js.delete_stream(layout::stream_name(id)),
    )
    .await?;
    // Its team goes with it: devices, log, commands, mailboxes.
    super::team::remove_team(shared, id).await?;
    for key in [ack_key(id), claim_key(id), name_key(&doc.name)] {
        if let Err(e) = within("delete a channel key", shared.kv.delete(key)).await {
            tracing::warn!(channel = %id, "left a key of the removed channel: {e}");
        }
    }
    Ok(queued)
}

/// Records the public URL connection codes are made with.
pub(super) async fn set_public_url(shared: &Shared, url: &str) -> Result<(), StoreError> {
    let value = bytes::Bytes::from(url.to_string());
    within(
        "record the public URL",
        shared.kv.put(layout::PUBLIC_URL_KEY, value),
    )
    .await?;
    Ok(())
}

/// The public URL the last `serve` announced.
pub(super) async fn public_url(shared: &Shared) -> Result<Option<String>, StoreError> {
    let value = within("read the public URL", shared.kv.get(layout::PUBLIC_URL_KEY)).await?;
    Ok(value.map(|v| String::from_utf8_lossy(&v).into_owned()))
}

/// A new stream takes a channel over: the claim's revision in the bucket is its
/// generation, higher than every earlier claim on any replica.
pub(super) async fn claim(shared: &Shared, id: &str) -> Result<u64, StoreError> {
    let value = bytes::Bytes::from(shared.replica.clone());
    let generation = within(
        "claim the channel's stream",
        shared.kv.put(claim_key(id), value),
    )
    .await?;
    shared.saw_claim(id, generation);
    Ok(generation)
}
