//! Team mode's redb operations, one transaction's work each: the group-commit writer runs
//! the writes (so a write is answered only after its fsync), readers the reads. Records,
//! commands and mailbox messages are stored byte for byte.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::{
    Append, CommandRecord, DeviceRecord, EngineSeen, LogHead, LogRead, MailPost, Positioned,
    PutDevice,
};
use crate::store::records::{decode, encode};
use crate::store::tables::{
    TEAM_CMD_ACKED, TEAM_CMD_LAST, TEAM_COMMANDS, TEAM_DEVICES, TEAM_ENGINE_OPEN, TEAM_ENGINE_SEEN,
    TEAM_LOG, TEAM_LOG_FIRST, TEAM_LOG_NEXT, TEAM_MAIL, TEAM_MAILBOXES, TEAM_META,
};
use crate::store::StoreError;
use crate::team::MailboxSide;

/// Creates the team tables (at open), so that readers never miss one.
pub fn ensure_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(TEAM_DEVICES)?;
    txn.open_table(TEAM_LOG)?;
    txn.open_table(TEAM_COMMANDS)?;
    txn.open_table(TEAM_META)?;
    txn.open_table(TEAM_MAILBOXES)?;
    txn.open_table(TEAM_MAIL)?;
    Ok(())
}

fn side_byte(side: MailboxSide) -> u8 {
    match side {
        MailboxSide::Engine => 0,
        MailboxSide::Seat => 1,
    }
}

fn meta_w(txn: &WriteTransaction, ch: &str, key: &str) -> Result<Option<u64>, StoreError> {
    let t = txn.open_table(TEAM_META)?;
    let v = t.get((ch, key))?.map(|v| v.value());
    Ok(v)
}

fn set_meta(txn: &WriteTransaction, ch: &str, key: &str, v: u64) -> Result<(), StoreError> {
    txn.open_table(TEAM_META)?.insert((ch, key), v)?;
    Ok(())
}

fn meta_r(txn: &ReadTransaction, ch: &str, key: &str) -> Result<Option<u64>, StoreError> {
    let t = txn.open_table(TEAM_META)?;
    let v = t.get((ch, key))?.map(|v| v.value());
    Ok(v)
}

/// Deletes everything of a channel's team (the channel is being removed).
pub fn remove_team(txn: &WriteTransaction, ch: &str) -> Result<(), StoreError> {
    txn.open_table(TEAM_DEVICES)?
        .retain_in((ch, "")..(ch, "\u{10FFFF}"), |_, _| false)?;
    txn.open_table(TEAM_LOG)?
        .retain_in((ch, 0)..=(ch, u64::MAX), |_, _| false)?;
    txn.open_table(TEAM_COMMANDS)?
        .retain_in((ch, 0)..=(ch, u64::MAX), |_, _| false)?;
    txn.open_table(TEAM_META)?
        .retain_in((ch, "")..(ch, "\u{10FFFF}"), |_, _| false)?;
    txn.open_table(TEAM_MAILBOXES)?
        .retain_in((ch, "")..(ch, "\u{10FFFF}"), |_, _| false)?;
    txn.open_table(TEAM_MAIL)?
        .retain_in((ch, "", 0, 0)..(ch, "\u{10FFFF}", 0, 0), |_, _| false)?;
    Ok(())
}

/// Registers or updates a device, within `max_seats`.
pub fn put_device(
    txn: &WriteTransaction,
    ch: &str,
    device: &str,
    mut record: DeviceRecord,
    max_seats: usize,
) -> Result<PutDevice, StoreError> {
    let mut t = txn.open_table(TEAM_DEVICES)?;
    let old: Option<DeviceRecord> = t
        .get((ch, device))?
        .map(|v| decode(v.value()))
        .transpose()?;
    if let Some(old) = &old {
        // An update keeps when it was added and last seen.
        record.added_ms = old.added_ms;
        record.last_seen_ms = old.last_seen_ms;
    } else {
        let count = t.range((ch, "")..(ch, "\u{10FFFF}"))?.count();
        if count >= max_seats {
            return Ok(PutDevice::TooMany);
        }
    }
    t.insert((ch, device), encode(&record)?.as_slice())?;
    Ok(if old.is_some() {
        PutDevice::Updated
    } else {
        PutDevice::Added
    })
}

/// Revokes a device; whether it existed.
pub fn revoke_device(txn: &WriteTransaction, ch: &str, device: &str) -> Result<bool, StoreError> {
    Ok(txn
        .open_table(TEAM_DEVICES)?
        .remove((ch, device))?
        .is_some())
}

