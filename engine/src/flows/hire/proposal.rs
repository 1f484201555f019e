//! The employee bob would get for a hire: the standard fields (name, email, start date,
//! site, title, department), then the offer fields matched to bob fields by name and the
//! explicit `[[fields]]` mappings, each converted to the bob field's type. Values that
//! cannot be converted become notes, not failures; a title, department or site that bob's
//! list does not hold stops the hire with what to do (bob would refuse the create).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::fields;
use super::lever_hire::LeverHire;
use crate::clients::bob::{find_item, Bob, BobField, ListItem};
use crate::flows::FlowError;
use crate::settings::Settings;
use crate::work::LeverInputs;

/// The three work fields bob keeps in named lists; written as the item's display value.
const SITE: &str = "work.site";
const TITLE: &str = "work.title";
const DEPARTMENT: &str = "work.department";

/// Builds the employee bob would get: standard fields, then same-name and mapped fields.
pub async fn propose(
    settings: &Settings,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
) -> Result<(Value, Vec<String>), FlowError> {
    let bob_fields = bob.fields().await?;
    let mut notes = Vec::new();
    let (first, last) = data.opp.split_name();
    let start = start_date(data)?;
    let site = site(settings, bob, &bob_fields, data, &mut notes).await?;
    let mut payload = json!({"firstName": first, "surname": last, "email": email, "work": {"site": site, "startDate": start}});
    if let Some(title) = title(data) {
        let value = work_list_value(settings, bob, &bob_fields, TITLE, &title).await?;
        payload["work"]["title"] = json!(value);
    }
    if let Some(dept) = department(data) {
        let value = work_list_value(settings, bob, &bob_fields, DEPARTMENT, &dept).await?;
        payload["work"]["department"] = json!(value);
    }
    let (plan, plan_notes) = fields::plan(&data.sources(), &bob_fields, &settings.fields);
    notes.extend(plan_notes);
    let mut lists = HashMap::new();
    for id in fields::lists_needed(&plan) {
        lists.insert(id.clone(), bob.list(&id).await?);
    }
    for a in &plan {
        match fields::convert(&a.bob, &a.value, &lists, data.currency()) {
            Ok(v) => fields::set_path(&mut payload, &a.bob.path(), v),
            Err(e) => notes.push(format!("{} ({}): {e}", a.bob.name, a.source)),
        }
    }
    Ok((payload, notes))
}

/// What the employee is made from in Lever, to notice later changes by.
pub fn inputs(data: &LeverHire) -> LeverInputs {
    LeverInputs {
        start: start_date(data).ok(),
        title: title(data),
        department: department(data),
        location: job_location(data),
        offer: data
            .offer
            .iter()
            .flat_map(|o| o.fields.iter())
            .map(|f| (f.identifier.clone(), f.value.clone()))
            .collect(),
        offer_id: data
            .offer
            .as_ref()
            .map(|o| o.id.clone())
            .filter(|id| !id.is_empty()),
        offer_created_ms: data.offer.as_ref().and_then(|o| o.created_at),
    }
}

/// The payload with its work list values (site, title, department) as item ids instead
/// of display values; `None` when there is none to change.
pub async fn with_item_ids(bob: &Bob, payload: &Value) -> Result<Option<Value>, FlowError> {
    let bob_fields = bob.fields().await?;
    let mut out = payload.clone();
    let mut changed = false;
    for field in [SITE, TITLE, DEPARTMENT] {
        let key = field.trim_start_matches("work.");
        let Some(value) = payload["work"].get(key).and_then(Value::as_str) else {
            continue;
        };
        let list = list_of(&bob_fields, field).unwrap_or(key);
        let items = bob.list(list).await?;
        if let Some(item) = find_item(&items, value).filter(|i| !i.id.is_empty()) {
            out["work"][key] = json!(item.id);
            changed = true;
        }
    }
    Ok(changed.then_some(out))
}

/// The item id of a work list value (title, department) given by its display value:
/// bob's Work table rows take ids. `None` when bob keeps the field in no list or its list
/// lacks the value.
pub async fn work_item_id(
    bob: &Bob,
    bob_fields: &[BobField],
    field: &str,
    display: &str,
) -> Result<Option<String>, FlowError> {
    let key = field.trim_start_matches("work.");
    let list = list_of(bob_fields, field).unwrap_or(key);
    let items = bob.list(list).await?;
    Ok(find_item(&items, display)
        .filter(|i| !i.id.is_empty())
        .map(|i| i.id.clone()))
}

/// The offer's anticipated start date as `YYYY-MM-DD` (bob requires one).
fn start_date(data: &LeverHire) -> Result<String, FlowError> {
    let Some(raw) = data
        .offer
        .as_ref()
        .and_then(|o| o.field("anticipated_start_date"))
    else {
        return Err(FlowError::Stop("the offer has no anticipated start date, which bob requires: add it to the offer in Lever, then Retry".into()));
    };
    fields::date(raw).ok_or_else(|| {
        FlowError::Stop(format!(
            "the offer's anticipated start date ({raw}) is not a usable date: correct it on the offer in Lever, then Retry"
        ))
    })
}

