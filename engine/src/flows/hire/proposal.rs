//! The employee bob would get for a hire: the standard fields (name, email, start date,
//! site, title, department), then the offer fields matched to bob fields by name and the
//! explicit `[[fields]]` mappings, each converted to the bob field's type. Values that
//! cannot be converted become notes, not failures.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::fields;
use super::lever_hire::LeverHire;
use crate::clients::bob::{Bob, BobField};
use crate::flows::FlowError;
use crate::settings::Settings;

/// Builds the employee bob would get: standard fields, then same-name and mapped fields.
pub async fn propose(
    settings: &Settings,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
) -> Result<(Value, Vec<String>), FlowError> {
    let bob_fields = bob.fields().await?;
    let site_list = field(&bob_fields, "work.site")
        .and_then(BobField::list_id)
        .unwrap_or("site")
        .to_string();
    let sites = bob.list(&site_list).await?;
    let mut notes = Vec::new();
    let (first, last) = data.opp.split_name();
    let start = data
        .offer
        .as_ref()
        .and_then(|o| o.field("anticipated_start_date"))
        .and_then(fields::date)
        .ok_or_else(|| FlowError::Stop("the offer has no anticipated start date, which bob requires: add it to the offer in Lever, then Retry".into()))?;
    let location = data
        .posting
        .as_ref()
        .map(|p| p.categories.location.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| data.opp.location.clone());
    let site = match sites.iter().find(|s| s.is_called(&location)) {
        Some(s) => if s.name.is_empty() { s.value.clone() } else { s.name.clone() },
        None if !settings.bob.default_site.is_empty() => {
            notes.push(format!("no bob site is called “{location}”: used the default site {}", settings.bob.default_site));
            settings.bob.default_site.clone()
        }
        None => {
            return Err(FlowError::Stop(format!(
                "no bob site matches the Lever location “{location}” and no default site is set: set bob.default_site in Setup, then Retry"
            )))
        }
    };
    let mut payload = json!({"firstName": first, "surname": last, "email": email, "work": {"site": site, "startDate": start}});
    let title = data
        .offer
        .as_ref()
        .and_then(|o| o.field("job_title"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            data.posting
                .as_ref()
                .map(|p| p.text.clone())
                .filter(|t| !t.is_empty())
        });
    if let Some(title) = title {
        payload["work"]["title"] = json!(title);
    }
    let (plan, plan_notes) = fields::plan(&data.sources(), &bob_fields, &settings.fields);
    notes.extend(plan_notes);
    let department = data
        .posting
        .as_ref()
        .map(|p| {
            if p.categories.department.is_empty() {
                p.categories.team.clone()
            } else {
                p.categories.department.clone()
            }
        })
        .unwrap_or_default();
    let mut wanted = fields::lists_needed(&plan);
    let dept_field = field(&bob_fields, "work.department").cloned();
    if let Some(list) = dept_field.as_ref().and_then(|f| f.list_id()) {
        wanted.push(list.to_string());
    }
    let mut lists = HashMap::new();
    for id in wanted {
        lists.insert(id.clone(), bob.list(&id).await?);
    }
    if !department.is_empty() {
        let dept = dept_field.unwrap_or(BobField {
            id: "work.department".into(),
            kind: "text".into(),
            ..Default::default()
        });
        match fields::convert(&dept, &json!(department), &lists, None) {
            Ok(v) => payload["work"]["department"] = v,
            Err(e) => notes.push(format!("department: {e}")),
        }
    }
    for a in &plan {
        match fields::convert(&a.bob, &a.value, &lists, data.currency()) {
            Ok(v) => fields::set_path(&mut payload, &a.bob.path(), v),
            Err(e) => notes.push(format!("{} ({}): {e}", a.bob.name, a.source)),
        }
    }
    Ok((payload, notes))
}

fn field<'a>(fields: &'a [BobField], id: &str) -> Option<&'a BobField> {
    fields.iter().find(|f| f.id == id)
}
