//! Lever's "Webhooks via the API": `POST /webhooks` creates a webhook for one event and
//! answers its signature token (the only time the token is shown; unverified, as Lever's
//! list example simply lacks it), `GET /webhooks` lists them, `DELETE /webhooks/{id}`
//! removes one. As in Lever, a created webhook delivers nothing until a Super Admin turns
//! its event group on ([`FakeLever::enable_webhooks`]); [`FakeLever::deliver`] then signs
//! an event with each matching webhook's own token and POSTs it to the webhook's URL.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::render::error;
use super::routes::gate;
use super::{FakeLever, Perm, Shared};
use crate::webhook::LeverEvent;

/// The ten events Lever's webhooks fire for.
pub const WEBHOOK_EVENTS: [&str; 10] = [
    "applicationCreated",
    "candidateHired",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
];
/// The events that take `conditions` (on the candidate's origin).
const CONFIGURABLE: [&str; 4] = [
    "applicationCreated",
    "candidateArchiveChange",
    "candidateHired",
    "candidateStageChange",
];
/// The origins a condition may name.
const ORIGINS: [&str; 6] = [
    "applied",
    "sourced",
    "referred",
    "university",
    "agency",
    "internal",
];

/// A webhook made through `POST /webhooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Webhook id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The one event it is for.
    pub event: String,
    /// Its own signing token (`configuration.signatureToken` of the create answer).
    pub signature_token: String,
    /// `configuration.conditions` as given (`{"origins": […]}`), if any.
    pub conditions: Option<Value>,
    /// Created (ms).
    pub created_at: u64,
    /// Last changed (ms).
    pub updated_at: u64,
}

/// One delivery [`FakeLever::deliver`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The webhook it was for.
    pub webhook_id: String,
    /// Where it went.
    pub url: String,
    /// The receiver's status; `None` when no answer came (connection refused, …).
    pub status: Option<u16>,
}

impl Webhook {
    /// Whether the webhook's origin conditions let through an event about an opportunity
    /// of this origin. Without conditions: every origin when `bare_fires`, else none (what
    /// Lever does then is undocumented; see [`FakeLever::set_webhooks_without_conditions_fire`]).
    fn admits(&self, origin: Option<&str>, bare_fires: bool) -> bool {
        let Some(origins) = self
            .conditions
            .as_ref()
            .and_then(|c| c.get("origins"))
            .and_then(Value::as_array)
        else {
            return bare_fires || !CONFIGURABLE.contains(&self.event.as_str());
        };
        origin.is_none_or(|o| origins.iter().any(|x| x == o))
    }

    /// The object `GET /webhooks` lists (no signature token).
    fn listed(&self) -> Value {
        let mut configuration = json!({});
        if let Some(c) = &self.conditions {
            configuration["conditions"] = c.clone();
        }
        json!({
            "id": self.id, "url": self.url, "event": self.event,
            "createdAt": self.created_at, "updatedAt": self.updated_at,
            "configuration": configuration,
        })
    }
}

/// `GET /webhooks` → `{"data": […]}` (Lever's example has no paging fields).
pub(crate) async fn list(State(s): State<Shared>, h: HeaderMap) -> Response {
    let d = match gate(&s, &h, Perm::FindAllWebhooks) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let items: Vec<Value> = d.webhooks.iter().map(Webhook::listed).collect();
    Json(json!({ "data": items })).into_response()
}

