//! What fake bob checks before it creates an employee: the required fields, the site by
//! name from the named list `site`, dates as `YYYY-MM-DD`, list fields by item id, and each
//! schema field's type. Every message names the field, as bob's do.

use serde_json::Value;

use super::paths;
use super::{BobField, Data};
use crate::clock::is_ymd;

/// The id of the standard site field, checked by name rather than item id.
const SITE: &str = "work.site";

/// Why the create payload is refused, or `Ok`.
pub(crate) fn create(d: &Data, body: &Value) -> Result<(), String> {
    if !body.is_object() {
        return Err("The request body must be a JSON object".into());
    }
    for key in ["firstName", "surname", "email"] {
        if body
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            return Err(format!("{key} is required"));
        }
    }
    let email = body
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !looks_like_email(email) {
        return Err(format!("email: '{email}' is not a valid email address"));
    }
    let Some(site) = body
        .pointer("/work/site")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return Err("work.site is required".into());
    };
    let sites = d.lists.get("site").map(Vec::as_slice).unwrap_or_default();
    if !sites.iter().any(|(_, name)| name == site) {
        return Err(format!(
            "work.site: '{site}' is not a site in the named list 'site'"
        ));
    }
    if body.pointer("/work/startDate").is_none_or(Value::is_null) {
        return Err("work.startDate is required".into());
    }
    for f in d.fields.iter().filter(|f| f.id != SITE) {
        match paths::get(body, &paths::segments(&f.json_path)) {
            None | Some(Value::Null) => {}
            Some(v) => typed(d, f, v)?,
        }
    }
    Ok(())
}

/// Checks one present value against its field's type.
fn typed(d: &Data, f: &BobField, v: &Value) -> Result<(), String> {
    let at = if f.json_path.is_empty() {
        &f.id
    } else {
        &f.json_path
    };
    let ok = match f.kind.as_str() {
        "date" => v.as_str().is_some_and(is_ymd),
        "text" => v.is_string(),
        "number" => v.is_number(),
        "currency" => {
            v.get("value").is_some_and(Value::is_number)
                && v.get("currency")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        }
        "list" => return list_item(d, f, at, v),
        "multi-list" => match v.as_array() {
            Some(items) => return items.iter().try_for_each(|i| list_item(d, f, at, i)),
            None => false,
        },
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let want = match f.kind.as_str() {
        "date" => "a date written YYYY-MM-DD",
        "text" => "a string",
        "number" => "a number",
        "currency" => "{\"value\": number, \"currency\": \"GBP\"} (ISO 4217 code)",
        _ => "a list of item ids",
    };
    Err(format!("{at} ({}): {v} is not {want}", f.name))
}

/// A list field's value must be an item id of its named list (a name is refused).
fn list_item(d: &Data, f: &BobField, at: &str, v: &Value) -> Result<(), String> {
    let Some(list) = &f.list_id else {
        return Ok(());
    };
    let given = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => {
            return Err(format!(
                "{at} ({}): {other} is not an item id of the named list '{list}'",
                f.name
            ))
        }
    };
    let items = d.lists.get(list).map(Vec::as_slice).unwrap_or_default();
    if items.iter().any(|(id, _)| *id == given) {
        return Ok(());
    }
    let hint = match items
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(&given))
    {
        Some((id, name)) => format!(" ('{name}' has id {id})"),
        None => String::new(),
    };
    Err(format!(
        "{at} ({}): '{given}' is not an item id of the named list '{list}'{hint}",
        f.name
    ))
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}
