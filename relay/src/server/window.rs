//! The stream's flow control, apart from the socket so that it can be tested against a
//! store whose contents change underneath: which seqs to read next, how many may still
//! go out, and what an acknowledgement frees.
//!
//! The window counts the frames *this stream* sent that *its* app has not acknowledged
//! yet — not `sent - acked` in seq numbers. Seqs that were never sent on this stream (a
//! gap left by age-dropped events, or events deleted under the stream by a racing commit
//! of the previous stream's last acknowledgements) can never be acknowledged by this
//! stream's app, so counting them wedged the window: once such a gap was as wide as the
//! window, nothing was sent and no acknowledgement could come (issue 22, and
//! `docs/reliability.md`, "A reconnect that gets nothing").

use std::collections::VecDeque;

/// One read the stream should make next: seqs `from..=to`, at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    /// First seq to read.
    pub from: u64,
    /// Last seq to read (the last committed seq the stream knows of).
    pub to: u64,
    /// Most events to read (the room left in the window, capped per read).
    pub limit: usize,
}

/// Why an acknowledgement was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckBeyondSent {
    /// The acknowledged seq.
    pub seq: u64,
    /// The last seq the stream has passed.
    pub sent: u64,
}

/// One stream's window.
#[derive(Debug, Clone)]
pub struct Window {
    size: usize,
    /// Every seq up to here was sent on this stream or is known to be gone from the store.
    sent: u64,
    /// The highest seq this stream's app acknowledged (or the durable ack it started from).
    acked: u64,
    /// Seqs sent on this stream and not yet acknowledged by its app, oldest first.
    in_flight: VecDeque<u64>,
}

impl Window {
    /// A stream that starts right after `acked`, the last durable acknowledgement it knows.
    pub fn new(size: u64, acked: u64) -> Self {
        Window {
            size: usize::try_from(size.max(1)).unwrap_or(usize::MAX),
            sent: acked,
            acked,
            in_flight: VecDeque::new(),
        }
    }

    /// The last seq passed (sent, or skipped because the store no longer has it).
    #[cfg(test)]
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The highest acknowledgement this stream holds.
    #[cfg(test)]
    pub fn acked(&self) -> u64 {
        self.acked
    }

    /// Frames sent and not yet acknowledged.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The read to make next, if the window has room and committed events are unsent.
    pub fn next_read(&self, upto: u64, max_per_read: usize) -> Option<Read> {
        let room = self.size.saturating_sub(self.in_flight.len());
        (self.sent < upto && room > 0).then(|| Read {
            from: self.sent + 1,
            to: upto,
            limit: room.min(max_per_read.max(1)),
        })
    }

    /// Takes in what a read of `read` returned (its seqs, oldest first). An empty answer
    /// means nothing is stored up to `read.to` any more (acknowledged, aged out, deleted):
    /// the stream moves past it instead of asking again. Seqs outside the read, or not
    /// after the last one passed, are ignored, so a store that answers wrongly cannot
    /// move the window backwards.
    pub fn took(&mut self, read: Read, seqs: &[u64]) {
        if seqs.is_empty() {
            self.sent = self.sent.max(read.to);
            return;
        }
        for &seq in seqs {
            if seq > self.sent && seq <= read.to {
                self.sent = seq;
                self.in_flight.push_back(seq);
            }
        }
    }

    /// The app acknowledged everything up to `seq`. Returns whether it moved this
    /// stream's acknowledgement forward (and so should be written to the store).
    pub fn ack(&mut self, seq: u64) -> Result<bool, AckBeyondSent> {
        if seq > self.sent {
            return Err(AckBeyondSent {
                seq,
                sent: self.sent,
            });
        }
        self.release(seq);
        if seq > self.acked {
            self.acked = seq;
            return Ok(true);
        }
        Ok(false)
    }

    /// The store's durable acknowledgement moved (the previous stream's last acks were
    /// committed after this one started): what it covers is gone from the store, so it is
    /// neither read again nor waited for.
    pub fn durable(&mut self, acked: u64) {
        self.sent = self.sent.max(acked);
        self.acked = self.acked.max(acked);
        self.release(acked);
    }

    fn release(&mut self, upto: u64) {
        while self.in_flight.front().is_some_and(|&s| s <= upto) {
            self.in_flight.pop_front();
        }
    }
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
