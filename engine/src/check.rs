//! `hirewire check` (and the setup screens): tries every configured connection and every
//! Lever permission the flows need, and names what is missing in words a recruiter can act on.

use serde::Serialize;

use super::clients::http::ApiError;
use super::clients::lever::{Lever, Perm};
use super::clients::lever_perm::{self, missing_checkbox};
use super::probes::{self, Answer};
use super::secrets;
use super::webhooks::LeverWebhook;
use super::Engine;

pub(crate) mod said;

/// One checked thing.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Item {
    /// relay, lever, webhooks, bob, assessment.
    pub area: &'static str,
    /// Whether it works.
    pub ok: bool,
    /// What was found, or what to do.
    pub message: String,
    /// What kind of problem it is, so that a screen never calls a network failure a
    /// missing permission.
    pub kind: ItemKind,
    /// The missing permission, in the vendor's words (`kind` = missing-permission).
    pub permission: Option<&'static str>,
}

/// What an [`Item`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// It works.
    Ok,
    /// A permission (a Lever checkbox or toggle) is missing.
    MissingPermission,
    /// The vendor could not be reached or did not answer in time.
    Unreachable,
    /// The vendor refused the credentials (401/403 on the key itself).
    Refused,
    /// Anything else (the message says what).
    Other,
}

fn item(area: &'static str, ok: bool, message: impl Into<String>) -> Item {
    Item {
        area,
        ok,
        message: message.into(),
        kind: if ok { ItemKind::Ok } else { ItemKind::Other },
        permission: None,
    }
}

/// A vendor's error as an item of its kind.
fn failed(area: &'static str, e: &ApiError) -> Item {
    let kind = match e.status {
        None if e.retryable => ItemKind::Unreachable,
        Some(401 | 403) => ItemKind::Refused,
        _ => ItemKind::Other,
    };
    Item {
        kind,
        ..item(area, false, e.to_string())
    }
}

/// A missing Lever checkbox.
fn missing_perm(perm: Perm) -> Item {
    Item {
        kind: ItemKind::MissingPermission,
        permission: Some(perm.label()),
        ..item("lever", false, missing_checkbox(perm))
    }
}

/// The checkboxes the permanent Lever key needs, in Lever's words and the order the check
/// asks about them (the setup screen lists them before the key is made).
pub fn lever_permissions() -> Vec<&'static str> {
    probes::PERMS.into_iter().map(Perm::label).collect()
}

/// Runs every check.
pub async fn run(engine: &Engine) -> Vec<Item> {
    let mut out = Vec::new();
    out.push(run_relay(engine).await);
    if let Ok(Some(conn)) = engine.store.read_async(|rx| rx.relay_conn()).await {
        if let Some(why) = super::setup::https::not_https(&conn.url) {
            out.push(item("relay", false, why));
        }
    }
    out.extend(lever(engine).await);
    for hook in LeverWebhook::ALL {
        let ep = hook.endpoint();
        let set = matches!(engine.secret_opt(hook.token_name()).await, Ok(Some(_)));
        out.push(item(
            "webhooks",
            set,
            if set {
                said::token_set(ep)
            } else {
                said::token_missing(ep)
            },
        ));
    }
    for warning in super::setup::lever_webhooks::origin_warnings(engine).await {
        out.push(item("webhooks", false, warning));
    }
    out.push(bob(engine).await);
    out.push(bob_work(engine).await);
    out.extend(partner(engine).await);
    out
}

/// Checks the relay connection and secret without taking over the stream.
pub async fn run_relay(engine: &Engine) -> Item {
    let conn = match engine.store.read_async(|rx| rx.relay_conn()).await {
        Ok(Some(c)) => c,
        _ => return item("relay", false, said::RELAY_NOT_CONNECTED),
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
    let answer = engine
        .http
        .get(&url)
        .bearer_auth(secret.expose())
        .send()
        .await;
    relay_said(&conn.url, answer).await
}

/// The relay item for the relay's answer to the channel's status.
async fn relay_said(relay: &str, answer: reqwest::Result<reqwest::Response>) -> Item {
    match answer {
        Ok(r) if r.status().is_success() => {
            let pending = r
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|v| v["pending"].as_u64())
                .unwrap_or(0);
            item("relay", true, said::relay_connected(relay, pending))
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
            said::relay_unreachable(relay, &e.to_string()),
        ),
    }
}

async fn lever(engine: &Engine) -> Vec<Item> {
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return vec![item("lever", false, "cannot read the settings")];
    };
    let lever = match engine.lever(&settings).await {
        Ok(l) => l,
        Err(e) => return vec![item("lever", false, e.to_string())],
    };
    let answers = match probes::run(&lever).await {
        Ok(a) => a,
        // Not an answer about permissions: say what it is, and stop asking.
        Err(e) => return vec![failed("lever", &e)],
    };
    let needed = rule_perms_needed(&settings);
    // A box only score rules need is missing only when a rule needs it.
    let (missing, spare): (Vec<Perm>, Vec<Perm>) = answers
        .iter()
        .filter(|(_, a)| *a == Answer::Missing)
        .map(|(p, _)| *p)
        .partition(|p| !probes::RULE_PERMS.contains(p) || needed.contains(p));
    let mut out: Vec<Item> = missing.iter().map(|p| missing_perm(*p)).collect();
    let spare = spare_items(&spare);
    let unproven = unproven_items(&answers);
    if !missing.contains(&Perm::FindOpportunities) {
        out.extend(confidential(&lever).await);
    }
    if out.is_empty() {
        out.push(item(
            "lever",
            true,
            if unproven.is_empty() {
                said::LEVER_ALL_GOOD
            } else {
                "the API key has every permission Hirewire needs that could be tried, confidential candidates included"
            },
        ));
    }
    out.extend(unproven);
    out.extend(spare);
    out
}

