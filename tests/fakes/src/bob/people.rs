//! Fake bob's people reads: `POST /people/search` (the request schema of `openapi::search`,
//! one `equals` filter on `root.id` or `root.email` at most, no paging, active employees
//! only unless `showInactive`) and `GET /people/{id}`. A created employee stays invisible
//! to both until the configured read delay has passed.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::model::Shared;
use super::openapi;
use super::render::{self, Format};
use super::routes::{error, gate, refuse, READ, SEARCH};
use super::{paths, Data};

/// `POST /people/search` with `{"fields", "filters", "showInactive", "humanReadable"}` →
/// `{"employees": [...]}`.
pub(crate) async fn search(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut d = match gate(&s, &h, SEARCH) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let req = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(&mut d, "POST", &uri, vec![e]),
    };
    let violations = openapi::search().check(&req);
    if !violations.is_empty() {
        return refuse(&mut d, "POST", &uri, violations);
    }
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let fields = strings(req.get("fields"));
    let filter = req.pointer("/filters/0").map(|f| {
        let path = f
            .get("fieldPath")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let wanted: Vec<String> = strings(f.get("values"))
            .iter()
            .map(|v| v.to_lowercase())
            .collect();
        (paths::resolve(&d.fields, path), wanted)
    });
    let show_inactive = req
        .get("showInactive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let format = Format::from_flag(req.get("humanReadable").and_then(Value::as_str));
    let today = d.today();
    let found: Vec<Value> = d
        .employees
        .iter()
        .filter(|e| e.readable() && (show_inactive || e.active_on(&today)))
        .filter(|e| {
            filter
                .as_ref()
                .is_none_or(|(segs, values)| matches(&e.json, segs, values))
        })
        .map(|e| render::employee(&d, &e.read_view(&today), &fields, format))
        .collect();
    Json(json!({"employees": found})).into_response()
}

/// Whether the value at `segs` is one of `values` (lowercased: emails compare
/// case-insensitively).
fn matches(employee: &Value, segs: &[String], values: &[String]) -> bool {
    let got = match paths::get(employee, segs) {
        Some(Value::String(s)) => s.to_lowercase(),
        Some(Value::Null) | None => return false,
        Some(other) => other.to_string().to_lowercase(),
    };
    values.contains(&got)
}

/// `GET /people/{id}`: the stored employee once readable (without unreadable fields),
/// else `404`.
pub(crate) async fn read(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, READ) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.employee(&id).filter(|e| e.readable()) {
        Some(e) => Json(render::without_hidden(&d, e.read_view(&d.today()))).into_response(),
        None => error(404, &format!("Employee {id} not found")),
    }
}

/// The 404 of a write to an employee that does not exist.
pub(crate) fn no_employee(id: &str) -> Response {
    error(404, &format!("Employee {id} not found"))
}

/// Whether `id` is an existing employee's id or email (a work entry's `reportsTo.id`).
pub(crate) fn is_employee(d: &Data, id: &str) -> bool {
    d.employee(id).is_some() || d.email_taken(id)
}
