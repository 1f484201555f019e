//! Fake Lever's opportunity routes: the opportunity itself (and the list the dry run
//! searches by email or by recent updates), its offers, resumes, files, their downloads,
//! and its notes.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::render::{self, data, error, expands, page, param};
use super::routes::{base, gate, Q};
use super::{Data, Note, Perm, Shared};

const NOT_FOUND: &str = "Opportunity not found";

/// `GET /opportunities?email=&updated_at_start=&updated_at_end=&limit=&offset=&expand=`.
pub(crate) async fn list(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let d = match gate(&s, &h, Perm::ReadOpportunity) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let emails: Vec<String> = q
        .iter()
        .filter(|(k, _)| k == "email")
        .map(|(_, v)| v.trim().to_lowercase())
        .collect();
    let bound = |name: &str, default: u64| match param(&q, name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{name} must be a timestamp in milliseconds")),
    };
    let (from, to) = match (
        bound("updated_at_start", 0),
        bound("updated_at_end", u64::MAX),
    ) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(m), _) | (_, Err(m)) => return error(400, &m),
    };
    let expanded = expands(&q);
    let items = d
        .opportunities
        .iter()
        .filter(|o| {
            emails.is_empty() || o.emails.iter().any(|m| emails.contains(&m.to_lowercase()))
        })
        .filter(|o| (from..=to).contains(&o.updated_at))
        .map(|o| render::opportunity(&d, o, &expanded))
        .collect();
    page(items, &q, d.page_cap)
}

/// `GET /opportunities/{id}?expand=applications,stage,owner`.
pub(crate) async fn one(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    let d = match gate(&s, &h, Perm::ReadOpportunity) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.opp(&id) {
        Some(o) => data(render::opportunity(&d, o, &expands(&q))),
        None => error(404, NOT_FOUND),
    }
}

/// `GET /opportunities/{id}/offers`.
pub(crate) async fn offers(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::ReadOffers, &id, &q, |d, base| {
        of(&d.offers, &id)
            .iter()
            .map(|o| {
                let link = |st: &str| format!("{base}/opportunities/{id}/offers/{}/download?status={st}", o.id);
                let fields: Vec<Value> =
                    o.fields.iter().map(|f| json!({"text": f.text, "identifier": f.identifier, "value": f.value})).collect();
                json!({
                    "id": o.id,
                    "status": o.status,
                    "createdAt": o.created_at,
                    "creator": d.opp(&id).and_then(|x| x.owner.clone()),
                    "fields": fields,
                    "sentDocument": o.sent_document.as_ref().map(|f| render::document(f, link("sent"))),
                    "signedDocument": o.signed_document.as_ref().map(|f| render::document(f, link("signed"))),
                })
            })
            .collect()
    })
}

/// `GET /opportunities/{id}/offers/{offer}/download?status=signed|sent` (default: signed).
pub(crate) async fn offer_download(
    State(s): State<Shared>,
    h: HeaderMap,
    Path((id, offer)): Path<(String, String)>,
    q: Q,
) -> Response {
    let d = match gate(&s, &h, Perm::DownloadOffer) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let signed = match param(&q, "status") {
        None | Some("signed") => true,
        Some("sent") => false,
        Some(other) => {
            return error(
                400,
                &format!("status must be signed or sent, not {other:?}"),
            )
        }
    };
    let offer = d
        .offers
        .get(&id)
        .and_then(|os| os.iter().find(|o| o.id == offer));
    let file = offer.and_then(|o| {
        if signed {
            o.signed_document.as_ref()
        } else {
            o.sent_document.as_ref()
        }
    });
    match file {
        Some(f) => render::download(f),
        None => error(404, "Offer file not found"),
    }
}

/// `GET /opportunities/{id}/resumes`: entries may lack `file`.
pub(crate) async fn resumes(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::ReadResumes, &id, &q, |d, base| {
        of(&d.resumes, &id)
            .iter()
            .map(|r| {
                let mut v =
                    json!({"id": r.id, "createdAt": r.file.as_ref().map(render::uploaded_at)});
                if let Some(f) = &r.file {
                    let link = format!("{base}/opportunities/{id}/resumes/{}/download", r.id);
                    v["file"] = render::resume_file(f, link);
                }
                v
            })
            .collect()
    })
}

