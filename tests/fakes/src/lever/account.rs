//! Fake Lever's account-wide lists the setup screens read: postings, stages, archive
//! reasons, tags and users. All paginate, so a client that ignores `next` misses items.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::render::{self, data, error, page};
use super::routes::{gate, Q};
use super::{Perm, Shared};

/// `GET /postings`.
pub(crate) async fn postings(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadPostings) {
        Ok(d) => d,
        Err(r) => return r,
    };
    page(
        d.postings.iter().map(render::posting).collect(),
        &q,
        d.page_cap,
    )
}

/// `GET /postings/{id}`.
pub(crate) async fn posting(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, Perm::ReadPostings) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.postings.iter().find(|p| p.id == id) {
        Some(p) => data(render::posting(p)),
        None => error(404, "Posting not found"),
    }
}

/// `GET /stages` → `{id, text}`.
pub(crate) async fn stages(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadStages) {
        Ok(d) => d,
        Err(r) => return r,
    };
    page(
        d.stages
            .iter()
            .map(|(id, t)| json!({"id": id, "text": t}))
            .collect(),
        &q,
        d.page_cap,
    )
}

/// `GET /archive_reasons` → `{id, text, status, type}`.
pub(crate) async fn archive_reasons(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadArchiveReasons) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let items = d
        .reasons
        .iter()
        .map(|r| {
            let status = if r.status.is_empty() {
                "active"
            } else {
                r.status.as_str()
            };
            json!({"id": r.id, "text": r.text, "status": status, "type": r.kind})
        })
        .collect();
    page(items, &q, d.page_cap)
}

/// `GET /tags` → `{text, count}`: the account's tags plus any an opportunity carries, each
/// counted over the opportunities.
pub(crate) async fn tags(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadTags) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut all: Vec<&String> = d.tags.iter().collect();
    for t in d.opportunities.iter().flat_map(|o| o.tags.iter()) {
        if !all.contains(&t) {
            all.push(t);
        }
    }
    let items: Vec<Value> = all
        .iter()
        .map(|t| json!({"text": t, "count": d.opportunities.iter().filter(|o| o.tags.contains(t)).count()}))
        .collect();
    page(items, &q, d.page_cap)
}

/// `GET /users` → `{id, name, email, …}`.
pub(crate) async fn users(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadUsers) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let items = d
        .users
        .iter()
        .map(|u| json!({"id": u.id, "name": u.name, "email": u.email, "accessRole": "team member", "deactivatedAt": null}))
        .collect();
    page(items, &q, d.page_cap)
}
