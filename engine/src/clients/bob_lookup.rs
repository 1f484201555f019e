//! Employee lookups by email, batched and paced for bob's search limit.
//!
//! bob's search lists only current employees unless asked for inactive ones too
//! (`showInactive`). So the emails a search of everyone found are searched again among
//! current employees only: a match missing from that one is someone bob counts inactive (a
//! former employee, or a hire whose start date is still ahead), known as such whatever
//! fields the service user may read.
//!
//! bob allows 50 searches a minute, and every hire must look its employee up before it
//! may create one. One search takes a list of emails (`"values": [...]`), so lookups that
//! arrive while the previous search is still due are answered by one search together —
//! the same idea as the relay's group commit. Searches are spaced so this engine alone
//! never exceeds the limit; a 429 caused by someone else is retried like any other.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::Value;
use tokio::sync::oneshot;

use super::http::{ApiError, Service};

/// One search per this period at most: 48 a minute, under bob's 50 whatever window bob
/// counts in.
const SEARCH_PERIOD: Duration = Duration::from_millis(1250);
/// Emails per search; a small team's burst of hires fits in one.
const MAX_BATCH: usize = 50;

/// An employee a search found by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The bob employee id.
    pub id: String,
    /// Whether bob counts them active: found by a search of current employees, or only by
    /// one that also lists inactive people (`None` only in unit tests' answers).
    pub active: Option<bool>,
    /// Their lifecycle (`internal.lifecycleStatus`: employed, hired, terminated, …).
    pub lifecycle: Option<String>,
}

impl Found {
    /// Someone who may have left, whom a person must confirm as a rehire: inactive, and
    /// not shown to be a hire whose start date is still ahead (bob counts those inactive
    /// until they start). When the service user may not read the lifecycle, an inactive
    /// match waits for a person too.
    pub fn is_former(&self) -> bool {
        self.active == Some(false)
            && !self
                .lifecycle
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case("hired"))
    }
}

/// What can search bob for emails (the bob client).
pub trait Search: Clone + Send + Sync + 'static {
    /// One search for employees with any of `emails`, current ones only or (`inactive`)
    /// inactive ones too: each found one by lowercased email.
    fn search(
        &self,
        emails: Vec<String>,
        inactive: bool,
    ) -> impl Future<Output = Result<HashMap<String, Found>, ApiError>> + Send;
}

type Answer = Result<Option<Found>, ApiError>;

/// Shared by every job of an engine.
#[derive(Clone)]
pub struct Lookups {
    waiting: Arc<Mutex<Waiting>>,
    pace: Arc<DefaultDirectRateLimiter>,
}

#[derive(Default)]
struct Waiting {
    asks: Vec<(String, oneshot::Sender<Answer>)>,
    /// Whether a task is serving the asks.
    serving: bool,
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookups")
    }
}

impl Default for Lookups {
    fn default() -> Self {
        let quota = Quota::with_period(SEARCH_PERIOD)
            .unwrap_or_else(|| Quota::per_minute(std::num::NonZeroU32::MIN));
        Lookups {
            waiting: Arc::default(),
            pace: Arc::new(RateLimiter::direct(quota)),
        }
    }
}

impl Lookups {
    /// The employee with this email (inactive ones included), if any, found by a search
    /// that may answer other lookups too.
    pub async fn find<S: Search>(&self, bob: &S, email: &str) -> Answer {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
            w.asks.push((email.to_string(), tx));
            !std::mem::replace(&mut w.serving, true)
        };
        if start {
            // A task of its own, so a caller that gives up does not strand the others.
            let (this, bob) = (self.clone(), bob.clone());
            tokio::spawn(async move { this.serve(bob).await });
        }
        rx.await.unwrap_or_else(|_| {
            Err(ApiError::unreadable(
                Service::Bob,
                "the employee search stopped before answering",
            ))
        })
    }

    /// Runs searches until nobody waits.
    async fn serve<S: Search>(&self, bob: S) {
        loop {
            // Lookups arriving during this wait join the batch.
            self.pace.until_ready().await;
            let batch: Vec<(String, oneshot::Sender<Answer>)> = {
                let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
                if w.asks.is_empty() {
                    w.serving = false;
                    return;
                }
                let n = w.asks.len().min(MAX_BATCH);
                w.asks.drain(..n).collect()
            };
            let mut emails: Vec<String> = batch.iter().map(|(e, _)| e.clone()).collect();
            emails.sort();
            emails.dedup();
            // Its own task: a search that panics answers its batch with an error, and the
            // lookups behind it are still served.
            let (search, pace) = (bob.clone(), self.pace.clone());
            let found = match tokio::spawn(async move {
                current_then_former(&search, emails, Some(&pace)).await
            })
            .await
            {
                Ok(found) => found,
                Err(e) => Err(ApiError::unreadable(
                    Service::Bob,
                    format!("the employee search stopped ({e})"),
                )),
            };
            for (email, tx) in batch {
                let answer = match &found {
                    Ok(map) => Ok(map.get(&email.to_lowercase()).cloned()),
                    Err(e) => Err(e.clone()),
                };
                let _ = tx.send(answer);
            }
        }
    }
}

