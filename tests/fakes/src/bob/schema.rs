//! bob's people fields metadata, `GET /company/people/fields` (YAML 6065–6128): every
//! field with `id`, `categoryId`, `category` (to be deprecated), `categoryDisplayName`,
//! `name`, `description`, `jsonPath`, `type` (text, text-area, number, date, list,
//! multi-list, hierarchy-list, currency, employee-reference, document), `typeData`
//! (`{listId}` for lists, `{}` otherwise) and `historical`. The call needs no permission
//! (6071–6072) and lists every field, readable or not.
//!
//! The fresh schema has the standard fields the hire flow writes, with `work.title`,
//! `work.department` and `work.site` list fields (bob's create guide: they must match
//! their lists), and custom fields with opaque ids whose names collide on purpose: two
//! fields are called "Site" and two "Start date".

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::routes::{gate, FIELDS};
use super::{BobField, Shared};

/// Id of the custom text field "Equity".
pub const FIELD_EQUITY: &str = "payroll.field_1690000000001";
/// Id of the custom list field "T-Shirt Size" (list `tshirt`).
pub const FIELD_TSHIRT: &str = "about.field_1690000000002";
/// Id of the custom currency field "Salary" (`{"value": number, "currency": "GBP"}`),
/// historical like bob's payroll salary.
pub const FIELD_SALARY: &str = "payroll.field_1690000000003";
/// Id of the custom text field "Site", which shares its name with `work.site`.
pub const FIELD_CUSTOM_SITE: &str = "work.field_1690000000004";
/// Id of the custom date field "Start date", which shares its name with `work.startDate`.
pub const FIELD_CUSTOM_START_DATE: &str = "work.field_1690000000005";

/// The three standard work fields that are list-valued and written by display value on
/// create (unless switched).
pub(crate) const WORK_LIST_FIELDS: [&str; 3] = ["work.title", "work.department", "work.site"];

/// Field types whose values are items of a named list.
pub(crate) fn is_list_type(kind: &str) -> bool {
    matches!(kind, "list" | "multi-list" | "hierarchy-list")
}

fn field(id: &str, name: &str, json_path: &str, kind: &str) -> BobField {
    let category = id.split('.').next().unwrap_or_default().to_string();
    let category_display_name = match category.as_str() {
        "root" => "Basic info",
        "work" => "Work",
        "payroll" => "Payroll",
        "about" => "About",
        "home" => "Home",
        _ => "Other",
    };
    BobField {
        id: id.into(),
        name: name.into(),
        category,
        category_display_name: category_display_name.into(),
        json_path: json_path.into(),
        kind: kind.into(),
        ..BobField::default()
    }
}

impl BobField {
    /// The same field, valued from the named list `list` (`typeData.listId`).
    pub fn with_list(mut self, list: &str) -> BobField {
        self.list_id = Some(list.to_string());
        self
    }

    /// The same field, historical (a table column).
    pub fn as_historical(mut self) -> BobField {
        self.historical = true;
        self
    }

    /// The same field with a description.
    pub fn described(mut self, text: &str) -> BobField {
        self.description = Some(text.to_string());
        self
    }
}

/// The fields a fresh fake bob has.
pub(crate) fn standard_fields() -> Vec<BobField> {
    let custom = "Custom field";
    vec![
        field("root.id", "Employee ID", "id", "text"),
        field("root.firstName", "First name", "firstName", "text"),
        field("root.surname", "Last name", "surname", "text"),
        field("root.email", "Email", "email", "text").described("Work email"),
        field("root.displayName", "Display name", "displayName", "text"),
        field(
            "home.mobilePhone",
            "Mobile phone",
            "home.mobilePhone",
            "text",
        ),
        field("work.site", "Site", "work.site", "list")
            .with_list("site")
            .as_historical(),
        field("work.startDate", "Start date", "work.startDate", "date"),
        field("work.title", "Job title", "work.title", "list")
            .with_list("title")
            .as_historical(),
        field("work.department", "Department", "work.department", "list")
            .with_list("department")
            .as_historical(),
        field(
            "work.reportsTo",
            "Reports to",
            "work.reportsTo",
            "employee-reference",
        )
        .as_historical(),
        field(
            FIELD_CUSTOM_SITE,
            "Site",
            "work.custom.field_1690000000004",
            "text",
        )
        .described("Building and floor"),
        field(
            FIELD_CUSTOM_START_DATE,
            "Start date",
            "work.custom.field_1690000000005",
            "date",
        )
        .described("Start date of the probation period"),
        field(
            FIELD_EQUITY,
            "Equity",
            "payroll.custom.field_1690000000001",
            "text",
        )
        .described(custom),
        field(
            FIELD_TSHIRT,
            "T-Shirt Size",
            "about.custom.field_1690000000002",
            "list",
        )
        .with_list("tshirt")
        .described(custom),
        field(
            FIELD_SALARY,
            "Salary",
            "payroll.custom.field_1690000000003",
            "currency",
        )
        .as_historical()
        .described(custom),
    ]
}

/// A field as `GET /company/people/fields` renders it.
fn render(f: &BobField) -> Value {
    let type_data = match &f.list_id {
        Some(l) => json!({"listId": l}),
        None => json!({}),
    };
    json!({
        "id": f.id, "name": f.name, "categoryId": f.category, "category": f.category,
        "categoryDisplayName": f.category_display_name, "description": f.description,
        "jsonPath": f.json_path, "type": f.kind, "typeData": type_data,
        "historical": f.historical,
    })
}

/// `GET /company/people/fields`: every field, with valid credentials and no permission.
pub(crate) async fn fields(State(s): State<Shared>, h: HeaderMap) -> Response {
    let d = match gate(&s, &h, FIELDS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    Json(d.fields.iter().map(render).collect::<Vec<Value>>()).into_response()
}
