//! The engine's records: history entries and their steps, jobs, and the raw events they
//! came from. They are stored as JSON in redb (readable, and tolerant of added fields)
//! and printed by `hirewire history --json` in the shape `app.md` documents.

use serde::{Deserialize, Serialize};

/// Where an entry stands. `running` is ours (queued or in progress); the rest are the
/// contract's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Queued or in progress.
    Running,
    /// Waiting for a person (review before create).
    Waiting,
    /// A step failed for a reason that may pass; it will run again by itself.
    Retrying,
    /// Everything done.
    Done,
    /// Nothing to do, with the reason.
    Skipped,
    /// Stopped; needs a person, then Retry.
    Failed,
    /// Refused at intake (signature, age, replay).
    Rejected,
}

impl Status {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Waiting => "waiting",
            Status::Retrying => "retrying",
            Status::Done => "done",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
            Status::Rejected => "rejected",
        }
    }

    /// Parses a status name.
    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Running,
            Status::Waiting,
            Status::Retrying,
            Status::Done,
            Status::Skipped,
            Status::Failed,
            Status::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Whether the entry is finished (no job runs for it).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Done | Status::Skipped | Status::Failed | Status::Rejected
        )
    }
}

/// Which flow an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// Hire → bob.
    Hire,
    /// Stage change → assessment invite, and results.
    Assessment,
    /// Next steps and archive outcomes.
    Outcome,
    /// A candidate's data removed (deleted or anonymized in Lever, erased, expired).
    Privacy,
    /// Not part of a flow (pings, unknown events, rejections).
    None,
}

impl Flow {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Hire => "hire",
            Flow::Assessment => "assessment",
            Flow::Outcome => "outcome",
            Flow::Privacy => "privacy",
            Flow::None => "none",
        }
    }
}

/// How an entry came to be: which road brought the work to Hirewire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// An event the relay delivered (a Lever webhook or the partner's callback), or
    /// Hirewire's own notices and checks.
    #[default]
    Webhook,
    /// Found by catching up with Lever: the webhook never came.
    Reconcile,
    /// Run again at a person's request (Retry).
    Retry,
}

impl Source {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Webhook => "webhook",
            Source::Reconcile => "reconcile",
            Source::Retry => "retry",
        }
    }

    /// Parses a source name.
    pub fn parse(text: &str) -> Option<Source> {
        [Source::Webhook, Source::Reconcile, Source::Retry]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One history entry's summary: what lists and filters need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Entry {
    /// Increasing id.
    pub id: u64,
    /// The relay's receipt time (ms since the epoch).
    pub received_at: u64,
    /// Lever's event name, or ours for partner and poll events.
    pub event: String,
    /// The relay endpoint it came in on.
    #[serde(default)]
    pub endpoint: String,
    /// The Lever opportunity.
    #[serde(default)]
    pub opportunity_id: Option<String>,
    /// The candidate's display name, once known.
    #[serde(default)]
    pub candidate: Option<String>,
    /// The flow.
    pub flow: Flow,
    /// Where it stands.
    pub status: Status,
    /// Why skipped, failed, waiting or rejected, in a recruiter's words.
    #[serde(default)]
    pub reason: Option<String>,
    /// Last change (ms).
    #[serde(default)]
    pub updated_at: u64,
    /// How it was found.
    #[serde(default)]
    pub source: Source,
    /// What it did, in a few words, once done ("employee 3332883, 3 documents").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// The result of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// It worked.
    Done,
    /// It failed (see `error`).
    Failed,
    /// It was not needed (already done earlier, nothing to do).
    Skipped,
}

/// One action taken for an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Step {
    /// What was done ("create bob employee", "upload resume.pdf").
    pub action: String,
    /// What it produced or touched (bob employee id, Lever note id).
    #[serde(default)]
    pub target: Option<String>,
    /// How it went.
    pub status: StepStatus,
    /// The vendor's HTTP status, if a call was made.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Duration in milliseconds.
    #[serde(default)]
    pub ms: u64,
    /// The error text (the API's own words).
    #[serde(default)]
    pub error: Option<String>,
    /// When it ended (ms).
    #[serde(default)]
    pub at: u64,
}

/// An event as the relay delivered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEvent {
    /// Relay sequence number (0 for events the app made itself).
    pub seq: u64,
    /// Relay endpoint.
    pub endpoint: String,
    /// HTTP method.
    pub method: String,
    /// Relay receipt time (ms).
    pub received_at: u64,
    /// Content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The exact body.
    pub body: String,
    /// SHA-256 of the body (hex), taken once when the event was accepted from the relay
    /// and used from then on (resend check, dedupe); absent in events the app made itself
    /// and in inboxes written before it was kept, which are hashed when decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_hash: Option<String>,
}

impl RawEvent {
    /// The body's hash: the one taken at acceptance, else taken now.
    pub fn body_hash(&self) -> String {
        self.body_hash
            .clone()
            .unwrap_or_else(|| body_hash(&self.body))
    }
}

/// SHA-256 of a body, hex: tells a redelivery (same bytes) from a replay (same token,
/// other body).
pub fn body_hash(body: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Everything about one entry beyond its summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    /// Steps in the order they ran, across attempts.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The event as received (for retry and for the detail view).
    #[serde(default)]
    pub event: Option<RawEvent>,
    /// The job's state when it last changed (kept after it finished).
    #[serde(default)]
    pub job: Option<crate::work::JobSlot>,
    /// For an entry that counts events of one kind (posts to unknown endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
}

/// Events counted into one entry instead of one entry each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// How many.
    pub count: u64,
    /// The first few distinct names (endpoints) seen.
    pub names: Vec<String>,
    /// The last one's receipt time (ms).
    pub last_at: u64,
}

/// The `history --json` line: the summary, its steps, and times as RFC 3339.
pub fn history_json(entry: &Entry, detail: &Detail) -> serde_json::Value {
    let steps: Vec<serde_json::Value> = detail
        .steps
        .iter()
        .map(|s| {
            serde_json::json!({
                "action": s.action, "target": s.target, "status": s.status,
                "http_status": s.http_status, "ms": s.ms, "error": s.error,
                "at": crate::time::rfc3339(s.at),
            })
        })
        .collect();
    serde_json::json!({
        "id": entry.id,
        "received_at": crate::time::rfc3339(entry.received_at),
        "event": entry.event,
        "opportunity_id": entry.opportunity_id,
        "candidate": entry.candidate,
        "flow": entry.flow,
        "status": entry.status,
        "reason": entry.reason,
        "source": entry.source,
        "summary": entry.summary,
        "steps": steps,
    })
}

/// Where the engine's connection to the relay stands, as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum RelayLink {
    /// Opening a stream, or open but not yet shown to deliver.
    Connecting,
    /// A stream that delivers.
    Connected,
    /// The last stream ended; the next attempt waits out its backoff.
    Offline,
    /// No relay connection code was given yet.
    NotConfigured,
}

impl RelayLink {
    /// The word the logs and the window use.
    pub fn as_str(self) -> &'static str {
        match self {
            RelayLink::Connecting => "connecting",
            RelayLink::Connected => "connected",
            RelayLink::Offline => "offline",
            RelayLink::NotConfigured => "not-configured",
        }
    }
}

impl std::fmt::Display for RelayLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
