//! Fake Lever's routing and its gate. Every handler first authenticates (`401`), takes a
//! token from the key's bucket (`429`), checks the endpoint's permission (`403`), and only
//! then looks anything up (`404`), so a missing permission never leaks whether a record
//! exists.

use std::sync::MutexGuard;

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::render::error;
use super::{account, opportunity, Data, Perm, Shared};
use crate::server::basic_auth;

/// Query pairs, in order (repeated keys kept). Extractor rejections become Lever-shaped
/// errors in the server middleware.
pub(crate) type Q = Query<Vec<(String, String)>>;

/// Every `/v1` route.
pub(crate) fn router(data: Shared) -> Router {
    Router::new()
        .route("/v1/opportunities", get(opportunity::list))
        .route("/v1/opportunities/{id}", get(opportunity::one))
        .route("/v1/opportunities/{id}/offers", get(opportunity::offers))
        .route(
            "/v1/opportunities/{id}/offers/{offer}/download",
            get(opportunity::offer_download),
        )
        .route("/v1/opportunities/{id}/resumes", get(opportunity::resumes))
        .route(
            "/v1/opportunities/{id}/resumes/{resume}/download",
            get(opportunity::resume_download),
        )
        .route("/v1/opportunities/{id}/files", get(opportunity::files))
        .route(
            "/v1/opportunities/{id}/files/{file}/download",
            get(opportunity::file_download),
        )
        .route(
            "/v1/opportunities/{id}/notes",
            get(opportunity::notes).post(opportunity::add_note),
        )
        .route("/v1/postings", get(account::postings))
        .route("/v1/postings/{id}", get(account::posting))
        .route("/v1/stages", get(account::stages))
        .route("/v1/archive_reasons", get(account::archive_reasons))
        .route("/v1/tags", get(account::tags))
        .route("/v1/users", get(account::users))
        .fallback(|| async { error(404, "No such resource") })
        .with_state(data)
}

/// Authenticates, rate-limits and checks one permission; gives the locked data.
// The error is the handler's finished answer, returned once per request: boxing it buys
// nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn gate<'a>(
    data: &'a Shared,
    headers: &HeaderMap,
    perm: Perm,
) -> Result<MutexGuard<'a, Data>, Response> {
    let mut d = data.lock().unwrap_or_else(|p| p.into_inner());
    let Some((key, _)) = basic_auth(headers.get("authorization")) else {
        return Err(error(
            401,
            "Missing API key: use HTTP Basic auth with the API key as user name",
        ));
    };
    let Some(perms) = d.keys.get(&key).cloned() else {
        return Err(error(401, "Invalid API key"));
    };
    if !d.take(&key) {
        let mut r = error(429, "Rate limit exceeded, please slow down");
        if d.retry_after {
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
        }
        return Err(r);
    }
    if !perms.contains(&perm) {
        return Err(error(
            403,
            &format!("This API key does not have the {} permission", perm.label()),
        ));
    }
    Ok(d)
}

/// `http://HOST/v1`, as the client addressed this fake, for absolute `downloadUrl`s.
pub(crate) fn base(d: &Data, headers: &HeaderMap) -> String {
    let fallback = d
        .addr
        .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    format!("http://{}/v1", crate::server::host(headers, fallback))
}