/// Searches everyone (inactive people too) for `emails`, then current employees only for
/// the emails found: each match by lowercased email, `active` as bob's own filter says
/// (found by the second search or not), whatever fields the service user may read. A
/// batch of new hires, the usual case, costs one search. `pace` (the engine's search
/// spacing) is awaited before the second search; the caller awaited it before the first.
pub async fn current_then_former<S: Search>(
    bob: &S,
    emails: Vec<String>,
    pace: Option<&DefaultDirectRateLimiter>,
) -> Result<HashMap<String, Found>, ApiError> {
    let mut found = bob.search(emails, true).await?;
    if found.is_empty() {
        return Ok(found);
    }
    if let Some(pace) = pace {
        pace.until_ready().await;
    }
    let current = bob.search(found.keys().cloned().collect(), false).await?;
    for (email, f) in found.iter_mut() {
        f.active = Some(current.contains_key(email));
    }
    Ok(found)
}

/// Employees by lowercased email, from a search answer's `employees`, whether bob
/// nested the fields (`{"internal": {"status"}}`) or flattened them
/// (`{"/internal/status": {"value"}}`).
pub fn by_email(employees: &[Value]) -> HashMap<String, Found> {
    let mut out = HashMap::new();
    for e in employees {
        let email = text_at(e, &["email"]).or_else(|| text_at(e, &["root", "email"]));
        if let (Some(email), Some(found)) = (email, found(e)) {
            out.entry(email.to_lowercase()).or_insert(found);
        }
    }
    out
}

/// The employee an answer describes, if it has an id.
pub fn found(e: &Value) -> Option<Found> {
    let active = text_at(e, &["internal", "status"]).map(|s| s.eq_ignore_ascii_case("active"));
    Some(Found {
        id: employee_id(e)?,
        active,
        lifecycle: text_at(e, &["internal", "lifecycleStatus"]),
    })
}

/// The value at `path` in either of bob's answer shapes: nested (`{"work": {"title"}}`)
/// or flat (`{"/work/title": {"value"}}`).
pub fn value_at<'a>(e: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let nested = path.iter().try_fold(e, |v, k| v.get(*k));
    let flat = e
        .get(format!("/{}", path.join("/")))
        .map(|v| v.get("value").unwrap_or(v));
    nested.or(flat)
}

/// A text at `path` in either of bob's answer shapes.
fn text_at(e: &Value, path: &[&str]) -> Option<String> {
    match value_at(e, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// The id of an employee object, however bob nested it.
pub fn employee_id(v: &Value) -> Option<String> {
    let id = v
        .get("id")
        .or_else(|| v.get("root").and_then(|r| r.get("id")))
        .or_else(|| v.get("/root/id").map(|r| r.get("value").unwrap_or(r)))?;
    match id {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails_match_whatever_the_case_and_nesting() {
        let found = by_email(&[
            json!({"id": "1", "email": "Ada@Example.com", "internal": {"status": "Active"}}),
            json!({"root": {"id": 2, "email": "grace@example.com"}}),
            json!({"/root/id": {"value": "4"}, "/root/email": {"value": "alan@example.com"},
                   "/internal/status": {"value": "Inactive"}, "/internal/lifecycleStatus": {"value": "terminated"}}),
            json!({"id": "3"}),
        ]);
        let id = |e: &str| found.get(e).map(|f| f.id.as_str());
        assert_eq!(id("ada@example.com"), Some("1"));
        assert_eq!(id("grace@example.com"), Some("2"));
        assert_eq!(id("alan@example.com"), Some("4"));
        assert_eq!(found.len(), 3);
        assert_eq!(found["ada@example.com"].active, Some(true));
        assert_eq!(
            found["grace@example.com"].active, None,
            "not readable: unknown"
        );
        assert!(found["alan@example.com"].is_former());
    }

    #[test]
    fn a_hire_who_has_not_started_is_inactive_but_no_former_employee() {
        let pending = Found {
            id: "9".into(),
            active: Some(false),
            lifecycle: Some("hired".into()),
        };
        assert!(!pending.is_former());
        let left = Found {
            lifecycle: Some("terminated".into()),
            ..pending.clone()
        };
        assert!(left.is_former());
        let unknown = Found {
            lifecycle: None,
            ..pending
        };
        assert!(unknown.is_former(), "inactive and not a pending hire");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn lookups_made_together_share_one_search() {
        let fake = hirewire_fakes::bob::FakeBob::start()
            .await
            .unwrap_or_else(|e| panic!("fake bob: {e}"));
        let (user, token) = fake.seed_demo();
        let ada = fake.add_employee(json!({"email": "ada@example.com"}), true);
        let gone = fake.add_employee(json!({"email": "gone@example.com"}), false);
        let before = fake.hits("/people/search");
        let bob = crate::clients::bob::Bob::new(
            &fake.url(),
            crate::secrets::Secret::new(user),
            crate::secrets::Secret::new(token),
            reqwest::Client::new(),
        )
        .with_lookups(Lookups::default());
        let emails = ["ADA@example.com", "gone@example.com", "new@example.com"];
        let answers =
            futures_util::future::join_all(emails.iter().map(|e| bob.find_by_email(e))).await;
        let answers: Vec<Option<Found>> = answers
            .into_iter()
            .map(|a| a.unwrap_or_else(|e| panic!("lookup: {e}")))
            .collect();
        let ids: Vec<Option<String>> = answers.into_iter().map(|a| a.map(|f| f.id)).collect();
        assert_eq!(ids, vec![Some(ada), Some(gone), None]);
        assert_eq!(
            fake.hits("/people/search") - before,
            2,
            "one search of everyone for all three, one of current employees for the two found"
        );
        let former = bob
            .find_by_email("gone@example.com")
            .await
            .unwrap_or_else(|e| panic!("lookup: {e}"))
            .unwrap_or_else(|| panic!("found"));
        assert_eq!(former.active, Some(false));
    }
}
