//! `hirewire check` (and the setup screens): tries every configured connection and every
//! Lever permission the flows need, and names what is missing in words a recruiter can act on.

use serde::Serialize;

use super::clients::bob::Bob;
use super::clients::lever::{Lever, Perm};
use super::clients::partner::Partner;
use super::secrets;
use super::webhooks::LeverWebhook;
use super::Engine;

/// One checked thing.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    /// relay, lever, webhooks, bob, assessment.
    pub area: &'static str,
    /// Whether it works.
    pub ok: bool,
    /// What was found, or what to do.
    pub message: String,
}

fn item(area: &'static str, ok: bool, message: impl Into<String>) -> Item {
    Item {
        area,
        ok,
        message: message.into(),
    }
}

/// A path that names nothing: the answer (404 vs 403) shows the permission without data.
const PROBE: &str = "hirewire-permission-check";

/// Every permission the flows use, with a request that needs exactly it.
pub fn lever_probes() -> Vec<(Perm, reqwest::Method, String)> {
    use reqwest::Method;
    let o = format!("/opportunities/{PROBE}");
    vec![
        (Perm::ReadOpportunity, Method::GET, "/opportunities".into()),
        (Perm::ReadPostings, Method::GET, "/postings".into()),
        (Perm::ReadOffers, Method::GET, format!("{o}/offers")),
        (Perm::ReadResumes, Method::GET, format!("{o}/resumes")),
        (Perm::ReadFiles, Method::GET, format!("{o}/files")),
        (
            Perm::DownloadResume,
            Method::GET,
            format!("{o}/resumes/{PROBE}/download"),
        ),
        (
            Perm::DownloadOffer,
            Method::GET,
            format!("{o}/offers/{PROBE}/download"),
        ),
        (
            Perm::DownloadFile,
            Method::GET,
            format!("{o}/files/{PROBE}/download"),
        ),
        (Perm::ReadStages, Method::GET, "/stages".into()),
        (
            Perm::ReadArchiveReasons,
            Method::GET,
            "/archive_reasons".into(),
        ),
        (Perm::ReadTags, Method::GET, "/tags".into()),
        (Perm::ReadNotes, Method::GET, format!("{o}/notes")),
        (Perm::CreateNote, Method::POST, format!("{o}/notes")),
    ]
}

/// Runs every check.
pub async fn run(engine: &Engine) -> Vec<Item> {
    let mut out = Vec::new();
    out.push(run_relay(engine).await);
    out.extend(lever(engine).await);
    for hook in LeverWebhook::ALL {
        let ep = hook.endpoint();
        let set = matches!(engine.secret_opt(hook.token_name()).await, Ok(Some(_)));
        out.push(item(
            "webhooks",
            set,
            if set {
                format!("signing token for {ep} is set")
            } else {
                format!(
                    "no signing token for {ep}: copy it from Lever's webhook settings into Setup"
                )
            },
        ));
    }
    out.push(bob(engine).await);
    out.extend(partner(engine).await);
    out
}

/// Checks the relay connection and secret without taking over the stream.
pub async fn run_relay(engine: &Engine) -> Item {
    let conn = match engine.store.read_async(|rx| rx.relay_conn()).await {
        Ok(Some(c)) => c,
        _ => {
            return item(
                "relay",
                false,
                "not connected: paste the connection code (`hirewire connect CODE`)",
            )
        }
    };
    let secret = match engine.secret(secrets::RELAY_SECRET).await {
        Ok(s) => s,
        Err(e) => return item("relay", false, e.to_string()),
    };
    let url = format!(
        "{}/v1/channels/{}/status",
        conn.url.trim_end_matches('/'),
        conn.channel
    );
    match engine
        .http
        .get(&url)
        .bearer_auth(secret.expose())
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => {
            let pending = r
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|v| v["pending"].as_u64())
                .unwrap_or(0);
            item(
                "relay",
                true,
                format!("connected to {} ({pending} event(s) waiting)", conn.url),
            )
        }
        Ok(r) if r.status() == 401 => item(
            "relay",
            false,
            "the relay refused the channel secret: paste a new connection code",
        ),
        Ok(r) if r.status() == 404 => item(
            "relay",
            false,
            "the relay does not know this channel: create one with `hirewire-relay channel add`",
        ),
        Ok(r) => item("relay", false, format!("the relay answered {}", r.status())),
        Err(e) => item(
            "relay",
            false,
            format!("cannot reach the relay at {}: {e}", conn.url),
        ),
    }
}

async fn lever(engine: &Engine) -> Vec<Item> {
    let key = match engine.secret(secrets::LEVER_API_KEY).await {
        Ok(k) => k,
        Err(e) => return vec![item("lever", false, e.to_string())],
    };
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return vec![item("lever", false, "cannot read the settings")];
    };
    let lever = Lever::new(
        &settings.lever.base_url,
        key,
        engine.http.clone(),
        engine.lever_bucket.clone(),
    );
    let mut missing = Vec::new();
    for (perm, method, path) in lever_probes() {
        match lever.permitted(perm, method, &path).await {
            Ok(true) => {}
            Ok(false) => missing.push(perm.label()),
            Err(e) => return vec![item("lever", false, e.to_string())],
        }
    }
    if missing.is_empty() {
        vec![item(
            "lever",
            true,
            "the API key has every permission Hirewire needs",
        )]
    } else {
        missing
            .into_iter()
            .map(|m| item("lever", false, format!("the API key lacks «{m}»: tick it in Lever → Settings → Integrations and API → API Credentials")))
            .collect()
    }
}

async fn bob(engine: &Engine) -> Item {
    let (user, token) = match (
        engine.secret(secrets::BOB_SERVICE_USER).await,
        engine.secret(secrets::BOB_TOKEN).await,
    ) {
        (Ok(u), Ok(t)) => (u, t),
        (Err(e), _) | (_, Err(e)) => return item("bob", false, e.to_string()),
    };
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return item("bob", false, "cannot read the settings");
    };
    match Bob::new(&settings.bob.base_url, user, token, engine.http.clone())
        .fields()
        .await
    {
        Ok(f) => item(
            "bob",
            true,
            format!("the service user works and sees {} fields", f.len()),
        ),
        Err(e) => item("bob", false, e.to_string()),
    }
}

async fn partner(engine: &Engine) -> Vec<Item> {
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return vec![];
    };
    let a = &settings.assessment;
    if a.list_tests_url.is_empty() && a.send_test_url.is_empty() {
        return vec![item(
            "assessment",
            true,
            "no assessment partner configured (optional)",
        )];
    }
    let key = match engine.secret(secrets::ASSESSMENT_API_KEY).await {
        Ok(k) => k,
        Err(e) => return vec![item("assessment", false, e.to_string())],
    };
    match Partner::new(key, engine.http.clone())
        .list_tests(&a.list_tests_url)
        .await
    {
        Ok(t) => vec![item(
            "assessment",
            true,
            format!("{} offers {} test(s)", a.provider, t.len()),
        )],
        Err(e) => vec![item("assessment", false, e.to_string())],
    }
}
