//! Fake bob's documents: multipart upload of part `file` into an employee's confidential
//! folder (5 MB per file), and the list of an employee's documents, which clients read
//! after a crash to avoid uploading twice.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::routes::{error, gate, DOCUMENTS, UPLOAD};
use super::{BobDocument, Shared, StoredDoc};
use crate::clock;

/// bob's limit per uploaded file.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// `POST /docs/people/{id}/confidential/upload` → `{"id": <number>}`.
pub(crate) async fn upload(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    // Authenticate (and count the call) before looking at the body.
    if let Err(r) = gate(&s, &h, UPLOAD) {
        return r;
    }
    let form = match form {
        Ok(f) => f,
        Err(e) => return error(400, &format!("The body must be multipart/form-data: {e}")),
    };
    let (name, content) = match read_file_part(form).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if content.len() > MAX_DOCUMENT_BYTES {
        return error(
            413,
            &format!(
                "File {name} is {} bytes: the limit is 5 MB per file",
                content.len()
            ),
        );
    }
    let mut d = s.lock().unwrap_or_else(|p| p.into_inner());
    if d.employee(&id).is_none() {
        return error(404, &format!("Employee {id} not found"));
    }
    let doc_id = d.next_id();
    let doc = BobDocument {
        id: doc_id.to_string(),
        name,
        size: content.len(),
        content,
    };
    d.docs.entry(id).or_default().push(StoredDoc {
        doc,
        uploaded_at: clock::now_ms(),
    });
    Json(json!({"id": doc_id})).into_response()
}

/// The name and bytes of the multipart part `file`; bob's `400` when it is missing,
/// nameless, or the body is not multipart.
async fn read_file_part(mut form: Multipart) -> Result<(String, Vec<u8>), Response> {
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err(error(400, "The multipart part 'file' is required")),
            Err(e) => {
                return Err(error(
                    e.status().as_u16(),
                    &format!("Unreadable multipart body: {e}"),
                ))
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let Some(name) = field
            .file_name()
            .map(str::to_string)
            .filter(|n| !n.trim().is_empty())
        else {
            return Err(error(400, "The part 'file' needs a filename"));
        };
        return match field.bytes().await {
            Ok(b) => Ok((name, b.to_vec())),
            Err(e) => Err(error(
                e.status().as_u16(),
                &format!("Unreadable part 'file': {e}"),
            )),
        };
    }
}

/// `GET /docs/people/{id}` → `{"documents": [{id, name, folderId, uploadedAt}]}`.
pub(crate) async fn list(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, DOCUMENTS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if d.employee(&id).is_none() {
        return error(404, &format!("Employee {id} not found"));
    }
    let docs: Vec<Value> = d
        .docs
        .get(&id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let id: Value = s.doc.id.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(s.doc.id));
            json!({"id": id, "name": s.doc.name, "folderId": "confidential", "uploadedAt": clock::iso_utc(s.uploaded_at)})
        })
        .collect();
    Json(json!({"documents": docs})).into_response()
}
