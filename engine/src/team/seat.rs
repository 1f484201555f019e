//! A seat's side: the team log read from where this copy stands, then live; each record
//! opened (sealed by the team key, signed by the engine, bound to its position) and
//! applied to this profile's own file, so History, search and export read it like the
//! engine's; commands sealed, signed and sent, and their answers awaited.

use std::time::Duration;

use hirewire_team::{
    open_record, seal_command, Action, CommandBody, DeviceKeys, Epochs, Opened, RecordError,
};

use super::config::{Config, SeatConfig};
use super::records::{CommandResult, TeamRecord};
use super::relay_api::{unb64, ApiError, Caller, RelayApi};
use super::{keyring, TeamError};
use crate::intake::link;
use crate::model::{Detail, RelayLink, Status};
use crate::notify::{Kind, Notice};
use crate::{keys, time, Engine};

/// Most records asked for at once.
const PAGE: u32 = 1000;
/// One wait on the log when live.
const LIVE_WAIT: Duration = Duration::from_secs(20);
/// Entries changed longer ago than this are history, not news: no notification.
const FRESH_MS: u64 = 10 * 60 * 1000;

/// When the engine was last seen, as the relay last said.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct EngineSeen {
    /// Connected to the relay now.
    pub connected: bool,
    /// When its stream was last open (RFC 3339), if ever.
    pub last_seen: Option<String>,
    /// When a seat last heard this from the relay (ms).
    #[ts(type = "number")]
    pub checked_at: u64,
}

struct Seat {
    config: SeatConfig,
    api: RelayApi,
    device: DeviceKeys,
    epochs: Epochs,
    engine_key: [u8; 32],
}

async fn load(engine: &Engine) -> Result<Seat, TeamError> {
    let Some(Config::Seat(config)) = super::config(engine)? else {
        return Err(TeamError::WrongSide(
            "this profile is not a team's seat (it holds the keys itself: do it here directly)"
                .into(),
        ));
    };
    let device = keyring::device(engine).await?;
    let api = RelayApi::new(
        engine.http.clone(),
        &config.relay_url,
        &config.channel,
        Caller::Seat {
            device: config.device.clone(),
            key: Box::new(device.signing_key().clone()),
        },
    );
    let engine_key: [u8; 32] = unb64(&config.engine_key)?.try_into().map_err(|_| {
        TeamError::Keys("the engine's key in this profile has the wrong length".into())
    })?;
    Ok(Seat {
        epochs: keyring::epochs(engine).await?,
        config,
        api,
        device,
        engine_key,
    })
}

/// Keeps the copy current until an error it cannot pass.
pub async fn run(engine: Engine) -> Result<(), TeamError> {
    let mut seat = load(&engine).await?;
    loop {
        sync(&engine, &mut seat, LIVE_WAIT).await?;
    }
}

/// Brings the copy up to date once (waiting up to `wait` when there is nothing new);
/// how many records were applied.
pub async fn sync_once(engine: &Engine, wait: Duration) -> Result<usize, TeamError> {
    let mut seat = load(engine).await?;
    let mut total = 0;
    loop {
        let n = sync(engine, &mut seat, wait).await?;
        total += n;
        if n < PAGE as usize {
            return Ok(total);
        }
    }
}

/// Reads one page of the log after this copy's position and applies it.
async fn sync(engine: &Engine, seat: &mut Seat, wait: Duration) -> Result<usize, TeamError> {
    let after = engine.store.read(|rx| rx.meta(keys::TEAM_LOG_NEXT))?;
    // A seat's link to the relay is this read: the status bar shows it as the engine's
    // shows its stream.
    let page = match seat.api.read_log(after, PAGE, wait).await {
        Ok(page) => {
            link::state(engine, RelayLink::Connected, None);
            page
        }
        Err(ApiError::Refused(why)) => {
            let why = format!(
                "the relay no longer lets this device read the team ({why}): it was removed by the owner"
            );
            link::state(engine, RelayLink::Offline, Some(why.clone()));
            return Err(TeamError::Refused(why));
        }
        Err(e) => {
            link::state(engine, RelayLink::Offline, Some(e.to_string()));
            return Err(e.into());
        }
    };
    let seen = EngineSeen {
        connected: page.engine.connected,
        last_seen: page.engine.last_seen.clone(),
        checked_at: time::now_ms(),
    };
    let (applied, last, epochs_changed) = open_page(seat, &page.records, after);
    if epochs_changed {
        keyring::save_epochs(engine, &seat.epochs).await?;
    }
    let n = applied.len();
    let notices = engine.store.write(|tx| {
        let mut notices = Vec::new();
        for (_, rec) in &applied {
            apply(tx, rec, &mut notices)?;
        }
        tx.team_put(keys::TEAM_ENGINE_SEEN, &seen)?;
        tx.put_meta(keys::TEAM_LOG_NEXT, last)?;
        Ok(notices)
    })?;
    for (_, rec) in &applied {
        if let TeamRecord::Entry { view } = rec {
            engine.entry_changed(view.entry.id);
        }
    }
    for n in notices {
        engine.notifier.send(n);
    }
    Ok(n)
}

