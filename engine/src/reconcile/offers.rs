//! Which offer a watched hire is compared with. An offer changed after signature may be
//! the signed offer edited in place, or a new offer made after it (Lever does not say which
//! it records, and a new one is often less advanced than the signed one, so "the most
//! advanced offer" would hide it). So the offer the employee came from is read again, and
//! so is every offer made after it: the newest of those that differs is compared, and the
//! change says which offer it is.

use crate::clients::lever::Offer;
use crate::time;
use crate::work::LeverInputs;

/// The offer to compare, and which one it is when it is not simply the hire's own.
#[derive(Debug, Default)]
pub(super) struct Picked {
    pub offer: Option<Offer>,
    /// "a newer offer (sent, made 2026-12-07)", or that the hire's own offer was edited.
    pub note: Option<String>,
}

/// Picks from `offers` (all of the opportunity's) against what the employee came from.
pub(super) fn pick(offers: Vec<Offer>, had: &LeverInputs) -> Picked {
    let most_advanced = || {
        offers
            .iter()
            .max_by_key(|o| (o.rank(), o.created_at))
            .cloned()
    };
    let base = match &had.offer_id {
        Some(id) => offers.iter().find(|o| &o.id == id).cloned(),
        // A hire recorded before offers were remembered: the old rule finds its offer.
        None => most_advanced(),
    };
    let since = base
        .as_ref()
        .and_then(|b| b.created_at)
        .or(had.offer_created_ms);
    let base_id = base.as_ref().map(|b| b.id.clone());
    let mut newer: Vec<&Offer> = offers
        .iter()
        .filter(|o| Some(&o.id) != base_id.as_ref() && o.status != "denied")
        .filter(|o| matches!((o.created_at, since), (Some(c), Some(s)) if c > s))
        .filter(|o| differs(o, had))
        .collect();
    newer.sort_by_key(|o| o.created_at);
    if let Some(latest) = newer.last() {
        let more = match newer.len() {
            1 => String::new(),
            n => format!("; {n} offers made after it differ, the newest is compared"),
        };
        let made = latest
            .created_at
            .and_then(time::date)
            .unwrap_or_else(|| "at an unknown date".into());
        return Picked {
            offer: Some((*latest).clone()),
            note: Some(format!(
                "a newer offer than the one the employee came from ({}, made {made}{more})",
                latest.status
            )),
        };
    }
    match base {
        Some(b) => Picked {
            note: differs(&b, had)
                .then(|| format!("the offer the employee came from ({}), edited", b.status)),
            offer: Some(b),
        },
        None => Picked {
            offer: most_advanced(),
            note: None,
        },
    }
}

/// Whether an offer's fields say something else than the hire had.
fn differs(o: &Offer, had: &LeverInputs) -> bool {
    let fields: std::collections::BTreeMap<String, serde_json::Value> = o
        .fields
        .iter()
        .map(|f| (f.identifier.clone(), f.value.clone()))
        .collect();
    fields != had.offer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::lever::OfferField;
    use serde_json::json;

    fn offer(id: &str, status: &str, created: u64, title: &str) -> Offer {
        Offer {
            id: id.into(),
            status: status.into(),
            created_at: Some(created),
            fields: vec![OfferField {
                text: "Job title".into(),
                identifier: "job_title".into(),
                value: json!(title),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_newer_offer_that_differs_is_compared_and_named_even_if_less_advanced() {
        let had = LeverInputs {
            offer: [("job_title".to_string(), json!("Engineer"))].into(),
            offer_id: Some("o1".into()),
            offer_created_ms: Some(1_000),
            ..Default::default()
        };
        let signed = offer("o1", "signed", 1_000, "Engineer");
        let older = offer("o0", "draft", 500, "Intern");
        let same = offer("o2", "sent", 2_000, "Engineer");
        let picked = pick(vec![older.clone(), signed.clone(), same.clone()], &had);
        assert_eq!(picked.offer.map(|o| o.id), Some("o1".into()));
        assert_eq!(picked.note, None, "nothing changed");

        let newer = offer("o3", "sent", 3_000, "Manager");
        let picked = pick(vec![signed.clone(), newer, same], &had);
        assert_eq!(picked.offer.map(|o| o.id), Some("o3".into()));
        assert!(picked
            .note
            .is_some_and(|n| n.contains("a newer offer") && n.contains("sent")),);

        let edited = offer("o1", "signed", 1_000, "Manager");
        let picked = pick(vec![older, edited], &had);
        assert_eq!(picked.offer.map(|o| o.id), Some("o1".into()));
        assert!(picked.note.is_some_and(|n| n.contains("edited")));
    }
}
