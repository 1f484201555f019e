//! The partner's routes: `list_tests`, `send_test`, `test_status` and `response_error` (each
//! following the Greenhouse doc file named in the module docs of `partner`), an `outcomes`
//! sink, and the report pages that `partner_profile_url` points at. Errors are
//! `{"error": "..."}`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{checks, grading, interview_id, Data, Invite, SendTestAnswer, Shared};
use crate::server::basic_auth;

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
        .route("/response_error", post(response_error))
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

/// `POST send_test` → `{"partner_interview_id"}` (or the unusable answer set by
/// [`super::FakePartner::set_send_test_answer`]).
async fn send_test(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let tests: Vec<&str> = d.tests.iter().map(|(id, _)| id.as_str()).collect();
    let req = match checks::send_test(&body, &tests) {
        Ok(req) => req,
        Err(e) => return error(400, &e),
    };
    let number = d.next_interview_number();
    let answer = d.send_test_answer;
    let id = match answer {
        SendTestAnswer::NumericInterviewId => number.to_string(),
        SendTestAnswer::Normal | SendTestAnswer::NoInterviewId => interview_id(number),
    };
    d.invites.push(Invite {
        interview_id: id.clone(),
        test_id: req.test_id,
        candidate: req.candidate,
        url: req.url,
        sent_by: req.sent_by,
        status: "pending".into(),
        score: None,
    });
    if let Some(after) = d.auto_grade {
        grading::grade_later(s.clone(), id.clone(), after);
    }
    match answer {
        SendTestAnswer::Normal => Json(json!({"partner_interview_id": id})),
        SendTestAnswer::NoInterviewId => Json(json!({})),
        SendTestAnswer::NumericInterviewId => Json(json!({"partner_interview_id": number})),
    }
    .into_response()
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
    let test_name = d
        .tests
        .iter()
        .find(|(t, _)| *t == invite.test_id)
        .map(|(_, n)| n.as_str())
        .unwrap_or_default();
    match invite.score {
        Some(score) if invite.status == "complete" => Json(json!({
            "partner_status": "complete",
            "partner_profile_url": format!("{}/reports/{id}", d.base),
            "partner_score": score,
            "metadata": {"test_name": test_name, "language": "Python", "duration_minutes": 90, "passed": score >= 70.0},
        })),
        // Graded without a score (a test that is not scored): complete, `partner_score` null.
        None if invite.status == "complete" => Json(json!({
            "partner_status": "complete",
            "partner_profile_url": format!("{}/reports/{id}", d.base),
            "partner_score": null,
            "metadata": {"test_name": test_name},
        })),
        _ => Json(json!({
            "partner_status": "pending",
            "partner_profile_url": null,
            "partner_score": null,
            "metadata": {"test_name": test_name},
        })),
    }
    .into_response()
}

/// `POST response_error`: the caller's report of a partner answer it could not use.
async fn response_error(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match checks::response_error(&body) {
        Ok(report) => {
            d.response_errors.push(report);
            Json(json!({"status": 200})).into_response()
        }
        Err(e) => error(400, &e),
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
