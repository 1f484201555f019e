//! Lever's JSON shapes: the `{"data": …}` wrapper, the error shape, and each object as the
//! API renders it (quirks included). Paging lives in `paging`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{ArchiveShape, Data, LeverFile, Note, Opportunity, Posting, User};

/// What `uploadedAt` shows for files a test gave no time (2023-11-14).
const DEFAULT_UPLOADED_AT: u64 = 1_700_000_000_000;

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

/// An opportunity; `stage`, `owner` and `applications` inline objects when expanded.
/// `location` is the contact's own; `opportunityLocation` is the posting's (or absent).
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
            Some(u) => user(u),
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
    let phones: Vec<Value> = o
        .phones
        .iter()
        .map(|(t, v)| {
            if t.is_empty() {
                json!({"value": v})
            } else {
                json!({"type": t, "value": v})
            }
        })
        .collect();
    let confidentiality = if d.is_confidential(o) {
        "confidential"
    } else {
        "non-confidential"
    };
    let mut v = json!({
        "id": o.id,
        "name": o.name,
        "contact": contact(o),
        "headline": "",
        "emails": o.emails,
        "phones": phones,
        "confidentiality": confidentiality,
        "location": o.location,
        "links": o.links,
        "tags": o.tags,
        "sources": [],
        "origin": origin(o),
        "sourcedBy": null,
        "stage": stage,
        "stageChanges": [],
        "owner": owner,
        "followers": o.owner.iter().collect::<Vec<_>>(),
        "applications": applications,
        "resume": null,
        "urls": {
            "list": "https://hire.lever.co/candidates",
            "show": format!("https://hire.lever.co/candidates/{}", o.id),
        },
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "lastInteractionAt": o.updated_at,
        "lastAdvancedAt": o.updated_at,
        "snoozedUntil": null,
        "dataProtection": o.data_protection.clone().unwrap_or(Value::Null),
        "isAnonymized": o.anonymized,
    });
    let archived = o.archived.as_ref();
    match d.switches.archive_shape {
        ArchiveShape::Nested => {
            v["archived"] = json!(archived.map(|(at, r)| json!({"archivedAt": at, "reason": r})));
        }
        ArchiveShape::TopLevel => {
            v["archivedAt"] = json!(archived.map(|(at, _)| at));
            v["archiveReason"] = json!(archived.map(|(_, r)| r));
        }
    }
    if let Some(l) = opportunity_location(d, o) {
        v["opportunityLocation"] = json!(l);
    }
    v
}

/// The contact id: the one given, else one derived from the opportunity.
pub(crate) fn contact(o: &Opportunity) -> String {
    if o.contact.is_empty() {
        format!("contact-{}", o.id)
    } else {
        o.contact.clone()
    }
}

/// The origin, `applied` when none was given.
pub(crate) fn origin(o: &Opportunity) -> &str {
    if o.origin.is_empty() {
        "applied"
    } else {
        &o.origin
    }
}

/// `opportunityLocation`: the one given, else the posting's location; `None` (absent)
/// without a posting, for a posting without a location, or when given as `""`.
pub(crate) fn opportunity_location(d: &Data, o: &Opportunity) -> Option<String> {
    let l = match &o.opportunity_location {
        Some(l) => l.clone(),
        None => d.posting(o.posting.as_deref()?)?.location.clone(),
    };
    (!l.is_empty()).then_some(l)
}

/// A user, as `GET /users` gives it.
pub(crate) fn user(u: &User) -> Value {
    let role = if u.access_role.is_empty() {
        "team member"
    } else {
        u.access_role.as_str()
    };
    let username = u.email.split('@').next().unwrap_or_default();
    json!({
        "id": u.id, "name": u.name, "username": username, "email": u.email,
        "createdAt": DEFAULT_UPLOADED_AT, "deactivatedAt": u.deactivated_at,
        "accessRole": role, "photo": null, "externalDirectoryId": null,
        "linkedContactIds": null, "jobTitle": null, "managerId": null,
    })
}

/// A note as Lever's notes list gives it: the form titled "Note" with one `note` field
/// whose `value` is the text.
pub(crate) fn note(n: &Note) -> Value {
    json!({
        "id": n.id,
        "text": "Note",
        "fields": [{
            "type": "note", "text": "Comment", "value": n.value, "createdAt": n.created_at,
            "user": n.perform_as, "score": n.score, "stage": n.stage,
        }],
        "user": n.perform_as,
        "secret": n.secret,
        "createdAt": n.created_at,
        "completedAt": n.created_at,
        "deletedAt": n.deleted_at,
    })
}

/// A posting.
pub(crate) fn posting(p: &Posting) -> Value {
    let confidentiality = if p.confidential {
        "confidential"
    } else {
        "non-confidential"
    };
    json!({
        "id": p.id, "text": p.text, "state": "published", "confidentiality": confidentiality,
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
