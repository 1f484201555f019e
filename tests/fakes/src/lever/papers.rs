//! An opportunity's papers: offers, resumes and other files ("Find all …" lists) and their
//! downloads (their own checkboxes). All of them belong to one opportunity, so a
//! confidential opportunity's papers need the key's confidential toggle too.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::opportunity::NOT_FOUND;
use super::paging::{page, param};
use super::render::{self, error};
use super::routes::{base, gate_id, Access, Q};
use super::{Data, Perm, Shared};

/// `GET /opportunities/{id}/offers`.
pub(crate) async fn offers(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::FindAllOffers, &id, &q, |d, base| {
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
                    "signatures": {},
                    "sentDocument": o.sent_document.as_ref().map(|f| render::document(f, link("sent"))),
                    "signedDocument": o.signed_document.as_ref().map(|f| render::document(f, link("signed"))),
                })
            })
            .collect()
    })
}

/// `GET /opportunities/{id}/offers/{offer}/download?status=signed|sent`; without
/// `status`, the newest document: the signed one if there is one, else the sent one.
pub(crate) async fn offer_download(
    State(s): State<Shared>,
    h: HeaderMap,
    Path((id, offer)): Path<(String, String)>,
    q: Q,
) -> Response {
    let known = |d: &Data| of(&d.offers, &id).iter().any(|o| o.id == offer);
    let d = match opened_with(&s, &h, Perm::DownloadOffer, &id, known) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let wanted = match param(&q, "status") {
        None => None,
        Some("signed") => Some(true),
        Some("sent") => Some(false),
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
    let file = offer.and_then(|o| match wanted {
        Some(true) => o.signed_document.as_ref(),
        Some(false) => o.sent_document.as_ref(),
        None => o.signed_document.as_ref().or(o.sent_document.as_ref()),
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
    per_opportunity(&s, &h, Perm::FindAllResumes, &id, &q, |d, base| {
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
    let known = |d: &Data| of(&d.resumes, &id).iter().any(|r| r.id == resume);
    let d = match opened_with(&s, &h, Perm::DownloadResume, &id, known) {
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
    per_opportunity(&s, &h, Perm::FindAllFiles, &id, &q, |d, base| {
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
    let known = |d: &Data| of(&d.files, &id).iter().any(|f| f.id == file);
    let d = match opened_with(&s, &h, Perm::DownloadFile, &id, known) {
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

/// Passes the gate for `perm`, then requires opportunity `id` to exist (`404`) and to be
/// readable by the key (`403` for confidential data without the toggle).
#[allow(clippy::result_large_err)]
pub(crate) fn opened<'a>(
    s: &'a Shared,
    h: &HeaderMap,
    perm: Perm,
    id: &str,
) -> Result<Access<'a>, Response> {
    opened_with(s, h, perm, id, |_| true)
}

/// [`opened`] for a call that also names one of the opportunity's papers: whether it
/// exists (`known`) counts too when the fake answers 404 before 403.
#[allow(clippy::result_large_err)]
pub(crate) fn opened_with<'a>(
    s: &'a Shared,
    h: &HeaderMap,
    perm: Perm,
    id: &str,
    known: impl FnOnce(&Data) -> bool,
) -> Result<Access<'a>, Response> {
    let exists = |d: &Data| d.opp(id).is_some() && known(d);
    let d = gate_id(s, h, perm, exists, NOT_FOUND)?;
    let Some(o) = d.opp(id) else {
        return Err(error(404, NOT_FOUND));
    };
    d.may_read(o)?;
    Ok(d)
}

/// A list that belongs to one opportunity (offers, resumes, files, notes): see
/// [`opened`]; `items` renders the entries, given the base URL their download links
/// start with.
pub(crate) fn per_opportunity(
    s: &Shared,
    h: &HeaderMap,
    perm: Perm,
    id: &str,
    q: &[(String, String)],
    items: impl FnOnce(&Data, &str) -> Vec<Value>,
) -> Response {
    let mut d = match opened(s, h, perm, id) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let base = base(&d, h);
    let items = items(&d, &base);
    page(&mut d, items, q)
}

/// The entries kept for one opportunity.
pub(crate) fn of<'a, T>(by_opp: &'a HashMap<String, Vec<T>>, id: &str) -> &'a [T] {
    by_opp.get(id).map(Vec::as_slice).unwrap_or_default()
}
