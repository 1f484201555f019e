//! Fake Lever: `/v1` with Basic auth (key as user name), `{"data": …}` answers, paginated
//! lists with opaque `next` tokens, per-key permission checkboxes, a token bucket per key
//! (10/s, bursts to 20), and Lever's quirks: files with numbers as strings, resumes without
//! `file`, `422` on files Lever could not process.

mod account;
mod demo;
mod model;
mod opportunity;
mod render;
mod routes;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use demo::{pdf, DemoIds, START_DATE_MS};
pub use model::{
    ArchiveReason, LeverFile, Note, Offer, OfferField, Opportunity, Perm, Posting, Resume, User,
};

use crate::faults::Faults;
use crate::server::{RequestLog, Served};

/// Lever's documented steady rate per key.
const RATE_PER_SECOND: f64 = 10.0;
/// Lever's documented burst per key.
const BURST: u32 = 20;

/// One key's token bucket.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Everything the fake knows, behind one lock (requests are tiny; contention is not a
/// concern in a fake).
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub addr: Option<SocketAddr>,
    pub opportunities: Vec<Opportunity>,
    pub postings: Vec<Posting>,
    pub offers: HashMap<String, Vec<Offer>>,
    pub resumes: HashMap<String, Vec<Resume>>,
    pub files: HashMap<String, Vec<LeverFile>>,
    /// Notes per opportunity, oldest first.
    pub notes: HashMap<String, Vec<Note>>,
    pub stages: Vec<(String, String)>,
    pub reasons: Vec<ArchiveReason>,
    pub tags: Vec<String>,
    pub users: Vec<User>,
    pub keys: HashMap<String, HashSet<Perm>>,
    buckets: HashMap<String, Bucket>,
    rate: (f64, u32),
    pub retry_after: bool,
    /// Most items per page whatever `limit` asks (see [`FakeLever::set_page_cap`]).
    pub page_cap: usize,
    rate_limited: usize,
    next_id: u64,
}

impl Data {
    /// A fresh id with a readable prefix.
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:08x}", 0x5eed_0000_u64 + self.next_id)
    }

    /// Takes a token from `key`'s bucket; false (and counted) when it is empty.
    pub(crate) fn take(&mut self, key: &str) -> bool {
        let (rate, burst) = self.rate;
        let now = Instant::now();
        let b = self.buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: f64::from(burst),
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(f64::from(burst));
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            self.rate_limited += 1;
            false
        }
    }

    /// The opportunity with this id.
    pub(crate) fn opp(&self, id: &str) -> Option<&Opportunity> {
        self.opportunities.iter().find(|o| o.id == id)
    }

    fn opp_mut(&mut self, id: &str) -> Option<&mut Opportunity> {
        self.opportunities.iter_mut().find(|o| o.id == id)
    }
}

/// Shared state of one fake Lever.
pub(crate) type Shared = Arc<Mutex<Data>>;

/// A running fake Lever on a loopback port; stops when dropped.
pub struct FakeLever {
    data: Shared,
    served: Served,
}

