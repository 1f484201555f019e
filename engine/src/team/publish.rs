//! The engine's side of the team log: every entry marked in the outbox (written in the
//! same transaction as the change, so a crash loses none) and every queued record
//! (members, a command's result) is sealed for its position and appended. A new key epoch
//! is announced before anything is sealed with it.

use std::time::Duration;

use hirewire_team::{seal_epoch, seal_record, DeviceKeys, Epochs};

use super::config::{Config, EngineConfig, Member};
use super::records::{MemberView, TeamRecord};
use super::relay_api::{ApiError, Caller, RelayApi};
use super::{keyring, TeamError};
use crate::store::{Marked, StoreError, Tx};
use crate::{keys, Engine, EngineEvent};

/// Most records appended in one request.
const BATCH: usize = 200;
/// How often the outbox is looked at without a change announced in this process (another
/// process, `hirewire approve` on the engine's profile, may have written).
const POLL: Duration = Duration::from_millis(500);

/// Queues a record for the log in `tx` (it is appended after what is queued before it).
pub fn enqueue(tx: &Tx, record: &TeamRecord) -> Result<(), StoreError> {
    let n = tx.meta(keys::TEAM_OUT_NEXT)? + 1;
    tx.put_meta(keys::TEAM_OUT_NEXT, n)?;
    tx.team_put(&keys::team_out(n), record)
}

/// The team as seats see it, from the engine's member list.
pub fn members_record(tx: &Tx) -> Result<TeamRecord, StoreError> {
    let members: Vec<(String, Member)> = tx.team_prefixed("member:")?;
    let mut members: Vec<MemberView> = members
        .into_iter()
        .map(|(_, m)| MemberView {
            device: m.device,
            name: m.name,
            role: m.role,
            added_at: m.added_at,
            removed_at: m.removed_at,
        })
        .collect();
    members.sort_by_key(|m| (m.role != super::Role::Owner, m.added_at));
    Ok(TeamRecord::Members { members })
}

/// What the publisher needs, read again when the team changes.
pub(crate) struct Ctx {
    pub api: RelayApi,
    pub config: EngineConfig,
    pub device: DeviceKeys,
    pub epochs: Epochs,
    pub gen: u64,
}

impl Ctx {
    /// Reads the engine's team context.
    pub async fn load(engine: &Engine) -> Result<Ctx, TeamError> {
        let (config, conn, gen) = engine.store.read(|rx| {
            Ok((
                rx.team_get::<Config>(keys::TEAM_CONFIG)?,
                rx.relay_conn()?,
                rx.meta(keys::TEAM_GEN)?,
            ))
        })?;
        let Some(Config::Engine(config)) = config else {
            return Err(TeamError::WrongSide(
                "this profile is not a team's engine".into(),
            ));
        };
        let conn = conn.ok_or(TeamError::NoRelay)?;
        let secret = engine
            .secret(crate::secrets::RELAY_SECRET)
            .await
            .map_err(|_| TeamError::NoRelay)?;
        let api = RelayApi::new(
            engine.http.clone(),
            &conn.url,
            &conn.channel,
            Caller::Engine(secret),
        );
        Ok(Ctx {
            api,
            config,
            device: keyring::device(engine).await?,
            epochs: keyring::epochs(engine).await?,
            gen,
        })
    }
}

/// Runs the publisher until an error it cannot pass (the caller starts it again).
pub async fn run(engine: Engine) -> Result<(), TeamError> {
    let mut events = engine.events.subscribe();
    let mut ctx = Ctx::load(&engine).await?;
    let mut health_sent: Option<String> = None;
    loop {
        let gen = engine.store.read(|rx| rx.meta(keys::TEAM_GEN))?;
        if gen != ctx.gen {
            ctx = Ctx::load(&engine).await?;
        }
        announce_epoch(&engine, &ctx).await?;
        queue_health(&engine, &mut health_sent)?;
        let sent = publish_once(&engine, &ctx).await?;
        if sent == 0 {
            // Wait for a change here, or look again soon for one made elsewhere.
            let _ = tokio::time::timeout(POLL, async {
                loop {
                    match events.recv().await {
                        Ok(EngineEvent::Entry { .. }) => return,
                        Ok(_) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                        Err(_) => std::future::pending::<()>().await,
                    }
                }
            })
            .await;
        }
    }
}

/// Queues the webhook health when it changed since last sent.
fn queue_health(engine: &Engine, sent: &mut Option<String>) -> Result<(), TeamError> {
    let health: serde_json::Value = engine.store.read(|rx| rx.health())?;
    let text = health.to_string();
    if sent.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    engine
        .store
        .write(|tx| enqueue(tx, &TeamRecord::Health { health }))?;
    *sent = Some(text);
    Ok(())
}

