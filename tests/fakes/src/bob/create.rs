//! Fake bob's `POST /people`: the `CreateEmployeeRequest` schema (`openapi::create`), each
//! metadata field's type and list, a unique email, then the employee with a new `id` and
//! its first Work row (from `work.startDate`, `site`, `title`, `department`, `reportsTo`).
//! A start date still to come makes a hire: lifecycle `hired`, status Inactive until then.
//! Answers `200` with the employee.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::model::{Employee, Lifecycle, Shared};
use super::routes::{error, gate, refuse, CREATE};
use super::validate::{self, Write};
use super::worktable::{self, Forms};
use super::{openapi, paths, Data};

/// `POST /people`.
pub(crate) async fn create(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut guard = match gate(&s, &h, CREATE) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let d = &mut *guard;
    d.create_calls += 1;
    let mut payload = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(d, "POST", &uri, vec![e]),
    };
    let violations = openapi::create().check(&payload);
    if !violations.is_empty() {
        return refuse(d, "POST", &uri, violations);
    }
    let verdict = validate::fields(d, &payload, Write::Create);
    if !verdict.violations.is_empty() {
        return refuse(d, "POST", &uri, verdict.violations);
    }
    for segs in &verdict.ignored {
        paths::remove(&mut payload, segs);
    }
    let email = payload
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if d.email_taken(email) {
        return error(400, "Email already exists");
    }
    let row = match first_row(d, &payload) {
        Ok(r) => r,
        Err(v) => return refuse(d, "POST", &uri, v),
    };
    let today = d.today();
    let starts = payload
        .pointer("/work/startDate")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let lifecycle = if starts > today.as_str() {
        Lifecycle::Hired
    } else {
        Lifecycle::Employed
    };
    let id = d.next_id().to_string();
    payload["id"] = json!(id);
    let mut employee = Employee::new(payload, lifecycle);
    employee.readable_at = Some(Instant::now() + d.read_delay);
    employee.work.push(row);
    worktable::mirror(&d.lists, d.switches.list_values, &mut employee, &today);
    let answer = employee.view(&today);
    d.employees.push(employee);
    Json(answer).into_response()
}

/// The Work row bob creates with the employee, in machine format.
fn first_row(d: &mut Data, payload: &Value) -> Result<Value, Vec<String>> {
    let work = payload.get("work").cloned().unwrap_or_else(|| json!({}));
    let mut body = json!({"effectiveDate": work.get("startDate")});
    for key in ["site", "title", "department"] {
        if let Some(v) = work.get(key) {
            body[key] = v.clone();
        }
    }
    if let Some(manager) = work.get("reportsTo").filter(|v| !v.is_null()) {
        body["reportsTo"] = json!({"id": manager});
    }
    let form = d.switches.list_values;
    let forms = Forms {
        title_department: form,
        site: form,
    };
    let mut row = worktable::columns(d, &body, forms).map_err(|v| {
        v.into_iter()
            .map(|e| format!("work.{e}"))
            .collect::<Vec<_>>()
    })?;
    let today = d.today();
    row.insert("id".into(), json!(d.next_id()));
    row.insert("creationDate".into(), json!(today));
    row.insert("modificationDate".into(), json!(today));
    row.insert("reason".into(), json!("Hired"));
    Ok(Value::Object(row))
}
