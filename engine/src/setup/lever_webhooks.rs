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

use super::{blocking, SetupError};
use crate::clients::http::{ApiError, RetryPolicy};
use crate::clients::lever::{Lever, Perm};
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
        .ok_or_else(|| Invalid(NO_RELAY.into()))?;
    // Lever would refuse the URL (or never deliver to it): say why before asking it.
    if let Some(why) = super::https::not_https(&conn.url) {
        return Err(Invalid(why).into());
    }
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let lever = engine.lever_setup(&settings, setup_key);
    let existing = match lever.webhooks().await {
        Ok(list) => list,
        Err(e) if e.status == Some(403) => return Ok(refused(Perm::FindWebhooks)),
        Err(e) => return Err(e.into()),
    };
    let mut hooks = Vec::new();
    for hook in LeverWebhook::ALL {
        let url = conn.hook_url(hook.endpoint());
        let kept = engine.secret_opt(hook.token_name()).await?.is_some();
        let (made, message) = match lookup(&existing, &url, hook) {
            Some(_) if kept => (Made::AlreadyThere, ALREADY_THERE.to_string()),
            Some(_) => (Made::NeedsToken, "Lever already has a webhook for this URL and shows its signing token only when it is made: paste the token from Lever's Webhooks page below, or delete that webhook in Lever and create them again".to_string()),
            None => match lever
                .create_webhook(&url, hook.event(), hook.takes_conditions())
                .await
            {
                Ok(token) => {
                    let secrets = engine.secrets.clone();
                    blocking(move || secrets.set(hook.token_name(), &token)).await?;
                    (Made::Created, CREATED.to_string())
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
    read_back(&lever, &conn, &mut hooks).await;
    Ok(WebhooksMade {
        hooks,
        refused: None,
    })
}

/// Reads Lever's list again and adds to each webhook's message when Lever has it with
/// conditions that leave some origins out: it never fires for those candidates.
async fn read_back(lever: &Lever, conn: &crate::store::RelayConn, hooks: &mut [HookMade]) {
    let Ok(listed) = lever.webhooks().await else {
        return;
    };
    for made in hooks.iter_mut() {
        let Some(hook) = LeverWebhook::from_endpoint(made.endpoint) else {
            continue;
        };
        if !hook.takes_conditions() || made.made == Made::Failed {
            continue;
        }
        let url = conn.hook_url(hook.endpoint());
        let Some(found) = lookup(&listed, &url, hook) else {
            continue;
        };
        if let Some(warning) = origins_warning(found, hook) {
            made.message = format!("{}. But {warning}", made.message);
        }
    }
}

/// For `hirewire check`: a warning for each of Hirewire's webhooks that Lever has with
/// conditions leaving origins out, read with the permanent key. Nothing when the key may
/// not list webhooks (the box is optional) or Lever cannot be asked.
pub async fn origin_warnings(engine: &Engine) -> Vec<String> {
    let Ok(Some(conn)) = engine.store.read_async(|rx| rx.relay_conn()).await else {
        return Vec::new();
    };
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return Vec::new();
    };
    let Ok(lever) = engine.lever(&settings).await else {
        return Vec::new();
    };
    // A look, not a job: an unreachable Lever is already said by the key's own check.
    let lever = lever.with_policy(RetryPolicy {
        retries: 0,
        ..RetryPolicy::default()
    });
    let Ok(listed) = lever.webhooks().await else {
        return Vec::new();
    };
    LeverWebhook::ALL
        .into_iter()
        .filter(|h| h.takes_conditions())
        .filter_map(|h| origins_warning(lookup(&listed, &conn.hook_url(h.endpoint()), h)?, h))
        .collect()
}

/// What to tell a person about a webhook whose conditions leave origins out, if they do.
pub fn origins_warning(found: &Hook, hook: LeverWebhook) -> Option<String> {
    let left_out = found.origins_left_out();
    (!left_out.is_empty()).then(|| {
        format!(
            "Lever's {} webhook fires only for some candidates: its conditions leave out the origin(s) {}, so candidates added that way never reach Hirewire. In Lever, delete that webhook, then create the webhooks again here",
            hook.label(),
            left_out.join(", ")
        )
    })
}

/// Why webhooks cannot be made before the relay is connected.
pub(crate) const NO_RELAY: &str = "connect the relay first (step 1): the webhooks deliver to it";
/// A webhook Lever had, whose signing token the keychain holds.
pub(crate) const ALREADY_THERE: &str = "already in Lever, and its signing token is kept";
/// A webhook made now.
pub(crate) const CREATED: &str = "created in Lever; its signing token is kept in the keychain";

/// The webhook Lever has for this event and URL, if any.
fn lookup<'a>(existing: &'a [Hook], url: &str, hook: LeverWebhook) -> Option<&'a Hook> {
    existing
        .iter()
        .find(|w| w.event == hook.event() && w.url.trim_end_matches('/') == url)
}

/// The fallback when Lever refuses the key `perm`.
pub(crate) fn refused(perm: Perm) -> WebhooksMade {
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
