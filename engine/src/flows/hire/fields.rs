//! Field mapping for a hire: offer fields whose name matches a bob field's name map without
//! configuration (bob's own rule), explicit `[[fields]]` mappings override or add, and every
//! value is converted to the bob field's type (dates, numbers, currency, list items).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::clients::bob::{BobField, ListItem};
use crate::clients::lever::{Offer, Opportunity, Posting};
use crate::settings::FieldMapping;
use crate::time;

/// bob fields the hire fills from its standard rules; the same-name rule leaves them alone.
pub const STANDARD_BOB_FIELDS: [&str; 7] = [
    "root.firstName",
    "root.surname",
    "root.email",
    "work.site",
    "work.startDate",
    "work.title",
    "work.department",
];
/// Offer fields the standard rules use.
const STANDARD_OFFER_FIELDS: [&str; 4] = [
    "job_title",
    "anticipated_start_date",
    "candidate_name",
    "today_date",
];

/// Where a hire's values come from.
pub struct Sources<'a> {
    /// The opportunity.
    pub opp: &'a Opportunity,
    /// Its posting.
    pub posting: Option<&'a Posting>,
    /// The offer used.
    pub offer: Option<&'a Offer>,
}

/// One planned field: which bob field gets which Lever value, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// The bob field.
    pub bob: BobField,
    /// Where the value comes from ("offer field “Equity”").
    pub source: String,
    /// The Lever value, unconverted.
    pub value: Value,
    /// Matched by name (true) or by an explicit mapping (false).
    pub automatic: bool,
}

/// Plans the non-standard fields of a hire.
pub fn plan(
    src: &Sources,
    bob_fields: &[BobField],
    mappings: &[FieldMapping],
) -> (Vec<Assignment>, Vec<String>) {
    let mut out: Vec<Assignment> = Vec::new();
    let mut notes = Vec::new();
    if let Some(offer) = src.offer {
        by_name(offer, bob_fields, &mut out, &mut notes);
    }
    by_mapping(src, bob_fields, mappings, &mut out, &mut notes);
    (out, notes)
}

/// bob's own rule: each offer field (not a standard one) goes to the one bob field of
/// the same name. Several of that name, or a dated one, are notes instead.
fn by_name(
    offer: &Offer,
    bob_fields: &[BobField],
    out: &mut Vec<Assignment>,
    notes: &mut Vec<String>,
) {
    for f in offer
        .fields
        .iter()
        .filter(|f| !STANDARD_OFFER_FIELDS.contains(&f.identifier.as_str()))
    {
        if f.value.is_null() {
            continue;
        }
        let matched: Vec<&BobField> = bob_fields
            .iter()
            .filter(|b| {
                !STANDARD_BOB_FIELDS.contains(&b.id.as_str())
                    && same_name(&b.name, &f.text, &f.identifier)
            })
            .collect();
        match matched.as_slice() {
            [] => {}
            [b] if b.historical => notes.push(historical(b, &f.text)),
            [b] => out.push(Assignment {
                bob: (*b).clone(),
                source: format!("offer field “{}”", f.text),
                value: f.value.clone(),
                automatic: true,
            }),
            several => {
                let ids: Vec<&str> = several.iter().map(|b| b.id.as_str()).collect();
                notes.push(format!(
                    "offer field “{}”: bob has {} fields called “{}” ({}): Hirewire does not guess; choose one in Mappings → Fields",
                    f.text,
                    several.len(),
                    several[0].name,
                    ids.join(", ")
                ));
            }
        }
    }
}

/// The explicit `[[fields]]` mappings, applied after the same-name rule: each replaces
/// what that rule gave its bob field.
fn by_mapping(
    src: &Sources,
    bob_fields: &[BobField],
    mappings: &[FieldMapping],
    out: &mut Vec<Assignment>,
    notes: &mut Vec<String>,
) {
    for m in mappings {
        let Some(b) = bob_fields.iter().find(|b| b.id == m.bob) else {
            notes.push(format!(
                "mapping {} → {}: bob has no field {} (or the service user may not see it)",
                m.lever, m.bob, m.bob
            ));
            continue;
        };
        let Some(value) = lever_value(src, &m.lever) else {
            continue;
        };
        if b.historical {
            notes.push(historical(b, &m.lever));
            continue;
        }
        out.retain(|a| a.bob.id != b.id);
        out.push(Assignment {
            bob: b.clone(),
            source: format!("mapping {}", m.lever),
            value,
            automatic: false,
        });
    }
}

