//! Fake assessment partner serving the Greenhouse Assessment Partner API, as vendors
//! (HackerRank, Codility, CodeSignal, …) serve it for an ATS, plus an outcome sink.
//!
//! Each call follows one file of Greenhouse's published docs, repository
//! `grnhse/greenhouse-api-docs` (snapshot `0c37c31a`, 2026-01-20; the commit is the last one
//! that touched the file). The wording here is ours; see
//! `/work/research/greenhouse_bob.md` A0–A5 for the facts.
//!
//! - Every call: `source/includes/assessment/_introduction.md` @ `09069265`. HTTP Basic with
//!   the vendor's key as user name (wrong or missing key: `401`); a property without a value
//!   is `null`, never left out; Greenhouse may add properties, so unknown keys are accepted.
//!   Errors (`_errors.md` @ `2439f1a5`): `401` and `404`; the fake also answers `400`
//!   `{"error": "..."}` naming every problem of a body it refuses.
//! - `GET list_tests`: `_list_tests.md` @ `235e9928`. A bare array of
//!   `{"partner_test_id", "partner_test_name"}`.
//! - `POST send_test`: `_send_test.md` @ `2134891a` (`preferred_name` from that commit,
//!   `sent_by` from `baca2850`). Top level `partner_test_id` (a configured test), `candidate`,
//!   `url` and `sent_by` (string or `null`); `url` is top level, beside `candidate`, and is
//!   where this invite's completion `PATCH` goes. `candidate` holds `first_name`,
//!   `last_name`, `preferred_name`, `email`, `greenhouse_profile_url` (non-empty strings)
//!   and `phone_number`, `resume_url` (string or `null`; the key must be there). Answers
//!   `{"partner_interview_id": "..."}`, or an unusable answer when
//!   [`FakePartner::set_send_test_answer`] says so.
//! - The completion `PATCH`: `_patch_completed_test.md` @ `1cc89e3a`. Grading (by
//!   [`FakePartner::grade`] or automatically) sends a bodiless `PATCH` to the invite's own
//!   `url`; each invite has its own, there is no shared callback.
//! - `GET test_status?partner_interview_id=`: `_test_status.md` @ `4e85740e`.
//!   `partner_status` (`complete` once graded, else `pending`), `partner_profile_url` (a
//!   report link when complete, else `null`), `partner_score` (a JSON number when graded,
//!   else `null`) and a flat `metadata` object of primitives. Unknown id: `404`.
//! - `POST response_error`: `_response_error.md` @ `0c80e614`. `api_call` (string) and
//!   `errors` (array of strings) required; `partner_test_id`, `partner_test_name`,
//!   `partner_interview_id`, `candidate_email` optional strings. Recorded; answers `200`
//!   `{"status": 200}`.
//! - `POST outcomes` is not in the Greenhouse contract: it is Hirewire's own sink (any JSON
//!   object), see `shared/spec/apis.md`.

mod checks;
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
    /// The top-level `url` the invite gave: where this invite's completion `PATCH` goes.
    pub url: String,
    /// `sent_by` as sent (`None` when `null`).
    pub sent_by: Option<String>,
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
    /// The invite's top-level `url` it went to.
    pub url: String,
    /// The answer's status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout), if so.
    pub error: Option<String>,
}

/// How `send_test` answers an invite it accepted: normally, or in a way the caller cannot
/// use (to test how the caller handles it and reports it through `response_error`). The
/// invite is recorded in every case: the vendor did send the test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SendTestAnswer {
    /// `200 {"partner_interview_id": "bb-481001"}`, as documented.
    #[default]
    Normal,
    /// `200 {}`: no `partner_interview_id` at all.
    NoInterviewId,
    /// `200 {"partner_interview_id": 481001}`: the id as a JSON number, not a string. The
    /// invite is recorded under the digits as a string (`"481001"`), so a caller that reads
    /// the number leniently can still poll `test_status` with it.
    NumericInterviewId,
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
    pub response_errors: Vec<Value>,
    pub send_test_answer: SendTestAnswer,
    pub auto_grade: Option<Duration>,
    pub callbacks_off: bool,
    /// Set when the handle is dropped, so pending auto-grades do nothing.
    pub stopped: bool,
    next_id: u64,
}

impl Data {
    /// A fresh interview number; [`interview_id`] makes the usual id of it.
    pub(crate) fn next_interview_number(&mut self) -> u64 {
        self.next_id += 1;
        481_000 + self.next_id
    }
}

/// The usual (string) interview id for an interview number.
pub(crate) fn interview_id(number: u64) -> String {
    format!("bb-{number:06}")
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

    /// The `response_error` URL, where the caller reports an answer it could not use.
    pub fn response_error_url(&self) -> String {
        format!("{}/response_error", self.url())
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

    /// Every accepted `response_error` report, as sent, oldest first.
    pub fn response_errors(&self) -> Vec<Value> {
        self.with(|d| d.response_errors.clone())
    }

    /// How `send_test` answers from now on (default [`SendTestAnswer::Normal`]).
    pub fn set_send_test_answer(&self, answer: SendTestAnswer) {
        self.with(|d| d.send_test_answer = answer);
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
    /// invite's own top-level `url` (unless callbacks are off). False when the interview is unknown.
    pub async fn grade(&self, interview_id: &str, score: f64) -> bool {
        grading::grade(
            &self.data,
            &reqwest::Client::new(),
            interview_id,
            Some(score),
        )
        .await
    }

    /// Completes an interview without a score (`partner_score: null`), then `PATCH`es as
    /// [`FakePartner::grade`] does. False when the interview is unknown.
    pub async fn grade_without_score(&self, interview_id: &str) -> bool {
        grading::grade(&self.data, &reqwest::Client::new(), interview_id, None).await
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
