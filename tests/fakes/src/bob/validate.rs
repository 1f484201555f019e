//! What fake bob checks, beyond the request schema, in the fields a create or update
//! writes: each value against its field's type from the fields metadata, list fields
//! against their named list (an existing, non-archived item, in the form the switches
//! select), and historical fields as the switches say. Every message names the field.

use serde_json::Value;

use super::lists::{self, ListValues};
use super::model::{Data, Historical};
use super::paths;
use super::schema::{is_list_type, WORK_LIST_FIELDS};
use super::BobField;
use crate::clock::is_ymd;

/// Which write is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// `POST /people`: the work fields form the first Work row.
    Create,
    /// `PUT /people/{id}`: only plain fields; table columns go to their endpoints.
    Update,
}

/// The verdict on a write's fields.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    /// Why it is refused (empty: accepted).
    pub violations: Vec<String>,
    /// Paths of fields to leave out silently (historical fields, when so switched).
    pub ignored: Vec<Vec<String>>,
}

/// Checks every metadata field present in `body`.
pub(crate) fn fields(d: &Data, body: &Value, write: Write) -> Verdict {
    let mut verdict = Verdict::default();
    for f in &d.fields {
        let segs = paths::segments(&f.json_path);
        let Some(v) = paths::get(body, &segs).filter(|v| !v.is_null() && !segs.is_empty()) else {
            continue;
        };
        let work_row = write == Write::Create && f.category == "work";
        if f.historical && !work_row {
            let rule = match write {
                Write::Create => d.switches.historical_on_create,
                Write::Update => d.switches.historical_on_update,
            };
            match rule {
                Historical::Accepted => {}
                Historical::Ignored => {
                    verdict.ignored.push(segs);
                    continue;
                }
                Historical::Refused => {
                    verdict.violations.push(format!(
                        "{} ({}) is a historical field: write it as a table entry ({})",
                        f.id,
                        f.name,
                        table_of(f)
                    ));
                    continue;
                }
            }
        }
        if let Err(e) = typed(d, f, v) {
            verdict.violations.push(e);
        }
    }
    verdict
}

/// The table endpoint a historical field belongs to.
fn table_of(f: &BobField) -> &'static str {
    match f.category.as_str() {
        "work" => "POST /people/{id}/work",
        "payroll" => "POST /people/{id}/salaries",
        _ => "the field's employee table",
    }
}

/// The form a write takes for this list field.
pub(crate) fn list_form(d: &Data, f: &BobField) -> ListValues {
    if WORK_LIST_FIELDS.contains(&f.id.as_str()) {
        d.switches.list_values
    } else {
        d.switches.custom_list_values
    }
}

/// Checks one present value against its field's type.
fn typed(d: &Data, f: &BobField, v: &Value) -> Result<(), String> {
    let at = format!("{} ({})", f.json_path, f.name);
    let ok = match f.kind.as_str() {
        "date" => v.as_str().is_some_and(is_ymd),
        "text" | "text-area" => v.is_string(),
        "number" => v.is_number(),
        "employee-reference" => v.is_string(),
        "currency" => {
            v.get("value").is_some_and(Value::is_number)
                && v.get("currency")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        }
        "multi-list" => match v.as_array() {
            Some(items) => return items.iter().try_for_each(|i| list_item(d, f, &at, i)),
            None => false,
        },
        k if is_list_type(k) => return list_item(d, f, &at, v),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let want = match f.kind.as_str() {
        "date" => "a date written YYYY-MM-DD",
        "number" => "a number",
        "currency" => "{\"value\": number, \"currency\": \"GBP\"} (ISO 4217 code)",
        "multi-list" => "an array of list items",
        "employee-reference" => "an employee id",
        _ => "a string",
    };
    Err(format!("{at}: {v} is not {want}"))
}

/// A list field's value must name an active item of its list in the selected form.
fn list_item(d: &Data, f: &BobField, at: &str, v: &Value) -> Result<(), String> {
    let Some(list) = &f.list_id else {
        return Ok(());
    };
    let Some(given) = lists::as_text(v) else {
        return Err(format!("{at}: {v} is not an item of the list '{list}'"));
    };
    lists::lookup(&d.lists, list, &given, list_form(d, f))
        .map(|_| ())
        .map_err(|e| format!("{at}: {e}"))
}
