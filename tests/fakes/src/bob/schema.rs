//! bob's people schema and named lists: the standard fields the hire flow writes, three
//! custom fields with opaque ids but readable names, and the lists `site`, `department`
//! and `tshirt`. Served by `GET /company/people/fields` and `/company/named-lists/{list}`.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::routes::{error, gate, FIELDS, LISTS};
use super::{BobField, Shared};

/// Id of the custom text field "Equity".
pub const FIELD_EQUITY: &str = "payroll.field_1690000000001";
/// Id of the custom list field "T-Shirt Size" (list `tshirt`).
pub const FIELD_TSHIRT: &str = "about.field_1690000000002";
/// Id of the custom currency field "Salary" (`{"value": number, "currency": "GBP"}`).
pub const FIELD_SALARY: &str = "payroll.field_1690000000003";

fn field(
    id: &str,
    name: &str,
    json_path: &str,
    kind: &str,
    list: Option<&str>,
    historical: bool,
) -> BobField {
    let category = id.split('.').next().unwrap_or_default().to_string();
    let category_display_name = match category.as_str() {
        "root" => "Basic info",
        "work" => "Work",
        "payroll" => "Payroll",
        "about" => "About",
        _ => "Other",
    };
    BobField {
        id: id.into(),
        name: name.into(),
        category,
        category_display_name: category_display_name.into(),
        json_path: json_path.into(),
        kind: kind.into(),
        list_id: list.map(str::to_string),
        historical,
    }
}

/// The fields a fresh fake bob has.
pub(crate) fn standard_fields() -> Vec<BobField> {
    vec![
        field("root.id", "Employee ID", "id", "text", None, false),
        field(
            "root.firstName",
            "First name",
            "firstName",
            "text",
            None,
            false,
        ),
        field("root.surname", "Last name", "surname", "text", None, false),
        field("root.email", "Email", "email", "text", None, false),
        field(
            "root.displayName",
            "Display name",
            "displayName",
            "text",
            None,
            false,
        ),
        field("work.site", "Site", "work.site", "list", Some("site"), true),
        field(
            "work.startDate",
            "Start date",
            "work.startDate",
            "date",
            None,
            false,
        ),
        field("work.title", "Job title", "work.title", "text", None, true),
        field(
            "work.department",
            "Department",
            "work.department",
            "list",
            Some("department"),
            true,
        ),
        field(
            "work.reportsTo",
            "Reports to",
            "work.reportsTo",
            "employee-reference",
            None,
            true,
        ),
        field(
            FIELD_EQUITY,
            "Equity",
            "payroll.custom.field_1690000000001",
            "text",
            None,
            false,
        ),
        field(
            FIELD_TSHIRT,
            "T-Shirt Size",
            "about.custom.field_1690000000002",
            "list",
            Some("tshirt"),
            false,
        ),
        field(
            FIELD_SALARY,
            "Salary",
            "payroll.custom.field_1690000000003",
            "currency",
            None,
            true,
        ),
    ]
}

/// The named lists a fresh fake bob has: (item id, name). Ids are opaque numbers, so a
/// client that writes names into list fields is caught.
pub(crate) fn named_lists() -> BTreeMap<String, Vec<(String, String)>> {
    let list = |items: &[(&str, &str)]| {
        items
            .iter()
            .map(|(i, n)| (i.to_string(), n.to_string()))
            .collect()
    };
    BTreeMap::from([
        (
            "site".to_string(),
            list(&[("101", "London"), ("102", "Berlin"), ("103", "New York")]),
        ),
        (
            "department".to_string(),
            list(&[("201", "Engineering"), ("202", "Design"), ("203", "Sales")]),
        ),
        (
            "tshirt".to_string(),
            list(&[("301", "S"), ("302", "M"), ("303", "L")]),
        ),
    ])
}

/// A field as `GET /company/people/fields` renders it.
fn render(f: &BobField) -> Value {
    let type_data = match &f.list_id {
        Some(l) => json!({"listId": l}),
        None => json!({}),
    };
    json!({
        "id": f.id, "name": f.name, "category": f.category,
        "categoryDisplayName": f.category_display_name, "jsonPath": f.json_path,
        "type": f.kind, "typeData": type_data, "historical": f.historical, "description": "",
    })
}

/// `GET /company/people/fields`: every field the service user may read.
pub(crate) async fn fields(State(s): State<Shared>, h: HeaderMap) -> Response {
    let d = match gate(&s, &h, FIELDS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let visible: Vec<Value> = d
        .fields
        .iter()
        .filter(|f| !d.hidden.contains(&f.id))
        .map(render)
        .collect();
    Json(visible).into_response()
}

/// `GET /company/named-lists/{list}` → `{name, values: [{id, value, name, archived, children}]}`.
pub(crate) async fn named_list(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(list): Path<String>,
) -> Response {
    let d = match gate(&s, &h, LISTS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match d.lists.get(&list) {
        Some(items) => {
            let values: Vec<Value> = items
                .iter()
                .map(|(id, name)| json!({"id": id, "value": name, "name": name, "archived": false, "children": []}))
                .collect();
            Json(json!({"name": list, "values": values})).into_response()
        }
        None => error(404, &format!("Named list {list} not found")),
    }
}
