//! The engine: takes events from the relay into a durable inbox, turns each into a history
//! entry, and runs the hire, assessment and outcome jobs against Lever, bob and the
//! assessment partner, exactly once across crashes and retries. It knows nothing of
//! windows, command lines or terminals: the `hirewire` crate's CLI and window are thin
//! adapters over the calls here.
//!
//! This file is the crate's map: its modules by layer, bottom first, as
//! `docs/architecture.md` draws them and `tests/layering.rs` holds them: a module uses its
//! own layer and the ones listed before it, never one after. [`Engine`], the handle every
//! layer is given (as `crate::Engine`), is in `engine.rs`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Records: plain data and the rules that need nothing else.
pub mod keys;
pub(crate) mod lenient;
pub mod model;
pub mod notify;
pub mod score_rules;
pub mod settings;
pub mod time;
pub mod webhooks;
pub mod work;

// Store: the one redb file.
pub mod store;

// Privacy: what a deletion, an erasure or retention removes.
pub mod privacy;

// Vendors: Lever, bob and the partner, and the keys to reach them.
pub mod clients;
pub mod secrets;
mod vendors;

// Intake: an event's whole path from the relay to a history entry.
pub(crate) mod intake;

// Jobs: the runner and the flows it runs.
pub mod flows;
pub(crate) mod jobs;

// Catching up: what Lever says that no webhook told.
pub mod reconcile;

// Use-cases: what the CLI and the window call.
pub mod backup;
pub mod candidates;
pub mod check;
pub mod history;
pub mod mappings;
pub mod preview;
pub(crate) mod probes;
pub mod setup;
pub mod status;

// Team: one engine, many seats (docs/team.md).
pub mod team;

// Running: the engine's parts started and kept running; the window's types.
#[cfg(test)]
mod bindings;
mod engine;
mod supervise;

pub use engine::WindowEvent;
pub use engine::{profile_dir, Engine, EngineEvent, Inner, LockError, RelayState};
pub use intake::watchdog::STALL_ENV as RELAY_STALL_ENV;
pub use intake::IntakeError;
