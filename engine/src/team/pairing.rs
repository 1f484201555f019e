//! The engine's side of joining: for each open invite, SPAKE2 through the relay's
//! mailbox with the device that holds the code; on success the device is registered on
//! the relay and in the member list and given the team key; on a wrong password the
//! invite is spent (a guesser gets one try). See `docs/team.md`, "Joining".

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hirewire_relay::team::{MailboxSide, SeatRole};
use hirewire_team::{Invite, JoinAnswer, JoinRequest, Pairing, Session, Side};

use super::config::{InviteState, Member, OpenInvite, Role};
use super::publish::{enqueue, members_record, Ctx};
use super::relay_api::{b64, unb64, ApiError, RelayApi};
use super::TeamError;
use crate::notify::{Kind, Notice};
use crate::{keys, time, Engine};

/// How often open invites are looked at.
const LOOK: Duration = Duration::from_secs(1);
/// One wait on the mailbox.
const WAIT: Duration = Duration::from_secs(20);
/// How long the mailbox stays open after the answer, for the device to read it.
const LINGER: Duration = Duration::from_secs(120);

/// Runs the invites' pairings until an error it cannot pass.
pub async fn run(engine: Engine) -> Result<(), TeamError> {
    let running: Arc<Mutex<HashSet<String>>> = Default::default();
    loop {
        let invites: Vec<(String, OpenInvite)> =
            engine.store.read(|rx| rx.team_prefixed("invite:"))?;
        let now = time::now_ms() / 1000;
        for (key, invite) in invites {
            if invite.state != InviteState::Open {
                continue;
            }
            if invite.expires_at <= now {
                engine.store.write(|tx| tx.team_remove(&key))?;
                continue;
            }
            if !running
                .lock()
                .map(|mut r| r.insert(key.clone()))
                .unwrap_or(false)
            {
                continue;
            }
            let (engine, running) = (engine.clone(), running.clone());
            tokio::spawn(async move {
                if let Err(e) = pair(&engine, &key, &invite).await {
                    tracing::warn!(error = %e, "team: a pairing did not complete");
                }
                if let Ok(mut r) = running.lock() {
                    r.remove(&key);
                }
            });
        }
        tokio::time::sleep(LOOK).await;
    }
}

