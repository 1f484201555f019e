//! Fake bob's routing and its gate: Basic `SERVICE_USER_ID:TOKEN` (`401`), a permission
//! group (`403`; the fields metadata needs none), then the endpoint's per-minute limit
//! (`429`). Tokens are compared, never logged or echoed. A refused request's violations
//! are answered as bob's `400` and recorded.

use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;

use super::model::{Data, Shared};
use super::{create, docs, lists, people, salaries, schema, start_date, update, work};
use crate::server::basic_auth;

/// Endpoint name of `POST /people/search`.
pub(crate) const SEARCH: &str = "search";
/// Endpoint name of `POST /people`.
pub(crate) const CREATE: &str = "create";
/// Endpoint name of `GET /people/{id}`.
pub(crate) const READ: &str = "read";
/// Endpoint name of `PUT /people/{id}`.
pub(crate) const UPDATE: &str = "update";
/// Endpoint name of `GET`/`POST /people/{id}/work` and `PUT /people/{id}/work/{entry}`.
pub(crate) const WORK: &str = "work";
/// Endpoint name of `GET`/`POST /people/{id}/salaries`.
pub(crate) const SALARIES: &str = "salaries";
/// Endpoint name of `POST /employees/{id}/start-date`.
pub(crate) const START_DATE: &str = "start-date";
/// Endpoint name of `GET /company/people/fields`.
pub(crate) const FIELDS: &str = "fields";
/// Endpoint name of `GET /company/named-lists/{list}`.
pub(crate) const LISTS: &str = "lists";
/// Endpoint name of `POST /docs/people/{id}/confidential/upload`.
pub(crate) const UPLOAD: &str = "upload";
/// Endpoint name of `GET /docs/people/{id}`.
pub(crate) const DOCUMENTS: &str = "documents";
/// Every endpoint name, for `set_limit_per_minute`.
pub(crate) const ENDPOINTS: [&str; 11] = [
    SEARCH, CREATE, READ, UPDATE, WORK, SALARIES, START_DATE, FIELDS, LISTS, UPLOAD, DOCUMENTS,
];

/// The window of bob's per-endpoint limits.
const WINDOW: Duration = Duration::from_secs(60);
/// Largest request body read: well above bob's 5 MB per file, so that bob's own rule
/// answers an oversized upload, not the framework.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// bob's error shape: `{"key", "error"}`.
pub(crate) fn error(status: u16, message: &str) -> Response {
    let key = match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "notFound",
        405 => "methodNotAllowed",
        413 => "payloadTooLarge",
        415 => "unsupportedMediaType",
        429 => "rateLimit",
        503 => "serviceUnavailable",
        s if s < 500 => "badRequest",
        _ => "internalServerError",
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"key": key, "error": message}))).into_response()
}

/// Records each violation against `METHOD /path` and answers bob's `400` listing them all.
pub(crate) fn refuse(d: &mut Data, method: &str, uri: &Uri, violations: Vec<String>) -> Response {
    refuse_with(d, 400, method, uri, violations)
}

/// As `refuse`, with another status (`413` for an oversized upload).
pub(crate) fn refuse_with(
    d: &mut Data,
    status: u16,
    method: &str,
    uri: &Uri,
    violations: Vec<String>,
) -> Response {
    let route = format!("{method} {}", uri.path());
    let message = violations.join("; ");
    d.violations
        .extend(violations.into_iter().map(|v| (route.clone(), v)));
    error(status, &message)
}

/// Every `/v1` route, and the download links of documents.
pub(crate) fn router(data: Shared) -> Router {
    Router::new()
        .route("/v1/people/search", post(people::search))
        .route("/v1/people", post(create::create))
        .route("/v1/people/{id}", get(people::read).put(update::update))
        .route("/v1/people/{id}/work", get(work::list).post(work::add))
        .route("/v1/people/{id}/work/{entry_id}", put(work::replace))
        .route("/v1/employees/{id}/start-date", post(start_date::set))
        .route(
            "/v1/people/{id}/salaries",
            get(salaries::list).post(salaries::add),
        )
        .route("/v1/company/people/fields", get(schema::fields))
        .route("/v1/company/named-lists/{list}", get(lists::named_list))
        .route(
            "/v1/docs/people/{id}/confidential/upload",
            post(docs::upload),
        )
        .route("/v1/docs/people/{id}", get(docs::list))
        .route("/downloads/{id}/{doc}", get(docs::download))
        .fallback(|| async { error(404, "Resource not found") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(data)
}

/// Authenticates, checks the permission group (but for the fields metadata, which needs
/// none) and takes one call from `endpoint`'s per-minute allowance; gives the locked data.
// The error is the handler's finished answer, returned once per request: boxing it buys
// nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn gate<'a>(
    data: &'a Shared,
    headers: &HeaderMap,
    endpoint: &'static str,
) -> Result<MutexGuard<'a, Data>, Response> {
    let mut d = data.lock().unwrap_or_else(|p| p.into_inner());
    let Some((user, token)) = basic_auth(headers.get("authorization")) else {
        return Err(error(
            401,
            "Authentication required: HTTP Basic with the service user id and token",
        ));
    };
    let in_group = match d.users.get(&user) {
        Some(u) if u.token == token => u.in_group,
        _ => return Err(error(401, "Invalid service user id or token")),
    };
    if !in_group && endpoint != FIELDS {
        return Err(error(
            403,
            "The service user has no permissions: add it to a permission group",
        ));
    }
    if let Some(&limit) = d.limits.get(endpoint) {
        let now = Instant::now();
        let window = d.windows.entry(endpoint).or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            d.rate_limited += 1;
            return Err(error(
                429,
                &format!("Too many requests: {endpoint} allows {limit} per minute"),
            ));
        }
        window.push_back(now);
    }
    Ok(d)
}
