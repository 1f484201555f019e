//! Mapping suggestions: archive reasons matched against the seed's table of common reasons
//! (case-insensitive), and stages and interview types proposed from their names.

use super::settings::Outcome;

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

/// `hirewire mappings suggest`.
pub async fn cli_suggest(_engine: &super::Engine, _apply: bool) -> Result<(), crate::cli::Failure> {
    Err(crate::cli::Failure::Other(
        "mapping suggestions arrive with the assessment flow".into(),
    ))
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
