//! [`TeamStore`] on the redb store: every write goes through the group-commit writer (one
//! fsync for many requests, answered after it), every read is a read transaction. A write
//! for a channel that was removed meanwhile is refused inside the same transaction, so no
//! team row outlives its channel.

use std::sync::Arc;

use redb::{ReadTransaction, ReadableDatabase, WriteTransaction};

use super::redb_ops as ops;
use super::signals::{Change, TeamSignals};
use super::{
    Append, CommandRecord, DeviceRecord, EngineSeen, LogHead, LogRead, MailPost, Positioned,
    PutDevice, TeamStore,
};
use crate::store::redb::RedbStore;
use crate::store::StoreError;
use crate::team::MailboxSide;

impl RedbStore {
    /// Runs a team write for `channel` in the next group commit, refusing it if the
    /// channel no longer exists.
    async fn team_write<T: Send + 'static>(
        &self,
        channel: &str,
        work: impl FnOnce(&WriteTransaction, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let ch = channel.to_string();
        self.writer()?
            .team(move |txn| {
                if crate::store::ops::get_channel(txn, &ch)?.is_none() {
                    return Ok(Err(StoreError::UnknownChannel(ch)));
                }
                work(txn, &ch).map(Ok)
            })
            .await?
    }

    async fn team_read<T: Send + 'static>(
        &self,
        channel: &str,
        work: impl FnOnce(&ReadTransaction, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let ch = channel.to_string();
        self.read_db(move |db| work(&db.begin_read()?, &ch)).await
    }
}

#[async_trait::async_trait]
impl TeamStore for RedbStore {
    fn signals(&self) -> Arc<TeamSignals> {
        self.team.clone()
    }

    async fn put_device(
        &self,
        channel: &str,
        device: &str,
        record: DeviceRecord,
        max_seats: usize,
    ) -> Result<PutDevice, StoreError> {
        let dev = device.to_string();
        let out = self
            .team_write(channel, move |txn, ch| {
                ops::put_device(txn, ch, &dev, record, max_seats)
            })
            .await?;
        if out != PutDevice::TooMany {
            self.team.registered(channel, device);
        }
        Ok(out)
    }

    async fn revoke_device(&self, channel: &str, device: &str) -> Result<bool, StoreError> {
        let dev = device.to_string();
        let existed = self
            .team_write(channel, move |txn, ch| ops::revoke_device(txn, ch, &dev))
            .await?;
        self.team.revoked(channel, device);
        Ok(existed)
    }

    async fn devices(&self, channel: &str) -> Result<Vec<(String, DeviceRecord)>, StoreError> {
        self.team_read(channel, ops::devices).await
    }

    async fn device(
        &self,
        channel: &str,
        device: &str,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let dev = device.to_string();
        self.team_read(channel, move |txn, ch| ops::device(txn, ch, &dev))
            .await
    }

    async fn touch_device(&self, channel: &str, device: &str, ms: u64) -> Result<(), StoreError> {
        let dev = device.to_string();
        self.team_write(channel, move |txn, ch| ops::touch_device(txn, ch, &dev, ms))
            .await
    }

    async fn append(
        &self,
        channel: &str,
        expect: u64,
        records: Vec<Vec<u8>>,
    ) -> Result<Append, StoreError> {
        let out = self
            .team_write(channel, move |txn, ch| {
                ops::append(txn, ch, expect, &records)
            })
            .await?;
        if matches!(out, Append::Done { .. }) {
            self.team.bump(channel, Change::Log);
        }
        Ok(out)
    }

    async fn compact(&self, channel: &str, before: u64) -> Result<LogHead, StoreError> {
        let head = self
            .team_write(channel, move |txn, ch| ops::compact(txn, ch, before))
            .await?;
        self.team.bump(channel, Change::Log);
        Ok(head)
    }

    async fn read_log(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<LogRead, StoreError> {
        self.team_read(channel, move |txn, ch| ops::read_log(txn, ch, after, limit))
            .await
    }

    async fn push_command(&self, channel: &str, cmd: CommandRecord) -> Result<u64, StoreError> {
        let seq = self
            .team_write(channel, move |txn, ch| ops::push_command(txn, ch, &cmd))
            .await?;
        self.team.bump(channel, Change::Commands);
        Ok(seq)
    }

    async fn read_commands(
        &self,
        channel: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, CommandRecord)>, StoreError> {
        self.team_read(channel, move |txn, ch| {
            ops::read_commands(txn, ch, after, limit)
        })
        .await
    }

    async fn ack_commands(&self, channel: &str, seq: u64) -> Result<(), StoreError> {
        self.team_write(channel, move |txn, ch| ops::ack_commands(txn, ch, seq))
            .await
    }

    async fn open_mailbox(
        &self,
        channel: &str,
        mailbox: &str,
        expires_ms: u64,
    ) -> Result<(), StoreError> {
        let mb = mailbox.to_string();
        self.team_write(channel, move |txn, ch| {
            ops::open_mailbox(txn, ch, &mb, expires_ms)
        })
        .await?;
        self.team.bump(channel, Change::Mail);
        Ok(())
    }

    async fn close_mailbox(&self, channel: &str, mailbox: &str) -> Result<bool, StoreError> {
        let mb = mailbox.to_string();
        let existed = self
            .team_write(channel, move |txn, ch| ops::close_mailbox(txn, ch, &mb))
            .await?;
        self.team.bump(channel, Change::Mail);
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
        let mb = mailbox.to_string();
        let out = self
            .team_write(channel, move |txn, ch| {
                ops::post_mail(txn, ch, &mb, side, &body, now_ms, max)
            })
            .await?;
        if matches!(out, MailPost::Posted(_)) {
            self.team.bump(channel, Change::Mail);
        }
        Ok(out)
    }

    async fn read_mail(
        &self,
        channel: &str,
        mailbox: &str,
        side: MailboxSide,
        after: u64,
        now_ms: u64,
    ) -> Result<Option<Positioned>, StoreError> {
        let mb = mailbox.to_string();
        self.team_read(channel, move |txn, ch| {
            ops::read_mail(txn, ch, &mb, side, after, now_ms)
        })
        .await
    }

    async fn sweep_mailboxes(&self, now_ms: u64) -> Result<u64, StoreError> {
        self.writer()?
            .team(move |txn| ops::sweep_mailboxes(txn, now_ms))
            .await
    }

    async fn engine_seen(&self, channel: &str, seen: EngineSeen) -> Result<(), StoreError> {
        self.team_write(channel, move |txn, ch| ops::engine_seen(txn, ch, seen))
            .await
    }

    async fn engine(&self, channel: &str) -> Result<EngineSeen, StoreError> {
        self.team_read(channel, ops::engine).await
    }
}
