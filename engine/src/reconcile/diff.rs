//! The difference between the employee bob got and the one Lever's data would give now,
//! field by field, each with the endpoint bob takes it through. Names and the email are
//! not compared: a change after the hire is about the job (start date, title, department,
//! site) and the mapped offer fields.

use serde_json::Value;

use crate::clients::bob::BobField;
use crate::work::change::{show, Write};
use crate::work::FieldChange;

/// Top-level keys that are the person, not the job.
const NOT_COMPARED: [&str; 3] = ["firstName", "surname", "email"];

/// Every leaf of an employee payload with its path.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                path.push(k.clone());
                leaves(child, path, out);
                path.pop();
            }
        }
        other => out.push((path.clone(), other.clone())),
    }
}

fn at<'a>(v: &'a Value, path: &[String]) -> &'a Value {
    path.iter()
        .try_fold(v, |node, k| node.get(k))
        .unwrap_or(&Value::Null)
}

/// How bob takes a change at `path`.
fn write_of(path: &[String]) -> Write {
    match path {
        [w, f] if w == "work" && f == "startDate" => Write::StartDate,
        [w, f] if w == "work" && ["title", "department", "site"].contains(&f.as_str()) => {
            Write::WorkRow
        }
        _ => Write::Plain,
    }
}

fn label_of(path: &[String], bob_fields: &[BobField]) -> (String, String) {
    let standard = match path {
        [w, f] if w == "work" => match f.as_str() {
            "startDate" => Some("Start date"),
            "title" => Some("Title"),
            "department" => Some("Department"),
            "site" => Some("Site"),
            _ => None,
        },
        _ => None,
    };
    let field = bob_fields.iter().find(|f| f.path() == path);
    let id = field
        .map(|f| f.id.clone())
        .unwrap_or_else(|| path.join("."));
    let label = standard
        .map(str::to_string)
        .or_else(|| field.map(|f| f.name.clone()))
        .unwrap_or_else(|| path.join("."));
    (id, label)
}

/// Each field whose value differs between `was` (what bob got) and `now`.
pub fn diff(was: &Value, now: &Value, bob_fields: &[BobField]) -> Vec<FieldChange> {
    let mut paths = Vec::new();
    for side in [was, now] {
        leaves(side, &mut Vec::new(), &mut paths);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (path, _) in paths {
        if path.is_empty() || NOT_COMPARED.contains(&path[0].as_str()) || !seen.insert(path.clone())
        {
            continue;
        }
        let (a, b) = (at(was, &path), at(now, &path));
        if show(a).trim() == show(b).trim() {
            continue;
        }
        let (field, label) = label_of(&path, bob_fields);
        out.push(FieldChange {
            field,
            label,
            write: write_of(&path),
            path,
            was: a.clone(),
            now: b.clone(),
            in_bob: None,
            done: false,
        });
    }
    // The job first, in the order people read an offer.
    let rank = |c: &FieldChange| match c.write {
        Write::StartDate => 0,
        Write::WorkRow => 1,
        Write::Plain => 2,
    };
    out.sort_by_key(|c| (rank(c), c.label.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_job_fields_and_mapped_fields_are_compared_but_not_the_person() {
        let was = json!({"firstName": "Ada", "email": "a@x", "work": {"startDate": "2027-01-04", "title": "Engineer", "site": "London"}, "payroll": {"custom": {"equity": 100}}});
        let now = json!({"firstName": "Ada L.", "email": "b@x", "work": {"startDate": "2027-01-11", "title": "Senior Engineer", "site": "London"}, "payroll": {"custom": {"equity": 100}}});
        let d = diff(&was, &now, &[]);
        let rows: Vec<(String, Write, String, String)> = d
            .iter()
            .map(|c| (c.label.clone(), c.write, show(&c.was), show(&c.now)))
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "Start date".into(),
                    Write::StartDate,
                    "2027-01-04".into(),
                    "2027-01-11".into()
                ),
                (
                    "Title".into(),
                    Write::WorkRow,
                    "Engineer".into(),
                    "Senior Engineer".into()
                ),
            ]
        );
    }

    #[test]
    fn a_field_only_one_side_has_is_a_change_and_equal_payloads_are_none() {
        let was = json!({"work": {"site": "London"}});
        let now = json!({"work": {"site": "London"}, "home": {"mobilePhone": "+44 1"}});
        let d = diff(&was, &now, &[]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].field.as_str(), d[0].write),
            ("home.mobilePhone", Write::Plain)
        );
        assert!(diff(&now, &now, &[]).is_empty());
    }
}
