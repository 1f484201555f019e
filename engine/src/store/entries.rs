//! Opening a history entry, with its job when there is work: the one way every event,
//! notice and scheduled check gets into the history.

use super::tx::Tx;
use super::StoreError;
use crate::model::{Detail, Entry, Flow, RawEvent, Source, Status};
use crate::time;
use crate::work::{Job, JobSlot, Work};

/// What a new entry says.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// When it happened (ms); the relay's receipt time for events.
    pub received_at: u64,
    /// Lever's event name, or Hirewire's for its own entries.
    pub event: String,
    /// The relay endpoint, for events.
    pub endpoint: String,
    /// The opportunity.
    pub opportunity_id: Option<String>,
    /// The candidate's display name, if known.
    pub candidate: Option<String>,
    /// The flow.
    pub flow: Flow,
    /// Where it stands (`running` when it has work).
    pub status: Status,
    /// Why, in a recruiter's words.
    pub reason: Option<String>,
    /// The event as received.
    pub event_body: Option<RawEvent>,
    /// How it was found.
    pub source: Source,
}

impl NewEntry {
    /// An entry of Hirewire's own (no event), as of now.
    pub fn own(event: &str, flow: Flow, status: Status, reason: Option<String>) -> NewEntry {
        NewEntry {
            received_at: time::now_ms(),
            event: event.to_string(),
            endpoint: String::new(),
            opportunity_id: None,
            candidate: None,
            flow,
            status,
            reason,
            event_body: None,
            source: Source::Webhook,
        }
    }
}

impl Tx<'_> {
    /// Records a new entry, and its job when `work` is given (the entry is then
    /// `running`); returns the entry id. `replace` re-records an existing entry instead.
    pub fn open_entry(
        &self,
        new: NewEntry,
        work: Option<Work>,
        replace: Option<u64>,
    ) -> Result<u64, StoreError> {
        let id = match replace {
            Some(id) => id,
            None => self.next_id()?,
        };
        let mut detail = self.detail(id)?.unwrap_or_default();
        if new.event_body.is_some() {
            detail.event = new.event_body;
        }
        let status = if work.is_some() {
            Status::Running
        } else {
            new.status
        };
        if let Some(work) = work {
            let job = Job::new(id, work);
            self.put_job(&job)?;
            detail.job = Some(JobSlot::Job(Box::new(job)));
        }
        self.put_entry(&Entry {
            id,
            received_at: new.received_at,
            event: new.event,
            endpoint: new.endpoint,
            opportunity_id: new.opportunity_id,
            candidate: new.candidate,
            flow: new.flow,
            status,
            reason: new.reason,
            updated_at: time::now_ms(),
            source: new.source,
            summary: None,
        })?;
        self.put_detail(id, &Detail { ..detail })?;
        Ok(id)
    }
}
