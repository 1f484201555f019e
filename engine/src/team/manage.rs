//! The owner's team use-cases: start a team and invite a device, list the members,
//! remove one (a new key epoch, the device revoked on the relay).

use std::time::Duration;

use hirewire_team::{Epochs, Invite, TeamKey};
use serde::Serialize;

use super::config::{Config, EngineConfig, InviteState, Member, OpenInvite, Role};
use super::publish::{enqueue, members_record};
use super::records::{MemberView, TeamRecord};
use super::relay_api::{b64, Caller, RelayApi};
use super::{keyring, TeamError};
use crate::{keys, time, Engine};

/// Default lifetime of an invite code.
pub const INVITE_TTL: Duration = Duration::from_secs(24 * 3600);
/// Longest lifetime the relay accepts for a mailbox.
const MAX_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// An invite made.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Invited {
    /// The code to give the device (one line).
    pub code: String,
    /// When it stops working (RFC 3339).
    pub expires: String,
}

async fn engine_api(engine: &Engine) -> Result<RelayApi, TeamError> {
    let conn = engine
        .store
        .read(|rx| rx.relay_conn())?
        .ok_or(TeamError::NoRelay)?;
    let secret = engine
        .secret(crate::secrets::RELAY_SECRET)
        .await
        .map_err(|_| TeamError::NoRelay)?;
    Ok(RelayApi::new(
        engine.http.clone(),
        &conn.url,
        &conn.channel,
        Caller::Engine(secret),
    ))
}

/// Why a seat cannot invite or remove.
pub(crate) const ONLY_THE_OWNER: &str =
    "this profile is a seat: only the owner's profile (the team's engine) can do this";
/// Why an invite needs another name.
pub(crate) const NAME_NEEDED: &str = "give the device a name of 1 to 64 characters with --name";

/// Why a name cannot be invited again.
pub(crate) fn name_taken(name: &str) -> String {
    format!("{name:?} is already a member or has an open invite: choose another name")
}

fn engine_config(engine: &Engine) -> Result<Option<EngineConfig>, TeamError> {
    match super::config(engine)? {
        Some(Config::Engine(c)) => Ok(Some(c)),
        Some(Config::Seat(_)) => Err(TeamError::WrongSide(ONLY_THE_OWNER.into())),
        None => Ok(None),
    }
}

/// Starts a team on this profile if it has none: the engine's device keys, the first
/// team key, the owner as its first member, and the whole history marked for the log.
async fn start(engine: &Engine, owner: &str) -> Result<EngineConfig, TeamError> {
    if let Some(c) = engine_config(engine)? {
        return Ok(c);
    }
    let device = keyring::device(engine).await?;
    let mut epochs = keyring::epochs(engine).await?;
    if epochs.current().is_none() {
        epochs = Epochs::default();
        epochs.insert(TeamKey::generate(1));
        keyring::save_epochs(engine, &epochs).await?;
    }
    let id = hirewire_team::device_id_to_string(&hirewire_team::new_device_id());
    let config = EngineConfig {
        device: id.clone(),
        owner: owner.to_string(),
    };
    let me = Member {
        device: id.clone(),
        name: owner.to_string(),
        role: Role::Owner,
        key: b64(&device.public_key()),
        recipient: device.recipient(),
        added_at: time::now_ms(),
        removed_at: None,
        fingerprint: String::new(),
    };
    engine.store.write(|tx| {
        tx.team_put(keys::TEAM_CONFIG, &Config::Engine(config.clone()))?;
        tx.team_put(&keys::team_member(&id), &me)?;
        tx.put_meta(keys::TEAM_PUBLISH, 1)?;
        tx.put_meta(keys::TEAM_EPOCH_PUBLISHED, 1)?;
        tx.mark_all_for_team()?;
        let members = members_record(tx)?;
        enqueue(tx, &members)?;
        let gen = tx.meta(keys::TEAM_GEN)? + 1;
        tx.put_meta(keys::TEAM_GEN, gen)
    })?;
    tracing::info!("team: started on this profile");
    Ok(config)
}

/// Whether a device called `name` may be invited with `role` for `ttl`, or what to change.
fn may_invite(engine: &Engine, name: &str, role: Role, ttl: Duration) -> Result<(), TeamError> {
    if name.is_empty() || name.len() > 64 {
        return Err(TeamError::Usage(NAME_NEEDED.into()));
    }
    if role == Role::Owner {
        return Err(TeamError::Usage(
            "a team has one owner: invite with --role member or --role viewer".into(),
        ));
    }
    if ttl.is_zero() || ttl > MAX_TTL {
        return Err(TeamError::Usage(
            "an invite lives from 1 second to 7 days (--expires)".into(),
        ));
    }
    let taken = engine.store.read(|rx| {
        let members: Vec<(String, Member)> = rx.team_prefixed("member:")?;
        let invites: Vec<(String, OpenInvite)> = rx.team_prefixed("invite:")?;
        Ok(members.iter().any(|(_, m)| m.active() && m.name == name)
            || invites
                .iter()
                .any(|(_, i)| i.state == InviteState::Open && i.name == name))
    })?;
    if taken {
        return Err(TeamError::Usage(name_taken(name)));
    }
    Ok(())
}

