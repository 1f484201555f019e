//! Proves the fakes over real HTTP: the vendors' quirks, their limits and the switchable
//! faults, each test against its own servers on free loopback ports.

mod bob;
mod faults;
mod lever;
mod partner;

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `probe` until it gives `Some`, panicking with `what` after `timeout`.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The JSON body of a response (Null when it is not JSON).
pub async fn json(r: reqwest::Response) -> serde_json::Value {
    r.json().await.unwrap_or(serde_json::Value::Null)
}

/// `GET {fake Lever}{path}` with `key` as Basic auth user, as Lever's clients call it.
pub async fn lever_get(
    lever: &hirewire_fakes::lever::FakeLever,
    key: &str,
    path: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", lever.url()))
        .basic_auth(key, Some(""))
        .send()
        .await
        .expect("request")
}
