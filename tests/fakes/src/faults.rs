//! Switchable faults, shared by every fake: a rule matches a method and a path fragment and
//! makes the request fail, slow down, or get a wrong body, a number of times or at random.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;

/// What a firing rule does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer this status (in the vendor's error shape) without processing the request.
    Status {
        /// The status.
        status: u16,
        /// A `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Answer this status with a `Retry-After` header exactly as given, however odd
    /// (`1e30`, `inf`, `-1`): what a misbehaving vendor or proxy may send.
    StatusWithRawRetryAfter {
        /// The status.
        status: u16,
        /// The header's text.
        retry_after: String,
    },
    /// Wait, then process normally.
    DelayBefore(Duration),
    /// Process fully (side effects happen), then wait before answering.
    DelayAfter(Duration),
    /// Answer 200 with this body instead.
    Body(String),
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Only this method (any when `None`).
    pub method: Option<String>,
    /// Only paths (with query) containing this.
    pub path_contains: String,
    /// …and not containing this (to single out one of several lists on the same path).
    pub path_lacks: Option<String>,
    /// What it does.
    pub kind: FaultKind,
    /// How many times it may fire (`None`: forever).
    pub times: Option<u32>,
    /// Chance of firing on a match (1.0: always).
    pub probability: f64,
}

impl FaultRule {
    /// A rule for any method on paths containing `path_contains`, firing every time, forever.
    pub fn new(path_contains: impl Into<String>, kind: FaultKind) -> Self {
        FaultRule {
            method: None,
            path_contains: path_contains.into(),
            path_lacks: None,
            kind,
            times: None,
            probability: 1.0,
        }
    }

    /// Only for this method (case-insensitive).
    pub fn method(mut self, m: &str) -> Self {
        self.method = Some(m.to_ascii_uppercase());
        self
    }

    /// Not for paths (with query) containing `fragment`.
    pub fn unless(mut self, fragment: impl Into<String>) -> Self {
        self.path_lacks = Some(fragment.into());
        self
    }

    /// At most `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Fires on a match with probability `p` (0.0–1.0); a miss does not use up `times`.
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }
}

/// The rules of one fake.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<FaultRule>>>,
}

impl Faults {
    /// Adds a rule (checked after those already there).
    pub fn add(&self, rule: FaultRule) {
        if let Ok(mut r) = self.rules.lock() {
            r.push(rule);
        }
    }

    /// Removes every rule.
    pub fn clear(&self) {
        if let Ok(mut r) = self.rules.lock() {
            r.clear();
        }
    }

    /// The fault to apply to this request, if a rule fires: rules are tried in order and the
    /// first that matches and fires is used up by one.
    pub fn pick(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().ok()?;
        for rule in rules.iter_mut() {
            let method_ok = rule.method.as_deref().is_none_or(|m| m == method);
            let lacks_ok = rule.path_lacks.as_deref().is_none_or(|l| !path.contains(l));
            if !method_ok
                || !lacks_ok
                || !path.contains(&rule.path_contains)
                || rule.times == Some(0)
            {
                continue;
            }
            // NaN counts as "never", so a bad probability cannot panic `random_bool`.
            let p = if rule.probability.is_nan() {
                0.0
            } else {
                rule.probability.clamp(0.0, 1.0)
            };
            if p < 1.0 && !rand::rng().random_bool(p) {
                continue;
            }
            if let Some(t) = rule.times.as_mut() {
                *t -= 1;
            }
            return Some(rule.kind.clone());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unless_singles_out_one_list_of_a_shared_path() {
        let faults = Faults::default();
        let gone = FaultKind::Status {
            status: 503,
            retry_after: None,
        };
        faults.add(
            FaultRule::new("/opportunities?archived=true", gone.clone())
                .unless("archive_reason_id"),
        );
        let hires = "/v1/opportunities?archived=true&archive_reason_id=r1";
        let archived = "/v1/opportunities?archived=true&archived_at_start=1";
        assert_eq!(faults.pick("GET", hires), None);
        assert_eq!(faults.pick("GET", archived), Some(gone));
    }
}
