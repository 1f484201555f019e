//! The engine's long-running parts, each in a task that is started again when it stops
//! (a panic included), with a log line and a notification, so that one failure never
//! leaves a part of Hirewire dead until the next restart.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::notify::{Kind, Notice};
use crate::Engine;

/// Wait before a stopped part is started again: long enough not to spin on a failure
/// that repeats at once, short enough that nothing waits long.
const RESTART_DELAY: Duration = Duration::from_secs(2);

type Part = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A supervised part; [`Supervised::stop`] ends it for good.
pub struct Supervised {
    task: tokio::task::JoinHandle<()>,
}

impl Supervised {
    /// Stops the part and waits until it is gone.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Aborts the current run of a part when the supervisor itself is stopped.
struct Current(tokio::task::JoinHandle<()>);

impl Drop for Current {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts `part` under supervision.
pub fn start(engine: Engine, name: &'static str, part: fn(Engine) -> Part) -> Supervised {
    let task = tokio::spawn(async move {
        loop {
            let mut current = Current(tokio::spawn(part(engine.clone())));
            let why = match (&mut current.0).await {
                Ok(()) => "it ended".to_string(),
                Err(e) if e.is_cancelled() => return,
                Err(e) => e.to_string(),
            };
            tracing::error!(part = name, "the {name} stopped ({why}); starting it again");
            engine.notifier.send(Notice {
                summary: "Hirewire restarted one of its parts".into(),
                body: format!("the {name} stopped ({why}) and was started again"),
                entry_id: None,
                kind: Kind::Attention,
            });
            tokio::time::sleep(RESTART_DELAY).await;
        }
    });
    Supervised { task }
}
