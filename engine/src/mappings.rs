//! Mapping suggestions: archive reasons matched against the seed's table of common reasons
//! (case-insensitive), and stages and interview types proposed from their names.

use super::clients::lever::{Named, Tag};
use super::clients::partner::PartnerTest;
use super::flows::FlowError;
use super::secrets::Secret;
use super::settings::{Names, Outcome, Settings};
use super::Engine;

/// The seed's table of common Lever archive reasons per offer status.
pub const COMMON_REASONS: [(Outcome, &[&str]); 5] = [
    (
        Outcome::Rejected,
        &[
            "Not a fit",
            "Underqualified",
            "Preferred another candidate",
            "Overqualified",
            "Keep for future opportunities",
            "Motivations Misalignment",
            "Misaligned values",
            "Plagiarism",
            "Junior for role",
        ],
    ),
    (Outcome::Withdrew, &["Withdrew"]),
    (Outcome::OfferAccepted, &["Hired"]),
    (
        Outcome::OfferDeclined,
        &["Offer declined", "accepted another offer"],
    ),
    (
        Outcome::NotApplicable,
        &[
            "Duplicate application",
            "Unresponsive",
            "Timing",
            "Position closed",
            "Location",
            "Visa Status",
            "Better for another role",
            "Compensation Misalignment",
            "Expired",
            "Distance",
        ],
    ),
];

/// The suggested outcome of an archive reason, by its text (and Lever's hired type).
pub fn default_outcome(text: &str, kind: &str) -> Option<Outcome> {
    let t = text.trim();
    let from_table = COMMON_REASONS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(t)))
        .map(|(o, _)| *o);
    from_table.or((kind == "hired").then_some(Outcome::OfferAccepted))
}

/// What a setup key showed, and the settings proposed from it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Suggestion {
    /// Lever's stages.
    pub stages: Vec<Named>,
    /// Lever's archive reasons.
    pub archive_reasons: Vec<Named>,
    /// Lever's tags.
    pub tags: Vec<Tag>,
    /// The partner's tests (empty when no partner is configured).
    pub tests: Vec<PartnerTest>,
    /// The current settings with the mappings filled in.
    pub proposed: Settings,
    /// Archive reasons without a suggestion, by text.
    pub unmapped_reasons: Vec<String>,
}

/// Reads stages, archive reasons and tags with a setup key (used here, never stored) and
/// the partner's tests, and proposes mappings on top of the current settings.
pub async fn suggest(engine: &Engine, setup_key: Secret) -> Result<Suggestion, FlowError> {
    let current = engine.store.read_async(|rx| rx.settings()).await?;
    let lever = engine.lever_setup(&current, setup_key);
    let stages = lever.stages().await?;
    let archive_reasons = lever.archive_reasons().await?;
    let tags = lever.tags().await?;
    drop(lever);
    let a = &current.assessment;
    let tests = if a.list_tests_url.is_empty() {
        Vec::new()
    } else {
        engine
            .partner()
            .await?
            .list_tests(&a.list_tests_url)
            .await?
    };
    let names = keep_names(engine, &stages, &archive_reasons).await?;
    let mut proposed = current.clone();
    proposed.names = proposed.names.merge(names);
    propose_stages(&mut proposed, &stages);
    let unmapped_reasons = propose_reasons(&mut proposed, &archive_reasons);
    propose_tests(&mut proposed, &tests, &tags);
    Ok(Suggestion {
        stages,
        archive_reasons,
        tags,
        tests,
        proposed,
        unmapped_reasons,
    })
}

/// The stages' and archive reasons' names, kept with their ids: names are not secrets,
/// so the screens show them after this window (and the setup key) are gone.
async fn keep_names(
    engine: &Engine,
    stages: &[Named],
    archive_reasons: &[Named],
) -> Result<Names, FlowError> {
    let names = Names {
        stages: stages
            .iter()
            .map(|s| (s.id.clone(), s.text.clone()))
            .collect(),
        archive_reasons: archive_reasons
            .iter()
            .map(|r| (r.id.clone(), r.text.clone()))
            .collect(),
        unmapped_seen: Default::default(),
    };
    let kept = names.clone();
    engine
        .store
        .write_async(move |tx| tx.add_names(kept))
        .await?;
    Ok(names)
}

/// Keeps the mappings of archive reasons that still exist and maps the new ones whose
/// name says an outcome; returns the names of those it could not map.
fn propose_reasons(proposed: &mut Settings, archive_reasons: &[Named]) -> Vec<String> {
    let mut unmapped = Vec::new();
    proposed
        .archive_reasons
        .retain(|id, _| archive_reasons.iter().any(|r| &r.id == id));
    for r in archive_reasons {
        if proposed.archive_reasons.contains_key(&r.id) {
            continue;
        }
        match default_outcome(&r.text, &r.kind) {
            Some(o) => {
                proposed.archive_reasons.insert(r.id.clone(), o);
            }
            None => unmapped.push(r.text.clone()),
        }
    }
    unmapped
}

/// Maps each Lever tag named like one of the partner's tests to that test, unless mapped.
fn propose_tests(proposed: &mut Settings, tests: &[PartnerTest], tags: &[Tag]) {
    for t in tests {
        if let Some(tag) = tags.iter().find(|g| g.text == t.partner_test_name) {
            proposed
                .interview_types
                .entry(tag.text.clone())
                .or_insert_with(|| t.partner_test_id.clone());
        }
    }
}

/// Keeps valid stage mappings and fills the rest from stage names.
fn propose_stages(s: &mut Settings, stages: &[Named]) {
    let exists = |id: &str| stages.iter().any(|st| st.id == id);
    let provider = s.assessment.provider.to_lowercase();
    let pick = |words: &[&str]| {
        stages.iter().find(|st| {
            let t = st.text.to_lowercase();
            words.iter().any(|w| !w.is_empty() && t.contains(w))
        })
    };
    if !exists(&s.stages.assessment) {
        s.stages.assessment = pick(&[provider.as_str(), "assessment", "technical"])
            .map(|st| st.id.clone())
            .unwrap_or_default();
    }
    if !exists(&s.stages.onsite) {
        s.stages.onsite = pick(&["onsite", "on-site", "final"])
            .map(|st| st.id.clone())
            .unwrap_or_default();
    }
    if !exists(&s.stages.offer) {
        s.stages.offer = pick(&["offer"]).map(|st| st.id.clone()).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_reasons_get_the_seed_outcome() {
        assert_eq!(
            default_outcome("not a fit", "non-hired"),
            Some(Outcome::Rejected)
        );
        assert_eq!(
            default_outcome("Hired", "hired"),
            Some(Outcome::OfferAccepted)
        );
        assert_eq!(
            default_outcome("Accepted another offer", "non-hired"),
            Some(Outcome::OfferDeclined)
        );
        assert_eq!(
            default_outcome("Visa status", "non-hired"),
            Some(Outcome::NotApplicable)
        );
        assert_eq!(default_outcome("Something else", "non-hired"), None);
        assert_eq!(
            default_outcome("Joined us", "hired"),
            Some(Outcome::OfferAccepted)
        );
    }
}