/// Why a dated bob field is not set when the employee is created.
fn historical(b: &BobField, source: &str) -> String {
    format!(
        "{source} → “{}”: a dated table in bob (historical), written only after the employee exists; Hirewire leaves it for you to enter in bob",
        b.name
    )
}

/// Names match when equal ignoring case, spaces and `_`, or via the `custom_<name>` identifier.
fn same_name(bob_name: &str, text: &str, identifier: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let b = norm(bob_name);
    !b.is_empty()
        && (b == norm(text)
            || identifier
                .strip_prefix("custom_")
                .is_some_and(|n| norm(n) == b))
}

/// A Lever value named as in `[[fields]] lever = …`.
fn lever_value(src: &Sources, name: &str) -> Option<Value> {
    let text = |s: &str| (!s.is_empty()).then(|| Value::String(s.to_string()));
    if let Some(field) = name.strip_prefix("posting.") {
        let p = src.posting?;
        return match field {
            "text" | "title" => text(&p.text),
            "team" => text(&p.categories.team),
            "department" => text(&p.categories.department),
            "location" => text(&p.categories.location),
            "commitment" => text(&p.categories.commitment),
            _ => None,
        };
    }
    if let Some(field) = name.strip_prefix("opportunity.") {
        let o = src.opp;
        return match field {
            "name" => text(&o.name),
            "location" => text(&o.location),
            "email" => o.email().map(Value::String),
            "phone" => o.phones.first().and_then(|p| text(&p.value)),
            "tags" => text(&o.tags.join(", ")),
            _ => None,
        };
    }
    let offer = src.offer?;
    offer.field(name).cloned().or_else(|| {
        offer
            .fields
            .iter()
            .find(|f| f.text == name)
            .map(|f| f.value.clone())
    })
}

/// List ids the plan needs loaded to convert its values.
pub fn lists_needed(plan: &[Assignment]) -> Vec<String> {
    let mut ids: Vec<String> = plan
        .iter()
        .filter(|a| a.bob.kind.contains("list"))
        .filter_map(|a| a.bob.list_id().map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Converts a Lever value to what bob's field type takes.
pub fn convert(
    field: &BobField,
    value: &Value,
    lists: &HashMap<String, Vec<ListItem>>,
    currency: Option<&str>,
) -> Result<Value, String> {
    let as_text = || match value {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match field.kind.as_str() {
        "number" => number(value)
            .map(|n| json!(n))
            .ok_or_else(|| format!("“{}” is not a number", as_text())),
        "date" => date(value)
            .map(Value::String)
            .ok_or_else(|| format!("“{}” is not a date", as_text())),
        "currency" => {
            let amount =
                number(value).ok_or_else(|| format!("“{}” is not an amount", as_text()))?;
            let code = currency
                .filter(|c| !c.is_empty())
                .ok_or("the offer has no compensation currency")?;
            Ok(json!({"value": amount, "currency": code}))
        }
        // A hierarchy list holds item ids like a flat one, its items nested (bob's lists
        // guide); until issue 23 its values went as text.
        "list" | "hierarchy-list" | "hierarchyList" => {
            list_item(field, &as_text(), lists).map(Value::String)
        }
        "multi-list" | "multiList" => as_text()
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| list_item(field, s, lists).map(Value::String))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        "employee-reference" | "employeeReference" => Err(
            "Lever user ids cannot be matched to bob employees; map this field by hand in bob"
                .into(),
        ),
        "boolean" | "checkbox" => Ok(Value::Bool(matches!(
            as_text().to_lowercase().as_str(),
            "true" | "yes" | "1"
        ))),
        _ => Ok(Value::String(as_text())),
    }
}

fn list_item(
    field: &BobField,
    label: &str,
    lists: &HashMap<String, Vec<ListItem>>,
) -> Result<String, String> {
    let id = field.list_id().unwrap_or_default();
    let items = lists
        .get(id)
        .ok_or_else(|| format!("bob's list {id} could not be read"))?;
    crate::clients::bob::find_item(items, label)
        .map(|i| i.id.clone())
        .ok_or_else(|| {
            format!(
                "“{}” is not an item of bob's list for {}",
                label.trim(),
                field.name
            )
        })
}

/// A number from a number or text like "£120,000.50".
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let cleaned: String = s
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            cleaned.parse().ok()
        }
        _ => None,
    }
}

