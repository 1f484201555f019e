//! Score rules (`[[score_rules]]`): what a graded assessment moves in Lever. Per partner
//! test, `score ≥ at_least` moves the candidate to a stage and/or adds a tag, `score <
//! below` adds a tag and/or proposes archiving with a reason; between the two nothing
//! moves. Archiving always waits for a person; `propose_only` makes every move wait. The
//! stage, tag and reason are Lever's ids (tags are their own names); their names are kept
//! beside them in `[names]`, as for the other mappings. Only the rule and the decision are
//! here: the flow that acts on them is `flows::assessment::rules`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One `[[score_rules]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreRule {
    /// The partner's test id, as in `[interview_types]`.
    pub test: String,
    /// `score ≥ at_least` is a pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at_least: Option<f64>,
    /// A pass moves the candidate to this Lever stage id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub move_to: String,
    /// A pass adds this Lever tag.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tag: String,
    /// `score < below` is under the bar.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub below: Option<f64>,
    /// Under the bar adds this Lever tag.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub below_tag: String,
    /// Under the bar proposes archiving with this Lever archive reason id (never
    /// automatic: it waits for Approve).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub propose_archive: String,
    /// Every move of this rule waits for Approve.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub propose_only: bool,
}

/// A rule's mistake, said so that the user can fix it (the settings wrap it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

/// Checks every rule: a test id, at most one rule per test, bounds that make sense, and
/// something to do on each side that has a bound.
pub fn validate(rules: &[ScoreRule]) -> Result<(), Invalid> {
    let mut seen = std::collections::BTreeSet::new();
    for r in rules {
        let t = r.test.trim();
        if t.is_empty() {
            return Err(Invalid(
                "each [[score_rules]] entry needs `test`, the partner's test id as in [interview_types]".into(),
            ));
        }
        if !seen.insert(t.to_string()) {
            return Err(Invalid(format!(
                "[[score_rules]] has two rules for test {t:?}; keep one per test"
            )));
        }
        for (name, v) in [("at_least", r.at_least), ("below", r.below)] {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(Invalid(format!(
                    "the score rule for {t:?}: `{name}` must be a number"
                )));
            }
        }
        if let (Some(a), Some(b)) = (r.at_least, r.below) {
            if b > a {
                return Err(Invalid(format!(
                    "the score rule for {t:?}: `below` ({b}) is above `at_least` ({a}); a score cannot be both a pass and under the bar"
                )));
            }
        }
        if r.at_least.is_some() && r.move_to.is_empty() && r.tag.is_empty() {
            return Err(Invalid(format!(
                "the score rule for {t:?} has `at_least` but nothing to do: set `move_to` (a Lever stage) and/or `tag`"
            )));
        }
        if r.below.is_some() && r.below_tag.is_empty() && r.propose_archive.is_empty() {
            return Err(Invalid(format!(
                "the score rule for {t:?} has `below` but nothing to do: set `below_tag` and/or `propose_archive` (a Lever archive reason)"
            )));
        }
        if r.at_least.is_none() && r.below.is_none() {
            return Err(Invalid(format!(
                "the score rule for {t:?} needs `at_least` or `below` (or both)"
            )));
        }
    }
    Ok(())
}

/// What a rule decided for one score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// In words, for the history: "score 81 ≥ 70".
    pub why: String,
    /// Move to this stage id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to: Option<String>,
    /// Add this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Propose archiving with this reason id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Waits for Approve (archiving, or a `propose_only` rule).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ask: bool,
}

