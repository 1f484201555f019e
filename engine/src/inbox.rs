//! The inbox: an event from the relay is committed here before it is acknowledged, then the
//! intake takes events out one by one, in order, each in one transaction that removes it
//! from the inbox and records its entry (and job). A crash anywhere loses nothing and
//! takes nothing in twice.

use hirewire_relay::protocol::EventFrame;

use super::intake::{self, Decision};
use super::model::{Detail, Job, RawEvent};
use super::secrets::signing_token_name;
use super::store::{Seen, StoreError, META_RELAY_SEQ};
use super::{time, Engine};

/// Commits a relay event to the inbox. Returns false when it was already there (a resend
/// after a reconnect): acknowledge it again, do nothing else.
pub async fn accept(engine: &Engine, frame: EventFrame) -> Result<bool, StoreError> {
    let raw = RawEvent {
        seq: frame.seq,
        endpoint: frame.endpoint,
        method: frame.method,
        received_at: time::parse_rfc3339(&frame.received_at).unwrap_or_else(time::now_ms),
        content_type: frame.content_type,
        body: frame.body,
    };
    let fresh = engine
        .store
        .write_async(move |tx| {
            if raw.seq <= tx.meta(META_RELAY_SEQ)? {
                return Ok(false);
            }
            tx.inbox_put(&raw)?;
            tx.put_meta(META_RELAY_SEQ, raw.seq)?;
            Ok(true)
        })
        .await?;
    if fresh {
        engine.inbox_ready.notify_one();
    }
    Ok(fresh)
}

/// Takes inbox events in, one at a time, until the task is aborted.
pub async fn run(engine: Engine) {
    loop {
        match engine.store.read_async(|rx| rx.inbox_first()).await {
            Ok(Some(raw)) => {
                if let Err(e) = take_in(&engine, raw).await {
                    tracing::error!("intake failed, will try again: {e}");
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
            }
            Ok(None) => engine.inbox_ready.notified().await,
            Err(e) => {
                tracing::error!("cannot read the inbox: {e}");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    }
}

/// Decides and records one event. `replace` re-decides an existing entry (retry of a
/// rejected event) instead of creating one.
pub async fn take_in(engine: &Engine, raw: RawEvent) -> Result<Option<u64>, StoreError> {
    record(engine, raw, None).await
}

/// Runs intake again for a stored entry's event (after a signing token was fixed).
pub async fn redo(engine: &Engine, id: u64, raw: RawEvent) -> Result<Option<u64>, StoreError> {
    record(engine, raw, Some(id)).await
}

async fn record(
    engine: &Engine,
    raw: RawEvent,
    replace: Option<u64>,
) -> Result<Option<u64>, StoreError> {
    let token = match signing_token(engine, &raw.endpoint).await {
        Ok(t) => t,
        Err(e) => {
            // A locked keychain is not the event's fault: keep it in the inbox and wait.
            tracing::warn!("cannot read the signing token yet: {e}");
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            return Err(StoreError::Refused(e.to_string()));
        }
    };
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let id = engine
        .store
        .write_async(move |tx| {
            let decision = intake::decide(&raw, &settings, token.as_ref(), |k| {
                tx.seen(k).ok().flatten()
            });
            if replace.is_none() {
                tx.inbox_remove(raw.seq)?;
            }
            let Decision::Record {
                mut entry,
                job,
                seen,
                body_hash,
            } = decision
            else {
                if let Decision::Duplicate(why) = decision {
                    tracing::info!(seq = raw.seq, "dropped a duplicate: {why}");
                }
                return Ok(None);
            };
            entry.id = match replace {
                Some(id) => id,
                None => tx.next_id()?,
            };
            entry.updated_at = time::now_ms();
            let mut detail = tx.detail(entry.id)?.unwrap_or_default();
            detail.event = Some(raw.clone());
            if let Some((kind, state)) = job {
                let job = Job {
                    id: entry.id,
                    kind,
                    attempts: 0,
                    next_run_ms: 0,
                    approved: false,
                    state,
                };
                tx.put_job(&job)?;
                detail.job = Some(job);
            }
            if !seen.is_empty() {
                // A verified Lever event: the setup screen shows when each webhook first worked.
                let first = format!("first_signed:{}", raw.endpoint);
                if tx.meta(&first)? == 0 {
                    tx.put_meta(&first, raw.received_at)?;
                }
            }
            for key in seen {
                tx.put_seen(
                    &key,
                    &Seen {
                        body_hash: body_hash.clone(),
                        entry_id: entry.id,
                        at: time::now_ms(),
                    },
                )?;
            }
            tx.put_entry(&entry)?;
            tx.put_detail(entry.id, &Detail { ..detail })?;
            Ok(Some(entry.id))
        })
        .await?;
    if let Some(id) = id {
        engine.entry_changed(id);
        engine.jobs_ready.notify_one();
    }
    Ok(id)
}

/// The endpoint's signing token; only Lever's endpoints have one.
async fn signing_token(
    engine: &Engine,
    endpoint: &str,
) -> Result<Option<super::secrets::Secret>, super::secrets::MissingSecret> {
    if !hirewire_relay::protocol::endpoints::LEVER.contains(&endpoint) {
        return Ok(None);
    }
    engine.secret_opt(&signing_token_name(endpoint)).await
}
