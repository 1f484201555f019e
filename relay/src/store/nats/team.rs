//! Team mode on JetStream ([`TeamStore`] for [`NatsStore`]), with the webhooks' promise: a
//! write is answered only once JetStream acknowledged it (stored on a majority of its
//! replicas).
//!
//! - **The log** is a stream per channel (`hirewire-tl-<id>`): a record's position *is* its
//!   stream sequence, an append at `expect` publishes with `Nats-Expected-Last-Sequence`
//!   (JetStream refuses it when the log moved: `409` with the actual next), and compaction
//!   is a purge. Records are the message payloads, byte for byte.
//! - **Commands** are a stream per channel (`hirewire-tc-<id>`), seq = stream sequence, the
//!   sending device and receipt time in headers; an ack purges up to it.
//! - **Devices**, the **engine's presence** and **mailboxes** are keys of the relay's bucket
//!   (`team.<id>.…`), changed by compare-and-set; mailbox messages are raw values.
//! - **Wake-ups across relays**: both streams republish their headers on
//!   `hirewire.team.<id>.log|cmd`; mailbox changes and revocations are plain notes on
//!   `hirewire.team.<id>.mail|revoked.<device>|registered.<device>`. Every relay listens on
//!   `hirewire.team.>`; a long-poll woken for nothing reads again, and one whose note was
//!   lost still answers at its deadline.
//!
//! An append of several records publishes them one by one (JetStream 2.9 has no atomic
//! batch): if NATS fails half way the caller gets `503`, the first records may be stored,
//! and the engine's retry at the same `expect` gets `409` with the next position, from
//! which it goes on.

use std::collections::BTreeMap;
use std::future::IntoFuture as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::kv::{Operation, UpdateErrorKind};
use async_nats::jetstream::stream::{
    Config, DiscardPolicy, RawMessageErrorKind, Republish, StorageType, Stream,
};
use futures_util::future::join_all;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use tokio::task::JoinHandle;

use super::errors::{timed_out, unavailable, within};
use super::records::{from_json, to_json};
use super::state::Shared;
use super::NatsStore;
use crate::store::team::signals::{Change, TeamSignals};
use crate::store::team::{
    Append, CommandRecord, DeviceRecord, EngineSeen, LogHead, LogRead, MailPost, Positioned,
    PutDevice, TeamStore,
};
use crate::store::StoreError;
use crate::team::MailboxSide;

/// One publish attempt's wait for JetStream's ack (a leader election takes seconds).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// All attempts of one publish, then `503`.
const PUBLISH_DEADLINE: Duration = Duration::from_secs(6);
/// Compare-and-set attempts before giving up (another relay kept changing the key).
const CAS_ATTEMPTS: usize = 16;
/// Messages fetched at once from the leader while reading.
const READ_BATCH: u64 = 64;
/// Where every team note is published and heard.
const NOTES: &str = "hirewire.team.>";
/// Header naming a command's sending device.
const DEVICE_HEADER: &str = "Hirewire-Device";
/// Header with a command's receipt time (ms).
const RECEIVED_HEADER: &str = "Hirewire-Received";

fn log_stream(id: &str) -> String {
    format!("hirewire-tl-{id}")
}
fn log_subject(id: &str) -> String {
    format!("hirewire.tl.{id}")
}
fn cmd_stream(id: &str) -> String {
    format!("hirewire-tc-{id}")
}
fn cmd_subject(id: &str) -> String {
    format!("hirewire.tc.{id}")
}
fn note(id: &str, what: &str) -> String {
    format!("hirewire.team.{id}.{what}")
}
fn devices_key(id: &str) -> String {
    format!("team.{id}.devices")
}
fn engine_key(id: &str) -> String {
    format!("team.{id}.engine")
}
fn mailbox_key(id: &str, mb: &str) -> String {
    format!("team.{id}.mb.{mb}")
}
fn mail_key(id: &str, mb: &str, side: MailboxSide, n: u64) -> String {
    format!("team.{id}.mbm.{mb}.{}.{n}", side.as_str())
}

/// A mailbox as stored: when it expires and how many messages each side posted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct MailboxDoc {
    expires_ms: u64,
    engine: u64,
    seat: u64,
}