/// Makes an invite for a device called `name` with `role`, valid for `ttl`.
pub async fn invite(
    engine: &Engine,
    name: &str,
    role: Role,
    ttl: Duration,
    owner: &str,
) -> Result<Invited, TeamError> {
    let name = name.trim();
    may_invite(engine, name, role, ttl)?;
    let api = engine_api(engine).await?;
    let conn = engine
        .store
        .read(|rx| rx.relay_conn())?
        .ok_or(TeamError::NoRelay)?;
    let owner = match owner.trim() {
        "" => "the owner",
        given => given,
    };
    start(engine, owner).await?;
    let now = time::now_ms() / 1000;
    let code = Invite::new(&conn.channel, &conn.url, now, ttl.as_secs());
    api.open_mailbox(&code.mailbox_id(), ttl).await?;
    let open = OpenInvite {
        name: name.to_string(),
        role,
        expires_at: code.expires_at,
        state: InviteState::Open,
    };
    keep_code(engine, &code.mailbox_id(), &code.encode()).await?;
    engine.store.write(|tx| {
        tx.team_put(&keys::team_invite(&code.mailbox_id()), &open)?;
        let gen = tx.meta(keys::TEAM_GEN)? + 1;
        tx.put_meta(keys::TEAM_GEN, gen)
    })?;
    Ok(Invited {
        code: code.encode(),
        expires: time::rfc3339(code.expires_at.saturating_mul(1000)),
    })
}

/// Keeps a new invite's code with the secrets, dropping the codes of invites that are no
/// longer open (joined, spent, expired): a used code is of no use to anyone, but it has
/// no reason to stay either. Only an invite writes this secret, so the engine's pairing,
/// which reads it, never races a write.
async fn keep_code(engine: &Engine, mailbox: &str, code: &str) -> Result<(), TeamError> {
    let open: std::collections::HashSet<String> = engine.store.read(|rx| {
        let invites: Vec<(String, OpenInvite)> = rx.team_prefixed("invite:")?;
        Ok(invites
            .into_iter()
            .filter(|(_, i)| i.state == InviteState::Open)
            .map(|(k, _)| k)
            .collect())
    })?;
    let mut codes = super::keyring::invite_codes(engine).await?;
    codes.retain(|m, _| open.contains(&keys::team_invite(m)));
    codes.insert(mailbox.to_string(), code.to_string());
    super::keyring::save_invite_codes(engine, &codes).await
}

/// One line of `team list`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MemberLine {
    /// The member.
    #[serde(flatten)]
    pub member: MemberView,
    /// When the relay last saw the device (RFC 3339); the engine's own device: now.
    pub last_seen: Option<String>,
}

/// The team's members, with when each was last seen (on the engine's profile the relay
/// is asked; on a seat, the members as the engine last published them).
pub async fn list(engine: &Engine) -> Result<Vec<MemberLine>, TeamError> {
    match super::config(engine)? {
        None => Err(TeamError::NotInTeam),
        Some(Config::Seat(_)) => {
            let rec: Option<TeamRecord> =
                engine.store.read(|rx| rx.team_get(keys::TEAM_MEMBERS))?;
            let members = match rec {
                Some(TeamRecord::Members { members }) => members,
                _ => Vec::new(),
            };
            Ok(members
                .into_iter()
                .map(|member| MemberLine {
                    member,
                    last_seen: None,
                })
                .collect())
        }
        Some(Config::Engine(own)) => {
            let members = match engine.store.write(members_record)? {
                TeamRecord::Members { members } => members,
                _ => Vec::new(),
            };
            let seen = match engine_api(engine).await?.devices().await {
                Ok(d) => d,
                Err(e) => {
                    tracing::warn!(error = %e, "team: the relay's last-seen times are not known now");
                    Vec::new()
                }
            };
            Ok(members
                .into_iter()
                .map(|member| {
                    let last_seen = if member.device == own.device {
                        Some(time::rfc3339(time::now_ms()))
                    } else {
                        seen.iter()
                            .find(|d| d.device == member.device)
                            .and_then(|d| d.last_seen.clone())
                    };
                    MemberLine { member, last_seen }
                })
                .collect())
        }
    }
}

/// Removes the member called `name`: revoked on the relay at once (its open requests end),
/// refused by the engine from now on, and a new key epoch for everyone else, so nothing
/// written after can be read with what it held.
pub async fn remove(engine: &Engine, name: &str) -> Result<(), TeamError> {
    if engine_config(engine)?.is_none() {
        return Err(TeamError::NotInTeam);
    }
    let members: Vec<(String, Member)> = engine.store.read(|rx| rx.team_prefixed("member:"))?;
    let Some((key, member)) = members
        .into_iter()
        .find(|(_, m)| m.active() && m.name == name && m.role != Role::Owner)
    else {
        return Err(TeamError::NoSuchMember(name.to_string()));
    };
    let api = engine_api(engine).await?;
    match api.delete_device(&member.device).await {
        Ok(()) | Err(super::relay_api::ApiError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let mut epochs = keyring::epochs(engine).await?;
    let next = epochs.current().map(|k| k.epoch + 1).unwrap_or(1);
    epochs.insert(TeamKey::generate(next));
    keyring::save_epochs(engine, &epochs).await?;
    engine.store.write(|tx| {
        let mut gone = member.clone();
        gone.removed_at = Some(time::now_ms());
        tx.team_put(&key, &gone)?;
        let members = members_record(tx)?;
        enqueue(tx, &members)?;
        let gen = tx.meta(keys::TEAM_GEN)? + 1;
        tx.put_meta(keys::TEAM_GEN, gen)
    })?;
    tracing::info!(epoch = next, "team: a member was removed; new key epoch");
    Ok(())
}
