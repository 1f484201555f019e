//! Hirewire, the desktop app: an engine that turns Lever webhooks into bob employees,
//! assessment invites and outcome records, and the command line around it. The engine
//! knows nothing of windows; the desktop shell (a later layer) is a thin adapter over it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "desktop")]
pub mod desktop;
/// The engine crate, under the short name the shells use.
pub use hirewire_engine as engine;
