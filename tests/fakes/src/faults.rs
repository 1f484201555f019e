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
            if !method_ok || !path.contains(&rule.path_contains) || rule.times == Some(0) {
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
