//! Fake bob's documents: multipart upload of the required part `file` into an employee's
//! confidential folder (YAML 690–739; 5 MB per file), answered in the selected
//! `UploadAnswer` shape since bob documents only "Uploaded document ID."; the list of an
//! employee's documents, `{documents: [{documentName, downloadLink}]}` and nothing else
//! (`EmployeeDocumentWithDownloadLink`, YAML 640–672); and the download links themselves.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::model::{Shared, StoredDoc, UploadAnswer};
use super::routes::{error, gate, refuse, refuse_with, DOCUMENTS, UPLOAD};
use super::BobDocument;
use crate::server::host;

/// bob's limit per uploaded file.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// `POST /docs/people/{id}/confidential/upload` → the document id, in the selected shape.
pub(crate) async fn upload(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    // Authenticate (and count the call) before reading the body.
    if let Err(r) = gate(&s, &h, UPLOAD) {
        return r;
    }
    let read = match form {
        Ok(f) => read_file_part(f).await,
        Err(e) => Err((400, format!("body: must be multipart/form-data ({e})"))),
    };
    let mut d = s.lock().unwrap_or_else(|p| p.into_inner());
    let (name, content) = match read {
        Ok(f) => f,
        Err((400, v)) => return refuse(&mut d, "POST", &uri, vec![v]),
        Err((status, v)) => return error(status, &v),
    };
    if content.len() > MAX_DOCUMENT_BYTES {
        let v = format!(
            "file: {name} is {} bytes: the limit is 5 MB per file",
            content.len()
        );
        return refuse_with(&mut d, 413, "POST", &uri, vec![v]);
    }
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
    d.docs.entry(id).or_default().push(StoredDoc { doc });
    match d.switches.upload_answer {
        UploadAnswer::Id => Json(json!({"id": doc_id})).into_response(),
        UploadAnswer::DocId => Json(json!({"docId": doc_id.to_string()})).into_response(),
        UploadAnswer::Bare => Json(json!(doc_id)).into_response(),
        UploadAnswer::Text => Json(json!(doc_id.to_string())).into_response(),
        UploadAnswer::Plain => (
            StatusCode::OK,
            [("content-type", "text/plain; charset=utf-8")],
            doc_id.to_string(),
        )
            .into_response(),
    }
}

/// The name and bytes of the multipart part `file`; (status, violation) when it is
/// missing, nameless, or unreadable.
async fn read_file_part(mut form: Multipart) -> Result<(String, Vec<u8>), (u16, String)> {
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err((400, "file: the multipart part 'file' is required".into())),
            Err(e) => {
                return Err((
                    e.status().as_u16(),
                    format!("body: unreadable multipart body ({e})"),
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
            return Err((400, "file: the part 'file' needs a filename".into()));
        };
        return match field.bytes().await {
            Ok(b) => Ok((name, b.to_vec())),
            Err(e) => Err((e.status().as_u16(), format!("file: unreadable part ({e})"))),
        };
    }
}

/// `GET /docs/people/{id}` → `{"documents": [{"documentName", "downloadLink"}]}`.
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
    let base = match d.addr {
        Some(addr) => format!("http://{}", host(&h, addr)),
        None => String::new(),
    };
    let docs: Vec<Value> = d
        .docs
        .get(&id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| {
            json!({
                "documentName": s.doc.name,
                "downloadLink": format!("{base}/downloads/{id}/{}", s.doc.id),
            })
        })
        .collect();
    Json(json!({"documents": docs})).into_response()
}

/// `GET /downloads/{id}/{doc}`: a document's bytes, as a signed link would give them (no
/// auth).
pub(crate) async fn download(
    State(s): State<Shared>,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let d = s.lock().unwrap_or_else(|p| p.into_inner());
    match d
        .docs
        .get(&id)
        .and_then(|v| v.iter().find(|s| s.doc.id == doc))
    {
        Some(s) => (
            StatusCode::OK,
            [("content-type", "application/octet-stream")],
            s.doc.content.clone(),
        )
            .into_response(),
        None => error(404, "Document not found"),
    }
}
