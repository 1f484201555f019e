//! What the catch-up's re-read of an offer or posting could not obtain is not a change.
//!
//! A value the hire had may be missing from the re-read for reasons that say nothing about
//! the job: a list that did not expand, a field the key may not see, a posting read that
//! came back thin. Proposing "Department Engineering → (none)" would have Approve blank
//! bob's field, so such a value is taken as unknown: the hire's value stands in for it in
//! the comparison, and the catch-up says which values it could not compare.

use serde_json::Value;

use crate::clients::lever::{Offer, OfferField, Posting};
use crate::flows::hire::lever_hire::LeverHire;
use crate::work::change::show;
use crate::work::{FieldChange, LeverInputs};

/// The offer fields whose role is fixed by their identifier (start date, title), filled
/// back from the hire when the re-read lacks them. Other offer fields map by name, which
/// the hire's record does not keep; those are caught by [`split`] instead.
const OFFER_KEYS: [(&str, &str); 2] = [
    ("anticipated_start_date", "Anticipated start date"),
    ("job_title", "Job title"),
];

/// Puts the hire's value back wherever the re-read lacks one it had; returns each such
/// value as a person reads it ("Department (Engineering at the hire)").
pub(super) fn fill(data: &mut LeverHire, had: &LeverInputs) -> Vec<String> {
    let mut lost = Vec::new();
    for (id, text) in OFFER_KEYS {
        let Some(value) = had.offer.get(id).filter(|v| !is_none(v)) else {
            continue;
        };
        let offer = data.offer.get_or_insert_with(|| Offer {
            id: had.offer_id.clone().unwrap_or_default(),
            created_at: had.offer_created_ms,
            ..Default::default()
        });
        if offer.field(id).is_some_and(|v| !is_none(v)) {
            continue;
        }
        offer.fields.retain(|f| f.identifier != id);
        offer.fields.push(OfferField {
            text: text.into(),
            identifier: id.into(),
            value: value.clone(),
        });
        lost.push(format!("{text} ({} at the hire)", shown(id, value, had)));
    }
    let offer_title = had.offer.get("job_title").is_some_and(|v| !is_none(v));
    if let (false, Some(title)) = (offer_title, &had.title) {
        if data
            .posting
            .as_ref()
            .is_none_or(|p| p.text.trim().is_empty())
        {
            posting(data).text = title.clone();
            lost.push(format!("Title ({title} at the hire)"));
        }
    }
    if let Some(dept) = &had.department {
        let now = data.posting.as_ref().map(|p| {
            p.categories.department.trim().is_empty() && p.categories.team.trim().is_empty()
        });
        if now.unwrap_or(true) {
            posting(data).categories.department = dept.clone();
            lost.push(format!("Department ({dept} at the hire)"));
        }
    }
    if let Some(location) = &had.location {
        let posting_has = data.posting.as_ref().is_some_and(|p| {
            let l = p.categories.location.trim();
            !l.is_empty() && !l.eq_ignore_ascii_case("unspecified")
        });
        if data.opp.opportunity_location.is_none() && !posting_has {
            data.opp.opportunity_location = Some(location.clone());
            lost.push(format!("Location ({location} at the hire)"));
        }
    }
    lost
}

/// Splits the differences into changes and values the re-read did not give (now empty,
/// then not): the latter are not proposed, only named.
pub(super) fn split(changes: Vec<FieldChange>) -> (Vec<FieldChange>, Vec<String>) {
    let (gone, kept): (Vec<FieldChange>, Vec<FieldChange>) = changes
        .into_iter()
        .partition(|c| is_none(&c.now) && !is_none(&c.was));
    let lost = gone
        .iter()
        .map(|c| format!("{} ({} at the hire)", c.label, show(&c.was)))
        .collect();
    (kept, lost)
}

fn posting(d: &mut LeverHire) -> &mut Posting {
    d.posting.get_or_insert_with(Posting::default)
}

/// The sentence a catch-up gives for values it could not compare.
pub(super) fn sentence(lost: &[String]) -> String {
    format!(
        "Lever's answer did not give {} (a field the key may not see, or a list that did not expand): not compared, and nothing is proposed for it; if it was removed in Lever on purpose, change bob by hand",
        lost.join(", ")
    )
}

fn is_none(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// An offer value as a person reads it: the start date as the day the hire had.
fn shown(id: &str, value: &Value, had: &LeverInputs) -> String {
    match (id, &had.start) {
        ("anticipated_start_date", Some(day)) => day.clone(),
        _ => show(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::lever::Opportunity;
    use serde_json::json;

    #[test]
    fn what_the_re_read_lacks_is_filled_from_the_hire_and_named() {
        let had = LeverInputs {
            start: Some("2027-03-01".into()),
            title: Some("Software Engineer".into()),
            department: Some("Engineering".into()),
            location: Some("London".into()),
            offer: [
                (
                    "anticipated_start_date".to_string(),
                    json!(1_803_888_000_000u64),
                ),
                ("job_title".to_string(), json!("Software Engineer")),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let mut data = LeverHire {
            opp: Opportunity::default(),
            posting: Some(Posting::default()),
            offer: Some(Offer::default()),
            files: vec![],
        };
        let lost = fill(&mut data, &had);
        assert_eq!(
            lost,
            vec![
                "Anticipated start date (2027-03-01 at the hire)",
                "Job title (Software Engineer at the hire)",
                "Department (Engineering at the hire)",
                "Location (London at the hire)",
            ]
        );
        assert_eq!(crate::flows::hire::proposal::inputs(&data), had);
        assert!(fill(&mut data, &had).is_empty(), "nothing lacks now");
    }
}