/// `POST /webhooks` with `{url, event, configuration?}` → `201` with the webhook and
/// `configuration.signatureToken`.
pub(crate) async fn create(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h, Perm::CreateWebhook) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "Request body must be a JSON object");
    };
    let (url, event, conditions) = match read(&v, d.switches.http_loopback_webhooks) {
        Ok(x) => x,
        Err(m) => return error(400, &m),
    };
    let now = crate::clock::now_ms();
    let hook = Webhook {
        id: d.id("webhook"),
        url,
        event,
        signature_token: token(),
        conditions,
        created_at: now,
        updated_at: now,
    };
    let mut shown = hook.listed();
    shown["configuration"]["signatureToken"] = json!(hook.signature_token);
    let body = if d.switches.webhook_nested_data {
        json!({"data": {"data": shown}})
    } else {
        json!({ "data": shown })
    };
    d.webhooks.push(hook);
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `DELETE /webhooks/{id}` → `204`.
pub(crate) async fn remove(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut d = match gate(&s, &h, Perm::DeleteWebhook) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let before = d.webhooks.len();
    d.webhooks.retain(|w| w.id != id);
    if d.webhooks.len() == before {
        return error(404, "Webhook not found");
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Checks a create body: `(url, event, conditions)`, or the `400` message. Lever delivers
/// only to HTTPS, so an `http://` URL is refused, unless `http_loopback` lets a test's
/// receiver on this machine's loopback through.
fn read(
    v: &Map<String, Value>,
    http_loopback: bool,
) -> Result<(String, String, Option<Value>), String> {
    let url = v
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.trim().is_empty())
        .ok_or("Missing required field: url")?;
    match reqwest::Url::parse(url) {
        Ok(u) if u.scheme() == "https" && u.host().is_some() => {}
        Ok(u) if u.scheme() == "http" && http_loopback && is_loopback(&u) => {}
        _ => {
            return Err(format!(
                "Webhook URLs must use HTTPS: {url:?} is not an absolute https URL"
            ))
        }
    }
    let event = v
        .get("event")
        .and_then(Value::as_str)
        .ok_or("Missing required field: event")?;
    if !WEBHOOK_EVENTS.contains(&event) {
        return Err(format!(
            "event must be one of {}, not {event:?}",
            WEBHOOK_EVENTS.join(", ")
        ));
    }
    let conditions = match v.get("configuration").filter(|c| !c.is_null()) {
        None => None,
        Some(Value::Object(c)) => c.get("conditions").filter(|x| !x.is_null()).cloned(),
        Some(_) => return Err("configuration must be an object".into()),
    };
    if let Some(c) = &conditions {
        if !CONFIGURABLE.contains(&event) {
            return Err(format!("{event} webhooks cannot take conditions"));
        }
        let origins = c
            .get("origins")
            .and_then(Value::as_array)
            .ok_or("configuration.conditions.origins must be a list")?;
        if let Some(bad) = origins
            .iter()
            .find(|o| !o.as_str().is_some_and(|o| ORIGINS.contains(&o)))
        {
            return Err(format!("unknown origin {bad}: use {}", ORIGINS.join(", ")));
        }
    }
    Ok((url.to_string(), event.to_string(), conditions))
}

/// Whether `u` names this machine (a test's receiver).
fn is_loopback(u: &reqwest::Url) -> bool {
    let host = u.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A fresh signing token: 48 lowercase hex characters, like Lever's example.
fn token() -> String {
    let mut rng = rand::rng();
    (0..48)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
        .collect()
}

impl FakeLever {
    /// The webhooks made through `POST /webhooks`, with their signing tokens.
    pub fn webhooks(&self) -> Vec<Webhook> {
        self.with(|d| d.webhooks.clone())
    }

    /// What a Super Admin does on Lever's webhooks settings page: turns on the group of
    /// `event` (e.g. `candidateStageChange`), so its webhooks start to deliver.
    pub fn enable_webhooks(&self, event: &str) {
        self.with(|d| d.enabled_events.insert(event.to_string()));
    }

    /// Lever's example creates webhooks with every origin in `configuration.conditions`;
    /// what a webhook made without conditions fires for is not documented. On (default):
    /// for every origin; off: for none, the reading under which such a webhook never fires.
    /// Events that take no conditions (`candidateDeleted` …) always fire.
    pub fn set_webhooks_without_conditions_fire(&self, on: bool) {
        self.with(|d| d.switches.bare_webhooks_fire_for_none = !on);
    }

    /// Lever refuses webhook URLs that are not HTTPS. On, the fake also takes `http://`
    /// URLs on this machine's loopback, so that a test's plain-HTTP receiver can be
    /// registered; off (default), every `http://` URL is refused as Lever refuses it.
    pub fn allow_http_loopback_webhooks(&self, on: bool) {
        self.with(|d| d.switches.http_loopback_webhooks = on);
    }

    /// Turns the group of `event` off again.
    pub fn disable_webhooks(&self, event: &str) {
        self.with(|d| d.enabled_events.remove(event));
    }

    /// Whether the group of `event` is on.
    pub fn webhooks_enabled(&self, event: &str) -> bool {
        self.with(|d| d.enabled_events.contains(event))
    }

    /// Delivers `event` as Lever would: to every webhook for that event whose group is
    /// enabled and whose origin conditions admit the opportunity in `data.opportunityId`,
    /// each body signed with that webhook's own token and POSTed with Lever's headers.
    /// A webhook whose group is off gets nothing (an empty answer).
    pub async fn deliver(&self, event: &LeverEvent) -> Vec<Delivery> {
        let targets: Vec<Webhook> = self.with(|d| {
            if !d.enabled_events.contains(&event.event) {
                return vec![];
            }
            let opp = event.data.get("opportunityId").and_then(Value::as_str);
            let origin = opp.and_then(|id| {
                d.opp(id)
                    .or_else(|| {
                        d.deleted
                            .iter()
                            .map(|x| &x.opportunity)
                            .find(|o| o.id == id)
                    })
                    .map(|o| super::render::origin(o).to_string())
            });
            d.webhooks
                .iter()
                .filter(|w| {
                    w.event == event.event
                        && w.admits(origin.as_deref(), !d.switches.bare_webhooks_fire_for_none)
                })
                .cloned()
                .collect()
        });
        let mut out = Vec::with_capacity(targets.len());
        for w in targets {
            let status = crate::webhook::post(&self.http, &w.url, event.body(&w.signature_token))
                .await
                .ok();
            out.push(Delivery {
                webhook_id: w.id,
                url: w.url,
                status,
            });
        }
        out
    }
}
