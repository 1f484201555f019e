//! Fake Lever, bob and assessment-partner servers for Hirewire's tests and demo. Each is a
//! real HTTP server on loopback that follows `shared/spec/apis.md`, quirks included, and
//! whose faults (429 bursts, 5xx, slow answers, wrong bodies) a test can switch on.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bob;
pub mod clock;
pub mod faults;
pub mod lever;
pub mod partner;
mod server;
pub mod webhook;

pub use faults::{FaultKind, FaultRule, Faults};
pub use server::RequestLog;