/// A `YYYY-MM-DD` date from Lever's milliseconds or a date text.
pub fn date(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n.as_u64().and_then(time::lever_date),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(ms) = s.parse::<u64>() {
                return time::lever_date(ms);
            }
            let d = s.get(..10)?;
            let ok = d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
            ok.then(|| d.to_string())
        }
        _ => None,
    }
}

/// Writes `value` into `payload` along `path`, creating objects on the way.
pub fn set_path(payload: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = payload;
    for seg in parents {
        if !node.get(seg).is_some_and(Value::is_object) {
            node[seg.as_str()] = json!({});
        }
        node = &mut node[seg.as_str()];
    }
    node[last.as_str()] = value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::lever::OfferField;

    fn field(id: &str, name: &str, kind: &str, list: Option<&str>) -> BobField {
        BobField {
            id: id.into(),
            name: name.into(),
            json_path: format!("/{}", id.replace('.', "/")),
            kind: kind.into(),
            type_data: list.map(|l| json!({"listId": l})).unwrap_or(Value::Null),
            ..Default::default()
        }
    }

    #[test]
    fn offer_fields_map_by_name_and_mappings_override() {
        let offer = Offer {
            fields: vec![
                OfferField {
                    text: "Equity".into(),
                    identifier: "custom_equity".into(),
                    value: json!("0.1%"),
                },
                OfferField {
                    text: "T-Shirt Size".into(),
                    identifier: "custom_tshirt".into(),
                    value: json!("M"),
                },
                OfferField {
                    text: "Salary".into(),
                    identifier: "salary_amount".into(),
                    value: json!(120000),
                },
            ],
            ..Default::default()
        };
        let opp = Opportunity::default();
        let src = Sources {
            opp: &opp,
            posting: None,
            offer: Some(&offer),
        };
        let bob = vec![
            field("custom.f1", "equity", "text", None),
            field("custom.f2", "T-shirt size", "list", Some("tshirt")),
            field("pay.salary", "Base pay", "currency", None),
        ];
        let maps = vec![FieldMapping {
            lever: "salary_amount".into(),
            bob: "pay.salary".into(),
        }];
        let (plan, notes) = plan(&src, &bob, &maps);
        let ids: Vec<&str> = plan.iter().map(|a| a.bob.id.as_str()).collect();
        assert_eq!(ids, ["custom.f1", "custom.f2", "pay.salary"]);
        assert!(notes.is_empty());
        assert_eq!(lists_needed(&plan), ["tshirt"]);
    }

    #[test]
    fn values_convert_to_the_bob_type() {
        let mut lists = HashMap::new();
        lists.insert(
            "tshirt".to_string(),
            vec![ListItem {
                id: "t-m".into(),
                name: "M".into(),
                ..Default::default()
            }],
        );
        let list = field("c.t", "T-Shirt", "list", Some("tshirt"));
        assert_eq!(convert(&list, &json!("m"), &lists, None), Ok(json!("t-m")));
        assert!(convert(&list, &json!("XL"), &lists, None).is_err_and(|e| e.contains("XL")));
        assert_eq!(
            convert(
                &field("a", "A", "number", None),
                &json!("£120,000"),
                &lists,
                None
            ),
            Ok(json!(120000.0))
        );
        assert_eq!(
            convert(
                &field("a", "A", "date", None),
                &json!(1_767_225_600_000u64),
                &lists,
                None
            ),
            Ok(json!("2026-01-01"))
        );
        assert_eq!(
            convert(
                &field("a", "A", "currency", None),
                &json!(5),
                &lists,
                Some("GBP")
            ),
            Ok(json!({"value": 5.0, "currency": "GBP"}))
        );
        let mut payload = json!({});
        set_path(
            &mut payload,
            &["payroll".into(), "custom".into(), "x".into()],
            json!(1),
        );
        assert_eq!(payload, json!({"payroll": {"custom": {"x": 1}}}));
    }
}
