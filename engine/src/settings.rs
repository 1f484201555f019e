//! Settings and mappings: typed, validated once, stored in redb, imported and exported as
//! TOML (`hirewire config import|export`). Never a secret: those live in the keychain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything the engine is configured with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Lever.
    pub lever: LeverSettings,
    /// bob.
    pub bob: BobSettings,
    /// The assessment partner.
    pub assessment: AssessmentSettings,
    /// Lever stage ids mapped to assessment steps.
    pub stages: Stages,
    /// Lever archive reason id → outcome.
    pub archive_reasons: BTreeMap<String, Outcome>,
    /// Lever tag (exact, case-sensitive) → partner test id.
    pub interview_types: BTreeMap<String, String>,
    /// What a graded assessment moves in Lever, per partner test (`[[score_rules]]`).
    pub score_rules: Vec<ScoreRule>,
    /// Explicit field mappings on top of the same-name rule.
    pub fields: Vec<FieldMapping>,
    /// Lever values mapped to bob list values, per bob field id (`work.title` …): for a
    /// title or department bob's list does not hold under Lever's name.
    pub value_map: BTreeMap<String, BTreeMap<String, String>>,
    /// Privacy: how long personal data stays.
    pub privacy: PrivacySettings,
    /// What Lever calls the ids above, so that screens show names.
    pub names: Names,
}

/// `[names]`: Lever's names for the ids the mappings use, kept with them (names are not
/// secrets). Filled when a setup key loads Lever's lists, and when an event brings an archive
/// reason no mapping knows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct Names {
    /// Lever stage id → its name.
    pub stages: BTreeMap<String, String>,
    /// Lever archive reason id → its text.
    pub archive_reasons: BTreeMap<String, String>,
    /// Archive reasons an event brought while they had no mapping: reason id → the history
    /// entry of the first such event. A reason leaves this list when it is mapped.
    #[ts(type = "Record<string, number>")]
    pub unmapped_seen: BTreeMap<String, u64>,
}

impl Names {
    /// These names with `new` ones over them; the first entry seen of a reason is kept.
    pub fn merge(mut self, new: Names) -> Names {
        self.stages.extend(new.stages);
        self.archive_reasons.extend(new.archive_reasons);
        for (id, entry) in new.unmapped_seen {
            self.unmapped_seen.entry(id).or_insert(entry);
        }
        self
    }

    /// Forgets the unmapped reasons that are mapped now.
    pub fn tidy(&mut self, mapped: &BTreeMap<String, Outcome>) {
        self.unmapped_seen.retain(|id, _| !mapped.contains_key(id));
    }
}

/// `[privacy]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// History entries older than this keep their date, flow and outcome, and lose every
    /// personal field.
    pub history_retention_days: u64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            history_retention_days: 365,
        }
    }
}

/// `[lever]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct LeverSettings {
    /// API base URL (EU: `https://api.eu.lever.co/v1`).
    pub base_url: String,
    /// Lever user id notes are written as (optional).
    pub perform_as: String,
    /// Largest allowed gap between an event's `triggeredAt` and the relay's receipt; seen
    /// delivery tokens are kept as long. Lever lets a user rerun a delivery for two weeks.
    pub max_event_age_minutes: u64,
    /// How often to catch up with Lever (0: only by hand).
    pub reconcile_hours: u64,
}

impl Default for LeverSettings {
    fn default() -> Self {
        LeverSettings {
            base_url: "https://api.lever.co/v1".into(),
            perform_as: String::new(),
            max_event_age_minutes: 20_160,
            reconcile_hours: 6,
        }
    }
}

/// `[bob]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct BobSettings {
    /// API base URL.
    pub base_url: String,
    /// Hires wait in the app for approval before the employee is created.
    pub review_before_create: bool,
    /// Site used when the posting location matches no bob site.
    pub default_site: String,
    /// How long after creating an employee its offer is watched for changes.
    pub watch_days: u64,
}