impl MailboxDoc {
    fn count(&mut self, side: MailboxSide) -> &mut u64 {
        match side {
            MailboxSide::Engine => &mut self.engine,
            MailboxSide::Seat => &mut self.seat,
        }
    }
}

/// The presence record.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct EngineDoc {
    last_seen_ms: Option<u64>,
    open: bool,
}

/// A team stream's configuration: kept until acknowledged or compacted, never discarded,
/// replicated like the events, its headers republished for the other relays.
fn stream_config(name: String, subject: String, note: String, replicas: usize) -> Config {
    Config {
        name,
        description: Some("Hirewire relay: team mode".into()),
        subjects: vec![subject.clone()],
        discard: DiscardPolicy::New,
        storage: StorageType::File,
        num_replicas: replicas,
        duplicate_window: super::layout::DEDUPE_WINDOW,
        republish: Some(Republish {
            source: subject,
            destination: note,
            headers_only: true,
        }),
        ..Default::default()
    }
}

/// Listens for team notes (this relay's and every other's) and wakes the long-polls.
pub(super) async fn listen(shared: Arc<Shared>) -> Result<JoinHandle<()>, StoreError> {
    let mut sub = shared
        .client
        .subscribe(NOTES)
        .await
        .map_err(|e| unavailable("listen for team changes", e))?;
    Ok(tokio::spawn(async move {
        while let Some(msg) = sub.next().await {
            let mut parts = msg.subject.as_str().splitn(5, '.');
            let (_, _, Some(id), Some(what)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let device = parts.next();
            match (what, device) {
                ("log", _) => shared.team.bump(id, Change::Log),
                ("cmd", _) => shared.team.bump(id, Change::Commands),
                ("mail", _) => shared.team.bump(id, Change::Mail),
                ("revoked", Some(d)) => shared.team.revoked(id, d),
                ("registered", Some(d)) => shared.team.registered(id, d),
                _ => {}
            }
        }
    }))
}

impl Shared {
    /// A team stream of a channel, created on first use.
    async fn team_stream(&self, id: &str, log: bool) -> Result<Stream, StoreError> {
        let (name, subject, what) = if log {
            (log_stream(id), log_subject(id), "log")
        } else {
            (cmd_stream(id), cmd_subject(id), "cmd")
        };
        if let Some(s) = self
            .team_streams
            .lock()
            .ok()
            .and_then(|m| m.get(&name).cloned())
        {
            return Ok(s);
        }
        let config = stream_config(name.clone(), subject, note(id, what), self.replicas);
        let stream = within("open a team stream", self.js.get_or_create_stream(config)).await?;
        if let Ok(mut m) = self.team_streams.lock() {
            m.insert(name, stream.clone());
        }
        Ok(stream)
    }

    /// Publishes a plain note (best effort: a lost note delays a wake-up to the deadline).
    async fn team_note(&self, id: &str, what: &str) {
        if let Err(e) = self
            .client
            .publish(note(id, what), bytes::Bytes::new())
            .await
        {
            tracing::debug!(channel = %id, "team note not sent: {e}");
        }
    }

    /// The channel must exist (refreshed from the bucket's leader).
    async fn team_channel(&self, id: &str) -> Result<(), StoreError> {
        match self.side(id) {
            Some(_) => Ok(()),
            None => Err(StoreError::UnknownChannel(id.to_string())),
        }
    }

    /// A JSON key's value and revision (0: absent or deleted).
    async fn team_get<T: for<'de> Deserialize<'de> + Default>(
        &self,
        key: &str,
    ) -> Result<(T, u64), StoreError> {
        let entry = within("read a team key", self.kv.entry(key.to_string())).await?;
        Ok(match entry {
            Some(e) if matches!(e.operation, Operation::Put) => (from_json(&e.value)?, e.revision),
            Some(e) => (T::default(), e.revision),
            None => (T::default(), 0),
        })
    }

    /// Changes a JSON key by compare-and-set; `change` returns what to answer, and whether
    /// to write.
    async fn team_cas<T, R>(
        &self,
        key: &str,
        mut change: impl FnMut(&mut T) -> (R, bool),
    ) -> Result<R, StoreError>
    where
        T: Serialize + for<'de> Deserialize<'de> + Default,
    {
        for _ in 0..CAS_ATTEMPTS {
            let (mut doc, revision) = self.team_get::<T>(key).await?;
            let (answer, write) = change(&mut doc);
            if !write {
                return Ok(answer);
            }
            let put = self.kv.update(key.to_string(), to_json(&doc)?, revision);
            match tokio::time::timeout(ATTEMPT_TIMEOUT, put).await {
                Ok(Ok(_)) => return Ok(answer),
                Ok(Err(e)) if e.kind() == UpdateErrorKind::WrongLastRevision => continue,
                Ok(Err(e)) => return Err(unavailable("write a team key", e)),
                Err(_) => return Err(timed_out("write a team key", ATTEMPT_TIMEOUT.as_secs())),
            }
        }
        Err(StoreError::Unavailable(format!(
            "{key} kept changing under this relay; try again"
        )))
    }

    /// Publishes one message to a team stream, retrying (same message id: stored once)
    /// until acknowledged; `Ok(None)` when JetStream refused it for a wrong last sequence.
    async fn team_publish(
        &self,
        subject: String,
        headers: async_nats::HeaderMap,
        payload: bytes::Bytes,
    ) -> Result<Option<u64>, StoreError> {
        let deadline = Instant::now() + PUBLISH_DEADLINE;
        loop {
            let attempt = async {
                self.js
                    .publish_with_headers(subject.clone(), headers.clone(), payload.clone())
                    .await?
                    .await
            };
            let err = match tokio::time::timeout(ATTEMPT_TIMEOUT, attempt).await {
                Ok(Ok(ack)) => return Ok(Some(ack.sequence)),
                Ok(Err(e)) if e.kind() == PublishErrorKind::WrongLastSequence => return Ok(None),
                Ok(Err(e)) => unavailable("store a team record", e),
                Err(_) => timed_out("store a team record", ATTEMPT_TIMEOUT.as_secs()),
            };
            if Instant::now() + Duration::from_millis(200) >= deadline {
                return Err(err);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn log_head(&self, stream: &Stream) -> Result<LogHead, StoreError> {
        let mut stream = stream.clone();
        let info = within("read the team log's state", stream.info()).await?;
        let next = info.state.last_sequence + 1;
        Ok(LogHead {
            first: info.state.first_sequence.clamp(1, next),
            next,
        })
    }

    /// Messages of a stream with sequences in `from..to`, at most `limit`, oldest first.
    async fn team_read(
        &self,
        stream: &Stream,
        from: u64,
        to: u64,
        limit: usize,
    ) -> Result<Vec<async_nats::jetstream::message::StreamMessage>, StoreError> {
        let mut out = Vec::new();
        let mut next = from.max(1);
        while next < to && out.len() < limit {
            let count = (to - next).min(READ_BATCH).min((limit - out.len()) as u64);
            let batch = join_all((next..next + count).map(|seq| stream.get_raw_message(seq))).await;
            for item in batch {
                match item {
                    Ok(msg) => out.push(msg),
                    Err(e) if e.kind() == RawMessageErrorKind::NoMessageFound => {}
                    Err(e) => return Err(unavailable("read the team log", e)),
                }
            }
            next += count;
        }
        Ok(out)
    }
}

fn header_value(msg: &async_nats::jetstream::message::StreamMessage, name: &str) -> String {
    msg.headers
        .get(name)
        .map(|v| v.as_str().to_string())
        .unwrap_or_default()
}

#[async_trait::async_trait]
impl TeamStore for NatsStore {
    fn signals(&self) -> Arc<TeamSignals> {
        self.shared.team.clone()
    }

    async fn put_device(
        &self,
        channel: &str,
        device: &str,
        mut record: DeviceRecord,
        max_seats: usize,
    ) -> Result<PutDevice, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let out = s
            .team_cas::<BTreeMap<String, DeviceRecord>, _>(&devices_key(channel), |map| {
                match map.get(device) {
                    Some(old) => {
                        record.added_ms = old.added_ms;
                        record.last_seen_ms = old.last_seen_ms;
                        map.insert(device.to_string(), record.clone());
                        (PutDevice::Updated, true)
                    }
                    None if map.len() >= max_seats => (PutDevice::TooMany, false),
                    None => {
                        map.insert(device.to_string(), record.clone());
                        (PutDevice::Added, true)
                    }
                }
            })
            .await?;
        if out != PutDevice::TooMany {
            s.team.registered(channel, device);
            s.team_note(channel, &format!("registered.{device}")).await;
        }
        Ok(out)
    }

    async fn revoke_device(&self, channel: &str, device: &str) -> Result<bool, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let existed = s
            .team_cas::<BTreeMap<String, DeviceRecord>, _>(&devices_key(channel), |map| {
                let existed = map.remove(device).is_some();
                (existed, existed)
            })
            .await?;
        s.team.revoked(channel, device);
        s.team_note(channel, &format!("revoked.{device}")).await;
        Ok(existed)
    }

    async fn devices(&self, channel: &str) -> Result<Vec<(String, DeviceRecord)>, StoreError> {
        let (map, _) = self
            .shared
            .team_get::<BTreeMap<String, DeviceRecord>>(&devices_key(channel))
            .await?;
        Ok(map.into_iter().collect())
    }

    async fn device(
        &self,
        channel: &str,
        device: &str,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let (mut map, _) = self
            .shared
            .team_get::<BTreeMap<String, DeviceRecord>>(&devices_key(channel))
            .await?;
        Ok(map.remove(device))
    }

    async fn touch_device(&self, channel: &str, device: &str, ms: u64) -> Result<(), StoreError> {
        self.shared
            .team_cas::<BTreeMap<String, DeviceRecord>, _>(&devices_key(channel), |map| {
                match map.get_mut(device) {
                    Some(rec) if rec.last_seen_ms.unwrap_or(0) < ms => {
                        rec.last_seen_ms = Some(ms);
                        ((), true)
                    }
                    _ => ((), false),
                }
            })
            .await
    }

    async fn append(
        &self,
        channel: &str,
        expect: u64,
        records: Vec<Vec<u8>>,
    ) -> Result<Append, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let stream = s.team_stream(channel, true).await?;
        if records.is_empty() {
            let head = s.log_head(&stream).await?;
            return Ok(match head.next == expect {
                true => Append::Done {
                    first: expect,
                    next: expect,
                },
                false => Append::Conflict { next: head.next },
            });
        }
        for (i, body) in records.into_iter().enumerate() {
            let pos = expect + i as u64;
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(
                "Nats-Expected-Last-Sequence",
                (pos - 1).to_string().as_str(),
            );
            // The same record at the same position (a retry) is stored once; another
            // record there is refused by the expected sequence.
            let digest: String = sha2::Sha256::digest(&body)[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            headers.insert("Nats-Msg-Id", format!("tl:{pos}:{digest}").as_str());
            match s
                .team_publish(log_subject(channel), headers, bytes::Bytes::from(body))
                .await?
            {
                Some(seq) if seq == pos => {}
                Some(seq) => {
                    // The same message id within the dedupe window: stored before at `seq`.
                    return Ok(Append::Conflict { next: seq + 1 });
                }
                None => {
                    let head = s.log_head(&stream).await?;
                    return Ok(Append::Conflict { next: head.next });
                }
            }
        }
        let head = s.log_head(&stream).await?;
        s.team.bump(channel, Change::Log);
        Ok(Append::Done {
            first: expect,
            next: head.next.max(expect),
        })
    }

    async fn compact(&self, channel: &str, before: u64) -> Result<LogHead, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let stream = s.team_stream(channel, true).await?;
        let head = s.log_head(&stream).await?;
        let before = before.min(head.next);
        if before > head.first {
            within(
                "compact the team log",
                stream.purge().sequence(before).into_future(),
            )
            .await?;
        }
        s.team.bump(channel, Change::Log);
        s.log_head(&stream).await
    }

    async fn read_log(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<LogRead, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let stream = s.team_stream(channel, true).await?;
        let head = s.log_head(&stream).await?;
        let from = after.saturating_add(1).max(head.first);
        let msgs = s.team_read(&stream, from, head.next, limit).await?;
        let records = msgs
            .into_iter()
            .map(|m| (m.sequence, m.payload.to_vec()))
            .collect();
        Ok((records, head))
    }

    async fn push_command(&self, channel: &str, cmd: CommandRecord) -> Result<u64, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        s.team_stream(channel, false).await?;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(DEVICE_HEADER, cmd.device.as_str());
        headers.insert(RECEIVED_HEADER, cmd.received_ms.to_string().as_str());
        let id = crate::credentials::new_channel_id();
        headers.insert("Nats-Msg-Id", format!("tc:{id}").as_str());
        let seq = s
            .team_publish(cmd_subject(channel), headers, bytes::Bytes::from(cmd.body))
            .await?
            .ok_or_else(|| StoreError::Unavailable("JetStream refused the command".into()))?;
        s.team.bump(channel, Change::Commands);
        Ok(seq)
    }

    async fn read_commands(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, CommandRecord)>, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let stream = s.team_stream(channel, false).await?;
        let head = s.log_head(&stream).await?;
        let from = after.saturating_add(1).max(head.first);
        let msgs = s.team_read(&stream, from, head.next, limit).await?;
        Ok(msgs
            .into_iter()
            .map(|m| {
                let cmd = CommandRecord {
                    device: header_value(&m, DEVICE_HEADER),
                    received_ms: header_value(&m, RECEIVED_HEADER).parse().unwrap_or(0),
                    body: m.payload.to_vec(),
                };
                (m.sequence, cmd)
            })
            .collect())
    }

    async fn ack_commands(&self, channel: &str, seq: u64) -> Result<(), StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let stream = s.team_stream(channel, false).await?;
        let head = s.log_head(&stream).await?;
        let upto = seq.min(head.next - 1);
        if upto >= head.first {
            within(
                "acknowledge commands",
                stream.purge().sequence(upto + 1).into_future(),
            )
            .await?;
        }
        Ok(())
    }

    async fn open_mailbox(
        &self,
        channel: &str,
        mailbox: &str,
        expires_ms: u64,
    ) -> Result<(), StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        s.team_cas::<MailboxDoc, _>(&mailbox_key(channel, mailbox), |doc| {
            doc.expires_ms = expires_ms;
            ((), true)
        })
        .await?;
        s.team.bump(channel, Change::Mail);
        s.team_note(channel, "mail").await;
        Ok(())
    }

    async fn close_mailbox(&self, channel: &str, mailbox: &str) -> Result<bool, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let key = mailbox_key(channel, mailbox);
        let (doc, revision) = s.team_get::<MailboxDoc>(&key).await?;
        let existed = revision != 0 && doc.expires_ms != 0;
        delete_mailbox(s, channel, mailbox, &doc).await?;
        s.team.bump(channel, Change::Mail);
        s.team_note(channel, "mail").await;
        Ok(existed)
    }

    async fn post_mail(
        &self,
        channel: &str,
        mailbox: &str,
        side: MailboxSide,
        body: Vec<u8>,
        now_ms: u64,
        max: usize,
    ) -> Result<MailPost, StoreError> {
        let s = &self.shared;
        s.team_channel(channel).await?;
        let posted = s
            .team_cas::<MailboxDoc, _>(&mailbox_key(channel, mailbox), |doc| {
                if doc.expires_ms <= now_ms {
                    return (MailPost::Gone, false);
                }
                let n = doc.count(side);
                if *n as usize >= max {
                    return (MailPost::Full, false);
                }
                *n += 1;
                (MailPost::Posted(*n), true)
            })
            .await?;
        if let MailPost::Posted(n) = posted {
            let key = mail_key(channel, mailbox, side, n);
            within(
                "store a mailbox message",
                s.kv.put(key, bytes::Bytes::from(body)),
            )
            .await?;
            s.team.bump(channel, Change::Mail);
            s.team_note(channel, "mail").await;
        }
        Ok(posted)
    }

    async fn read_mail(
        &self,
        channel: &str,
        mailbox: &str,
        side: MailboxSide,
        after: u64,
        now_ms: u64,
    ) -> Result<Option<Positioned>, StoreError> {
        let s = &self.shared;
        let (mut doc, _) = s
            .team_get::<MailboxDoc>(&mailbox_key(channel, mailbox))
            .await?;
        if doc.expires_ms <= now_ms {
            return Ok(None);
        }
        let count = *doc.count(side);
        let mut out = Vec::new();
        for n in after.saturating_add(1)..=count {
            let entry = within(
                "read a mailbox message",
                s.kv.entry(mail_key(channel, mailbox, side, n)),
            )
            .await?;
            // Counted before its message was stored: the next read has it.
            match entry {
                Some(e) if matches!(e.operation, Operation::Put) => out.push((n, e.value.to_vec())),
                _ => break,
            }
        }
        Ok(Some(out))
    }

    async fn sweep_mailboxes(&self, now_ms: u64) -> Result<u64, StoreError> {
        let s = &self.shared;
        let mut keys = within("list the mailboxes", s.kv.keys()).await?;
        let mut boxes = Vec::new();
        while let Some(key) = keys.next().await {
            let Ok(key) = key else { continue };
            let parts: Vec<&str> = key.split('.').collect();
            if let ["team", id, "mb", mb] = parts.as_slice() {
                boxes.push((id.to_string(), mb.to_string()));
            }
        }
        let mut swept = 0;
        for (id, mb) in boxes {
            let (doc, revision) = s.team_get::<MailboxDoc>(&mailbox_key(&id, &mb)).await?;
            if revision != 0 && doc.expires_ms <= now_ms {
                delete_mailbox(s, &id, &mb, &doc).await?;
                swept += 1;
            }
        }
        Ok(swept)
    }

    async fn engine_seen(&self, channel: &str, seen: EngineSeen) -> Result<(), StoreError> {
        let doc = EngineDoc {
            last_seen_ms: seen.last_seen_ms,
            open: seen.open,
        };
        within(
            "record the engine's presence",
            self.shared.kv.put(engine_key(channel), to_json(&doc)?),
        )
        .await?;
        Ok(())
    }

    async fn engine(&self, channel: &str) -> Result<EngineSeen, StoreError> {
        let (doc, _) = self
            .shared
            .team_get::<EngineDoc>(&engine_key(channel))
            .await?;
        Ok(EngineSeen {
            last_seen_ms: doc.last_seen_ms,
            open: doc.open,
        })
    }
}

