//! Fake Lever's routing and its gate. Every handler first authenticates (`401`), takes a
//! token from the key's bucket (`429`), checks the endpoint's checkbox (`403` naming it),
//! and only then looks anything up (`404`), so a missing permission never leaks whether a
//! record exists. Confidential records need the key's confidential toggle on top (`403`
//! with a message of its own: the fix is a new key, not a checkbox).

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;

use super::render::error;
use super::{account, moves, notes, opportunity, papers, webhooks};
use super::{Data, Opportunity, Perm, Shared, CONFIDENTIAL_TOGGLE};
use crate::server::basic_auth;

/// Query pairs, in order (repeated keys kept). Extractor rejections become Lever-shaped
/// errors in the server middleware.
pub(crate) type Q = Query<Vec<(String, String)>>;

/// The 403 for confidential data read with a key that lacks the toggle.
pub(crate) fn confidential_denied() -> Response {
    error(
        403,
        &format!(
            "This API key has no access to confidential data: \"{CONFIDENTIAL_TOGGLE}\" was \
             not selected when the key was created"
        ),
    )
}

/// Every `/v1` route.
pub(crate) fn router(data: Shared) -> Router {
    Router::new()
        .route("/v1/opportunities", get(opportunity::list))
        .route("/v1/opportunities/deleted", get(opportunity::deleted))
        .route("/v1/opportunities/{id}", get(opportunity::one))
        .route("/v1/opportunities/{id}/offers", get(papers::offers))
        .route(
            "/v1/opportunities/{id}/offers/{offer}/download",
            get(papers::offer_download),
        )
        .route("/v1/opportunities/{id}/resumes", get(papers::resumes))
        .route(
            "/v1/opportunities/{id}/resumes/{resume}/download",
            get(papers::resume_download),
        )
        .route("/v1/opportunities/{id}/files", get(papers::files))
        .route(
            "/v1/opportunities/{id}/files/{file}/download",
            get(papers::file_download),
        )
        .route(
            "/v1/opportunities/{id}/notes",
            get(notes::list).post(notes::create),
        )
        .route("/v1/opportunities/{id}/stage", put(moves::stage))
        .route("/v1/opportunities/{id}/addTags", post(moves::add_tags))
        .route("/v1/opportunities/{id}/archived", put(moves::archived))
        .route("/v1/postings", get(account::postings))
        .route("/v1/postings/{id}", get(account::posting))
        .route("/v1/stages", get(account::stages))
        .route("/v1/stages/{id}", get(account::stage))
        .route("/v1/archive_reasons", get(account::archive_reasons))
        .route("/v1/archive_reasons/{id}", get(account::archive_reason))
        .route("/v1/tags", get(account::tags))
        .route("/v1/users", get(account::users))
        .route("/v1/users/{id}", get(account::user))
        .route("/v1/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/v1/webhooks/{id}", delete(webhooks::remove))
        .fallback(|| async { error(404, "No such resource") })
        .with_state(data)
}

/// The locked data, for a request that passed the gate, and what its key may see.
pub(crate) struct Access<'a> {
    data: MutexGuard<'a, Data>,
    /// The key has "Allow access to confidential data".
    pub confidential: bool,
}

impl Deref for Access<'_> {
    type Target = Data;
    fn deref(&self) -> &Data {
        &self.data
    }
}

impl DerefMut for Access<'_> {
    fn deref_mut(&mut self) -> &mut Data {
        &mut self.data
    }
}

impl Access<'_> {
    /// `Err(403)` when `o` is confidential and the key may not see confidential data.
    #[allow(clippy::result_large_err)]
    pub(crate) fn may_read(&self, o: &Opportunity) -> Result<(), Response> {
        if self.data.is_confidential(o) && !self.confidential {
            Err(confidential_denied())
        } else {
            Ok(())
        }
    }
}

/// Authenticates, rate-limits and checks one permission; gives the locked data.
// The error is the handler's finished answer, returned once per request: boxing it buys
// nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn gate<'a>(
    data: &'a Shared,
    headers: &HeaderMap,
    perm: Perm,
) -> Result<Access<'a>, Response> {
    let mut d = data.lock().unwrap_or_else(|p| p.into_inner());
    let Some((key, _)) = basic_auth(headers.get("authorization")) else {
        return Err(error(
            401,
            "Missing API key: use HTTP Basic auth with the API key as user name",
        ));
    };
    let Some(k) = d.keys.get(&key).cloned() else {
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
    if !k.perms.contains(&perm) {
        return Err(error(
            403,
            &format!(
                "This API key does not have the \"{}\" permission",
                perm.label()
            ),
        ));
    }
    Ok(Access {
        data: d,
        confidential: k.confidential,
    })
}

/// [`gate`] for a call on one record: when the key lacks `perm` and the record does not
/// exist (`exists` is false), the fake answers as [`UnknownIdAnswer`] says (Lever does not
/// document which comes first).
#[allow(clippy::result_large_err)]
pub(crate) fn gate_id<'a>(
    data: &'a Shared,
    headers: &HeaderMap,
    perm: Perm,
    exists: impl FnOnce(&Data) -> bool,
    not_found: &str,
) -> Result<Access<'a>, Response> {
    match gate(data, headers, perm) {
        Err(r) if r.status() == axum::http::StatusCode::FORBIDDEN => {
            let d = data.lock().unwrap_or_else(|p| p.into_inner());
            if d.switches.unknown_id == UnknownIdAnswer::NotFoundFirst && !exists(&d) {
                Err(error(404, not_found))
            } else {
                Err(r)
            }
        }
        other => other,
    }
}

/// What Lever answers a key that lacks a call's checkbox when the call names a record that
/// does not exist: undocumented, so both are modelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnknownIdAnswer {
    /// 403: the checkbox is checked before the id is looked up (the default).
    #[default]
    ForbiddenFirst,
    /// 404: the id is looked up first, so a made-up id says nothing about the key.
    NotFoundFirst,
}

/// `http://HOST/v1`, as the client addressed this fake, for absolute `downloadUrl`s.
pub(crate) fn base(d: &Data, headers: &HeaderMap) -> String {
    let fallback = d
        .addr
        .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    format!("http://{}/v1", crate::server::host(headers, fallback))
}
