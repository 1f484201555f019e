//! A damaged profile file: how it is noticed while the engine runs, and what the person is
//! told to do about it.
//!
//! redb says a file is damaged in two ways: a `Corrupted` error, or a panic (it trusts the
//! pages it reads). Every transaction of [`super::Store`] runs under
//! [`hirewire_relay::panic_guard::catch`]; a panic, or a `Corrupted` error met on the way
//! (noted here by the error conversions, on the thread that runs the transaction, since a
//! caller's own error type may wrap it beyond recognition), marks the store damaged for
//! good: every later call is refused with the same message, and the engine stops on it
//! ([`crate::Engine::run`]) instead of running on with a part that fails at every event.

use std::cell::RefCell;
use std::path::Path;

thread_local! {
    /// The last `Corrupted` reason redb gave on this thread, until the transaction that
    /// met it takes it.
    static NOTED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Notes that redb reported damage (called from the error conversions).
pub(super) fn note(why: &str) {
    NOTED.with(|n| *n.borrow_mut() = Some(why.to_string()));
}

/// Takes what was noted on this thread since the last call.
pub(super) fn take() -> Option<String> {
    NOTED.with(|n| n.borrow_mut().take())
}

/// What to do, said once for both messages.
fn advice() -> &'static str {
    "Restore the profile from a backup (`hirewire restore FILE`); or move the file away to \
     start the profile anew, which loses its history, the jobs in progress, the links that \
     keep an action from being done twice, and its settings (the relay does not send again \
     the events this profile already took in)"
}

/// The refusal of a file that is damaged when opened.
pub(super) fn at_open(path: &Path, why: &str) -> String {
    format!(
        "the profile's data file {} is damaged ({why}); nothing was changed. {}",
        path.display(),
        advice()
    )
}

/// The message when damage is found while the file is in use.
pub(super) fn in_use(path: &Path, why: &str) -> String {
    format!(
        "the profile's data file {} turned out to be damaged while Hirewire was using it ({why}); Hirewire stopped using it so as not to lose more. {}",
        path.display(),
        advice()
    )
}
