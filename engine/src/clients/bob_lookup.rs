//! Employee lookups by email, batched and paced for bob's search limit.
//!
//! bob allows 50 searches a minute, and every hire must look its employee up before it
//! may create one. One search takes a list of emails (`"values": [...]`), so lookups that
//! arrive while the previous search is still due are answered by one search together —
//! the same idea as the relay's group commit. Searches are spaced so this engine alone
//! never exceeds the limit; a 429 caused by someone else is retried like any other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::oneshot;

use super::bob::Bob;
use super::http::{ApiError, Service};

/// One search per this period at most: 48 a minute, under bob's 50 whatever window bob
/// counts in.
const SEARCH_PERIOD: Duration = Duration::from_millis(1250);
/// Emails per search; a small team's burst of hires fits in one.
const MAX_BATCH: usize = 50;

type Answer = Result<Option<String>, ApiError>;

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
    pub async fn find(&self, bob: &Bob, email: &str) -> Answer {
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
    async fn serve(&self, bob: Bob) {
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
            let found = bob.search_emails(&emails).await;
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

/// Employee ids by lowercased email, from a search answer's `employees`.
pub fn by_email(employees: &[serde_json::Value]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for e in employees {
        let email = e
            .get("email")
            .or_else(|| e.get("root").and_then(|r| r.get("email")))
            .and_then(serde_json::Value::as_str);
        if let (Some(email), Some(id)) = (email, super::bob::employee_id(e)) {
            out.entry(email.to_lowercase()).or_insert(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails_match_whatever_the_case_and_nesting() {
        let found = by_email(&[
            json!({"id": "1", "email": "Ada@Example.com"}),
            json!({"root": {"id": 2, "email": "grace@example.com"}}),
            json!({"id": "3"}),
        ]);
        assert_eq!(found.get("ada@example.com").map(String::as_str), Some("1"));
        assert_eq!(
            found.get("grace@example.com").map(String::as_str),
            Some("2")
        );
        assert_eq!(found.len(), 2);
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
        let bob = Bob::new(
            &fake.url(),
            crate::secrets::Secret::new(user),
            crate::secrets::Secret::new(token),
            reqwest::Client::new(),
        )
        .with_lookups(Lookups::default());
        let emails = ["ADA@example.com", "gone@example.com", "new@example.com"];
        let answers =
            futures_util::future::join_all(emails.iter().map(|e| bob.find_by_email(e))).await;
        let answers: Vec<Option<String>> = answers
            .into_iter()
            .map(|a| a.unwrap_or_else(|e| panic!("lookup: {e}")))
            .collect();
        assert_eq!(answers, vec![Some(ada), Some(gone), None]);
        assert_eq!(
            fake.hits("/people/search") - before,
            1,
            "one search for all three"
        );
    }
}