impl FakeLever {
    /// Starts an empty fake on a free loopback port (no keys: every call is `401`).
    pub async fn start() -> anyhow::Result<FakeLever> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let data = Data {
            addr: Some(listener.local_addr()?),
            rate: (RATE_PER_SECOND, BURST),
            page_cap: render::MAX_LIMIT,
            ..Default::default()
        };
        let data: Shared = Arc::new(Mutex::new(data));
        let served =
            crate::server::serve_on(listener, routes::router(data.clone()), render::error)?;
        Ok(FakeLever { data, served })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Data) -> T) -> T {
        let mut guard = self.data.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Base URL the client configures: `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.served.addr)
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

    /// Registers an API key with exactly these permission checkboxes.
    pub fn add_key(&self, key: &str, perms: &[Perm]) {
        self.with(|d| {
            d.keys
                .insert(key.to_string(), perms.iter().copied().collect())
        });
    }

    /// Changes every key's token bucket (and refills them).
    pub fn set_rate_limit(&self, per_second: f64, burst: u32) {
        self.with(|d| {
            d.rate = (per_second, burst);
            d.buckets.clear();
        });
    }

    /// Caps every page at `n` items (at least 1) whatever `limit` asks, as a server may:
    /// with a small cap, even the short demo lists take several pages.
    pub fn set_page_cap(&self, n: usize) {
        self.with(|d| d.page_cap = n.max(1));
    }

    /// Whether rate-limit 429s carry `Retry-After: 1` (unverified for Lever: off by default).
    pub fn set_retry_after_on_429(&self, on: bool) {
        self.with(|d| d.retry_after = on);
    }

    /// How many 429s the token bucket answered (injected faults not counted).
    pub fn rate_limited(&self) -> usize {
        self.with(|d| d.rate_limited)
    }

    /// Adds a posting.
    pub fn add_posting(&self, p: Posting) {
        self.with(|d| d.postings.push(p));
    }

    /// Adds an opportunity.
    pub fn add_opportunity(&self, mut o: Opportunity) {
        if o.updated_at == 0 {
            o.updated_at = crate::clock::now_ms().max(o.created_at);
        }
        self.with(|d| d.opportunities.push(o));
    }

    /// Adds an offer to an opportunity.
    pub fn add_offer(&self, opp_id: &str, o: Offer) {
        self.with(|d| d.offers.entry(opp_id.to_string()).or_default().push(o));
    }

    /// Adds a resume to an opportunity.
    pub fn add_resume(&self, opp_id: &str, r: Resume) {
        self.with(|d| d.resumes.entry(opp_id.to_string()).or_default().push(r));
    }

    /// Adds an "other file" to an opportunity.
    pub fn add_file(&self, opp_id: &str, f: LeverFile) {
        self.with(|d| d.files.entry(opp_id.to_string()).or_default().push(f));
    }

    /// Replaces the pipeline stages, as (id, text) in pipeline order.
    pub fn set_stages(&self, stages: Vec<(String, String)>) {
        self.with(|d| d.stages = stages);
    }

    /// Replaces the archive reasons.
    pub fn set_archive_reasons(&self, reasons: Vec<ArchiveReason>) {
        self.with(|d| d.reasons = reasons);
    }

    /// Replaces the account's tag list; `/tags` also lists tags that only opportunities
    /// carry, and counts come from the opportunities.
    pub fn set_tags(&self, tags: Vec<String>) {
        self.with(|d| d.tags = tags);
    }

    /// Adds a user.
    pub fn add_user(&self, u: User) {
        self.with(|d| d.users.push(u));
    }

    /// Replaces an opportunity's tags.
    pub fn set_opportunity_tags(&self, opp_id: &str, tags: Vec<String>) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.tags = tags.clone();
                o.updated_at = crate::clock::now_ms();
            })
        });
    }

    /// Moves an opportunity to a stage (what a recruiter does before the webhook fires).
    pub fn set_stage(&self, opp_id: &str, stage_id: &str) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.stage = stage_id.to_string();
                o.updated_at = crate::clock::now_ms();
            })
        });
    }

    /// Archives an opportunity now with a reason id.
    pub fn archive(&self, opp_id: &str, reason_id: &str) {
        let now = crate::clock::now_ms();
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.archived = Some((now, reason_id.to_string()));
                o.updated_at = now;
            })
        });
    }

    /// Seeds a note as if someone had written it in Lever.
    pub fn add_note(&self, opp_id: &str, note: Note) {
        self.with(|d| d.notes.entry(opp_id.to_string()).or_default().push(note));
    }

    /// The notes of an opportunity, oldest first (what clients posted, plus seeded ones).
    pub fn notes(&self, opp_id: &str) -> Vec<Note> {
        self.with(|d| d.notes.get(opp_id).cloned().unwrap_or_default())
    }

    /// Every note, with its opportunity id.
    pub fn all_notes(&self) -> Vec<(String, Note)> {
        self.with(|d| {
            d.notes
                .iter()
                .flat_map(|(o, ns)| ns.iter().map(move |n| (o.clone(), n.clone())))
                .collect()
        })
    }
}
