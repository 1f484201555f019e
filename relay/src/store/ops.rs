//! Store operations inside one write transaction. The group-commit writer and the
//! offline `channel` commands share them, so both change the data the same way.

use redb::{Database, ReadableTable, WriteTransaction};

use super::records::{decode, encode, ChannelRecord, StoredEvent};
use super::tables::{CHANNELS, EVENTS, META};
use super::StoreError;
use crate::credentials;

/// A newly created or rotated channel's credentials, shown once.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The channel id.
    pub id: String,
    /// The plain secret (only its hash is stored).
    pub secret: String,
    /// The stored record after the change.
    pub record: ChannelRecord,
}

/// Creates every table so that readers never see "table does not exist".
pub fn ensure_tables(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    txn.open_table(META)?;
    txn.open_table(CHANNELS)?;
    txn.open_table(EVENTS)?;
    super::team::redb_ops::ensure_tables(&txn)?;
    txn.commit()?;
    Ok(())
}

/// Current time in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Reads one channel record.
pub fn get_channel(txn: &WriteTransaction, id: &str) -> Result<Option<ChannelRecord>, StoreError> {
    let table = txn.open_table(CHANNELS)?;
    let value = table.get(id)?;
    value.map(|v| decode(v.value())).transpose()
}

/// Writes one channel record.
pub fn put_channel(
    txn: &WriteTransaction,
    id: &str,
    record: &ChannelRecord,
) -> Result<(), StoreError> {
    let mut table = txn.open_table(CHANNELS)?;
    table.insert(id, encode(record)?.as_slice())?;
    Ok(())
}

/// Every channel, ordered by id.
pub fn list_channels(db: &Database) -> Result<Vec<(String, ChannelRecord)>, StoreError> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let table = txn.open_table(CHANNELS)?;
    let mut out = Vec::new();
    for item in table.iter()? {
        let (k, v) = item?;
        out.push((k.value().to_string(), decode(v.value())?));
    }
    Ok(out)
}

/// Creates a channel with a fresh id and secret.
pub fn add_channel(txn: &WriteTransaction, name: &str) -> Result<Issued, StoreError> {
    let names_taken = {
        let table = txn.open_table(CHANNELS)?;
        let mut taken = false;
        for item in table.iter()? {
            let (_, v) = item?;
            if decode::<ChannelRecord>(v.value())?.name == name {
                taken = true;
                break;
            }
        }
        taken
    };
    if names_taken {
        return Err(StoreError::NameTaken(name.to_string()));
    }
    let (id, secret) = (credentials::new_channel_id(), credentials::new_secret());
    let record = ChannelRecord {
        name: name.to_string(),
        secret_hash: credentials::hash_secret(&secret),
        created_ms: now_ms(),
        last_seq: 0,
        acked_seq: 0,
        last_delivery_ms: None,
        dropped_unnoticed: 0,
    };
    put_channel(txn, &id, &record)?;
    Ok(Issued { id, secret, record })
}

/// Gives a channel a new secret; the old one stops matching at once.
pub fn rotate_channel(txn: &WriteTransaction, id: &str) -> Result<Issued, StoreError> {
    let mut record =
        get_channel(txn, id)?.ok_or_else(|| StoreError::UnknownChannel(id.to_string()))?;
    let secret = credentials::new_secret();
    record.secret_hash = credentials::hash_secret(&secret);
    put_channel(txn, id, &record)?;
    Ok(Issued {
        id: id.to_string(),
        secret,
        record,
    })
}

/// Deletes a channel and everything queued for it; returns how many events went.
pub fn remove_channel(txn: &WriteTransaction, id: &str) -> Result<u64, StoreError> {
    let existed = txn.open_table(CHANNELS)?.remove(id)?.is_some();
    if !existed {
        return Err(StoreError::UnknownChannel(id.to_string()));
    }
    // Its team goes with it: devices, log, commands, mailboxes.
    super::team::redb_ops::remove_team(txn, id)?;
    delete_events(txn, id, 0, u64::MAX)
}

