//! A panic inside the storage library, caught where our code calls it and turned into an
//! error that says what happened, without the panic's text on stderr.
//!
//! redb trusts the pages it reads: a damaged file (a page zeroed or overwritten on disk)
//! can make it panic ("entered unreachable code", an index out of bounds) instead of
//! returning an error. Shared by the relay and the app (std only, so the app gets it
//! without the relay's server), so that both turn such a panic into their own typed
//! "damaged store" error and stop cleanly with advice, instead of exiting with code 101 or
//! running on with a dead part.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

thread_local! {
    /// How many [`catch`] calls are active on this thread: the hook stays quiet for them.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that prints nothing for a panic [`catch`] is
/// about to turn into an error and hands every other panic to the hook that was there.
/// Set once rather than swapped around each call: swapping the process-wide hook races
/// with other threads and would hide their panics.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(|c| c.get()) == 0 {
                previous(info);
            }
        }));
    });
}

/// Decrements the thread's count even if the closure unwinds.
struct Catching;

impl Catching {
    fn enter() -> Self {
        CATCHING.with(|c| c.set(c.get() + 1));
        Catching
    }
}

impl Drop for Catching {
    fn drop(&mut self) {
        CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Runs `f`; a panic inside comes back as `Err` with the panic's message, and prints
/// nothing. The caller must treat what `f` touched as unusable afterwards (the store marks
/// itself damaged): nothing is assumed about state a panic left half-changed.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let _quiet = Catching::enter();
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "an internal check of the storage library failed".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let got = catch(|| -> u32 { panic!("entered unreachable code") });
        assert_eq!(got, Err("entered unreachable code".to_string()));
    }

    #[test]
    fn a_value_comes_through_and_nesting_is_fine() {
        assert_eq!(catch(|| catch(|| 7)), Ok(Ok(7)));
    }
}