/// A partner score as a number: a JSON number, or a string that holds one ("81", "81.5").
pub fn score_of(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// A score as people write it: no ".0".
pub fn said(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What `rule` does for `score`; `Err` says, in words, why nothing moves.
pub fn decide(rule: &ScoreRule, score: f64) -> Result<Decision, String> {
    let s = said(score);
    if let Some(a) = rule.at_least.filter(|a| score >= *a) {
        return Ok(Decision {
            why: format!("score {s} ≥ {}", said(a)),
            move_to: Some(rule.move_to.clone()).filter(|x| !x.is_empty()),
            tag: Some(rule.tag.clone()).filter(|x| !x.is_empty()),
            archive: None,
            ask: rule.propose_only,
        });
    }
    if let Some(b) = rule.below.filter(|b| score < *b) {
        let archive = Some(rule.propose_archive.clone()).filter(|x| !x.is_empty());
        return Ok(Decision {
            why: format!("score {s} < {}", said(b)),
            move_to: None,
            tag: Some(rule.below_tag.clone()).filter(|x| !x.is_empty()),
            ask: rule.propose_only || archive.is_some(),
            archive,
        });
    }
    Err(match (rule.at_least, rule.below) {
        (Some(a), Some(b)) => format!(
            "score {s} is between {} and {}: the rule moves nothing",
            said(b),
            said(a)
        ),
        (Some(a), None) => format!("score {s} < {}: the rule moves nothing", said(a)),
        (None, Some(b)) => format!("score {s} ≥ {}: the rule moves nothing", said(b)),
        (None, None) => format!("score {s}: the rule has no bounds"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule() -> ScoreRule {
        ScoreRule {
            test: "bb-swe".into(),
            at_least: Some(70.0),
            move_to: "st-onsite".into(),
            tag: "Passed assessment".into(),
            below: Some(40.0),
            below_tag: "Below bar".into(),
            propose_archive: "ar-under".into(),
            propose_only: false,
        }
    }

    #[test]
    fn a_pass_moves_under_the_bar_asks_and_between_moves_nothing() {
        let pass = decide(&rule(), 81.0).unwrap_or_default();
        assert_eq!(pass.why, "score 81 ≥ 70");
        assert_eq!(pass.move_to.as_deref(), Some("st-onsite"));
        assert!(!pass.ask, "a pass moves without asking");
        let under = decide(&rule(), 32.0).unwrap_or_default();
        assert_eq!(under.why, "score 32 < 40");
        assert_eq!(
            (under.archive.as_deref(), under.ask),
            (Some("ar-under"), true),
            "archiving always asks"
        );
        assert!(decide(&rule(), 55.0).is_err_and(|e| e.contains("between 40 and 70")));
        let only = ScoreRule {
            propose_only: true,
            ..rule()
        };
        assert!(decide(&only, 81.0).is_ok_and(|d| d.ask));
    }

    #[test]
    fn scores_come_as_numbers_or_numeric_strings() {
        assert_eq!(score_of(Some(&serde_json::json!(81))), Some(81.0));
        assert_eq!(score_of(Some(&serde_json::json!("81.5"))), Some(81.5));
        assert_eq!(score_of(Some(&serde_json::json!("Strong hire"))), None);
        assert_eq!(score_of(None), None);
    }

    #[test]
    fn rules_that_cannot_work_are_named() {
        let two = [rule(), rule()];
        assert!(validate(&two).is_err_and(|e| e.0.contains("two rules")));
        let upside = ScoreRule {
            below: Some(90.0),
            ..rule()
        };
        assert!(validate(&[upside]).is_err_and(|e| e.0.contains("above")));
        let idle = ScoreRule {
            move_to: String::new(),
            tag: String::new(),
            ..rule()
        };
        assert!(validate(&[idle]).is_err_and(|e| e.0.contains("nothing to do")));
        assert!(validate(&[rule()]).is_ok());
    }

    proptest! {
        #[test]
        fn any_score_json_is_a_number_or_none_never_a_panic(s in "(?s).{0,40}", n in any::<f64>()) {
            let _ = score_of(Some(&Value::String(s)));
            if let Some(v) = serde_json::Number::from_f64(n) {
                prop_assert_eq!(score_of(Some(&Value::Number(v))), Some(n));
            }
        }

        #[test]
        fn a_score_is_a_pass_under_the_bar_or_neither(score in -1e6f64..1e6) {
            match decide(&rule(), score) {
                Ok(d) if score >= 70.0 => prop_assert!(d.move_to.is_some() && d.archive.is_none()),
                Ok(d) => prop_assert!(score < 40.0 && d.archive.is_some() && d.ask),
                Err(_) => prop_assert!((40.0..70.0).contains(&score)),
            }
        }
    }
}