/// Records when a device was last seen (if it still exists).
pub fn touch_device(
    txn: &WriteTransaction,
    ch: &str,
    device: &str,
    ms: u64,
) -> Result<(), StoreError> {
    let mut t = txn.open_table(TEAM_DEVICES)?;
    let rec: Option<DeviceRecord> = t
        .get((ch, device))?
        .map(|v| decode(v.value()))
        .transpose()?;
    if let Some(mut rec) = rec {
        rec.last_seen_ms = Some(rec.last_seen_ms.unwrap_or(0).max(ms));
        t.insert((ch, device), encode(&rec)?.as_slice())?;
    }
    Ok(())
}

/// Every device of a channel.
pub fn devices(txn: &ReadTransaction, ch: &str) -> Result<Vec<(String, DeviceRecord)>, StoreError> {
    let t = txn.open_table(TEAM_DEVICES)?;
    let mut out = Vec::new();
    for item in t.range((ch, "")..(ch, "\u{10FFFF}"))? {
        let (k, v) = item?;
        out.push((k.value().1.to_string(), decode(v.value())?));
    }
    Ok(out)
}

/// One device.
pub fn device(
    txn: &ReadTransaction,
    ch: &str,
    device: &str,
) -> Result<Option<DeviceRecord>, StoreError> {
    let t = txn.open_table(TEAM_DEVICES)?;
    let v = t.get((ch, device))?;
    v.map(|v| decode(v.value())).transpose()
}

fn head_w(txn: &WriteTransaction, ch: &str) -> Result<LogHead, StoreError> {
    Ok(LogHead {
        first: meta_w(txn, ch, TEAM_LOG_FIRST)?.unwrap_or(1),
        next: meta_w(txn, ch, TEAM_LOG_NEXT)?.unwrap_or(1),
    })
}

/// The log's head.
pub fn head(txn: &ReadTransaction, ch: &str) -> Result<LogHead, StoreError> {
    Ok(LogHead {
        first: meta_r(txn, ch, TEAM_LOG_FIRST)?.unwrap_or(1),
        next: meta_r(txn, ch, TEAM_LOG_NEXT)?.unwrap_or(1),
    })
}

/// Appends records at `expect`, all or none.
pub fn append(
    txn: &WriteTransaction,
    ch: &str,
    expect: u64,
    records: &[Vec<u8>],
) -> Result<Append, StoreError> {
    let head = head_w(txn, ch)?;
    if head.next != expect {
        return Ok(Append::Conflict { next: head.next });
    }
    let mut t = txn.open_table(TEAM_LOG)?;
    for (i, body) in records.iter().enumerate() {
        t.insert((ch, expect + i as u64), body.as_slice())?;
    }
    let next = expect + records.len() as u64;
    set_meta(txn, ch, TEAM_LOG_NEXT, next)?;
    Ok(Append::Done {
        first: expect,
        next,
    })
}

/// Drops records before `before` (never past the log's next position).
pub fn compact(txn: &WriteTransaction, ch: &str, before: u64) -> Result<LogHead, StoreError> {
    let head = head_w(txn, ch)?;
    let before = before.min(head.next);
    if before <= head.first {
        return Ok(head);
    }
    txn.open_table(TEAM_LOG)?
        .retain_in((ch, 0)..(ch, before), |_, _| false)?;
    set_meta(txn, ch, TEAM_LOG_FIRST, before)?;
    Ok(LogHead {
        first: before,
        next: head.next,
    })
}

/// Records after `after`, at most `limit`.
pub fn read_log(
    txn: &ReadTransaction,
    ch: &str,
    after: u64,
    limit: usize,
) -> Result<LogRead, StoreError> {
    let head = head(txn, ch)?;
    let t = txn.open_table(TEAM_LOG)?;
    let mut out = Vec::new();
    let from = after.saturating_add(1);
    for item in t.range((ch, from)..=(ch, u64::MAX))?.take(limit) {
        let (k, v) = item?;
        out.push((k.value().1, v.value().to_vec()));
    }
    Ok((out, head))
}

/// Queues a command; returns its seq.
pub fn push_command(
    txn: &WriteTransaction,
    ch: &str,
    cmd: &CommandRecord,
) -> Result<u64, StoreError> {
    let seq = meta_w(txn, ch, TEAM_CMD_LAST)?.unwrap_or(0) + 1;
    txn.open_table(TEAM_COMMANDS)?.insert(
        (ch, seq),
        (cmd.device.as_str(), cmd.received_ms, cmd.body.as_slice()),
    )?;
    set_meta(txn, ch, TEAM_CMD_LAST, seq)?;
    Ok(seq)
}

/// Commands after `after`, at most `limit`.
pub fn read_commands(
    txn: &ReadTransaction,
    ch: &str,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, CommandRecord)>, StoreError> {
    let t = txn.open_table(TEAM_COMMANDS)?;
    let mut out = Vec::new();
    for item in t
        .range((ch, after.saturating_add(1))..=(ch, u64::MAX))?
        .take(limit)
    {
        let (k, v) = item?;
        let (device, received_ms, body) = v.value();
        out.push((
            k.value().1,
            CommandRecord {
                device: device.to_string(),
                received_ms,
                body: body.to_vec(),
            },
        ));
    }
    Ok(out)
}

