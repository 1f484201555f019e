//! How fake bob shows an employee in a search answer: only the requested fields (or the
//! default set: basic fields and the About, Employment and Work categories, YAML
//! 7711–7722), nested along their paths as category objects, without the fields the
//! service user may not read (silently), and with list fields in bob's machine format
//! (the item id as a string) unless `humanReadable` asks for display names: `REPLACE`
//! gives names only, `APPEND` adds a `humanReadable` node beside the machine values
//! (YAML 7762–7772). `work.site` stays the site's name, as bob's work part has a
//! separate `siteId`.

use serde_json::{Map, Value};

use super::lists;
use super::model::Data;
use super::paths;
use super::schema::is_list_type;

/// The format an answer's values are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Machine format: list values are item ids.
    Machine,
    /// `humanReadable: "APPEND"`.
    Append,
    /// `humanReadable: "REPLACE"`.
    Replace,
}

impl Format {
    /// The format `humanReadable` asks for; an unknown value is ignored (machine format).
    pub(crate) fn from_flag(flag: Option<&str>) -> Format {
        match flag {
            Some("APPEND") => Format::Append,
            Some("REPLACE") => Format::Replace,
            _ => Format::Machine,
        }
    }
}

/// The top-level objects of the default field set.
const DEFAULT_CATEGORIES: [&str; 3] = ["about", "employment", "work"];

/// An employee view (see `Employee::view`) as a search answers it.
pub(crate) fn employee(d: &Data, view: &Value, fields: &[String], format: Format) -> Value {
    let picked = if fields.is_empty() {
        default_set(d, view)
    } else {
        pick(d, view, fields)
    };
    match format {
        Format::Machine => convert(d, picked, false),
        Format::Replace => convert(d, picked, true),
        Format::Append => {
            let human = convert(d, picked.clone(), true);
            let mut machine = convert(d, picked, false);
            if let Value::Object(m) = &mut machine {
                m.insert("humanReadable".into(), human);
            }
            machine
        }
    }
}

/// The requested fields, nested along their paths; unknown or unreadable ones left out.
fn pick(d: &Data, view: &Value, fields: &[String]) -> Value {
    let mut out = Value::Object(Map::new());
    for f in fields.iter().filter(|f| !d.hidden.contains(*f)) {
        let segs = paths::resolve(&d.fields, f);
        if let Some(v) = paths::get(view, &segs).filter(|_| !segs.is_empty()) {
            paths::set(&mut out, &segs, v.clone());
        }
    }
    out
}

/// Top-level plain values and the default categories, without hidden fields.
fn default_set(d: &Data, view: &Value) -> Value {
    let mut out: Map<String, Value> = view
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, v)| !v.is_object() || DEFAULT_CATEGORIES.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    out.remove("internal");
    without_hidden(d, Value::Object(out))
}

/// An employee without the fields the service user may not read.
pub(crate) fn without_hidden(d: &Data, mut employee: Value) -> Value {
    for f in d.fields.iter().filter(|f| d.hidden.contains(&f.id)) {
        paths::remove(&mut employee, &paths::segments(&f.json_path));
    }
    employee
}

/// List fields to item ids (machine) or display names (human); dates, for people, in the
/// service user's date format.
fn convert(d: &Data, mut v: Value, human: bool) -> Value {
    if human {
        for f in d.fields.iter().filter(|f| f.kind == "date") {
            let segs = paths::segments(&f.json_path);
            let shown = paths::get(&v, &segs)
                .and_then(Value::as_str)
                .and_then(|iso| d.date_shown.show(iso));
            if let Some(shown) = shown {
                paths::set(&mut v, &segs, Value::String(shown));
            }
        }
    }
    for f in d.fields.iter().filter(|f| is_list_type(&f.kind)) {
        let Some(list) = &f.list_id else { continue };
        if f.id == "work.site" && !human {
            continue;
        }
        let segs = paths::segments(&f.json_path);
        let Some(current) = paths::get(&v, &segs).cloned() else {
            continue;
        };
        let one = |x: &Value| -> Value {
            let Some(text) = lists::as_text(x) else {
                return x.clone();
            };
            match lists::resolve(&d.lists, list, &text) {
                Some(item) if human => Value::String(item.name.clone()),
                Some(item) => Value::String(item.id.to_string()),
                None => x.clone(),
            }
        };
        let shown = match &current {
            Value::Array(items) => Value::Array(items.iter().map(one).collect()),
            x => one(x),
        };
        paths::set(&mut v, &segs, shown);
    }
    v
}
