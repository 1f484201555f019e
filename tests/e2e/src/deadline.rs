//! The suites' deadlines, in one place. Every wait in these tests is for a condition with a
//! deadline (see [`crate::wait`]); these are the few lengths they use, each named for what it
//! bounds, so that a slow CI machine is fixed here once rather than in thirty files. A
//! deadline is how long a test waits before it fails with a message, never how long a step is
//! allowed to take: limits that are behaviour (the relay's reconnect bound, a rate) stay
//! beside the test that asserts them.

use std::time::Duration;

/// An engine's flow against the fakes: a webhook in, the employee, invite or note out.
pub const FLOW: Duration = Duration::from_secs(60);
/// Flows that run many entries or repeated retries (catch-up of a big window, a run of
/// hires with faults).
pub const LONG_FLOW: Duration = Duration::from_secs(180);
/// The relay alone: a post stored, a frame on the stream, a team-log read answered.
pub const RELAY: Duration = Duration::from_secs(20);
/// What must happen promptly once its cause is there.
pub const AT_ONCE: Duration = Duration::from_secs(5);
/// A process (relay, nats-server) listening after it was started.
pub const START: Duration = Duration::from_secs(30);
/// One condition in the app's window (engine calls against the fakes included).
pub const UI: Duration = Duration::from_secs(30);