impl Default for BobSettings {
    fn default() -> Self {
        BobSettings {
            base_url: "https://api.hibob.com/v1".into(),
            review_before_create: true,
            default_site: String::new(),
            watch_days: 30,
        }
    }
}

/// `[assessment]`: a Greenhouse-style assessment partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentSettings {
    /// The vendor's name, shown to recruiters.
    pub provider: String,
    /// `GET` list of tests.
    pub list_tests_url: String,
    /// `POST` send a test.
    pub send_test_url: String,
    /// `GET` a test's status.
    pub test_status_url: String,
    /// Optional `POST` of each candidate outcome, as JSON.
    pub outcome_url: String,
    /// `POST` where a partner answer Hirewire could not use is reported (optional).
    pub response_error_url: String,
    /// The sender's email, sent as `sent_by` with each invite (optional).
    pub sent_by: String,
    /// How often unfinished assessments are polled.
    pub poll_minutes: u64,
    /// What catching up does with candidates in the assessment stage who never got their
    /// invite: send it, or ask a person first.
    pub missed_invites: MissedInvites,
}

/// What catching up does with a missed invite.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum MissedInvites {
    /// Send it, as the webhook would have.
    #[default]
    Send,
    /// List it in the history, waiting for Approve.
    Ask,
}

impl Default for AssessmentSettings {
    fn default() -> Self {
        AssessmentSettings {
            provider: "Byteboard".into(),
            list_tests_url: String::new(),
            send_test_url: String::new(),
            test_status_url: String::new(),
            outcome_url: String::new(),
            response_error_url: String::new(),
            sent_by: String::new(),
            poll_minutes: 60,
            missed_invites: MissedInvites::Send,
        }
    }
}

/// `[stages]`: all three or none, each a different Lever stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct Stages {
    /// Moving here sends the assessment invite.
    pub assessment: String,
    /// The step after the assessment (next step "onsite").
    pub onsite: String,
    /// The offer stage (next step "offer").
    pub offer: String,
}

impl Stages {
    /// Whether the three stages are set.
    pub fn configured(&self) -> bool {
        !self.assessment.is_empty() && !self.onsite.is_empty() && !self.offer.is_empty()
    }
}

/// What an archive reason means for the assessment partner (the seed's offer status).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Rejected by the team.
    Rejected,
    /// The candidate withdrew.
    Withdrew,
    /// Offer accepted (hired).
    OfferAccepted,
    /// Offer declined.
    OfferDeclined,
    /// Not applicable (duplicate, timing, …).
    NotApplicable,
}

impl Outcome {
    /// Every outcome, in the seed's order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Rejected,
        Outcome::Withdrew,
        Outcome::OfferAccepted,
        Outcome::OfferDeclined,
        Outcome::NotApplicable,
    ];

    /// The kebab-case name used in TOML and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Rejected => "rejected",
            Outcome::Withdrew => "withdrew",
            Outcome::OfferAccepted => "offer-accepted",
            Outcome::OfferDeclined => "offer-declined",
            Outcome::NotApplicable => "not-applicable",
        }
    }

    /// The seed's label ("Offer Accepted").
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Rejected => "Rejected",
            Outcome::Withdrew => "Withdrew",
            Outcome::OfferAccepted => "Offer Accepted",
            Outcome::OfferDeclined => "Offer Declined",
            Outcome::NotApplicable => "Not Applicable",
        }
    }
}

/// One explicit `[[fields]]` mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// Offer field identifier (`custom_equity`), or `opportunity.X` / `posting.X`.
    pub lever: String,
    /// bob field id (`payroll.employment.equity`).
    pub bob: String,
}

pub use crate::score_rules::ScoreRule;

