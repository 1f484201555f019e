//! Fake bob's `PUT /people/{identifier}` (YAML 7615–7680): a PUT that behaves like PATCH.
//! Only fields of the metadata are written, at their `jsonPath`; each value is checked as
//! on create. `root.id` cannot change and the email has its own endpoint
//! (`PUT /people/{id}/email`, YAML 9205), so both are left alone; historical fields (table
//! columns) are ignored by default (switchable), and so are fields the service user may not
//! edit (`Bob::set_editable`), silently, as bob documents; reads may show the employee from
//! before the update for a while (`Bob::set_update_read_delay`). Answers `200`, or `304` when nothing
//! changed ("check the field id and JSON structure", 7673–7677).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::model::Shared;
use super::people::no_employee;
use super::routes::{gate, refuse, UPDATE};
use super::validate::{self, Write};
use super::{openapi, paths};

/// Field ids a `PUT /people/{id}` never writes.
const NOT_HERE: [&str; 2] = ["root.id", "root.email"];

/// `PUT /people/{identifier}`.
pub(crate) async fn update(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut guard = match gate(&s, &h, UPDATE) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let d = &mut *guard;
    let mut body = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(d, "PUT", &uri, vec![e]),
    };
    let violations = openapi::update().check(&body);
    if !violations.is_empty() {
        return refuse(d, "PUT", &uri, violations);
    }
    if d.employee(&id).is_none() {
        return no_employee(&id);
    }
    let verdict = validate::fields(d, &body, Write::Update);
    if !verdict.violations.is_empty() {
        return refuse(d, "PUT", &uri, verdict.violations);
    }
    for segs in &verdict.ignored {
        paths::remove(&mut body, segs);
    }
    let writes: Vec<(Vec<String>, serde_json::Value)> = d
        .fields
        .iter()
        .filter(|f| !NOT_HERE.contains(&f.id.as_str()) && !d.not_editable.contains(&f.id))
        .filter_map(|f| {
            let segs = paths::segments(&f.json_path);
            let v = paths::get(&body, &segs).filter(|_| !segs.is_empty())?;
            Some((segs, v.clone()))
        })
        .collect();
    let lag = d.update_read_delay;
    let Some(e) = d.employee_mut(&id) else {
        return no_employee(&id);
    };
    let before = e.json.clone();
    for (segs, v) in writes {
        paths::set(&mut e.json, &segs, v);
    }
    if e.json == before {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    if !lag.is_zero() {
        e.stale = Some((before, Instant::now() + lag));
    }
    StatusCode::OK.into_response()
}