/// Opens a page of records in order: what to apply, the position the copy reaches, and
/// whether a new key epoch came. A record that cannot be trusted is skipped with a warning
/// (it must not hold up those behind it); one written after this device left stops the page.
fn open_page(
    seat: &mut Seat,
    records: &[hirewire_relay::team::LogRecord],
    after: u64,
) -> (Vec<(u64, TeamRecord)>, u64, bool) {
    let mut applied: Vec<(u64, TeamRecord)> = Vec::new();
    let mut last = after;
    let mut epochs_changed = false;
    for r in records {
        last = last.max(r.pos);
        let Ok(bytes) = unb64(&r.body) else {
            continue;
        };
        let opened = open_record(
            &seat.config.channel,
            r.pos,
            &seat.epochs,
            &seat.engine_key,
            Some(&seat.device),
            &bytes,
        );
        match opened {
            Ok(Opened::Body { body, .. }) => match serde_json::from_slice::<TeamRecord>(&body) {
                Ok(rec) => applied.push((r.pos, rec)),
                Err(e) => {
                    tracing::warn!(pos = r.pos, error = %e, "team: a record that does not read was skipped")
                }
            },
            Ok(Opened::Epoch(key)) => {
                seat.epochs.insert(key);
                epochs_changed = true;
            }
            Err(RecordError::NotForMe) | Err(RecordError::UnknownEpoch(_)) => {
                // Written for the team after this device left it: nothing to read.
                last = r.pos.saturating_sub(1).max(after);
                break;
            }
            Err(e) => {
                tracing::warn!(pos = r.pos, error = %e, "team: a record that cannot be trusted was skipped")
            }
        }
    }
    (applied, last, epochs_changed)
}

/// Applies one record to the copy.
fn apply(
    tx: &crate::store::Tx,
    rec: &TeamRecord,
    notices: &mut Vec<Notice>,
) -> Result<(), crate::store::StoreError> {
    match rec {
        TeamRecord::Entry { view } => {
            let before = tx.entry(view.entry.id)?.map(|e| e.status);
            tx.put_entry(&view.entry)?;
            let detail = Detail {
                steps: view.steps.clone(),
                ..Default::default()
            };
            tx.put_detail(view.entry.id, &detail)?;
            tx.put_team_view(view.entry.id, &serde_json::to_vec(view)?)?;
            let fresh = time::now_ms().saturating_sub(view.entry.updated_at) < FRESH_MS;
            if fresh && before != Some(view.entry.status) {
                if let Some(n) = notice(view) {
                    notices.push(n);
                }
            }
        }
        TeamRecord::Gone { entry } => tx.remove_team_entry(*entry)?,
        TeamRecord::Members { .. } => tx.team_put(keys::TEAM_MEMBERS, rec)?,
        TeamRecord::Health { health } => tx.put_health(health)?,
        TeamRecord::Result(r) => {
            tx.team_put(&keys::team_result(&format!("seq:{}", r.seq)), r)?;
            if !r.id.is_empty() {
                tx.team_put(&keys::team_result(&r.id), r)?;
            }
        }
        TeamRecord::Unknown => {}
    }
    Ok(())
}

/// The notification a seat shows for an entry that needs someone.
fn notice(view: &crate::history::actions::EntryView) -> Option<Notice> {
    let who = view
        .entry
        .candidate
        .clone()
        .unwrap_or_else(|| "A candidate".into());
    let (summary, kind) = match view.entry.status {
        Status::Failed => (format!("{who}: failed"), Kind::Attention),
        Status::Waiting => (format!("{who}: waiting for review"), Kind::Attention),
        _ => return None,
    };
    Some(Notice {
        summary,
        body: view.entry.reason.clone().unwrap_or_default(),
        entry_id: Some(view.entry.id),
        kind,
    })
}

