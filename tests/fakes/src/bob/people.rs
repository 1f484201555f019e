//! Fake bob's people routes: search (one filter at most, no paging, inactive employees only
//! on request), create (validated, unique email), and read by id. A created employee stays
//! invisible to search and read until the configured read delay has passed.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::routes::{error, gate, CREATE, READ, SEARCH};
use super::{paths, validate, Data, Employee, Shared};

/// `POST /people/search` with `{"fields", "filters", "showInactive"}` → `{"employees"}`.
pub(crate) async fn search(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let d = match gate(&s, &h, SEARCH) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "The request body must be a JSON object");
    };
    let filters = match req.get("filters") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return error(400, "filters must be an array"),
    };
    if filters.len() > 1 {
        return error(400, "Only one filter is supported in a search");
    }
    let filter = match filters.first().map(|f| parse_filter(&d, f)).transpose() {
        Ok(f) => f,
        Err(e) => return error(400, &e),
    };
    let fields = match req.get("fields") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(_) => return error(400, "fields must be an array of field ids"),
    };
    let show_inactive = match req.get("showInactive") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return error(400, "showInactive must be a boolean"),
    };
    let found: Vec<Value> = d
        .employees
        .iter()
        .filter(|e| e.readable() && (show_inactive || e.active))
        .filter(|e| {
            filter
                .as_ref()
                .is_none_or(|(segs, values)| matches(&e.json, segs, values))
        })
        .map(|e| pick(&d, &e.json, &fields))
        .collect();
    Json(json!({"employees": found})).into_response()
}

/// A filter's path segments and wanted values (lowercased: emails compare case-insensitively).
fn parse_filter(d: &Data, f: &Value) -> Result<(Vec<String>, Vec<String>), String> {
    let Some(path) = f
        .get("fieldPath")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    else {
        return Err("filters[0].fieldPath is required".into());
    };
    let op = f
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if op != "equals" {
        return Err(format!(
            "filters[0].operator '{op}' is not supported: use equals"
        ));
    }
    let Some(values) = f.get("values").and_then(Value::as_array) else {
        return Err("filters[0].values must be an array".into());
    };
    let values = values
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
                .to_lowercase()
        })
        .collect();
    Ok((paths::resolve(&d.fields, path), values))
}

fn matches(employee: &Value, segs: &[String], values: &[String]) -> bool {
    let got = match paths::get(employee, segs) {
        Some(Value::String(s)) => s.to_lowercase(),
        Some(Value::Null) | None => return false,
        Some(other) => other.to_string().to_lowercase(),
    };
    values.contains(&got)
}

/// The requested fields of an employee, nested along their paths; everything (but hidden
/// fields) when none were requested.
fn pick(d: &Data, employee: &Value, fields: &[String]) -> Value {
    if fields.is_empty() {
        return without_hidden(d, employee.clone());
    }
    let mut out = json!({});
    for f in fields.iter().filter(|f| !d.hidden.contains(*f)) {
        let segs = paths::resolve(&d.fields, f);
        if let Some(v) = paths::get(employee, &segs).filter(|_| !segs.is_empty()) {
            paths::set(&mut out, &segs, v.clone());
        }
    }
    out
}

/// An employee without the fields the service user may not read.
fn without_hidden(d: &Data, mut employee: Value) -> Value {
    for f in d.fields.iter().filter(|f| d.hidden.contains(&f.id)) {
        paths::remove(&mut employee, &paths::segments(&f.json_path));
    }
    employee
}

/// `POST /people`: validates, refuses a second employee with the same email, stores the
/// whole JSON with a new `id`, and answers it.
pub(crate) async fn create(State(s): State<Shared>, h: HeaderMap, body: Bytes) -> Response {
    let mut d = match gate(&s, &h, CREATE) {
        Ok(d) => d,
        Err(r) => return r,
    };
    d.create_calls += 1;
    let Ok(mut payload) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "The request body must be JSON");
    };
    if let Err(e) = validate::create(&d, &payload) {
        return error(400, &e);
    }
    let email = payload
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let taken = d.employees.iter().any(|e| {
        e.json
            .get("email")
            .and_then(Value::as_str)
            .is_some_and(|m| m.trim().to_lowercase() == email)
    });
    if taken {
        return error(400, "Email already exists");
    }
    let id = d.next_id().to_string();
    payload["id"] = json!(id);
    let readable_at = Some(Instant::now() + d.read_delay);
    d.employees.push(Employee {
        json: payload.clone(),
        active: true,
        readable_at,
    });
    Json(payload).into_response()
}

/// `GET /people/{id}`: the stored employee once readable, else `404`.
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
        Some(e) => Json(without_hidden(&d, e.json.clone())).into_response(),
        None => error(404, &format!("Employee {id} not found")),
    }
}