/// Deletes every command up to `seq`.
pub fn ack_commands(txn: &WriteTransaction, ch: &str, seq: u64) -> Result<(), StoreError> {
    let acked = meta_w(txn, ch, TEAM_CMD_ACKED)?.unwrap_or(0);
    let last = meta_w(txn, ch, TEAM_CMD_LAST)?.unwrap_or(0);
    let seq = seq.min(last);
    if seq <= acked {
        return Ok(());
    }
    txn.open_table(TEAM_COMMANDS)?
        .retain_in((ch, 0)..=(ch, seq), |_, _| false)?;
    set_meta(txn, ch, TEAM_CMD_ACKED, seq)
}

/// Opens a mailbox (a reopen sets the new expiry and keeps the messages).
pub fn open_mailbox(
    txn: &WriteTransaction,
    ch: &str,
    mb: &str,
    expires_ms: u64,
) -> Result<(), StoreError> {
    txn.open_table(TEAM_MAILBOXES)?
        .insert((ch, mb), expires_ms)?;
    Ok(())
}

/// Closes a mailbox and deletes its messages; whether it existed.
pub fn close_mailbox(txn: &WriteTransaction, ch: &str, mb: &str) -> Result<bool, StoreError> {
    let existed = txn.open_table(TEAM_MAILBOXES)?.remove((ch, mb))?.is_some();
    txn.open_table(TEAM_MAIL)?
        .retain_in((ch, mb, 0, 0)..=(ch, mb, u8::MAX, u64::MAX), |_, _| false)?;
    Ok(existed)
}

/// Posts to one side of a live mailbox.
pub fn post_mail(
    txn: &WriteTransaction,
    ch: &str,
    mb: &str,
    side: MailboxSide,
    body: &[u8],
    now_ms: u64,
    max: usize,
) -> Result<MailPost, StoreError> {
    let expires = txn
        .open_table(TEAM_MAILBOXES)?
        .get((ch, mb))?
        .map(|v| v.value());
    if expires.is_none_or(|e| e <= now_ms) {
        return Ok(MailPost::Gone);
    }
    let s = side_byte(side);
    let mut t = txn.open_table(TEAM_MAIL)?;
    let count = t.range((ch, mb, s, 0)..=(ch, mb, s, u64::MAX))?.count();
    if count >= max {
        return Ok(MailPost::Full);
    }
    let n = count as u64 + 1;
    t.insert((ch, mb, s, n), body)?;
    Ok(MailPost::Posted(n))
}

/// What one side of a live mailbox posted after `after`.
pub fn read_mail(
    txn: &ReadTransaction,
    ch: &str,
    mb: &str,
    side: MailboxSide,
    after: u64,
    now_ms: u64,
) -> Result<Option<Positioned>, StoreError> {
    let expires = txn
        .open_table(TEAM_MAILBOXES)?
        .get((ch, mb))?
        .map(|v| v.value());
    if expires.is_none_or(|e| e <= now_ms) {
        return Ok(None);
    }
    let s = side_byte(side);
    let t = txn.open_table(TEAM_MAIL)?;
    let mut out = Vec::new();
    for item in t.range((ch, mb, s, after.saturating_add(1))..=(ch, mb, s, u64::MAX))? {
        let (k, v) = item?;
        out.push((k.value().3, v.value().to_vec()));
    }
    Ok(Some(out))
}

/// Deletes every expired mailbox with its messages; returns how many.
pub fn sweep_mailboxes(txn: &WriteTransaction, now_ms: u64) -> Result<u64, StoreError> {
    let expired: Vec<(String, String)> = {
        let t = txn.open_table(TEAM_MAILBOXES)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            if v.value() <= now_ms {
                let (ch, mb) = k.value();
                out.push((ch.to_string(), mb.to_string()));
            }
        }
        out
    };
    for (ch, mb) in &expired {
        close_mailbox(txn, ch, mb)?;
    }
    Ok(expired.len() as u64)
}

/// Records the engine's presence.
pub fn engine_seen(txn: &WriteTransaction, ch: &str, seen: EngineSeen) -> Result<(), StoreError> {
    if let Some(ms) = seen.last_seen_ms {
        set_meta(txn, ch, TEAM_ENGINE_SEEN, ms)?;
    }
    set_meta(txn, ch, TEAM_ENGINE_OPEN, u64::from(seen.open))
}

/// The engine's presence as recorded.
pub fn engine(txn: &ReadTransaction, ch: &str) -> Result<EngineSeen, StoreError> {
    Ok(EngineSeen {
        last_seen_ms: meta_r(txn, ch, TEAM_ENGINE_SEEN)?,
        open: meta_r(txn, ch, TEAM_ENGINE_OPEN)? == Some(1),
    })
}
