//! Fake bob's Work table endpoints: `GET /people/{id}/work` → `{values: [WorkEntry]}`,
//! `POST /people/{id}/work` (a new row; `200`, no body) and
//! `PUT /people/{id}/work/{entry_id}`, which overwrites the whole row identified by the
//! body's site and effective date (columns left out are cleared), unless the query flag
//! `patchUpdate=true` is given: then the path's `entry_id` names the row and only the given
//! columns change (YAML 2218–2227). `effectiveDate` is required either way
//! (https://apidocs.hibob.com/changelog/employee-data-api-effective-date-enforced-in-work-table-update).
//! `title` and `department` take list item ids (YAML 5478–5487) unless switched; `site`
//! takes the site's name and `siteId` its id.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::lists::ListValues;
use super::model::Shared;
use super::openapi;
use super::people::no_employee;
use super::routes::{error, gate, refuse, WORK};
use super::worktable::{self, Forms};
use super::Data;

fn forms(d: &Data) -> Forms {
    Forms {
        title_department: d.switches.work_entry_values,
        site: ListValues::Name,
    }
}

/// `GET /people/{id}/work` → `{"values": [...]}`, oldest first, `isCurrent` on one.
pub(crate) async fn list(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match gate(&s, &h, WORK) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if d.work_denied.histories {
        return error(
            403,
            "The service user may not view selected employees' Work section histories",
        );
    }
    match d.employee(&id) {
        Some(e) => Json(json!({"values": worktable::render(&e.work, &d.today())})).into_response(),
        None => no_employee(&id),
    }
}

/// `POST /people/{id}/work`: validates, refuses a row on the same date and site as
/// another, stores it with a new integer id; `200` with no body.
pub(crate) async fn add(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut guard = match gate(&s, &h, WORK) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let d = &mut *guard;
    if d.work_denied.edit {
        return error(
            403,
            "The service user may not edit selected employees' Work sections",
        );
    }
    let body = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(d, "POST", &uri, vec![e]),
    };
    let violations = openapi::work_entry().check(&body);
    if !violations.is_empty() {
        return refuse(d, "POST", &uri, violations);
    }
    if d.employee(&id).is_none() {
        return no_employee(&id);
    }
    let mut row = match worktable::columns(d, &body, forms(d)) {
        Ok(c) => c,
        Err(v) => return refuse(d, "POST", &uri, v),
    };
    let today = d.today();
    let entry_id = d.next_id();
    row.insert("id".into(), json!(entry_id));
    row.insert("creationDate".into(), json!(today));
    row.insert("modificationDate".into(), json!(today));
    let row = Value::Object(row);
    store(d, &uri, "POST", &id, row, None)
}

/// `PUT /people/{id}/work/{entry_id}[?patchUpdate=true]`: overwrites the row that has the
/// body's site and effective date, or, with the flag, changes only the given columns of the
/// row `entry_id` (keeping its date: bob's changelog says a date is moved by adding and
/// deleting rows, never by an update); `404` "Requested entry not found" when no row is so
/// identified.
pub(crate) async fn replace(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path((id, entry)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut guard = match gate(&s, &h, WORK) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let d = &mut *guard;
    if d.work_denied.edit {
        return error(
            403,
            "The service user may not edit selected employees' Work sections",
        );
    }
    let patch =
        match openapi::boolean_param("patchUpdate", q.get("patchUpdate").map(String::as_str)) {
            Ok(p) => p,
            Err(v) => return refuse(d, "PUT", &uri, vec![v]),
        };
    let entry_id = match openapi::integer_param("entry_id", &entry) {
        Ok(n) => n,
        Err(v) => return refuse(d, "PUT", &uri, vec![v]),
    };
    let body = match openapi::json_body(&body) {
        Ok(v) => v,
        Err(e) => return refuse(d, "PUT", &uri, vec![e]),
    };
    let violations = openapi::work_update(patch).check(&body);
    if !violations.is_empty() {
        return refuse(d, "PUT", &uri, violations);
    }
    let given = match worktable::columns(d, &body, forms(d)) {
        Ok(c) => c,
        Err(v) => return refuse(d, "PUT", &uri, v),
    };
    let Some(rows) = d.employee(&id).map(|e| e.work.clone()) else {
        return no_employee(&id);
    };
    // With the flag the path's entry id names the row; without it, the body's site and
    // effective date do, whatever the path says (YAML 2218–2227).
    let old = rows.into_iter().find(|r| {
        if patch {
            r.get("id").and_then(Value::as_u64) == Some(entry_id)
        } else {
            r.get("effectiveDate") == given.get("effectiveDate")
                && r.get("siteId") == given.get("siteId")
        }
    });
    let Some(Value::Object(old)) = old else {
        return error(404, "Requested entry not found. Nothing was changed");
    };
    if patch && old.get("effectiveDate") != given.get("effectiveDate") {
        let v = format!(
            "effectiveDate: an update keeps the entry's date ({}); to move it, add an entry and delete this one",
            old.get("effectiveDate").cloned().unwrap_or(Value::Null)
        );
        return refuse(d, "PUT", &uri, vec![v]);
    }
    let entry_id = old.get("id").and_then(Value::as_u64).unwrap_or(entry_id);
    let mut row = if patch {
        old.clone()
    } else {
        serde_json::Map::new()
    };
    row.extend(given);
    row.insert("id".into(), json!(entry_id));
    for kept in ["creationDate"] {
        if let Some(v) = old.get(kept) {
            row.insert(kept.into(), v.clone());
        }
    }
    row.insert("modificationDate".into(), json!(d.today()));
    store(d, &uri, "PUT", &id, Value::Object(row), Some(entry_id))
}

/// Puts `row` in the employee's table (replacing `replaces`), unless it conflicts, and
/// mirrors the current row into the employee.
fn store(
    d: &mut Data,
    uri: &Uri,
    method: &str,
    id: &str,
    row: Value,
    replaces: Option<u64>,
) -> Response {
    let today = d.today();
    let form = d.switches.list_values;
    let Data {
        employees, lists, ..
    } = d;
    let Some(e) = employees.iter_mut().find(|e| e.id() == id) else {
        return no_employee(id);
    };
    if worktable::conflicts(&e.work, &row, replaces) {
        let date = row.get("effectiveDate").cloned().unwrap_or(Value::Null);
        let v = format!("another work entry has the effective date {date} and the same site");
        return refuse(d, method, uri, vec![v]);
    }
    match replaces.and_then(|x| {
        e.work
            .iter()
            .position(|r| r.get("id").and_then(Value::as_u64) == Some(x))
    }) {
        Some(i) => e.work[i] = row,
        None => e.work.push(row),
    }
    worktable::mirror(lists, form, e, &today);
    StatusCode::OK.into_response()
}
