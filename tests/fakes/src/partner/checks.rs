//! Body checks for the calls Greenhouse documents in `grnhse/greenhouse-api-docs`:
//! `send_test` (`source/includes/assessment/_send_test.md` @ `2134891a`, with the general
//! rules of `_introduction.md` @ `09069265`) and `response_error`
//! (`_response_error.md` @ `0c80e614`). Every problem found is named, not only the first.

use serde_json::{Map, Value};

/// Candidate keys that must hold a non-empty string.
const CANDIDATE_REQUIRED: [&str; 5] = [
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "greenhouse_profile_url",
];
/// Candidate keys that are optional: the key is still sent, with a string or `null`.
const CANDIDATE_OPTIONAL: [&str; 2] = ["phone_number", "resume_url"];
/// `response_error` keys that may be left out, or hold a string or `null`.
const REPORT_OPTIONAL: [&str; 4] = [
    "partner_test_id",
    "partner_test_name",
    "partner_interview_id",
    "candidate_email",
];

/// A `send_test` body that passed every check.
#[derive(Debug)]
pub(crate) struct SendTest {
    /// `partner_test_id`.
    pub test_id: String,
    /// `candidate`, as sent (extra keys kept).
    pub candidate: Value,
    /// The top-level `url`, where this invite's `PATCH` goes.
    pub url: String,
    /// `sent_by`, `None` when `null`.
    pub sent_by: Option<String>,
}

/// A non-empty (after trimming) string, or `None`.
fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

fn is_http_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Checks a `send_test` body against the documented shape; `tests` are the configured
/// `partner_test_id`s. The error lists every problem, joined by `; `.
pub(crate) fn send_test(body: &[u8], tests: &[&str]) -> Result<SendTest, String> {
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(body) else {
        return Err("The body must be a JSON object".into());
    };
    let mut problems = Vec::new();

    let test_id = match req.get("partner_test_id") {
        None | Some(Value::Null) => {
            problems.push("partner_test_id is required".to_string());
            None
        }
        Some(Value::String(t)) if t.trim().is_empty() => {
            problems.push("partner_test_id must not be empty".to_string());
            None
        }
        Some(Value::String(t)) if !tests.contains(&t.as_str()) => {
            problems.push(format!("Unknown partner_test_id: {t}"));
            None
        }
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => {
            problems.push("partner_test_id must be a string".to_string());
            None
        }
    };

    let candidate = match req.get("candidate") {
        Some(Value::Object(c)) => {
            check_candidate(c, &mut problems);
            Some(c)
        }
        None | Some(Value::Null) => {
            problems.push("candidate is required".to_string());
            None
        }
        Some(_) => {
            problems.push("candidate must be an object".to_string());
            None
        }
    };

    let url = match req.get("url") {
        Some(Value::String(u)) if is_http_url(u) => Some(u.clone()),
        Some(Value::String(_)) => {
            problems.push("url must be an http(s) URL".to_string());
            None
        }
        Some(v) if !v.is_null() => {
            problems.push("url must be a string".to_string());
            None
        }
        _ if candidate.is_some_and(|c| c.contains_key("url")) => {
            problems.push(
                "url belongs at the top level, beside candidate, not inside candidate".to_string(),
            );
            None
        }
        _ => {
            problems.push("url is required (at the top level, beside candidate)".to_string());
            None
        }
    };

    let sent_by = match req.get("sent_by") {
        None => {
            problems.push("sent_by must be present (a string, or null)".to_string());
            None
        }
        Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            problems.push("sent_by must be a string or null".to_string());
            None
        }
    };

    match (test_id, candidate, url) {
        (Some(test_id), Some(c), Some(url)) if problems.is_empty() => Ok(SendTest {
            test_id,
            candidate: Value::Object(c.clone()),
            url,
            sent_by,
        }),
        _ => Err(problems.join("; ")),
    }
}

fn check_candidate(c: &Map<String, Value>, problems: &mut Vec<String>) {
    for key in CANDIDATE_REQUIRED {
        match c.get(key) {
            None | Some(Value::Null) => problems.push(format!("candidate.{key} is required")),
            Some(Value::String(_)) if text(c.get(key)).is_none() => {
                problems.push(format!("candidate.{key} must not be empty"));
            }
            Some(Value::String(_)) => {}
            Some(_) => problems.push(format!("candidate.{key} must be a string")),
        }
    }
    for key in CANDIDATE_OPTIONAL {
        match c.get(key) {
            None => problems.push(format!(
                "candidate.{key} must be present (a string, or null when unknown)"
            )),
            Some(Value::Null | Value::String(_)) => {}
            Some(_) => problems.push(format!("candidate.{key} must be a string or null")),
        }
    }
    // Meaning-based checks, as a vendor that emails the test and links back would make.
    if text(c.get("email")).is_some_and(|e| !e.contains('@')) {
        problems.push("candidate.email is not an email address".into());
    }
    if text(c.get("greenhouse_profile_url")).is_some_and(|u| !is_http_url(u)) {
        problems.push("candidate.greenhouse_profile_url must be an http(s) URL".into());
    }
}

/// Checks a `response_error` report; gives it back as sent when it passes.
pub(crate) fn response_error(body: &[u8]) -> Result<Value, String> {
    let Ok(Value::Object(report)) = serde_json::from_slice::<Value>(body) else {
        return Err("The body must be a JSON object".into());
    };
    let mut problems = Vec::new();
    match report.get("api_call") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::String(_)) => problems.push("api_call must not be empty".to_string()),
        None | Some(Value::Null) => problems.push("api_call is required".to_string()),
        Some(_) => problems.push("api_call must be a string".to_string()),
    }
    match report.get("errors") {
        Some(Value::Array(list)) if list.iter().all(Value::is_string) => {}
        Some(Value::Array(_)) => problems.push("errors must hold only strings".to_string()),
        None | Some(Value::Null) => problems.push("errors is required".to_string()),
        Some(_) => problems.push("errors must be an array of strings".to_string()),
    }
    for key in REPORT_OPTIONAL {
        if report
            .get(key)
            .is_some_and(|v| !v.is_null() && !v.is_string())
        {
            problems.push(format!("{key} must be a string"));
        }
    }
    if problems.is_empty() {
        Ok(Value::Object(report))
    } else {
        Err(problems.join("; "))
    }
}
