//! Making Lever's four webhooks with a setup key, so that nobody copies eight strings
//! between two admin screens: each webhook is created through Lever's API with the relay's
//! URL, and the signing token Lever answers goes straight into the keychain.
//!
//! Once only: Lever's list is read first, and a webhook that is there already is not made
//! again (two webhooks for one event would deliver everything twice, one of them signed with
//! a token Hirewire does not hold). Lever shows a token only when it makes the webhook, so one
//! that exists without a kept token is left to a person. A key that may not manage webhooks
//! gets the copy-and-paste fallback and the permission that would allow it; a network failure
//! is said as one, never as a missing permission.

use serde::Serialize;

use super::{blocking, relay::hook_url, SetupError};
use crate::clients::http::{ApiError, Bucket};
use crate::clients::lever::{Lever, Perm, RATE_BURST, RATE_PER_SECOND};
use crate::clients::lever_webhooks::Hook;
use crate::secrets::Secret;
use crate::settings::Invalid;
use crate::webhooks::LeverWebhook;
use crate::Engine;

/// What became of one webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Made {
    /// Created now; its token is in the keychain.
    Created,
    /// Lever has it and its token is kept: nothing to do.
    AlreadyThere,
    /// Lever has one for this URL, but its token is not kept: a person pastes it.
    NeedsToken,
    /// Not created (the message says why).
    Failed,
}

/// One webhook's result.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HookMade {
    /// The relay endpoint.
    pub endpoint: &'static str,
    /// Lever's name for it.
    pub event: &'static str,
    /// What happened.
    pub made: Made,
    /// In words.
    pub message: String,
}

/// The results, and when the key may not manage webhooks, which permission would allow it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct WebhooksMade {
    /// One per webhook Hirewire needs (empty when the list could not be read).
    pub hooks: Vec<HookMade>,
    /// Set when Lever refused the key: what it lacks, and that the tokens are pasted by hand.
    pub refused: Option<String>,
}

/// Creates the webhooks that are missing, with `setup_key` (used here, never stored).
pub async fn create(engine: &Engine, setup_key: Secret) -> Result<WebhooksMade, SetupError> {
    let conn = engine
        .store
        .read_async(|rx| rx.relay_conn())
        .await?
        .ok_or_else(|| {
            Invalid("connect the relay first (step 1): the webhooks deliver to it".into())
        })?;
    let base = engine
        .store
        .read_async(|rx| rx.settings())
        .await?
        .lever
        .base_url;
    let lever = Lever::new(
        &base,
        setup_key,
        engine.http.clone(),
        Bucket::new(RATE_PER_SECOND, RATE_BURST),
    );
    let existing = match lever.webhooks().await {
        Ok(list) => list,
        Err(e) if e.status == Some(403) => return Ok(refused(Perm::FindWebhooks)),
        Err(e) => return Err(e.into()),
    };
    let mut hooks = Vec::new();
    for hook in LeverWebhook::ALL {
        let url = hook_url(&conn, hook.endpoint());
        let kept = engine.secret_opt(hook.token_name()).await?.is_some();
        let (made, message) = match lookup(&existing, &url, hook) {
            Some(_) if kept => (Made::AlreadyThere, "already in Lever, and its signing token is kept".to_string()),
            Some(_) => (Made::NeedsToken, "Lever already has a webhook for this URL and shows its signing token only when it is made: paste the token from Lever's Webhooks page below, or delete that webhook in Lever and create them again".to_string()),
            None => match lever.create_webhook(&url, hook.event()).await {
                Ok(token) => {
                    let secrets = engine.secrets.clone();
                    blocking(move || secrets.set(hook.token_name(), &token)).await?;
                    (Made::Created, "created in Lever; its signing token is kept in the keychain".to_string())
                }
                Err(e) if e.status == Some(403) => {
                    let mut out = refused(Perm::CreateWebhook);
                    out.hooks = hooks;
                    return Ok(out);
                }
                Err(e) => (Made::Failed, failed(&e)),
            },
        };
        tracing::info!(endpoint = hook.endpoint(), ?made, "lever webhook");
        hooks.push(HookMade {
            endpoint: hook.endpoint(),
            event: hook.label(),
            made,
            message,
        });
    }
    Ok(WebhooksMade {
        hooks,
        refused: None,
    })
}

/// The webhook Lever has for this event and URL, if any.
fn lookup<'a>(existing: &'a [Hook], url: &str, hook: LeverWebhook) -> Option<&'a Hook> {
    existing
        .iter()
        .find(|w| w.event == hook.event() && w.url.trim_end_matches('/') == url)
}

/// The fallback when Lever refuses the key `perm`.
fn refused(perm: Perm) -> WebhooksMade {
    WebhooksMade {
        hooks: Vec::new(),
        refused: Some(format!(
            "Lever did not let this setup key manage webhooks (it lacks «{}»; Lever may also have to enable webhooks through the API for your account). Copy each URL below into Lever and paste back its signing token — or make a setup key with «Find all webhooks» and «Create a webhook» and try again",
            perm.label()
        )),
    }
}

/// A create that did not work and was not refused: a network failure or a Lever error.
fn failed(e: &ApiError) -> String {
    if e.status.is_none() && e.retryable {
        format!("Lever {}: check the connection and create them again (Hirewire looks first, so nothing is made twice)", e.what)
    } else {
        e.to_string()
    }
}
