//! A new device joins a team with the code the owner's `team invite` printed: SPAKE2
//! through the relay's mailbox, then its keys, sealed under the pairing key, for the
//! team key. It ends as a seat, or with the reason it cannot be one.

use std::time::Duration;

use hirewire_relay::team::MailboxSide;
use hirewire_team::{Epochs, Invite, InviteError, JoinAnswer, JoinRequest, Pairing, Side, TeamKey};

use super::config::{Config, Role, SeatConfig};
use super::keyring;
use super::relay_api::{b64, unb64, ApiError, Caller, RelayApi};
use super::TeamError;
use crate::{keys, time, Engine};

/// What joining gave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Joined {
    /// This device's name in the team.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The owner's name.
    pub owner: String,
    /// The fingerprint both screens show.
    pub fingerprint: String,
}

/// Joins the team of `code` (as `name`, or as the owner invited it when `name` is
/// empty), waiting up to `wait` for the owner's engine.
pub async fn join(
    engine: &Engine,
    code: &str,
    name: &str,
    wait: Duration,
) -> Result<Joined, TeamError> {
    let name = name.trim();
    let invite = usable(engine, code, name)?;
    let api = RelayApi::new(
        engine.http.clone(),
        &invite.relay_url,
        &invite.channel,
        Caller::Anyone,
    );
    let (answer, fingerprint) = pair(engine, &api, &invite, name, wait).await?;
    // The owner's engine names the device as it was invited.
    let name = if answer.name.is_empty() {
        name
    } else {
        answer.name.as_str()
    };
    let role = save(engine, &invite, name, &answer).await?;
    // Tell the owner's engine the answer arrived, so it closes the mailbox now.
    let _ = api
        .mailbox_post(&invite.mailbox_id(), MailboxSide::Seat, b"ok")
        .await;
    Ok(Joined {
        name: name.to_string(),
        role,
        owner: answer.owner.clone(),
        fingerprint,
    })
}

/// The invite in `code`, if this profile may join with it as `name` now.
fn usable(engine: &Engine, code: &str, name: &str) -> Result<Invite, TeamError> {
    if name.len() > 64 {
        return Err(TeamError::Usage(
            "give this device a name of at most 64 characters with --name".into(),
        ));
    }
    if super::config(engine)?.is_some() {
        return Err(TeamError::WrongSide(
            "this profile is already in a team; join with another profile (--profile NAME)".into(),
        ));
    }
    let invite = Invite::decode(code).map_err(|e| TeamError::Code(code_error(e)))?;
    if invite.is_expired(time::now_ms() / 1000) {
        return Err(TeamError::Code(
            "this code has expired: ask the owner for a new one (`hirewire team invite`)".into(),
        ));
    }
    Ok(invite)
}

/// SPAKE2 with the owner's engine through the mailbox, then this device's keys for the
/// team's: the engine's answer and the fingerprint both sides show.
async fn pair(
    engine: &Engine,
    api: &RelayApi,
    invite: &Invite,
    name: &str,
    wait: Duration,
) -> Result<(JoinAnswer, String), TeamError> {
    let mailbox = invite.mailbox_id();
    let deadline = tokio::time::Instant::now() + wait;
    let engine_msg = next_message(api, &mailbox, 0, deadline).await?;
    // The engine answers only after a device's messages: an answer already there means
    // another device used this code.
    let more = api
        .mailbox_read(&mailbox, MailboxSide::Engine, engine_msg.0, Duration::ZERO)
        .await
        .map_err(used)?;
    if !more.is_empty() {
        return Err(used(ApiError::NotFound("answered".into())));
    }
    let (state, msg) = Pairing::start(Side::Seat, &invite.password);
    let session = state.finish(&engine_msg.1).map_err(|_| {
        TeamError::Code(
            "the owner's side sent something that is not a pairing message: ask for a new code"
                .into(),
        )
    })?;
    let device = keyring::device(engine).await?;
    let request = JoinRequest {
        key: b64(&device.public_key()),
        recipient: device.recipient(),
        name: name.to_string(),
    };
    let sealed = session.seal(
        Side::Seat,
        &serde_json::to_vec(&request).map_err(crate::store::StoreError::from)?,
    );
    for m in [&msg, &sealed] {
        api.mailbox_post(&mailbox, MailboxSide::Seat, m)
            .await
            .map_err(used)?;
    }
    let answer = next_message(api, &mailbox, engine_msg.0, deadline).await?;
    let answer: JoinAnswer = session
        .open(Side::Engine, &answer.1)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            TeamError::Code("the code does not match the owner's: ask for a new one".into())
        })?;
    Ok((answer, session.fingerprint()))
}

/// Keeps what joining gave: the team key in the keychain, the team in the profile.
async fn save(
    engine: &Engine,
    invite: &Invite,
    name: &str,
    answer: &JoinAnswer,
) -> Result<Role, TeamError> {
    let role = match answer.role.as_str() {
        "viewer" => Role::Viewer,
        _ => Role::Member,
    };
    let mut epochs = Epochs::default();
    epochs.insert(
        TeamKey::from_b64(answer.epoch, &answer.team_key)
            .map_err(|e| TeamError::Keys(e.to_string()))?,
    );
    keyring::save_epochs(engine, &epochs).await?;
    let config = Config::Seat(SeatConfig {
        relay_url: invite.relay_url.clone(),
        channel: invite.channel.clone(),
        device: answer.device.clone(),
        name: name.to_string(),
        role,
        engine_key: answer.engine_key.clone(),
        owner: answer.owner.clone(),
    });
    engine.store.write(|tx| {
        tx.team_put(keys::TEAM_CONFIG, &config)?;
        tx.put_meta(keys::TEAM_LOG_NEXT, 0)?;
        // Nothing to set up on a seat: the window opens on the history.
        tx.put_meta(keys::SETUP_DONE, 1)?;
        let gen = tx.meta(keys::TEAM_GEN)? + 1;
        tx.put_meta(keys::TEAM_GEN, gen)
    })?;
    Ok(role)
}

/// The engine side's next message after `after`, or why none comes.
async fn next_message(
    api: &RelayApi,
    mailbox: &str,
    after: u64,
    deadline: tokio::time::Instant,
) -> Result<(u64, Vec<u8>), TeamError> {
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Err(TeamError::NoAnswer(
                "the owner's engine did not answer: it must be running (the owner's window or `hirewire run`); the code stays valid until it expires, try again".into(),
            ));
        }
        let got = api
            .mailbox_read(
                mailbox,
                MailboxSide::Engine,
                after,
                left.min(Duration::from_secs(20)),
            )
            .await
            .map_err(used)?;
        if let Some(m) = got.into_iter().next() {
            return Ok((m.n, unb64(&m.body)?));
        }
    }
}

fn used(e: ApiError) -> TeamError {
    match e {
        ApiError::NotFound(_) => TeamError::Code(
            "this code was already used, has expired or was withdrawn: ask the owner for a new one"
                .into(),
        ),
        other => TeamError::Relay(other),
    }
}

fn code_error(e: InviteError) -> String {
    match e {
        InviteError::Mistyped => "this code is mistyped (a character differs from the one the owner's `team invite` printed): copy it again".into(),
        other => format!("this is not a team code ({other}): it starts with hwt1- and was printed by `hirewire team invite`"),
    }
}
