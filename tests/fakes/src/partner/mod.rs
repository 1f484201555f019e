//! Fake assessment partner serving the Greenhouse Assessment Partner contract (list tests,
//! send a test, test status) plus an outcome sink. Grading, by a test or automatically
//! after a delay, completes an interview and sends a bodiless `PATCH` to the candidate's
//! `url`, as a real vendor tells the ATS "status changed, ask me now".

mod grading;
mod routes;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::faults::Faults;
use crate::server::{RequestLog, Served};

/// An invite the partner received through `send_test`.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    /// The `partner_interview_id` it answered.
    pub interview_id: String,
    /// The `partner_test_id` asked for.
    pub test_id: String,
    /// The `candidate` object as sent.
    pub candidate: Value,
    /// `pending` until graded, then `complete`.
    pub status: String,
    /// The score once graded.
    pub score: Option<f64>,
}

/// One status-changed `PATCH` the partner sent (or tried to).
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The interview it was about.
    pub interview_id: String,
    /// The candidate's `url` it went to.
    pub url: String,
    /// The answer's status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout), if so.
    pub error: Option<String>,
}

/// Everything the fake knows, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Data {
    /// `http://127.0.0.1:PORT`, for report URLs.
    pub base: String,
    pub api_key: Option<String>,
    pub tests: Vec<(String, String)>,
    pub invites: Vec<Invite>,
    pub outcomes: Vec<Value>,
    pub callbacks: Vec<Callback>,
    pub auto_grade: Option<Duration>,
    pub callbacks_off: bool,
    /// Set when the handle is dropped, so pending auto-grades do nothing.
    pub stopped: bool,
    next_id: u64,
}

impl Data {
    /// A fresh interview id.
    pub(crate) fn next_interview_id(&mut self) -> String {
        self.next_id += 1;
        format!("bb-{:06}", 481_000 + self.next_id)
    }
}

/// Shared state of one fake partner.
pub(crate) type Shared = Arc<Mutex<Data>>;

/// A running fake assessment partner on a loopback port; stops when dropped.
pub struct FakePartner {
    data: Shared,
    served: Served,
}

impl Drop for FakePartner {
    fn drop(&mut self) {
        self.with(|d| d.stopped = true);
    }
}

impl FakePartner {
    /// Starts on a free loopback port (no API key: every call is `401`).
    pub async fn start() -> anyhow::Result<FakePartner> {
        let data: Shared = Arc::default();
        let served = crate::server::serve(routes::router(data.clone()), routes::error).await?;
        let base = format!("http://{}", served.addr);
        let fake = FakePartner { data, served };
        fake.with(|d| d.base = base);
        Ok(fake)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Data) -> T) -> T {
        let mut guard = self.data.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Base URL: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.served.addr)
    }

    /// The `list_tests` URL.
    pub fn list_tests_url(&self) -> String {
        format!("{}/list_tests", self.url())
    }

    /// The `send_test` URL.
    pub fn send_test_url(&self) -> String {
        format!("{}/send_test", self.url())
    }

    /// The `test_status` URL (the client adds `?partner_interview_id=`).
    pub fn test_status_url(&self) -> String {
        format!("{}/test_status", self.url())
    }

    /// The outcome sink's URL.
    pub fn outcomes_url(&self) -> String {
        format!("{}/outcomes", self.url())
    }

    /// Every request so far, with the status it got.
    pub fn requests(&self) -> Vec<RequestLog> {
        self.served.requests()
    }

    /// How many requests had a path (with query) containing `path_contains`.
    pub fn hits(&self, path_contains: &str) -> usize {
        self.served.hits(path_contains)
    }

    /// The switchable faults.
    pub fn faults(&self) -> &Faults {
        &self.served.faults
    }

    /// Sets the API key callers must give as Basic user name.
    pub fn set_api_key(&self, key: &str) {
        self.with(|d| d.api_key = Some(key.to_string()));
    }

    /// Replaces the tests, as (partner_test_id, partner_test_name).
    pub fn set_tests(&self, tests: Vec<(String, String)>) {
        self.with(|d| d.tests = tests);
    }

    /// Every invite received, oldest first.
    pub fn invites(&self) -> Vec<Invite> {
        self.with(|d| d.invites.clone())
    }

    /// Every outcome posted, oldest first.
    pub fn outcomes(&self) -> Vec<Value> {
        self.with(|d| d.outcomes.clone())
    }

    /// Every status-changed `PATCH` sent or attempted, oldest first.
    pub fn callbacks(&self) -> Vec<Callback> {
        self.with(|d| d.callbacks.clone())
    }

    /// Grades every later invite automatically after `after` (for demos); `None` stops it.
    pub fn set_auto_grade(&self, after: Option<Duration>) {
        self.with(|d| d.auto_grade = after);
    }

    /// Turns the status-changed `PATCH` on (default) or off (to test polling alone).
    pub fn set_callbacks(&self, on: bool) {
        self.with(|d| d.callbacks_off = !on);
    }

    /// Completes an interview with `score`, a report URL and metadata, then `PATCH`es the
    /// candidate's `url` (unless callbacks are off). False when the interview is unknown.
    pub async fn grade(&self, interview_id: &str, score: f64) -> bool {
        grading::grade(&self.data, &reqwest::Client::new(), interview_id, score).await
    }

    /// Sets the demo key and tests ("Byteboard SWE" = 12345, "Byteboard Web" = 67890, named
    /// like the demo's Lever tags) and returns the key.
    pub fn seed_demo(&self) -> String {
        let key = "demo-partner-key".to_string();
        self.set_api_key(&key);
        self.set_tests(vec![
            ("12345".into(), "Byteboard SWE".into()),
            ("67890".into(), "Byteboard Web".into()),
        ]);
        key
    }
}
