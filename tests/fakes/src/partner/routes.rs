//! The partner's routes: `list_tests`, `send_test`, `test_status`, an `outcomes` sink, and
//! the report pages that `partner_profile_url` points at. Errors are `{"error": "..."}`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::{grading, Data, Invite, Shared};
use crate::server::basic_auth;

/// Candidate fields `send_test` requires.
const REQUIRED: [&str; 5] = [
    "first_name",
    "last_name",
    "email",
    "greenhouse_profile_url",
    "url",
];
/// Candidate fields `send_test` accepts when present.
const OPTIONAL: [&str; 2] = ["phone_number", "resume_url"];

/// The partner's error shape.
pub(crate) fn error(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"error": message}))).into_response()
}

/// Every route.
pub(crate) fn router(data: Shared) -> Router {
    Router::new()
        .route("/list_tests", get(list_tests))
        .route("/send_test", post(send_test))
        .route("/test_status", get(test_status))
        .route("/outcomes", post(outcome))
        .route("/reports/{id}", get(report))
        .fallback(|| async { error(404, "Not found") })
        .with_state(data)
}

/// Checks the API key (Basic user name); gives the locked data.
// The error is the handler's finished answer, returned once per request: boxing it buys
// nothing.
#[allow(clippy::result_large_err)]
fn gate<'a>(
    data: &'a Shared,
    headers: &HeaderMap,
) -> Result<std::sync::MutexGuard<'a, Data>, Response> {
    let d = data.lock().unwrap_or_else(|p| p.into_inner());
    let given = basic_auth(headers.get("authorization")).map(|(user, _)| user);
    match (&d.api_key, given) {
        (Some(key), Some(user)) if *key == user => Ok(d),
        _ => Err(error(401, "Invalid API key")),
    }
}

/// `GET list_tests` → `[{"partner_test_id", "partner_test_name"}]`.
async fn list_tests(State(s): State<Shared>, h: HeaderMap) -> Response {
    let d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let tests: Vec<Value> = d
        .tests
        .iter()
        .map(|(id, name)| json!({"partner_test_id": id, "partner_test_name": name}))
        .collect();
    Json(tests).into_response()
}

/// `POST send_test` → `{"partner_interview_id"}`.
async fn send_test(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "The body must be a JSON object");
    };
    let Some(test_id) = req
        .get("partner_test_id")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    else {
        return error(400, "partner_test_id is required");
    };
    if !d.tests.iter().any(|(id, _)| id == test_id) {
        return error(400, &format!("Unknown partner_test_id: {test_id}"));
    }
    let Some(Value::Object(candidate)) = req.get("candidate") else {
        return error(400, "candidate is required");
    };
    if let Err(e) = check_candidate(candidate) {
        return error(400, &e);
    }
    let interview_id = d.next_interview_id();
    let invite = Invite {
        interview_id: interview_id.clone(),
        test_id: test_id.to_string(),
        candidate: Value::Object(candidate.clone()),
        status: "pending".into(),
        score: None,
    };
    d.invites.push(invite);
    if let Some(after) = d.auto_grade {
        grading::grade_later(s.clone(), interview_id.clone(), after);
    }
    Json(json!({"partner_interview_id": interview_id})).into_response()
}

fn check_candidate(c: &Map<String, Value>) -> Result<(), String> {
    for key in REQUIRED {
        if c.get(key)
            .and_then(Value::as_str)
            .is_none_or(|v| v.trim().is_empty())
        {
            return Err(format!("candidate.{key} is required"));
        }
    }
    for key in OPTIONAL {
        if c.get(key).is_some_and(|v| !v.is_null() && !v.is_string()) {
            return Err(format!("candidate.{key} must be a string"));
        }
    }
    if !c
        .get("email")
        .and_then(Value::as_str)
        .is_some_and(|e| e.contains('@'))
    {
        return Err("candidate.email is not an email address".into());
    }
    for key in ["url", "greenhouse_profile_url"] {
        let v = c.get(key).and_then(Value::as_str).unwrap_or_default();
        if !(v.starts_with("http://") || v.starts_with("https://")) {
            return Err(format!("candidate.{key} must be an http(s) URL"));
        }
    }
    Ok(())
}

/// `GET test_status?partner_interview_id=` → `{"partner_status", …}`.
async fn test_status(
    State(s): State<Shared>,
    h: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(id) = q
        .iter()
        .find(|(k, _)| k == "partner_interview_id")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
    else {
        return error(400, "partner_interview_id is required");
    };
    let Some(invite) = d.invites.iter().find(|i| i.interview_id == id) else {
        return error(404, &format!("Unknown partner_interview_id: {id}"));
    };
    match invite.score {
        Some(score) if invite.status == "complete" => {
            let test_name = d
                .tests
                .iter()
                .find(|(t, _)| *t == invite.test_id)
                .map(|(_, n)| n.as_str())
                .unwrap_or_default();
            Json(json!({
                "partner_status": "complete",
                "partner_profile_url": format!("{}/reports/{id}", d.base),
                "partner_score": score,
                "metadata": {"test_name": test_name, "language": "Python", "duration_minutes": 90, "passed": score >= 70.0},
            }))
            .into_response()
        }
        _ => Json(json!({"partner_status": "pending"})).into_response(),
    }
}

/// `POST outcomes`: any JSON object is recorded.
async fn outcome(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(v) if v.is_object() => {
            d.outcomes.push(v);
            Json(json!({"received": true})).into_response()
        }
        _ => error(400, "The body must be a JSON object"),
    }
}

/// The page a `partner_profile_url` opens (no auth: it is for people in a browser).
async fn report(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let d = s.lock().unwrap_or_else(|p| p.into_inner());
    match d
        .invites
        .iter()
        .find(|i| i.interview_id == id && i.status == "complete")
    {
        Some(i) => {
            let name = |k: &str| {
                i.candidate
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let who = escape(&format!("{} {}", name("first_name"), name("last_name")));
            let score = i.score.unwrap_or_default();
            Html(format!(
                "<!doctype html><title>Report {id}</title><h1>{who}</h1><p>Score: {score}</p>",
                id = escape(&id)
            ))
            .into_response()
        }
        None => error(404, "No report for this interview"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
