//! bob's Work table: the rows behind `work.title`, `work.department`, `work.site` and
//! `work.reportsTo`, each with an integer `id` and an `effectiveDate`, stored in machine
//! format (`title` and `department` hold list item ids, `site` the site's name beside its
//! integer `siteId`, as `WorkEntryForGet` has them, YAML 5342–5432). The current row is the
//! latest one in effect (the first one for a hire who has not started); its columns are
//! mirrored into the employee's `work` object.

use serde_json::{json, Map, Value};

use super::lists::{self, BobListItem, ListValues, Lists};
use super::model::{Data, Employee};
use super::people::is_employee;

/// The forms a write takes for the list-valued columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Forms {
    /// `title` and `department`.
    pub title_department: ListValues,
    /// `site` (`siteId` is always an id).
    pub site: ListValues,
}

/// The named list behind a work field (`typeData.listId`), else bob's usual name.
fn list_of(d: &Data, field_id: &str, fallback: &str) -> String {
    d.field(field_id)
        .and_then(|f| f.list_id.clone())
        .unwrap_or_else(|| fallback.to_string())
}

/// The machine-format columns a request body gives (only those present), or every reason
/// the values are refused.
pub(crate) fn columns(
    d: &Data,
    body: &Value,
    forms: Forms,
) -> Result<Map<String, Value>, Vec<String>> {
    let mut out = Map::new();
    let mut bad = vec![];
    let get = |k: &str| body.get(k).filter(|v| !v.is_null());
    for key in ["effectiveDate", "reason", "customColumns"] {
        if let Some(v) = get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (key, field, fallback) in [
        ("title", "work.title", "title"),
        ("department", "work.department", "department"),
    ] {
        let Some(given) = get(key).and_then(lists::as_text) else {
            continue;
        };
        let list = list_of(d, field, fallback);
        match lists::lookup(&d.lists, &list, &given, forms.title_department) {
            Ok(item) => {
                out.insert(key.into(), json!(item.id.to_string()));
            }
            Err(e) => bad.push(format!("{key}: {e}")),
        }
    }
    let site_list = list_of(d, "work.site", "site");
    let by_site = get("site").and_then(lists::as_text).map(|s| {
        lists::lookup(&d.lists, &site_list, &s, forms.site).map_err(|e| format!("site: {e}"))
    });
    let by_id = get("siteId").and_then(lists::as_text).map(|s| {
        lists::lookup(&d.lists, &site_list, &s, ListValues::Id).map_err(|e| format!("siteId: {e}"))
    });
    let site: Option<&BobListItem> = match (by_site, by_id) {
        (Some(Ok(a)), Some(Ok(b))) if a.id != b.id => {
            bad.push(format!(
                "site '{}' and siteId {} are different sites",
                a.name, b.id
            ));
            None
        }
        (Some(Err(e)), _) | (_, Some(Err(e))) => {
            bad.push(e);
            None
        }
        (Some(Ok(a)), _) | (None, Some(Ok(a))) => Some(a),
        (None, None) => None,
    };
    if let Some(item) = site {
        out.insert("site".into(), json!(item.name));
        out.insert("siteId".into(), item.id.to_json());
    }
    if let Some(r) = get("reportsTo") {
        let id = r.get("id").and_then(lists::as_text).unwrap_or_default();
        if is_employee(d, &id) {
            out.insert("reportsTo".into(), r.clone());
        } else {
            bad.push(format!(
                "reportsTo.id: no employee has the id or email '{id}'"
            ));
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

fn date(row: &Value) -> &str {
    row.get("effectiveDate")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The index of the row in effect on `today`: the latest that has begun, else the first.
pub(crate) fn current(rows: &[Value], today: &str) -> Option<usize> {
    let begun = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| date(r) <= today)
        .max_by(|(i, a), (j, b)| date(a).cmp(date(b)).then(i.cmp(j)));
    begun
        .or_else(|| {
            rows.iter()
                .enumerate()
                .min_by(|(i, a), (j, b)| date(a).cmp(date(b)).then(i.cmp(j)))
        })
        .map(|(i, _)| i)
}

/// Whether another row (not `except`) has this effective date and site: bob refuses it
/// ("must not conflict with another entry on the same effective date and site").
pub(crate) fn conflicts(rows: &[Value], row: &Value, except: Option<u64>) -> bool {
    rows.iter().any(|r| {
        except.is_none_or(|x| r.get("id").and_then(Value::as_u64) != Some(x))
            && date(r) == date(row)
            && r.get("siteId") == row.get("siteId")
    })
}

/// The table as `GET /people/{id}/work` answers it, oldest first; the stored `reason` is
/// listed as `change.reason`.
pub(crate) fn render(rows: &[Value], today: &str) -> Vec<Value> {
    let now = current(rows, today);
    let mut out: Vec<(String, Value)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            let effective = date(&r).to_string();
            if let Value::Object(m) = &mut r {
                m.insert("isCurrent".into(), json!(now == Some(i)));
                m.insert("activeEffectiveDate".into(), json!(effective));
                m.insert("endEffectiveDate".into(), Value::Null);
                m.insert("canBeDeleted".into(), json!(true));
                m.entry("customColumns").or_insert_with(|| json!({}));
                // A row is written with `reason` and listed with it under `change`
                // (`WorkEntry` against `WorkEntryForGet`, YAML 5352–5362, 5466–5469).
                if let Some(reason) = m.remove("reason") {
                    m.insert("change".into(), json!({"reason": reason}));
                }
            }
            (effective, r)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, r)| r).collect()
}

/// Mirrors the current row into the employee's `work` object, in the form create takes
/// (display names, or ids when create is switched to ids); columns the row lacks are
/// removed.
pub(crate) fn mirror(lists: &Lists, form: ListValues, e: &mut Employee, today: &str) {
    let Some(row) = current(&e.work, today).and_then(|i| e.work.get(i)).cloned() else {
        return;
    };
    let Value::Object(root) = &mut e.json else {
        return;
    };
    let work = root
        .entry("work")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(work) = work else { return };
    for (key, list, id_key) in [
        ("title", "title", "title"),
        ("department", "department", "department"),
        ("site", "site", "siteId"),
    ] {
        let item = row
            .get(id_key)
            .and_then(lists::as_text)
            .and_then(|id| lists::resolve(lists, list, &id));
        match item {
            Some(i) if form == ListValues::Id => work.insert(key.into(), json!(i.id.to_string())),
            Some(i) => work.insert(key.into(), json!(i.name)),
            None => work.remove(key),
        };
    }
    match row.get("reportsTo").and_then(|r| r.get("id")) {
        Some(id) => work.insert("reportsTo".into(), id.clone()),
        None => work.remove("reportsTo"),
    };
}