/// The job title: the offer's, else the posting's.
fn title(data: &LeverHire) -> Option<String> {
    data.offer
        .as_ref()
        .and_then(|o| o.field("job_title"))
        .and_then(Value::as_str)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            data.posting
                .as_ref()
                .map(|p| p.text.trim().to_string())
                .filter(|t| !t.is_empty())
        })
}

/// The department: the posting's department, else its team.
fn department(data: &LeverHire) -> Option<String> {
    let p = data.posting.as_ref()?;
    [&p.categories.department, &p.categories.team]
        .into_iter()
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
}

/// Where the job is: the opportunity's posting location, else the posting's own. Never
/// the candidate's `location`, which is where they live.
fn job_location(data: &LeverHire) -> Option<String> {
    data.opp.opportunity_location.clone().or_else(|| {
        data.posting
            .as_ref()
            .map(|p| p.categories.location.trim().to_string())
            .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("unspecified"))
    })
}

/// The bob site of the job's location, else the default site (with a note).
async fn site(
    settings: &Settings,
    bob: &Bob,
    bob_fields: &[BobField],
    data: &LeverHire,
    notes: &mut Vec<String>,
) -> Result<String, FlowError> {
    let list = list_of(bob_fields, SITE).unwrap_or("site").to_string();
    let sites = bob.list(&list).await?;
    let location = job_location(data);
    let wanted = location
        .as_deref()
        .map(|l| mapped(settings, SITE, l).to_string());
    if let Some(item) = wanted.as_deref().and_then(|l| find_item(&sites, l)) {
        return Ok(item.display().to_string());
    }
    let default = settings.bob.default_site.trim();
    if default.is_empty() {
        return Err(FlowError::Stop(match location {
            Some(l) => format!("no bob site matches the posting location “{l}” and no default site is set: add the site to bob, map it in Mappings, or set bob.default_site, then Retry"),
            None => "the posting has no location and no default bob site is set: set bob.default_site in Setup, then Retry".into(),
        }));
    }
    let Some(item) = find_item(&sites, default) else {
        return Err(FlowError::Stop(format!(
            "the default site “{default}” is not a site in bob: correct bob.default_site in Setup, then Retry"
        )));
    };
    notes.push(match location {
        Some(l) => format!(
            "no bob site is called “{l}”: used the default site {}",
            item.display()
        ),
        None => format!(
            "the posting has no location: used the default site {}",
            item.display()
        ),
    });
    Ok(item.display().to_string())
}

/// A value for a standard work field: its item's display value when bob keeps the field
/// in a list (a value bob does not know stops the hire, with what to do), else the text.
async fn work_list_value(
    settings: &Settings,
    bob: &Bob,
    bob_fields: &[BobField],
    field: &str,
    lever_value: &str,
) -> Result<String, FlowError> {
    let value = mapped(settings, field, lever_value);
    let Some(list) = list_of(bob_fields, field) else {
        return Ok(value.to_string());
    };
    let items: Vec<ListItem> = bob.list(list).await?;
    match find_item(&items, value) {
        Some(item) => Ok(item.display().to_string()),
        None => Err(FlowError::Stop(not_in_list(field, lever_value, value))),
    }
}

/// A Lever value as `[value_map."field"]` maps it (unchanged when unmapped).
fn mapped<'a>(settings: &'a Settings, field: &str, value: &'a str) -> &'a str {
    settings
        .value_map
        .get(field)
        .and_then(|m| m.get(value.trim()))
        .map(String::as_str)
        .unwrap_or(value)
}

/// The named list of a bob field, when bob keeps it in one.
fn list_of<'a>(bob_fields: &'a [BobField], id: &str) -> Option<&'a str> {
    bob_fields
        .iter()
        .find(|f| f.id == id)
        .filter(|f| f.is_list())
        .and_then(BobField::list_id)
}

/// What a hire says when bob's list lacks the value.
fn not_in_list(field: &str, lever_value: &str, looked_for: &str) -> String {
    let what = match field {
        TITLE => "job title",
        DEPARTMENT => "department",
        _ => "site",
    };
    let mapped = if looked_for == lever_value {
        String::new()
    } else {
        format!(" (mapped to “{looked_for}”)")
    };
    format!(
        "bob has no {what} “{lever_value}”{mapped} in its list, and refuses values its list does not hold: add it to bob's {what} list, or map it to one bob has in Mappings (value_map.\"{field}\"), then Retry"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_bob_lacks_is_said_with_both_fixes() {
        let m = not_in_list(TITLE, "Staff Engineer", "Staff Engineer");
        assert!(m.contains("no job title “Staff Engineer”"), "{m}");
        assert!(
            m.contains("add it to bob's job title list") && m.contains("value_map"),
            "{m}"
        );
        let mut s = Settings::default();
        s.value_map.insert(
            TITLE.into(),
            [("Staff Engineer".to_string(), "Senior Engineer".to_string())].into(),
        );
        assert_eq!(mapped(&s, TITLE, "Staff Engineer"), "Senior Engineer");
        assert_eq!(mapped(&s, TITLE, "Intern"), "Intern");
    }
}
