//! Candidate data that goes away when it should. A candidate deleted in Lever
//! (`candidateDeleted`), seen anonymized, or erased by a person is purged from everything
//! Hirewire holds ([`purge`]); history older than `privacy.history_retention_days` keeps
//! its date, flow, status and source and loses every personal field ([`retention`]);
//! what Hirewire holds about one person can be exported ([`person`]) and erased
//! ([`erase`]). After each, the
//! database file is compacted so that freed pages do not keep the bytes ([`compaction`]).

pub mod compaction;
pub mod erase;
pub mod person;
pub mod purge;
pub mod retention;
mod scrub;

pub use purge::{purge, purge_now, Purged, DELETED};
