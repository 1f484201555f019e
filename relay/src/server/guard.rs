//! Why a stream must end now: the channel was removed, its secret rotated, a newer stream
//! took over, or the relay is shutting down. [`Guard::run`] races any write against these
//! signals and a deadline, so a stream blocked on a client that does not read still ends
//! at once.

use std::future::Future;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::live::{ChannelLive, Control};
use crate::protocol::{CLOSE_CHANNEL_REMOVED, CLOSE_REPLACED, CLOSE_SECRET_ROTATED};

/// WebSocket close code "going away", sent on shutdown.
const CLOSE_GOING_AWAY: u16 = 1001;

/// The close code and reason a stream ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// WebSocket close code.
    pub code: u16,
    /// Why, in words (sent as the close reason).
    pub why: &'static str,
}

impl Verdict {
    /// The relay is stopping.
    pub const GOING_AWAY: Verdict = Verdict {
        code: CLOSE_GOING_AWAY,
        why: "relay shutting down",
    };
    const REMOVED: Verdict = Verdict {
        code: CLOSE_CHANNEL_REMOVED,
        why: "channel removed",
    };
    const ROTATED: Verdict = Verdict {
        code: CLOSE_SECRET_ROTATED,
        why: "the channel secret was rotated: this stream's secret no longer works",
    };
    const REPLACED: Verdict = Verdict {
        code: CLOSE_REPLACED,
        why: "replaced by a newer stream",
    };
}

/// One stream's view of its channel's control signals.
pub struct Guard {
    control: watch::Receiver<Control>,
    shutdown: watch::Receiver<bool>,
    generation: u64,
    epoch: u64,
}

impl Guard {
    /// A guard for a stream that took `generation` and was authorised at `epoch`.
    pub fn new(
        live: &ChannelLive,
        shutdown: watch::Receiver<bool>,
        generation: u64,
        epoch: u64,
    ) -> Guard {
        Guard {
            control: live.control.subscribe(),
            shutdown,
            generation,
            epoch,
        }
    }

    /// `Err` with the verdict when the stream must end now.
    pub fn check(&mut self) -> Result<(), Verdict> {
        let c = *self.control.borrow_and_update();
        if c.removed {
            return Err(Verdict::REMOVED);
        }
        if c.secret_epoch != self.epoch {
            return Err(Verdict::ROTATED);
        }
        if c.generation != self.generation {
            return Err(Verdict::REPLACED);
        }
        if *self.shutdown.borrow_and_update() {
            return Err(Verdict::GOING_AWAY);
        }
        Ok(())
    }

    /// Waits for a signal; `Err` when it ends the stream.
    pub async fn changed(&mut self) -> Result<(), Verdict> {
        tokio::select! {
            r = self.control.changed() => if r.is_err() { return Err(Verdict::REMOVED) },
            r = self.shutdown.changed() => if r.is_err() { return Err(Verdict::GOING_AWAY) },
        }
        self.check()
    }

    /// Runs `fut` to completion (`Some`), unless the stream must end first (`Err`) or
    /// `deadline` passes (`None`).
    pub async fn run<F: Future>(
        &mut self,
        deadline: std::time::Instant,
        fut: F,
    ) -> Result<Option<F::Output>, Verdict> {
        let deadline = Instant::from_std(deadline);
        tokio::pin!(fut);
        loop {
            self.check()?;
            tokio::select! {
                biased;
                r = self.control.changed() => if r.is_err() { return Err(Verdict::REMOVED) },
                r = self.shutdown.changed() => if r.is_err() { return Err(Verdict::GOING_AWAY) },
                _ = tokio::time::sleep_until(deadline) => return Ok(None),
                out = &mut fut => return Ok(Some(out)),
            }
        }
    }
}