/// Writes the record of a new key epoch before anything is sealed with it: sealed to the
/// devices still in the team, so a removed one cannot read what follows.
async fn announce_epoch(engine: &Engine, ctx: &Ctx) -> Result<(), TeamError> {
    let Some(current) = ctx.epochs.current() else {
        return Err(TeamError::Keys(
            "the team has no key: start it again with `hirewire team invite`".into(),
        ));
    };
    let published = engine
        .store
        .read(|rx| rx.meta(keys::TEAM_EPOCH_PUBLISHED))?;
    if u64::from(current.epoch) <= published.max(1) {
        return Ok(());
    }
    let members: Vec<(String, Member)> = engine.store.read(|rx| rx.team_prefixed("member:"))?;
    let mut recipients: Vec<String> = members
        .into_iter()
        .filter(|(_, m)| m.active())
        .map(|(_, m)| m.recipient)
        .collect();
    recipients.push(ctx.device.recipient());
    recipients.sort();
    recipients.dedup();
    let channel = ctx.api.channel().to_string();
    let mut next = next_pos(engine)?;
    loop {
        let record = seal_epoch(
            &channel,
            next,
            current,
            ctx.device.signing_key(),
            &recipients,
        )
        .map_err(|e| TeamError::Keys(e.to_string()))?;
        match ctx.api.append(next, &[record]).await {
            Ok(app) => {
                engine.store.write(|tx| {
                    tx.put_meta(keys::TEAM_LOG_NEXT, app.next)?;
                    tx.put_meta(keys::TEAM_EPOCH_PUBLISHED, u64::from(current.epoch))
                })?;
                tracing::info!(epoch = current.epoch, "team: new key epoch announced");
                return Ok(());
            }
            Err(ApiError::Conflict { next: at }) => next = at,
            Err(e) => return Err(e.into()),
        }
    }
}

fn next_pos(engine: &Engine) -> Result<u64, StoreError> {
    Ok(engine.store.read(|rx| rx.meta(keys::TEAM_LOG_NEXT))?.max(1))
}

/// Appends what waits (queued records first, then changed entries); how many records.
pub(crate) async fn publish_once(engine: &Engine, ctx: &Ctx) -> Result<usize, TeamError> {
    let (queued, marked) = engine.store.read(|rx| {
        let queued: Vec<(String, TeamRecord)> = rx.team_prefixed(keys::TEAM_OUT_PREFIX)?;
        let room = BATCH.saturating_sub(queued.len().min(BATCH));
        Ok((
            queued.into_iter().take(BATCH).collect::<Vec<_>>(),
            rx.team_outbox(room)?,
        ))
    })?;
    if queued.is_empty() && marked.is_empty() {
        return Ok(0);
    }
    let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(queued.len() + marked.len());
    for (_, record) in &queued {
        bodies.push(serde_json::to_vec(record).map_err(StoreError::from)?);
    }
    for m in &marked {
        bodies.push(
            serde_json::to_vec(&entry_record(engine, m.id).await?).map_err(StoreError::from)?,
        );
    }
    let Some(key) = ctx.epochs.current() else {
        return Err(TeamError::Keys("the team has no key".into()));
    };
    let channel = ctx.api.channel().to_string();
    let mut next = next_pos(engine)?;
    let appended = loop {
        let sealed: Vec<Vec<u8>> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| seal_record(&channel, next + i as u64, key, ctx.device.signing_key(), b))
            .collect();
        match ctx.api.append(next, &sealed).await {
            Ok(app) => break app,
            // Our count of the log was behind (a crash after an append): seal again for
            // where it stands; a view published twice only replaces itself.
            Err(ApiError::Conflict { next: at }) => next = at,
            Err(e) => return Err(e.into()),
        }
    };
    let done: Vec<Marked> = marked.clone();
    let queued_keys: Vec<String> = queued.into_iter().map(|(k, _)| k).collect();
    engine.store.write(|tx| {
        tx.put_meta(keys::TEAM_LOG_NEXT, appended.next)?;
        tx.team_published(&done)?;
        for k in &queued_keys {
            tx.team_remove(k)?;
        }
        Ok(())
    })?;
    let _ = &ctx.config;
    Ok(bodies.len())
}

/// The record of entry `id` as it stands: its view without the raw webhook body, or
/// `Gone` when the engine no longer holds it.
async fn entry_record(engine: &Engine, id: u64) -> Result<TeamRecord, TeamError> {
    match crate::history::actions::view(engine, id).await {
        Ok(mut view) => {
            view.event_body = None;
            Ok(TeamRecord::Entry {
                view: Box::new(view),
            })
        }
        Err(crate::history::actions::ActionError::NotFound(_)) => {
            Ok(TeamRecord::Gone { entry: id })
        }
        Err(crate::history::actions::ActionError::Store(e)) => Err(e.into()),
        Err(e) => Err(TeamError::Keys(format!(
            "entry {id} cannot be read for the team: {e}"
        ))),
    }
}
