//! Lever's JSON shapes: the `{"data": …}` wrapper, paginated lists with an opaque `next`
//! token, the error shape, and each object as the API renders it (quirks included).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};

use super::{Data, LeverFile, Opportunity, Posting};

/// Upper bound of `limit`, and the default.
pub(crate) const MAX_LIMIT: usize = 100;
/// What `uploadedAt` shows for files a test gave no time (2023-11-14).
const DEFAULT_UPLOADED_AT: u64 = 1_700_000_000_000;
/// Prefix inside the opaque page token, so a foreign token is recognised as bad.
const TOKEN_PREFIX: &str = "fake-lever-page:";

/// Lever's error shape: `{"code", "message"}`.
pub(crate) fn error(status: u16, message: &str) -> Response {
    let code = match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        s if s < 500 => "BadRequest",
        _ => "InternalServerError",
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

/// A single object, wrapped.
pub(crate) fn data(v: Value) -> Response {
    Json(json!({ "data": v })).into_response()
}

/// The value of query parameter `k`.
pub(crate) fn param<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// One page of `items` per `limit` (1–100, default 100) and `offset` (the `next` token of
/// the previous page): `{"data": […], "hasNext", "next"?}`. `cap` is the fake's own page
/// size limit: a server may give fewer than `limit`, and clients must follow `next`.
pub(crate) fn page(items: Vec<Value>, q: &[(String, String)], cap: usize) -> Response {
    let limit = match param(q, "limit").map(str::parse::<usize>) {
        None => MAX_LIMIT,
        Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => l,
        _ => return error(400, "limit must be an integer from 1 to 100"),
    };
    let start = match param(q, "offset") {
        None | Some("") => 0,
        Some(token) => match decode_token(token) {
            Some(n) => n,
            None => return error(400, "offset must be the `next` value of the previous page"),
        },
    };
    let start = start.min(items.len());
    let end = (start + limit.min(cap.max(1))).min(items.len());
    let has_next = end < items.len();
    let mut body = json!({"data": items[start..end], "hasNext": has_next});
    if has_next {
        body["next"] = json!(encode_token(end));
    }
    Json(body).into_response()
}

fn encode_token(n: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{n}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix(TOKEN_PREFIX)?
        .parse()
        .ok()
}

/// The `expand` values of the query (`expand=a,b` or repeated).
pub(crate) fn expands(q: &[(String, String)]) -> Vec<String> {
    q.iter()
        .filter(|(k, _)| k == "expand")
        .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
        .collect()
}

/// An opportunity; `stage`, `owner` and `applications` inline objects when expanded.
pub(crate) fn opportunity(d: &Data, o: &Opportunity, expanded: &[String]) -> Value {
    let has = |what: &str| expanded.iter().any(|e| e == what);
    let stage = if has("stage") {
        let text = d
            .stages
            .iter()
            .find(|(id, _)| *id == o.stage)
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        json!({"id": o.stage, "text": text})
    } else {
        json!(o.stage)
    };
    let owner = match (&o.owner, has("owner")) {
        (None, _) => Value::Null,
        (Some(id), false) => json!(id),
        (Some(id), true) => match d.users.iter().find(|u| u.id == *id) {
            Some(u) => json!({"id": u.id, "name": u.name, "email": u.email}),
            None => json!({"id": id}),
        },
    };
    let app_id = format!("app-{}", o.id);
    let applications = match (&o.posting, has("applications")) {
        (None, _) => json!([]),
        (Some(_), false) => json!([app_id]),
        (Some(p), true) => json!([{
            "id": app_id, "type": "posting", "posting": p, "opportunityId": o.id,
            "candidateId": o.id, "createdAt": o.created_at, "user": o.owner,
        }]),
    };
    json!({
        "id": o.id,
        "name": o.name,
        "contact": format!("contact-{}", o.id),
        "headline": "",
        "emails": o.emails,
        "phones": o.phones.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
        "location": o.location,
        "tags": o.tags,
        "stage": stage,
        "archived": o.archived.as_ref().map(|(at, r)| json!({"archivedAt": at, "reason": r})),
        "owner": owner,
        "followers": o.owner.iter().collect::<Vec<_>>(),
        "applications": applications,
        "urls": {
            "list": "https://hire.lever.co/candidates",
            "show": format!("https://hire.lever.co/candidates/{}", o.id),
        },
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "lastInteractionAt": o.updated_at,
        "isAnonymized": false,
    })
}

/// A posting.
pub(crate) fn posting(p: &Posting) -> Value {
    json!({
        "id": p.id, "text": p.text, "state": "published",
        "categories": {"team": p.team, "department": p.department, "location": p.location, "commitment": p.commitment},
    })
}

/// When a file was uploaded (ms).
pub(crate) fn uploaded_at(f: &LeverFile) -> u64 {
    if f.uploaded_at == 0 {
        DEFAULT_UPLOADED_AT
    } else {
        f.uploaded_at
    }
}

/// An offer document: `{fileName, uploadedAt, downloadUrl}`.
pub(crate) fn document(f: &LeverFile, link: String) -> Value {
    json!({"fileName": f.name, "uploadedAt": uploaded_at(f), "downloadUrl": link})
}

/// A resume's `file` object (numbers are numbers here).
pub(crate) fn resume_file(f: &LeverFile, link: String) -> Value {
    json!({
        "name": f.name, "ext": f.ext, "size": f.content.len(), "status": "processed",
        "uploadedAt": uploaded_at(f), "downloadUrl": link,
    })
}

/// An item of `/files`: the quirk is that `size` and `uploadedAt` come as strings.
pub(crate) fn other_file(f: &LeverFile, link: String) -> Value {
    json!({
        "id": f.id, "name": f.name, "ext": f.ext, "status": "processed",
        "size": f.content.len().to_string(), "uploadedAt": uploaded_at(f).to_string(),
        "downloadUrl": link,
    })
}

/// A download: the bytes with a content type and `Content-Disposition` filename, or `422`
/// for a file Lever could not process.
pub(crate) fn download(f: &LeverFile) -> Response {
    if f.unprocessable {
        return error(
            422,
            "The file could not be processed and cannot be downloaded",
        );
    }
    let ext = if f.ext.is_empty() {
        f.name.rsplit('.').next().unwrap_or_default()
    } else {
        &f.ext
    };
    let content_type = match ext.to_ascii_lowercase().as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    // Quotes and control characters would break the header: a fake must not panic on them.
    let safe: String = f
        .name
        .chars()
        .map(|c| {
            if c == '"' || c.is_control() || !c.is_ascii() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{safe}\"; filename*=UTF-8''{}",
        percent(&f.name)
    );
    let headers = [
        ("content-type", content_type.to_string()),
        ("content-disposition", disposition),
    ];
    (StatusCode::OK, headers, f.content.clone()).into_response()
}

/// RFC 5987 percent-encoding of a file name for `filename*`.
fn percent(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
