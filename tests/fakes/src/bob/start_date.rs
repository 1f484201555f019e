//! Fake bob's `POST /employees/{employeeId}/start-date`, body `StartDateUpdate`:
//! `startDate` (a date, "the date this entry becomes effective") and an optional `reason`
//! (bob's published SDKs generated from its OpenAPI: `setStartDate` in the People API).
//! Answers `200`; `404` for an employee bob does not have. What bob does with the Work
//! table's first row when the start date moves is not documented: the fake moves that row
//! with the date when it began on the old start date (a modelling choice, unverified).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::jsonschema::Schema;
use super::model::Shared;
use super::openapi;
use super::people::no_employee;
use super::routes::{gate, refuse, START_DATE};

fn schema() -> Schema {
    Schema::object(vec![
        ("startDate", Schema::date()),
        ("reason", Schema::string()),
    ])
    .required(&["startDate"])
}

/// `POST /employees/{employeeId}/start-date`.
pub(crate) async fn set(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut guard = match gate(&s, &h, START_DATE) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let d = &mut *guard;
    let body = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(d, "POST", &uri, vec![e]),
    };
    let violations = schema().check(&body);
    if !violations.is_empty() {
        return refuse(d, "POST", &uri, violations);
    }
    let date = body["startDate"].as_str().unwrap_or_default().to_string();
    let Some(e) = d.employee_mut(&id) else {
        return no_employee(&id);
    };
    let old = e
        .json
        .pointer("/work/startDate")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(work) = e.json.get_mut("work").filter(|w| w.is_object()) {
        work["startDate"] = json!(date);
    }
    if let Some(row) = e
        .work
        .iter_mut()
        .filter(|r| r.get("effectiveDate").and_then(Value::as_str) == old.as_deref())
        .min_by_key(|r| r.get("id").and_then(Value::as_u64))
    {
        row["effectiveDate"] = json!(date);
    }
    StatusCode::OK.into_response()
}