/// Why a pairing stopped before a device joined.
enum Stop {
    /// The invite is spent, for this reason (told to the owner).
    Spend(&'static str),
    /// The relay no longer has the mailbox: the invite is dropped without a word.
    Gone,
}

/// What the SPAKE2 exchange leaves: the shared session, the device's request, and the
/// last mailbox message read (the linger waits for messages after it).
struct Exchanged {
    session: Session,
    request: JoinRequest,
    after: u64,
}

/// The invite behind `key`, from its code in the keychain; `None` when the code is not
/// there (or unreadable): such an invite can never complete.
async fn invite_of(engine: &Engine, key: &str) -> Result<Option<Invite>, TeamError> {
    let mailbox = key.strip_prefix("invite:").unwrap_or(key);
    let code = super::keyring::invite_codes(engine).await?.remove(mailbox);
    Ok(code.and_then(|c| Invite::decode(&c).ok()))
}

/// Completes one invite, or spends it.
async fn pair(engine: &Engine, key: &str, open: &OpenInvite) -> Result<(), TeamError> {
    let ctx = Ctx::load(engine).await?;
    let api = ctx.api.clone();
    // Without its code the invite cannot pair: spent once, with a word to the owner,
    // rather than tried again every second.
    let Some(invite) = invite_of(engine, key).await? else {
        let why = "its code is not in this device's keychain";
        return spend(engine, &api, key, open, why).await;
    };
    let mailbox = invite.mailbox_id();
    let Exchanged {
        session,
        request,
        after,
    } = match exchange(&api, &mailbox, &invite, open).await? {
        Ok(done) => done,
        Err(Stop::Gone) => {
            engine.store.write(|tx| tx.team_remove(key))?;
            return Ok(());
        }
        Err(Stop::Spend(why)) => return spend(engine, &api, key, open, why).await,
    };
    let device = hirewire_team::device_id_to_string(&hirewire_team::new_device_id());
    let signing: [u8; 32] = unb64(&request.key)?
        .try_into()
        .map_err(|_| TeamError::Code("the joining device's key has the wrong length".into()))?;
    let relay_role = match open.role {
        Role::Viewer => SeatRole::Viewer,
        _ => SeatRole::Member,
    };
    api.put_device(&device, &signing, relay_role).await?;
    let fingerprint = session.fingerprint();
    let sealed = session.seal(Side::Engine, &answer(&ctx, &device, open)?);
    let member = Member {
        device: device.clone(),
        name: open.name.clone(),
        role: open.role,
        key: request.key.clone(),
        recipient: request.recipient.clone(),
        added_at: time::now_ms(),
        removed_at: None,
        fingerprint: fingerprint.clone(),
    };
    record_joined(engine, key, open, &member)?;
    api.mailbox_post(&mailbox, MailboxSide::Engine, &sealed)
        .await?;
    engine.notifier.send(Notice {
        summary: format!("{} joined the team", open.name),
        body: format!("as {}, fingerprint {fingerprint}", open.role.as_str()),
        entry_id: None,
        kind: Kind::Done,
    });
    tracing::info!(role = open.role.as_str(), "team: a device joined");
    linger(&api, &mailbox, after).await;
    Ok(())
}

/// The SPAKE2 exchange on the invite's mailbox, up to the device's opened join request.
/// The inner `Err` says why the invite cannot complete; the outer one is a failure to
/// reach the relay or read what it holds.
async fn exchange(
    api: &RelayApi,
    mailbox: &str,
    invite: &Invite,
    open: &OpenInvite,
) -> Result<Result<Exchanged, Stop>, TeamError> {
    // A pairing this engine began before a restart cannot be resumed (SPAKE2's state
    // lived in memory): the invite is spent and the owner makes a new one.
    let already = api
        .mailbox_read(mailbox, MailboxSide::Engine, 0, Duration::ZERO)
        .await;
    match already {
        Ok(m) if !m.is_empty() => {
            return Ok(Err(Stop::Spend(
                "the engine restarted while the device was joining",
            )))
        }
        Err(ApiError::NotFound(_)) => return Ok(Err(Stop::Gone)),
        _ => {}
    }
    let (state, msg) = Pairing::start(Side::Engine, &invite.password);
    api.mailbox_post(mailbox, MailboxSide::Engine, &msg).await?;
    let mut seen = Vec::new();
    let mut after = 0;
    while seen.len() < 2 {
        if time::now_ms() / 1000 >= open.expires_at {
            return Ok(Err(Stop::Spend("it expired")));
        }
        for m in api
            .mailbox_read(mailbox, MailboxSide::Seat, after, WAIT)
            .await?
        {
            after = m.n;
            seen.push(unb64(&m.body)?);
        }
    }
    let Ok(session) = state.finish(&seen[0]) else {
        return Ok(Err(Stop::Spend(
            "a device answered with something that is not a pairing message",
        )));
    };
    let request = match session.open(Side::Seat, &seen[1]) {
        Ok(bytes) => serde_json::from_slice::<JoinRequest>(&bytes).map_err(|e| {
            TeamError::Code(format!(
                "the joining device sent a request that does not read: {e}"
            ))
        })?,
        Err(_) => {
            return Ok(Err(Stop::Spend(
                "a device tried it with another code (mistyped, or someone who guessed)",
            )))
        }
    };
    Ok(Ok(Exchanged {
        session,
        request,
        after,
    }))
}

/// The answer the joining device reads, serialized: its id and role, the team key, the
/// engine's key and the owner.
fn answer(ctx: &Ctx, device: &str, open: &OpenInvite) -> Result<Vec<u8>, TeamError> {
    let current = ctx
        .epochs
        .current()
        .ok_or_else(|| TeamError::Keys("the team has no key".into()))?;
    let answer = JoinAnswer {
        device: device.to_string(),
        role: open.role.as_str().to_string(),
        epoch: current.epoch,
        team_key: current.to_b64(),
        engine_key: b64(&ctx.device.public_key()),
        owner: ctx.config.owner.clone(),
        name: open.name.clone(),
    };
    Ok(serde_json::to_vec(&answer).map_err(crate::store::StoreError::from)?)
}

/// Records the join in one transaction: the member, the invite marked joined (its code,
/// in the keychain, is dropped at the next invite), the member list queued for the seats, and the team generation bumped.
fn record_joined(
    engine: &Engine,
    key: &str,
    open: &OpenInvite,
    member: &Member,
) -> Result<(), TeamError> {
    engine.store.write(|tx| {
        tx.team_put(&keys::team_member(&member.device), member)?;
        let mut done = open.clone();
        done.state = InviteState::Joined;
        tx.team_put(key, &done)?;
        let members = members_record(tx)?;
        enqueue(tx, &members)?;
        let gen = tx.meta(keys::TEAM_GEN)? + 1;
        tx.put_meta(keys::TEAM_GEN, gen)
    })?;
    Ok(())
}

/// Leaves the answer long enough to be read (the device says when it has), then closes
/// the mailbox.
async fn linger(api: &RelayApi, mailbox: &str, after: u64) {
    let deadline = tokio::time::Instant::now() + LINGER;
    while tokio::time::Instant::now() < deadline {
        match api
            .mailbox_read(mailbox, MailboxSide::Seat, after, WAIT)
            .await
        {
            Ok(m) if !m.is_empty() => break,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    let _ = api.close_mailbox(mailbox).await;
}

/// Spends an invite: it can never be used again.
async fn spend(
    engine: &Engine,
    api: &RelayApi,
    key: &str,
    open: &OpenInvite,
    why: &str,
) -> Result<(), TeamError> {
    let _ = api
        .close_mailbox(key.strip_prefix("invite:").unwrap_or(key))
        .await;
    engine.store.write(|tx| {
        let mut spent = open.clone();
        spent.state = InviteState::Spent;
        tx.team_put(key, &spent)
    })?;
    tracing::warn!(
        reason = why,
        "team: an invite was spent without a device joining"
    );
    engine.notifier.send(Notice {
        summary: format!("The invite for {} cannot be used any more", open.name),
        body: format!("{why}; make a new one with `hirewire team invite`"),
        entry_id: None,
        kind: Kind::Attention,
    });
    Ok(())
}