/// Sends `action` to the engine and waits up to `wait` for its answer.
pub async fn command(
    engine: &Engine,
    action: Action,
    entry: Option<u64>,
    proposal: Option<serde_json::Value>,
    wait: Duration,
) -> Result<CommandResult, TeamError> {
    sync_once(engine, Duration::ZERO).await?;
    let mut seat = load(engine).await?;
    let pending_key = keys::team_pending(action_name(&action), entry.unwrap_or(0));
    let pending = pending(engine, &seat, &pending_key, action, entry, proposal)?;
    let seq = match seat.api.send_command(&unb64(&pending.sealed)?).await {
        Err(ApiError::Refused(why)) => {
            return Err(TeamError::Refused(format!(
                "the relay refused this device ({why}): it was removed from the team"
            )))
        }
        other => other?,
    };
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(r) = answer(engine, &pending.id, seq)? {
            engine.store.write(|tx| tx.team_remove(&pending_key))?;
            return if r.ok {
                Ok(r)
            } else {
                Err(TeamError::Refused(r.message))
            };
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            let seen: Option<EngineSeen> = engine
                .store
                .read(|rx| rx.team_get(keys::TEAM_ENGINE_SEEN))?;
            return Err(TeamError::NoAnswer(format!(
                "{} has not answered within {}s ({}); the command waits on the relay and is carried out once the engine is back",
                engine_name(&seat.config.owner),
                wait.as_secs(),
                describe(seen.as_ref())
            )));
        }
        sync(engine, &mut seat, left.min(Duration::from_secs(5))).await?;
    }
}

/// The command to send for `action` on `entry`: one sent before whose answer never came,
/// sent again as it was (same id), so the engine, which does each id once, cannot do it
/// twice; else a new one, kept until its answer comes.
fn pending(
    engine: &Engine,
    seat: &Seat,
    pending_key: &str,
    action: Action,
    entry: Option<u64>,
    proposal: Option<serde_json::Value>,
) -> Result<Pending, TeamError> {
    let kept: Option<Pending> = engine.store.read(|rx| rx.team_get(pending_key))?;
    if let Some(p) = kept.filter(|p| p.proposal == proposal) {
        return Ok(p);
    }
    let key = seat
        .epochs
        .current()
        .ok_or_else(|| TeamError::Keys("this device holds no team key: join again".into()))?;
    let device = hirewire_team::device_id_from_str(&seat.config.device)
        .map_err(|e| TeamError::Keys(e.to_string()))?;
    let body = CommandBody::new(action, entry, proposal.clone(), time::now_ms());
    let sealed = seal_command(
        &seat.config.channel,
        key,
        &device,
        seat.device.signing_key(),
        &body,
    );
    let p = Pending {
        id: body.id.clone(),
        sealed: super::relay_api::b64(&sealed),
        proposal,
    };
    engine.store.write(|tx| tx.team_put(pending_key, &p))?;
    Ok(p)
}

/// The engine's answer to the command `id` (queued at `seq`), once the copy holds it.
fn answer(engine: &Engine, id: &str, seq: u64) -> Result<Option<CommandResult>, TeamError> {
    Ok(engine.store.read(|rx| {
        Ok(match rx.team_get(&keys::team_result(id))? {
            Some(r) => Some(r),
            None => rx.team_get(&keys::team_result(&format!("seq:{seq}")))?,
        })
    })?)
}

/// A command sent and not yet answered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Pending {
    /// Its id.
    id: String,
    /// Its sealed bytes (base64url), sent again as they are.
    sealed: String,
    /// The edited proposal it carries (another one is another command).
    proposal: Option<serde_json::Value>,
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Approve => "approve",
        Action::Dismiss => "dismiss",
        Action::Retry => "retry",
        Action::CatchUp => "catch-up",
    }
}

fn engine_name(owner: &str) -> String {
    format!("the engine on {owner}'s device")
}

/// "connected now" / "last seen 3 h ago" / "never seen".
pub fn describe(seen: Option<&EngineSeen>) -> String {
    match seen {
        Some(s) if s.connected => "it is connected to the relay now".into(),
        Some(EngineSeen {
            last_seen: Some(at),
            ..
        }) => match time::parse_rfc3339(at) {
            Some(ms) => format!(
                "it was last seen {} ago",
                humantime::format_duration(Duration::from_secs(
                    time::now_ms().saturating_sub(ms) / 1000
                ))
            ),
            None => format!("it was last seen at {at}"),
        },
        _ => "the relay has not seen it yet".into(),
    }
}
