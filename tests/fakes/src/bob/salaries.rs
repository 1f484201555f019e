//! Fake bob's Salary table: `POST /people/{id}/salaries` (`SalaryEntry`, YAML 4866–4967;
//! `200` with no body; refused on the same effective date as another entry) and
//! `GET /people/{id}/salaries` → `{values: [...]}` (YAML 4756–4865).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::model::Shared;
use super::openapi;
use super::people::no_employee;
use super::routes::{gate, refuse, SALARIES};

/// The columns of a salary entry the fake keeps.
const COLUMNS: [&str; 5] = [
    "effectiveDate",
    "base",
    "payPeriod",
    "payFrequency",
    "customColumns",
];

/// The table as `GET` answers it: oldest first, the latest begun entry current.
pub(crate) fn render(rows: &[Value], today: &str) -> Vec<Value> {
    let date = |r: &Value| {
        r.get("effectiveDate")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut rows = rows.to_vec();
    rows.sort_by_key(date);
    let current = rows.iter().rposition(|r| date(r).as_str() <= today);
    rows.iter_mut().enumerate().for_each(|(i, r)| {
        if let Value::Object(m) = r {
            m.insert("isCurrent".into(), json!(Some(i) == current));
        }
    });
    rows
}

/// `GET /people/{id}/salaries` → `{"values": [...]}`.
pub(crate) async fn list(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, SALARIES) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.employee(&id) {
        Some(e) => Json(json!({"values": render(&e.salaries, &d.today())})).into_response(),
        None => no_employee(&id),
    }
}

/// `POST /people/{id}/salaries`: validates and stores an entry with a new integer id.
pub(crate) async fn add(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut d = match gate(&s, &h, SALARIES) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(&mut d, "POST", &uri, vec![e]),
    };
    let violations = openapi::salary().check(&body);
    if !violations.is_empty() {
        return refuse(&mut d, "POST", &uri, violations);
    }
    let entry_id = d.next_id();
    let today = d.today();
    let Some(e) = d.employee_mut(&id) else {
        return no_employee(&id);
    };
    let date = body.get("effectiveDate").cloned().unwrap_or(Value::Null);
    if e.salaries
        .iter()
        .any(|r| r.get("effectiveDate") == Some(&date))
    {
        let v = format!("another salary entry has the effective date {date}");
        return refuse(&mut d, "POST", &uri, vec![v]);
    }
    let mut row = serde_json::Map::new();
    for key in COLUMNS {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            row.insert(key.into(), v.clone());
        }
    }
    row.insert("id".into(), json!(entry_id));
    row.insert("creationDate".into(), json!(today));
    e.salaries.push(Value::Object(row));
    StatusCode::OK.into_response()
}
