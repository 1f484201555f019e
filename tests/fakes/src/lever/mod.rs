//! Fake Lever: `/v1` with Basic auth (key as user name), `{"data": …}` answers, paginated
//! lists with opaque `next` tokens, per-key permission checkboxes split as Lever splits them
//! ("Find a posting" vs "Find all postings") plus the separate confidential-data toggle, a
//! token bucket per key (10/s, bursts to 20), webhooks managed through `/webhooks`, and
//! Lever's quirks: files with numbers as strings, resumes without `file`, `422` on files
//! Lever could not process, notes whose text is in `fields[].value`, and switches for the
//! places where Lever's own examples disagree with its attribute tables.

mod account;
mod after_hire;
mod dates;
mod demo;
mod filters;
mod lifecycle;
mod model;
mod moves;
mod notes;
mod odd;
mod opportunity;
mod paging;
mod papers;
mod perms;
mod render;
mod routes;
mod setup;
mod webhooks;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub use demo::{pdf, DemoIds, START_DATE_MS};
pub use model::{
    ArchiveReason, ArchiveShape, DeletedOpportunity, LeverFile, Note, Offer, OfferField,
    Opportunity, Posting, Resume, User,
};
pub use moves::Move;
pub use perms::{Perm, CONFIDENTIAL_TOGGLE};
pub use routes::UnknownIdAnswer;
pub use webhooks::{Delivery, Webhook, WEBHOOK_EVENTS};

use crate::faults::Faults;
use crate::server::{RequestLog, Served};

/// Lever's documented steady rate per key.
const RATE_PER_SECOND: f64 = 10.0;
/// Lever's documented burst per key.
const BURST: u32 = 20;
/// The account's UTC offset by default: US Pacific, the zone of Lever's own date example
/// (`1418716800000` = 2014-12-16T08:00Z, midnight in Pacific standard time).
const DEFAULT_UTC_OFFSET_HOURS: i32 = -8;

/// One key's token bucket.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// An API key: its checkboxes and the confidential-data toggle, fixed when it is made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Key {
    pub perms: HashSet<Perm>,
    pub confidential: bool,
}

/// The switches for shapes where Lever's examples and its tables disagree.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Switches {
    pub archive_shape: ArchiveShape,
    /// `GET /archive_reasons?type=…` answers `data` as one object.
    pub typed_reasons_as_object: bool,
    /// `POST /webhooks` answers `{"data": {"data": …}}`.
    pub webhook_nested_data: bool,
    /// `expand=a,b` is split at commas (unverified for Lever; off by default).
    pub expand_commas: bool,
    /// A webhook made without `configuration.conditions` fires for no origin (unverified
    /// reading; off by default: it fires for every origin).
    pub bare_webhooks_fire_for_none: bool,
    /// `POST /webhooks` takes `http://` URLs on loopback (tests only; Lever takes none).
    pub http_loopback_webhooks: bool,
    /// 403 or 404 first for a made-up id with a key that lacks the checkbox.
    pub unknown_id: UnknownIdAnswer,
}

/// Everything the fake knows, behind one lock (requests are tiny; contention is not a
/// concern in a fake).
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub addr: Option<SocketAddr>,
    pub opportunities: Vec<Opportunity>,
    pub deleted: Vec<DeletedOpportunity>,
    pub postings: Vec<Posting>,
    pub offers: HashMap<String, Vec<Offer>>,
    pub resumes: HashMap<String, Vec<Resume>>,
    pub files: HashMap<String, Vec<LeverFile>>,
    /// Notes per opportunity, oldest first.
    pub notes: HashMap<String, Vec<Note>>,
    /// Writes made through the API per opportunity (stage changes, tags added,
    /// archives), oldest first.
    pub moves: HashMap<String, Vec<moves::Move>>,
    pub stages: Vec<(String, String)>,
    pub reasons: Vec<ArchiveReason>,
    pub tags: Vec<String>,
    pub users: Vec<User>,
    pub keys: HashMap<String, Key>,
    pub webhooks: Vec<Webhook>,
    /// Event names whose webhook group a Super Admin switched on.
    pub enabled_events: HashSet<String>,
    pub switches: Switches,
    /// Odd answers switched on by a test.
    pub odd: odd::Odd,
    pub utc_offset_hours: i32,
    /// Page positions handed out as `next` tokens; any other `offset` is refused.
    pub issued_pages: HashSet<usize>,
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

    pub(crate) fn opp_mut(&mut self, id: &str) -> Option<&mut Opportunity> {
        self.opportunities.iter_mut().find(|o| o.id == id)
    }

    /// The posting with this id.
    pub(crate) fn posting(&self, id: &str) -> Option<&Posting> {
        self.postings.iter().find(|p| p.id == id)
    }

    /// Whether an opportunity is confidential: its own flag, or its posting's.
    pub(crate) fn is_confidential(&self, o: &Opportunity) -> bool {
        o.confidential
            || o.posting
                .as_deref()
                .and_then(|p| self.posting(p))
                .is_some_and(|p| p.confidential)
    }

    /// Whether this archive reason id is of type `hired`.
    pub(crate) fn is_hired_reason(&self, reason_id: &str) -> bool {
        self.reasons
            .iter()
            .any(|r| r.id == reason_id && r.kind == "hired")
    }
}

/// Shared state of one fake Lever.
pub(crate) type Shared = Arc<Mutex<Data>>;

/// A running fake Lever on a loopback port; stops when dropped.
pub struct FakeLever {
    data: Shared,
    served: Served,
    http: reqwest::Client,
}

impl FakeLever {
    /// Starts an empty fake on a free loopback port (no keys: every call is `401`).
    pub async fn start() -> anyhow::Result<FakeLever> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let data = Data {
            addr: Some(listener.local_addr()?),
            rate: (RATE_PER_SECOND, BURST),
            page_cap: paging::MAX_LIMIT,
            utc_offset_hours: DEFAULT_UTC_OFFSET_HOURS,
            ..Default::default()
        };
        let data: Shared = Arc::new(Mutex::new(data));
        let served =
            crate::server::serve_on(listener, routes::router(data.clone()), render::error)?;
        Ok(FakeLever {
            data,
            served,
            http: reqwest::Client::new(),
        })
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Data) -> T) -> T {
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

    /// Registers an API key with exactly these permission checkboxes and without
    /// "Allow access to confidential data".
    pub fn add_key(&self, key: &str, perms: &[Perm]) {
        self.add_key_with(key, perms, false);
    }

    /// Registers an API key with these checkboxes and, when `confidential`, the "Allow
    /// access to confidential data" toggle. As in Lever, a key cannot be edited afterwards
    /// (registering the same key again replaces it, as a test's shortcut for a new key).
    pub fn add_key_with(&self, key: &str, perms: &[Perm], confidential: bool) {
        let k = Key {
            perms: perms.iter().copied().collect(),
            confidential,
        };
        self.with(|d| d.keys.insert(key.to_string(), k));
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
}
