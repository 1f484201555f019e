//! Waiting for a condition with a deadline: the only way these tests wait.

use std::future::Future;
use std::time::{Duration, Instant};

/// How often a condition is re-checked.
const POLL: Duration = Duration::from_millis(20);

/// Re-evaluates `check` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    until_every(what, timeout, POLL, check).await
}

/// [`until`] checking every `every` (for checks too heavy to run 50 times a second).
pub async fn until_every<T, F, Fut>(
    what: &str,
    timeout: Duration,
    every: Duration,
    mut check: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    until_seen(what, timeout, every, || {
        let f = check();
        async move { f.await.ok_or_else(String::new) }
    })
    .await
}

/// [`until_every`] for a check that says what it saw instead (`Err`): the last of those
/// is in the panic message, so a timeout tells what was there instead.
pub async fn until_seen<T, F, Fut>(
    what: &str,
    timeout: Duration,
    every: Duration,
    mut check: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let seen = match check().await {
            Ok(v) => return v,
            Err(seen) => seen,
        };
        if Instant::now() >= deadline {
            match seen.is_empty() {
                true => panic!("timed out after {timeout:?} waiting for {what}"),
                false => {
                    panic!("timed out after {timeout:?} waiting for {what}; saw instead: {seen}")
                }
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// Like [`until`] for a plain boolean condition.
pub async fn until_true<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    until(what, timeout, || {
        let f = check();
        async move { f.await.then_some(()) }
    })
    .await
}