/// A setting that cannot be used, said so that the user can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// The largest settings file taken: real settings are a few KiB.
pub const MAX_SETTINGS_BYTES: usize = 1024 * 1024;
/// Most entries in one settings table (interview types, archive reasons, field mappings,
/// values mapped per field, fields with mapped values): a recruiting team has tens.
pub const MAX_TABLE: usize = 1_000;
/// Most names kept per kind in `[names]`.
pub const MAX_NAMES: usize = 10_000;
/// Longest id, tag, name or URL in the settings.
pub const MAX_TEXT: usize = 2_048;

/// The sections a settings file may have, as its top-level tables are named.
pub const SECTIONS: [&str; 11] = [
    "lever",
    "bob",
    "assessment",
    "stages",
    "archive_reasons",
    "interview_types",
    "score_rules",
    "fields",
    "value_map",
    "privacy",
    "names",
];

impl Settings {
    /// Parses TOML, naming the line and field of any mistake.
    pub fn from_toml(text: &str) -> Result<Settings, Invalid> {
        if text.len() > MAX_SETTINGS_BYTES {
            return Err(Invalid(format!(
                "the settings file is {} KiB; settings are at most {} KiB (is this the right file?)",
                text.len() / 1024,
                MAX_SETTINGS_BYTES / 1024
            )));
        }
        let s: Settings = toml::from_str(text)
            .map_err(|e| Invalid(format!("the settings file is not valid: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    /// The settings as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks everything that can be checked without the network.
    pub fn validate(&self) -> Result<(), Invalid> {
        for (name, url, required) in self.urls() {
            check_url(name, url, required)?;
        }
        for (name, value, range) in self.bounded() {
            if !range.contains(&value) {
                return Err(Invalid(format!(
                    "{name} must be between {} and {} (got {value})",
                    range.start(),
                    range.end()
                )));
            }
        }
        self.validate_stages()?;
        self.validate_sizes()?;
        for (tag, test) in &self.interview_types {
            if tag.is_empty() || test.trim().is_empty() {
                return Err(Invalid(format!(
                    "interview type {tag:?} needs both a Lever tag and a partner test id"
                )));
            }
        }
        for f in &self.fields {
            if f.lever.trim().is_empty() || f.bob.trim().is_empty() {
                return Err(Invalid(
                    "each [[fields]] mapping needs both `lever` and `bob`".into(),
                ));
            }
        }
        crate::score_rules::validate(&self.score_rules).map_err(|e| Invalid(e.0))?;
        Ok(())
    }

    /// Every table within [`MAX_TABLE`] entries and every text within [`MAX_TEXT`]: a
    /// settings file is read on every event, so its size is bounded like any other input.
    fn validate_sizes(&self) -> Result<(), Invalid> {
        let tables = [
            ("[archive_reasons]", self.archive_reasons.len(), MAX_TABLE),
            ("[interview_types]", self.interview_types.len(), MAX_TABLE),
            ("[[fields]]", self.fields.len(), MAX_TABLE),
            ("[[score_rules]]", self.score_rules.len(), MAX_TABLE),
            ("[value_map]", self.value_map.len(), MAX_TABLE),
            ("[names.stages]", self.names.stages.len(), MAX_NAMES),
            (
                "[names.archive_reasons]",
                self.names.archive_reasons.len(),
                MAX_NAMES,
            ),
            (
                "[names.unmapped_seen]",
                self.names.unmapped_seen.len(),
                MAX_NAMES,
            ),
        ];
        for (table, len, max) in tables {
            if len > max {
                return Err(Invalid(format!(
                    "{table} has {len} entries; at most {max} are taken (a team's settings have tens)"
                )));
            }
        }
        for (field, values) in &self.value_map {
            if values.len() > MAX_TABLE {
                return Err(Invalid(format!(
                    "[value_map] maps {} values for {field}; at most {MAX_TABLE} are taken",
                    values.len()
                )));
            }
        }
        let value = toml::Value::try_from(self)
            .map_err(|e| Invalid(format!("the settings cannot be checked: {e}")))?;
        if let Some(path) = long_text(&value, "") {
            return Err(Invalid(format!(
                "{path} is longer than {MAX_TEXT} characters; ids, names and URLs are shorter"
            )));
        }
        Ok(())
    }

    /// The sections a settings file leaves out that hold something other than their
    /// defaults now: importing the file as a whole would reset them.
    pub fn sections_reset_by(text: &str, current: &Settings) -> Result<Vec<&'static str>, Invalid> {
        let given: toml::Table = text
            .parse()
            .map_err(|e| Invalid(format!("the settings file is not valid: {e}")))?;
        let now = toml::Value::try_from(current)
            .map_err(|e| Invalid(format!("the current settings cannot be read: {e}")))?;
        let default = toml::Value::try_from(Settings::default())
            .map_err(|e| Invalid(format!("the default settings cannot be read: {e}")))?;
        Ok(SECTIONS
            .iter()
            // Lever's names are kept across imports anyway (see `Names::merge`).
            .filter(|s| **s != "names" && !given.contains_key(**s))
            .filter(|s| now.get(**s) != default.get(**s))
            .copied()
            .collect())
    }

    /// Every URL setting, and whether it must be set (the partner's are optional).
    pub(crate) fn urls(&self) -> [(&'static str, &str, bool); 7] {
        let a = &self.assessment;
        [
            ("lever.base_url", &self.lever.base_url, true),
            ("bob.base_url", &self.bob.base_url, true),
            ("assessment.list_tests_url", &a.list_tests_url, false),
            ("assessment.send_test_url", &a.send_test_url, false),
            ("assessment.test_status_url", &a.test_status_url, false),
            ("assessment.outcome_url", &a.outcome_url, false),
            (
                "assessment.response_error_url",
                &a.response_error_url,
                false,
            ),
        ]
    }

    /// Every number setting with its allowed range. The bounds keep every product of them
    /// (minutes to milliseconds, days to milliseconds) far from overflowing, and each is
    /// generous for its purpose.
    pub(crate) fn bounded(&self) -> [(&'static str, u64, std::ops::RangeInclusive<u64>); 5] {
        [
            // Up to 30 days: Lever keeps deliveries for reruns for two weeks.
            (
                "lever.max_event_age_minutes",
                self.lever.max_event_age_minutes,
                1..=43_200,
            ),
            // Up to a week between reconciles (0: by hand only).
            ("lever.reconcile_hours", self.lever.reconcile_hours, 0..=168),
            // Up to a year of watching an offer after the hire.
            ("bob.watch_days", self.bob.watch_days, 0..=365),
            // Up to a week between polls of one assessment.
            (
                "assessment.poll_minutes",
                self.assessment.poll_minutes,
                1..=10_080,
            ),
            // Up to ten years of history.
            (
                "privacy.history_retention_days",
                self.privacy.history_retention_days,
                1..=3_650,
            ),
        ]
    }

    fn validate_stages(&self) -> Result<(), Invalid> {
        let s = &self.stages;
        let set = [&s.assessment, &s.onsite, &s.offer]
            .iter()
            .filter(|v| !v.is_empty())
            .count();
        if set == 0 {
            return Ok(());
        }
        if set < 3 {
            return Err(Invalid(
                "map all three stages (assessment, onsite and offer), each to a different Lever stage".into(),
            ));
        }
        if s.assessment == s.onsite || s.assessment == s.offer || s.onsite == s.offer {
            return Err(Invalid(
                "the assessment, onsite and offer stages must be three different Lever stages"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// The dotted path of the first string longer than [`MAX_TEXT`], keys included.
fn long_text(v: &toml::Value, path: &str) -> Option<String> {
    match v {
        toml::Value::String(s) if s.chars().count() > MAX_TEXT => Some(path.to_string()),
        toml::Value::Table(t) => t.iter().find_map(|(k, v)| {
            if k.chars().count() > MAX_TEXT {
                return Some(format!("a key in [{path}]"));
            }
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            long_text(v, &here)
        }),
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| long_text(v, &format!("{path}[{i}]"))),
        _ => None,
    }
}

fn check_url(name: &str, url: &str, required: bool) -> Result<(), Invalid> {
    if url.is_empty() && !required {
        return Ok(());
    }
    match reqwest::Url::parse(url) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(()),
        _ => Err(Invalid(format!(
            "{name} must be an http(s) URL, got {url:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses_and_round_trips() {
        let text = r#"
[lever]
base_url = "https://api.eu.lever.co/v1"
max_event_age_minutes = 30
[bob]
review_before_create = false
default_site = "London"
[stages]
assessment = "s1"
onsite = "s2"
offer = "s3"
[archive_reasons]
"r1" = "rejected"
"r2" = "offer-accepted"
[interview_types]
"Byteboard SWE" = "12345"
[[fields]]
lever = "custom_equity"
bob = "payroll.employment.equity"
"#;
        let s = Settings::from_toml(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.archive_reasons["r2"], Outcome::OfferAccepted);
        assert_eq!(
            s.bob.base_url, "https://api.hibob.com/v1",
            "defaults fill what is left out"
        );
        assert_eq!(Settings::from_toml(&s.to_toml()), Ok(s));
    }

    #[test]
    fn stages_must_be_three_and_distinct() {
        let two = "[stages]\nassessment = \"a\"\nonsite = \"b\"\n";
        assert!(Settings::from_toml(two).is_err_and(|e| e.0.contains("all three")));
        let same = "[stages]\nassessment = \"a\"\nonsite = \"a\"\noffer = \"b\"\n";
        assert!(Settings::from_toml(same).is_err_and(|e| e.0.contains("different")));
    }

    #[test]
    fn numbers_are_bounded_so_nothing_overflows_later() {
        let huge = format!("[lever]\nmax_event_age_minutes = {}\n", u64::MAX / 2);
        assert!(Settings::from_toml(&huge).is_err_and(|e| e.0.contains("max_event_age_minutes")));
        assert!(Settings::from_toml("[assessment]\npoll_minutes = 0\n").is_err());
        assert!(
            Settings::from_toml("[assessment]\npoll_minutes = 100000000\n")
                .is_err_and(|e| e.0.contains("between 1 and 10080"))
        );
        assert!(Settings::from_toml("[privacy]\nhistory_retention_days = 30\n").is_ok());
        assert!(Settings::from_toml("[lever]\nmax_event_age_minutes = -1\n").is_err());
        assert_eq!(
            Settings::default().lever.max_event_age_minutes,
            20_160,
            "two weeks"
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_is_settings_or_a_named_mistake(text in "(?s).{0,300}") {
                if let Ok(s) = Settings::from_toml(&text) {
                    prop_assert!(s.validate().is_ok());
                }
            }

            #[test]
            fn any_numbers_are_accepted_only_inside_their_bounds(
                age in any::<i64>(), poll in any::<i64>(), days in any::<i64>()
            ) {
                let text = format!("[lever]\nmax_event_age_minutes = {age}\n[assessment]\npoll_minutes = {poll}\n[privacy]\nhistory_retention_days = {days}\n");
                let ok = (1..=43_200).contains(&age) && (1..=10_080).contains(&poll) && (1..=3_650).contains(&days);
                prop_assert_eq!(Settings::from_toml(&text).is_ok(), ok);
            }
        }
    }

    #[test]
    fn names_only_grow_the_first_event_of_a_reason_stays_and_a_mapped_reason_is_not_listed() {
        let mut kept = Names::default();
        kept.stages.insert("s1".into(), "Phone screen".into());
        kept.unmapped_seen.insert("r1".into(), 7);
        let mut new = Names::default();
        new.stages.insert("s2".into(), "Onsite".into());
        new.archive_reasons
            .insert("r1".into(), "Culture add".into());
        new.unmapped_seen.insert("r1".into(), 9);
        new.unmapped_seen.insert("r2".into(), 10);
        let mut merged = kept.merge(new);
        assert_eq!(merged.stages.len(), 2);
        assert_eq!(
            merged.unmapped_seen.get("r1"),
            Some(&7),
            "the first event is kept"
        );
        merged.tidy(&[("r2".to_string(), Outcome::Rejected)].into());
        assert_eq!(merged.unmapped_seen.keys().collect::<Vec<_>>(), ["r1"]);
        let toml = Settings {
            names: merged.clone(),
            ..Settings::default()
        }
        .to_toml();
        assert_eq!(
            Settings::from_toml(&toml).map(|s| s.names).ok(),
            Some(merged)
        );
    }

    #[test]
    fn typos_and_bad_values_are_named() {
        assert!(Settings::from_toml("[lever]\nbase_ur = \"x\"\n")
            .is_err_and(|e| e.0.contains("base_ur")));
        assert!(
            Settings::from_toml("[archive_reasons]\n\"r\" = \"maybe\"\n")
                .is_err_and(|e| e.0.contains("maybe"))
        );
        assert!(Settings::from_toml("[bob]\nbase_url = \"ftp://x\"\n")
            .is_err_and(|e| e.0.contains("bob.base_url")));
    }

    #[test]
    fn score_rules_read_as_the_issue_writes_them_and_are_bounded() {
        let text = r#"
[[score_rules]]
test = "bb-swe"
at_least = 70
move_to = "st-onsite"
tag = "Passed assessment"
below = 40
below_tag = "Below bar"
propose_archive = "ar-under"
propose_only = false
"#;
        let s = Settings::from_toml(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.score_rules[0].at_least, Some(70.0));
        assert_eq!(Settings::from_toml(&s.to_toml()), Ok(s));
        let mut many = String::new();
        for i in 0..=MAX_TABLE {
            many.push_str(&format!(
                "[[score_rules]]\ntest = \"t{i}\"\nat_least = 1\ntag = \"x\"\n"
            ));
        }
        assert!(Settings::from_toml(&many)
            .is_err_and(|e| e.0.contains("[[score_rules]] has 1001 entries")));
        assert!(
            Settings::from_toml("[[score_rules]]\ntest = \"t\"\nat_least = 1\n")
                .is_err_and(|e| e.0.contains("nothing to do"))
        );
    }

    #[test]
    fn a_table_past_its_bound_is_refused_naming_it() {
        let mut text = String::from("[interview_types]\n");
        for i in 0..=MAX_TABLE {
            text.push_str(&format!("\"tag-{i}\" = \"test-{i}\"\n"));
        }
        let err = Settings::from_toml(&text)
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(err.contains("[interview_types] has 1001 entries"), "{err}");
    }

    #[test]
    fn a_huge_file_or_a_huge_text_is_refused() {
        let huge = format!("# {}\n", "x".repeat(MAX_SETTINGS_BYTES));
        assert!(Settings::from_toml(&huge).is_err_and(|e| e.0.contains("at most 1024 KiB")));
        let long = format!("[lever]\nperform_as = \"{}\"\n", "s".repeat(MAX_TEXT + 1));
        assert!(Settings::from_toml(&long).is_err_and(|e| e.0.contains("lever.perform_as")));
    }

    #[test]
    fn a_partial_file_names_the_sections_it_would_reset() {
        let current = Settings::from_toml(
            "[bob]\nreview_before_create = false\n[interview_types]\n\"SWE\" = \"bb-swe\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let reset = Settings::sections_reset_by("[lever]\nreconcile_hours = 6\n", &current)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reset, ["bob", "interview_types"]);
        let whole = current.to_toml();
        assert_eq!(
            Settings::sections_reset_by(&whole, &current).unwrap_or_else(|e| panic!("{e}")),
            Vec::<&str>::new()
        );
    }
}
