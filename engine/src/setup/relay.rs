//! Connecting to the relay from a connection code, and the webhook URLs to give Lever.

use serde::Serialize;

use super::{blocking, SetupError};
use crate::check::{self, Item};
use crate::keys;
use crate::secrets::RELAY_SECRET;
use crate::store::RelayConn;
use crate::webhooks::LeverWebhook;
use crate::Engine;
use hirewire_relay::protocol::ConnectCode;

/// Stores the relay connection from the code `hirewire-relay channel add` printed (the
/// secret in the keychain, the URL and channel in settings) and checks it.
pub async fn connect(engine: &Engine, code: &str) -> Result<Item, SetupError> {
    let code = ConnectCode::decode(code)?;
    let secrets = engine.secrets.clone();
    let secret = code.secret.clone();
    blocking(move || secrets.set(RELAY_SECRET, &secret)).await?;
    let conn = RelayConn {
        url: code.url.trim_end_matches('/').to_string(),
        channel: code.channel.clone(),
    };
    engine
        .store
        .write_async(move |tx| tx.put_relay_conn(&conn))
        .await?;
    Ok(check::run_relay(engine).await)
}

/// One Lever webhook to set up.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct WebhookInfo {
    /// Lever's name for it.
    pub event: &'static str,
    /// The relay endpoint.
    pub endpoint: &'static str,
    /// The URL to paste into Lever (empty before the relay is connected).
    pub url: String,
    /// Whether its signing token is in the keychain.
    pub token_set: bool,
    /// When the first verified event arrived on it (ms).
    pub first_signed_at: Option<u64>,
    /// Why Lever would not deliver to `url` (a relay without HTTPS), if it would not.
    pub warning: Option<String>,
}

/// The URL of each Lever webhook on the connected relay, whether its signing token is set,
/// and when it first worked.
pub async fn webhooks(engine: &Engine) -> Result<Vec<WebhookInfo>, SetupError> {
    let conn = engine.store.read_async(|rx| rx.relay_conn()).await?;
    let mut out = Vec::new();
    for hook in LeverWebhook::ALL {
        let url = conn
            .as_ref()
            .map(|c| c.hook_url(hook.endpoint()))
            .unwrap_or_default();
        let token_set = matches!(engine.secret_opt(hook.token_name()).await, Ok(Some(_)));
        let key = keys::first_signed(hook.endpoint());
        let first = engine.store.read_async(move |rx| rx.meta(&key)).await?;
        out.push(WebhookInfo {
            event: hook.label(),
            endpoint: hook.endpoint(),
            url,
            token_set,
            first_signed_at: (first > 0).then_some(first),
            warning: conn.as_ref().and_then(|c| super::https::not_https(&c.url)),
        });
    }
    Ok(out)
}