/// Deletes a channel's events with seq in `from..=to`; returns how many there were.
pub fn delete_events(
    txn: &WriteTransaction,
    id: &str,
    from: u64,
    to: u64,
) -> Result<u64, StoreError> {
    let mut table = txn.open_table(EVENTS)?;
    let mut deleted = 0u64;
    table.retain_in((id, from)..=(id, to), |_, _| {
        deleted += 1;
        false
    })?;
    Ok(deleted)
}

/// Appends events to a channel, numbering them after its last seq; returns their seqs.
pub fn append_events(
    txn: &WriteTransaction,
    id: &str,
    record: &mut ChannelRecord,
    events: &[&StoredEvent],
) -> Result<Vec<u64>, StoreError> {
    let mut table = txn.open_table(EVENTS)?;
    let mut seqs = Vec::with_capacity(events.len());
    for event in events {
        record.last_seq += 1;
        table.insert((id, record.last_seq), encode(event)?.as_slice())?;
        seqs.push(record.last_seq);
    }
    Ok(seqs)
}

/// Deletes a channel's unacknowledged events received before `cutoff_ms`, oldest first,
/// stopping at the first younger one; returns how many were dropped.
pub fn drop_aged(
    txn: &WriteTransaction,
    id: &str,
    record: &mut ChannelRecord,
    cutoff_ms: u64,
) -> Result<u64, StoreError> {
    let mut last_old = None;
    {
        let table = txn.open_table(EVENTS)?;
        for item in table.range((id, record.acked_seq + 1)..=(id, u64::MAX))? {
            let (k, v) = item?;
            // An unreadable record has no receipt time: it neither ends the sweep nor is
            // dropped on its own; it goes with the older events around it, and streams
            // skip it with a notice.
            let Ok(event) = decode::<StoredEvent>(v.value()) else {
                continue;
            };
            if event.received_ms >= cutoff_ms {
                break;
            }
            last_old = Some(k.value().1);
        }
    }
    let Some(last_old) = last_old else {
        return Ok(0);
    };
    let dropped = delete_events(txn, id, record.acked_seq + 1, last_old)?;
    record.dropped_unnoticed += dropped;
    Ok(dropped)
}

/// Reads events of a channel with `seq` in `from..=to`: at most `limit`, and no more once
/// `max_bytes` of bodies are read (at least one). An undecodable record is returned as its
/// error, in its place.
pub fn read_events(
    db: &Database,
    channel: &str,
    from: u64,
    to: u64,
    limit: usize,
    max_bytes: usize,
) -> Result<Vec<super::ReadEvent>, StoreError> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let table = txn.open_table(EVENTS)?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for item in table.range((channel, from)..=(channel, to))?.take(limit) {
        let (key, value) = item?;
        let raw = value.value();
        bytes = bytes.saturating_add(raw.len());
        let event = decode::<StoredEvent>(raw).map_err(|e| e.to_string());
        out.push((key.value().1, event));
        if bytes >= max_bytes {
            break;
        }
    }
    Ok(out)
}

/// Counts a channel's queued events.
pub fn pending_count(db: &Database, id: &str) -> Result<u64, StoreError> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let table = txn.open_table(EVENTS)?;
    Ok(table.range((id, 0)..=(id, u64::MAX))?.count() as u64)
}

/// Reads a meta value.
pub fn get_meta(db: &Database, key: &str) -> Result<Option<String>, StoreError> {
    use redb::ReadableDatabase;
    let txn = db.begin_read()?;
    let table = txn.open_table(META)?;
    let value = table.get(key)?;
    Ok(value.map(|v| v.value().to_string()))
}

/// Writes a meta value.
pub fn put_meta(txn: &WriteTransaction, key: &str, value: &str) -> Result<(), StoreError> {
    txn.open_table(META)?.insert(key, value)?;
    Ok(())
}

/// Every channel id, inside a write transaction.
pub fn channel_ids(txn: &WriteTransaction) -> Result<Vec<String>, StoreError> {
    let table = txn.open_table(CHANNELS)?;
    let mut out = Vec::new();
    for item in table.iter()? {
        out.push(item?.0.value().to_string());
    }
    Ok(out)
}

/// Milliseconds since the epoch as RFC 3339 UTC with milliseconds.
pub fn rfc3339_ms(ms: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_millis(t).to_string()
}
