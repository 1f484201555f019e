//! Fake Lever's account-wide records the setup screens read: postings, stages, archive
//! reasons, tags and users, each as a list ("Find all …") and, where Lever has one, as a
//! single item ("Find a …"). Lists paginate, so a client that ignores `next` misses items.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::filters::{canonical_email, Confidentiality};
use super::paging::{flag, page, param, params};
use super::render::{self, data, error};
use super::routes::{confidential_denied, gate, gate_id, Q};
use super::{ArchiveReason, Perm, Shared};

/// `GET /postings?confidentiality=` (default `non-confidential`, as for opportunities).
pub(crate) async fn postings(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllPostings) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let conf = match Confidentiality::parse(&q) {
        Ok(c) => c,
        Err(m) => return error(400, &m),
    };
    if conf.asks_confidential() && !d.confidential {
        return confidential_denied();
    }
    let items = d
        .postings
        .iter()
        .filter(|p| conf.includes(p.confidential))
        .map(render::posting)
        .collect();
    page(&mut d, items, &q)
}

/// `GET /postings/{id}`: a confidential posting needs the key's confidential toggle.
pub(crate) async fn posting(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate_id(
        &s,
        &h,
        Perm::FindPosting,
        |d| d.posting(&id).is_some(),
        "Posting not found",
    ) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.posting(&id) {
        Some(p) if p.confidential && !d.confidential => confidential_denied(),
        Some(p) => data(render::posting(p)),
        None => error(404, "Posting not found"),
    }
}

/// `GET /stages` → `{id, text}`.
pub(crate) async fn stages(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllStages) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let items = d
        .stages
        .iter()
        .map(|(id, t)| json!({"id": id, "text": t}))
        .collect();
    page(&mut d, items, &q)
}

/// `GET /stages/{id}`.
pub(crate) async fn stage(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, Perm::FindStage) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.stages.iter().find(|(i, _)| *i == id) {
        Some((i, t)) => data(json!({"id": i, "text": t})),
        None => error(404, "Stage not found"),
    }
}

/// An archive reason: `{id, text, status, type}`.
fn reason(r: &ArchiveReason) -> Value {
    let status = if r.status.is_empty() {
        "active"
    } else {
        r.status.as_str()
    };
    json!({"id": r.id, "text": r.text, "status": status, "type": r.kind})
}

/// `GET /archive_reasons?type=hired|non-hired` → `{id, text, status, type}`. With the
/// switch on, a `type`-filtered answer is one object, as Lever's docs example shows.
pub(crate) async fn archive_reasons(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllArchiveReasons) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let kind = match param(&q, "type") {
        None => None,
        Some(k @ ("hired" | "non-hired")) => Some(k),
        Some(other) => {
            return error(
                400,
                &format!("type must be hired or non-hired, not {other:?}"),
            )
        }
    };
    let items: Vec<Value> = d
        .reasons
        .iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .map(reason)
        .collect();
    if kind.is_some() && d.switches.typed_reasons_as_object {
        return data(items.into_iter().next().unwrap_or(Value::Null));
    }
    page(&mut d, items, &q)
}

/// `GET /archive_reasons/{id}`.
pub(crate) async fn archive_reason(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, Perm::FindArchiveReason) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.reasons.iter().find(|r| r.id == id) {
        Some(r) => data(reason(r)),
        None => error(404, "Archive reason not found"),
    }
}

/// `GET /tags` → `{text, count}`: the account's tags plus any an opportunity carries, each
/// counted over the opportunities.
pub(crate) async fn tags(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllTags) {
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
    page(&mut d, items, &q)
}

/// `GET /users?email=&includeDeactivated=&accessRole=` → a list, even for an email:
/// `email` must equal the user's canonicalized email, deactivated users are left out
/// unless `includeDeactivated=true`, `accessRole` (or `accessRole[]`) repeats as a union.
pub(crate) async fn users(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllUsers) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let deactivated = match flag(&q, "includeDeactivated") {
        Ok(f) => f.unwrap_or(false),
        Err(m) => return error(400, &m),
    };
    let email = param(&q, "email").map(canonical_email);
    let mut roles = params(&q, "accessRole");
    roles.extend(params(&q, "accessRole[]"));
    let items = d
        .users
        .iter()
        .filter(|u| deactivated || u.deactivated_at.is_none())
        .filter(|u| {
            email
                .as_ref()
                .is_none_or(|e| canonical_email(&u.email) == *e)
        })
        .map(render::user)
        .filter(|u| roles.is_empty() || roles.iter().any(|r| u["accessRole"] == *r))
        .collect();
    page(&mut d, items, &q)
}

/// `GET /users/{id}` (deactivated users too).
pub(crate) async fn user(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, Perm::FindUser) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.users.iter().find(|u| u.id == id) {
        Some(u) => data(render::user(u)),
        None => error(404, "User not found"),
    }
}
