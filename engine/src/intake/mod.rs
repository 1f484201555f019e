//! Intake: the whole path of an event from the relay to a history entry, one file a step,
//! in the order an event takes them.
//!
//! 1. [`connection`]: the relay's WebSocket stream, resumed after every drop; [`link`]
//!    shows where it stands and records what the relay says went wrong.
//! 2. [`watchdog`]: a stream that delivers nothing while events wait is reconnected.
//! 3. [`inbox`]: each event is committed before it is acknowledged, then taken out one by
//!    one; an event that fails for a reason of its own is set aside, never blocking the rest.
//! 4. [`envelope`]: Lever's webhook body and signature.
//! 5. [`verify`]: Lever's, fresh and new? Stale, replayed and unsigned events are
//!    `rejected` with the reason; pings are `skipped`.
//! 6. [`route`]: which flow a verified event starts, if any.
//! 7. [`decide`]: what the event becomes, without side effects: exactly one history
//!    entry, or joined to one that means the same, or dropped as a duplicate. The endpoint
//!    is classified once ([`decide::Endpoint`]), for the signing token and the decision.
//! 8. [`record`]: what was decided written in the transaction that takes the event out of
//!    the inbox.

pub(crate) mod connection;
pub(crate) mod decide;
pub(crate) mod envelope;
pub(crate) mod inbox;
pub(crate) mod link;
pub(crate) mod record;
pub(crate) mod route;
pub(crate) mod verify;
pub mod watchdog;

pub use inbox::IntakeError;

#[cfg(test)]
mod tests;
