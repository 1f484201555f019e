//! The token bucket every Lever call of an engine shares (10 requests/s, bursts to 20, per
//! key), with two lanes. Live work (a webhook's job, a person's click) waits for a token
//! as usual; background work (catching up with Lever) takes one only while no live call is
//! waiting. A catch-up of hundreds of hires thus fills the capacity live work leaves idle,
//! and a live hire never waits behind it for more than the token in flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// How long a background caller steps aside before looking again while live calls wait.
const STEP_ASIDE: Duration = Duration::from_millis(5);

/// Which lane a caller is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Webhooks and people: served first.
    Live,
    /// Catching up: served when no live call waits.
    Background,
}

/// A shared token bucket; clones share the tokens, each keeps its lane.
#[derive(Clone)]
pub struct Bucket {
    shared: Arc<Shared>,
    lane: Lane,
}

struct Shared {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    /// Live callers waiting for a token right now.
    live_waiting: AtomicUsize,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bucket({:?})", self.lane)
    }
}

/// Counts a live caller as waiting for as long as it lives (a cancelled wait included).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Bucket {
    /// `per_second` steady, `burst` at most; live lane.
    pub fn new(per_second: u32, burst: u32) -> Self {
        let per_second =
            std::num::NonZeroU32::new(per_second.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
        let burst = std::num::NonZeroU32::new(burst.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
        Bucket {
            shared: Arc::new(Shared {
                limiter: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
                clock: DefaultClock::default(),
                live_waiting: AtomicUsize::new(0),
            }),
            lane: Lane::Live,
        }
    }

    /// The same tokens, taken in `lane`.
    pub fn in_lane(&self, lane: Lane) -> Bucket {
        Bucket {
            shared: self.shared.clone(),
            lane,
        }
    }

    /// This caller's lane.
    pub fn lane(&self) -> Lane {
        self.lane
    }

    /// Waits for a token.
    pub async fn take(&self) {
        let s = &self.shared;
        match self.lane {
            Lane::Live => {
                let _waiting = Waiting::new(&s.live_waiting);
                s.limiter.until_ready().await;
            }
            Lane::Background => loop {
                if s.live_waiting.load(Ordering::SeqCst) > 0 {
                    tokio::time::sleep(STEP_ASIDE).await;
                    continue;
                }
                match s.limiter.check() {
                    Ok(()) => return,
                    Err(not_until) => {
                        let wait = not_until.wait_time_from(s.clock.now());
                        tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn background_callers_step_aside_while_a_live_one_waits() {
        let bucket = Bucket::new(50, 1);
        let taken = Arc::new(AtomicUsize::new(0));
        let mut catch_up = Vec::new();
        for _ in 0..6 {
            let (b, taken) = (bucket.in_lane(Lane::Background), taken.clone());
            catch_up.push(tokio::spawn(async move {
                loop {
                    b.take().await;
                    taken.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        // Wait (with a deadline) until the background lane has the bucket to itself and uses
        // it: ten tokens at 50/s take 0.2 s.
        let started = {
            let taken = taken.clone();
            async move {
                while taken.load(Ordering::SeqCst) < 10 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        };
        assert!(
            tokio::time::timeout(Duration::from_secs(10), started)
                .await
                .is_ok(),
            "the background lane never got its tokens"
        );
        let live = bucket.in_lane(Lane::Live);
        let before = taken.load(Ordering::SeqCst);
        for _ in 0..20 {
            live.take().await;
        }
        let during = taken.load(Ordering::SeqCst) - before;
        for t in catch_up {
            t.abort();
        }
        // Twenty live tokens in a row: the background lane got at most the odd token that
        // was already being taken when a live call began to wait.
        assert!(
            during <= 3,
            "the background lane took {during} tokens while live calls waited"
        );
    }
}