/// Boxes missing that only score rules need, while none does: told, not failed.
fn spare_items(spare: &[Perm]) -> Vec<Item> {
    spare
        .iter()
        .map(|p| {
            item(
                "lever",
                true,
                format!(
                    "the API key lacks «{}», which only a score rule needs (none does now); tick it in a new key before adding one",
                    p.label()
                ),
            )
        })
        .collect()
}

/// Boxes a probe could not prove either way, each with why.
fn unproven_items(answers: &[(Perm, Answer)]) -> Vec<Item> {
    answers
        .iter()
        .filter_map(|(p, a)| match a {
            Answer::Unproven(why) => Some(item(
                "lever",
                true,
                format!("«{}» is not proven: {why}", p.label()),
            )),
            _ => None,
        })
        .collect()
}

/// Whether the key reads confidential candidates (a toggle of the key, not a checkbox):
/// an item when it cannot, or when asking failed.
async fn confidential(lever: &Lever) -> Option<Item> {
    match lever.sees_confidential().await {
        Ok(true) => None,
        Ok(false) => Some(Item {
            kind: ItemKind::MissingPermission,
            permission: Some(lever_perm::CONFIDENTIAL_TOGGLE),
            ..item(
                "lever",
                false,
                "the API key cannot read confidential candidates: it was made without «Allow access to confidential data» (a toggle of the key, not a checkbox). Hires and invites of confidential candidates will fail; Lever keys cannot be edited, so generate a new key with the toggle on and the same checkboxes",
            )
        }),
        Err(e) => Some(failed("lever", &e)),
    }
}

/// The boxes the configured score rules need: moving needs the stage change, a tag the
/// tags, a proposed archive the archived state.
fn rule_perms_needed(settings: &super::settings::Settings) -> Vec<Perm> {
    let mut out = Vec::new();
    for r in &settings.score_rules {
        if !r.move_to.is_empty() {
            out.push(Perm::UpdateStage);
        }
        if !r.tag.is_empty() || !r.below_tag.is_empty() {
            out.push(Perm::AddTags);
        }
        if !r.propose_archive.is_empty() {
            out.push(Perm::UpdateArchived);
        }
    }
    out
}

async fn bob(engine: &Engine) -> Item {
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return item("bob", false, "cannot read the settings");
    };
    let bob = match engine.bob(&settings).await {
        Ok(b) => b,
        Err(e) => return item("bob", false, e.to_string()),
    };
    // The field list needs no permission at all, so it proves only the credentials; the
    // people search is what every hire calls first.
    let probe = ["hirewire-permission-check@example.invalid".to_string()];
    if let Err(e) = bob.search_emails(&probe, true).await {
        return failed("bob", &e);
    }
    match bob.fields().await {
        Ok(f) => item("bob", true, said::bob_sees(f.len())),
        Err(e) => failed("bob", &e),
    }
}

/// What Approve of a change after the hire needs in bob: the Work table, read and rewritten.
async fn bob_work(engine: &Engine) -> Item {
    use super::clients::bob_probe::WorkAccess;
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return item("bob", false, "cannot read the settings");
    };
    let bob = match engine.bob(&settings).await {
        Ok(b) => b,
        Err(e) => return item("bob", false, e.to_string()),
    };
    match bob.try_work_table().await {
        Ok(WorkAccess::Allowed) => item("bob", true, said::BOB_WORK_ALLOWED),
        Ok(WorkAccess::NoEmployee) => item("bob", true, "bob lists no employee yet to try the Work table on: whether the service user may read and rewrite Work rows shows at the first Approve of a changed title, department or site"),
        Ok(WorkAccess::Missing(perm)) => Item {
            kind: ItemKind::MissingPermission,
            permission: Some(perm),
            ..item("bob", false, said::bob_work_missing(perm))
        },
        Err(e) => failed("bob", &e),
    }
}

async fn partner(engine: &Engine) -> Vec<Item> {
    let Ok(settings) = engine.store.read_async(|rx| rx.settings()).await else {
        return vec![];
    };
    let a = &settings.assessment;
    if a.list_tests_url.is_empty() && a.send_test_url.is_empty() {
        return vec![item("assessment", true, said::NO_PARTNER)];
    }
    let partner = match engine.partner().await {
        Ok(p) => p,
        Err(e) => return vec![item("assessment", false, e.to_string())],
    };
    match partner.list_tests(&a.list_tests_url).await {
        Ok(t) => vec![item(
            "assessment",
            true,
            said::partner_offers(&a.provider, t.len()),
        )],
        Err(e) => vec![failed("assessment", &e)],
    }
}
