//! Intake, step 2: the relay stream's watchdog: a stream that is open but delivers nothing while the relay
//! holds events is taken for stalled, and the connection is made again.
//!
//! Why: a relay can keep a stream open and send nothing (issue 22: a window wedged after an
//! unclean drop), and pings keep such a stream alive for ever while hires wait on the
//! relay. Two signs are watched, each against a deadline ([`stall_after`], 30 s):
//! - the welcome said `pending > 0` and no event came;
//! - the stream has been silent for the deadline and the relay's status says events wait.
//!
//! Until the first event of a welcome that promised some, the stream is not shown as
//! connected: the status bar never says "connected" about a stream that delivers nothing.

use std::time::Duration;

use tokio::time::Instant;

use crate::store::tx::RelayConn;
use crate::Engine;

/// How long a stream may deliver nothing while events wait, unless
/// `HIREWIRE_RELAY_STALL` (a duration such as `30s`, between 1 s and 1 h) says otherwise.
pub const DEFAULT_STALL: Duration = Duration::from_secs(30);
/// The environment variable that sets the deadline.
pub const STALL_ENV: &str = "HIREWIRE_RELAY_STALL";
const STALL_MIN: Duration = Duration::from_secs(1);
const STALL_MAX: Duration = Duration::from_secs(3600);
/// How long the status probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The deadline in force: [`STALL_ENV`] when it holds a duration in range, else the
/// default (a value out of range or unreadable is said once in the log).
pub fn stall_after() -> Duration {
    match std::env::var(STALL_ENV) {
        Ok(v) => parse_stall(&v).unwrap_or_else(|why| {
            tracing::warn!(
                "{STALL_ENV}={v:?} is not used ({why}); the relay watchdog waits {DEFAULT_STALL:?}"
            );
            DEFAULT_STALL
        }),
        Err(_) => DEFAULT_STALL,
    }
}

/// Reads a deadline: a humantime duration between 1 s and 1 h.
pub fn parse_stall(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| e.to_string())?;
    if (STALL_MIN..=STALL_MAX).contains(&d) {
        Ok(d)
    } else {
        Err("it must be between 1s and 1h".into())
    }
}

/// What the watchdog knows of one stream.
#[derive(Debug)]
pub struct Watch {
    stall: Duration,
    last_frame: Instant,
    /// Events the welcome said wait.
    promised: u64,
    /// Whether an event or notice came on this stream.
    delivered: bool,
}

/// What a silent deadline means.
#[derive(Debug, PartialEq, Eq)]
pub enum Silence {
    /// Nothing waits (or the relay could not be asked): keep the stream.
    Idle,
    /// Events wait and none came: reconnect, for this reason.
    Stalled(String),
}

impl Watch {
    /// A stream just opened.
    pub fn new(stall: Duration) -> Self {
        Watch {
            stall,
            last_frame: Instant::now(),
            promised: 0,
            delivered: false,
        }
    }

    /// The welcome arrived, saying `pending` events wait.
    pub fn welcome(&mut self, pending: u64) {
        self.promised = pending;
        self.last_frame = Instant::now();
    }

    /// An event or notice arrived and was handled (counted from when its handling ended,
    /// so slow handling is not taken for silence).
    pub fn delivered(&mut self) {
        self.delivered = true;
        self.last_frame = Instant::now();
    }

    /// Whether the stream may be shown as connected: it delivers, or nothing was waiting.
    pub fn is_delivering(&self) -> bool {
        self.delivered || self.promised == 0
    }

    /// When the stream's silence is next looked at.
    pub fn deadline(&self) -> Instant {
        self.last_frame + self.stall
    }

    /// The deadline passed with no event: decides whether the stream stalled, asking the
    /// relay how many events wait when the welcome did not already say.
    pub async fn silent(&mut self, engine: &Engine, conn: &RelayConn, secret: &str) -> Silence {
        self.last_frame = Instant::now();
        if !self.delivered && self.promised > 0 {
            return Silence::Stalled(format!(
                "the relay said {} event(s) wait but sent none within {}",
                self.promised,
                humantime::format_duration(self.stall)
            ));
        }
        match waiting(engine, conn, secret).await {
            Some(n) if n > 0 => Silence::Stalled(format!(
                "the relay holds {n} event(s) but the stream sent none within {}",
                humantime::format_duration(self.stall)
            )),
            _ => Silence::Idle,
        }
    }
}

/// The relay's count of waiting events (`GET …/status`), or `None` if it cannot be had now.
async fn waiting(engine: &Engine, conn: &RelayConn, secret: &str) -> Option<u64> {
    let url = format!(
        "{}/v1/channels/{}/status",
        conn.url.trim_end_matches('/'),
        conn.channel
    );
    let answer = engine
        .http
        .get(&url)
        .bearer_auth(secret)
        .timeout(PROBE_TIMEOUT)
        .send()
        .await
        .ok()?;
    if !answer.status().is_success() {
        tracing::debug!(status = %answer.status(), "relay status not available to the watchdog");
        return None;
    }
    let body: serde_json::Value = answer.json().await.ok()?;
    body["pending"].as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_a_duration_in_range() {
        assert_eq!(parse_stall("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_stall(" 5m "), Ok(Duration::from_secs(300)));
        assert!(parse_stall("0s").is_err());
        assert!(parse_stall("500ms").is_err());
        assert!(parse_stall("2h").is_err());
        assert!(parse_stall("soon").is_err());
        assert!(parse_stall("99999999999999999999s").is_err());
    }

    #[test]
    fn a_welcome_with_events_is_not_delivering_until_one_arrives() {
        let mut w = Watch::new(DEFAULT_STALL);
        w.welcome(3);
        assert!(!w.is_delivering());
        w.delivered();
        assert!(w.is_delivering());
        let mut idle = Watch::new(DEFAULT_STALL);
        idle.welcome(0);
        assert!(idle.is_delivering());
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panic(s in ".{0,40}") {
            let _ = parse_stall(&s);
        }
    }
}