/// Deletes a mailbox's messages and then the mailbox (purged: no value left in the bucket).
async fn delete_mailbox(
    s: &Shared,
    id: &str,
    mb: &str,
    doc: &MailboxDoc,
) -> Result<(), StoreError> {
    for side in [MailboxSide::Engine, MailboxSide::Seat] {
        let count = match side {
            MailboxSide::Engine => doc.engine,
            MailboxSide::Seat => doc.seat,
        };
        for n in 1..=count {
            within(
                "delete a mailbox message",
                s.kv.purge(mail_key(id, mb, side, n)),
            )
            .await?;
        }
    }
    within("delete a mailbox", s.kv.purge(mailbox_key(id, mb))).await?;
    Ok(())
}

/// Deletes everything of a channel's team (the channel is being removed).
pub(super) async fn remove_team(s: &Shared, id: &str) -> Result<(), StoreError> {
    for name in [log_stream(id), cmd_stream(id)] {
        if let Ok(mut m) = s.team_streams.lock() {
            m.remove(&name);
        }
        match tokio::time::timeout(super::errors::REQUEST_TIMEOUT, s.js.delete_stream(&name)).await
        {
            Ok(Ok(_)) => {}
            Ok(Err(e)) if e.to_string().contains("not found") => {}
            Ok(Err(e)) => return Err(unavailable("delete a team stream", e)),
            Err(_) => {
                return Err(timed_out(
                    "delete a team stream",
                    super::errors::REQUEST_TIMEOUT.as_secs(),
                ))
            }
        }
    }
    let mut keys = within("list the team's keys", s.kv.keys()).await?;
    let prefix = format!("team.{id}.");
    let mut mine = Vec::new();
    while let Some(key) = keys.next().await {
        if let Ok(key) = key {
            if key.starts_with(&prefix) {
                mine.push(key);
            }
        }
    }
    for key in mine {
        within("delete a team key", s.kv.purge(key)).await?;
    }
    s.team.remove(id);
    Ok(())
}