/// `GET /opportunities/{id}/resumes/{resume}/download`.
pub(crate) async fn resume_download(
    State(s): State<Shared>,
    h: HeaderMap,
    Path((id, resume)): Path<(String, String)>,
) -> Response {
    let d = match gate(&s, &h, Perm::DownloadResume) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d
        .resumes
        .get(&id)
        .and_then(|rs| rs.iter().find(|r| r.id == resume))
        .and_then(|r| r.file.as_ref())
    {
        Some(f) => render::download(f),
        None => error(404, "Resume file not found"),
    }
}

/// `GET /opportunities/{id}/files`: `size` and `uploadedAt` are strings here.
pub(crate) async fn files(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::ReadFiles, &id, &q, |d, base| {
        of(&d.files, &id)
            .iter()
            .map(|f| {
                let link = format!("{base}/opportunities/{id}/files/{}/download", f.id);
                render::other_file(f, link)
            })
            .collect()
    })
}

/// `GET /opportunities/{id}/files/{file}/download`.
pub(crate) async fn file_download(
    State(s): State<Shared>,
    h: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let d = match gate(&s, &h, Perm::DownloadFile) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d
        .files
        .get(&id)
        .and_then(|fs| fs.iter().find(|f| f.id == file))
    {
        Some(f) => render::download(f),
        None => error(404, "File not found"),
    }
}

/// `GET /opportunities/{id}/notes`, newest first; each note gives its text as `text` and
/// `value`.
pub(crate) async fn notes(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::ReadNotes, &id, &q, |d, _| {
        of(&d.notes, &id)
            .iter()
            .rev()
            .map(|n| {
                json!({
                    "id": n.id, "text": n.value, "value": n.value,
                    "fields": [{"type": "text", "text": "", "value": n.value}],
                    "user": n.perform_as, "secret": n.secret, "createdAt": n.created_at,
                })
            })
            .collect()
    })
}

/// `POST /opportunities/{id}/notes?perform_as=` with `{"value", "secret", "notifyFollowers"}`
/// → `201 {"data": {"noteId"}}`.
pub(crate) async fn add_note(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
    body: Bytes,
) -> Response {
    let mut d = match gate(&s, &h, Perm::CreateNote) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if d.opp(&id).is_none() {
        return error(404, NOT_FOUND);
    }
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "Request body must be a JSON object");
    };
    let Some(text) = v
        .get("value")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
    else {
        return error(400, "Missing required field: value");
    };
    let flag = |k: &'static str| v.get(k).map(|x| x.as_bool().ok_or(k)).transpose();
    let (secret, notify) = match (flag("secret"), flag("notifyFollowers")) {
        (Ok(s), Ok(n)) => (s.unwrap_or(false), n.unwrap_or(false)),
        (Err(k), _) | (_, Err(k)) => return error(400, &format!("{k} must be a boolean")),
    };
    let perform_as = param(&q, "perform_as")
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(p) = &perform_as {
        if !d.users.iter().any(|u| u.id == *p) {
            return error(400, &format!("perform_as: no user with id {p}"));
        }
    }
    let note = Note {
        id: d.id("note"),
        value: text.to_string(),
        perform_as,
        created_at: crate::clock::now_ms(),
        secret,
        notify_followers: notify,
    };
    let note_id = note.id.clone();
    d.notes.entry(id).or_default().push(note);
    (
        StatusCode::CREATED,
        Json(json!({"data": {"noteId": note_id}})),
    )
        .into_response()
}

/// A list that belongs to one opportunity (offers, resumes, files, notes): the key needs
/// `perm`, the opportunity must exist, and `items` renders the entries, given the base URL
/// their download links start with.
fn per_opportunity(
    s: &Shared,
    h: &HeaderMap,
    perm: Perm,
    id: &str,
    q: &[(String, String)],
    items: impl FnOnce(&Data, &str) -> Vec<Value>,
) -> Response {
    let d = match gate(s, h, perm) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if d.opp(id).is_none() {
        return error(404, NOT_FOUND);
    }
    let base = base(&d, h);
    let items = items(&d, &base);
    page(items, q, d.page_cap)
}

/// The entries kept for one opportunity.
fn of<'a, T>(by_opp: &'a HashMap<String, Vec<T>>, id: &str) -> &'a [T] {
    by_opp.get(id).map(Vec::as_slice).unwrap_or_default()
}
