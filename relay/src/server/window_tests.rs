//! The window against a model store whose contents change underneath the stream: events
//! committed, acknowledged by a racing commit of the previous stream's acks, dropped by
//! age, made unreadable, and reads that come back short. Whatever happens, once the app
//! acknowledges what it got, every event still stored is sent: the window never wedges.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::{Read, Window};

/// What a stored record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Event,
    Unreadable,
}

/// One thing that happens to the store, the stream or its app.
#[derive(Debug, Clone)]
enum Op {
    /// `n` webhooks committed.
    Commit(u8),
    /// The previous stream's last acks are committed: `k` more seqs deleted (durable).
    RacingAck(u8),
    /// The stored event at this position (modulo what is stored) is dropped by age.
    AgeDrop(u16),
    /// The stored event at this position becomes unreadable.
    Corrupt(u16),
    /// The stream fills its window; reads return at most `short` events, and after the
    /// `race_at`-th read a racing commit deletes `race` more seqs.
    Fill { short: u8, race_at: u8, race: u8 },
    /// The stream sees the durable ack (the registry's `acked`).
    SeeDurable,
    /// The app acknowledges everything it has received.
    AppAck,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..40).prop_map(Op::Commit),
        2 => (1u8..80).prop_map(Op::RacingAck),
        1 => any::<u16>().prop_map(Op::AgeDrop),
        1 => any::<u16>().prop_map(Op::Corrupt),
        4 => (1u8..70, 0u8..4, 0u8..80).prop_map(|(short, race_at, race)| Op::Fill { short, race_at, race }),
        1 => Just(Op::SeeDurable),
        3 => Just(Op::AppAck),
    ]
}

/// The store, the stream's window and the app, as the server runs them.
struct Model {
    stored: BTreeMap<u64, Cell>,
    committed: u64,
    durable: u64,
    /// Seqs gone by something other than this stream's app (racing acks, age).
    removed: BTreeSet<u64>,
    window: Window,
    /// What the app got, in order (events and the seqs of unreadable notices).
    received: Vec<u64>,
}

const CHUNK: usize = 64;

impl Model {
    fn new(size: u64, backlog: u64, stale_ack: u64, durable: u64) -> Self {
        let mut m = Model {
            stored: BTreeMap::new(),
            committed: 0,
            durable: 0,
            removed: BTreeSet::new(),
            // The stream starts from a durable ack that may be older than the store's.
            window: Window::new(size, stale_ack.min(durable)),
            received: Vec::new(),
        };
        m.commit(backlog.max(durable));
        // Everything up to `stale_ack` was acknowledged by an earlier stream and is gone.
        m.delete_upto(stale_ack.min(durable), false);
        m.delete_upto(durable, true);
        m
    }

    fn commit(&mut self, n: u64) {
        for _ in 0..n {
            self.committed += 1;
            self.stored.insert(self.committed, Cell::Event);
        }
    }

    fn delete_upto(&mut self, seq: u64, by_other: bool) {
        let seq = seq.min(self.committed);
        let gone: Vec<u64> = self.stored.range(..=seq).map(|(s, _)| *s).collect();
        for s in gone {
            self.stored.remove(&s);
            if by_other && !self.received.contains(&s) {
                self.removed.insert(s);
            }
        }
        self.durable = self.durable.max(seq);
    }

    fn nth_stored(&self, i: u16) -> Option<u64> {
        if self.stored.is_empty() {
            return None;
        }
        self.stored
            .keys()
            .nth(i as usize % self.stored.len())
            .copied()
    }

    /// The server's fill loop (`Stream::fill`) over the model store.
    fn fill(&mut self, short: usize, race_at: usize, race: u64) {
        let mut reads = 0;
        while let Some(read) = self.window.next_read(self.committed, CHUNK) {
            let got = self.read(read, short);
            self.window.took(read, &got);
            self.received.extend(got.iter().copied());
            reads += 1;
            if reads == race_at {
                self.delete_upto(self.durable + race, true);
            }
            assert!(reads < 10_000, "the fill loop does not end");
        }
    }

    fn read(&self, r: Read, short: usize) -> Vec<u64> {
        self.stored
            .range(r.from..=r.to)
            .take(r.limit.min(short.max(1)))
            .map(|(s, _)| *s)
            .collect()
    }

    fn app_ack(&mut self) {
        if let Some(&last) = self.received.last() {
            let moved = self
                .window
                .ack(last)
                .expect("the app acknowledges only what it received");
            if moved {
                self.delete_upto(last, false);
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Commit(n) => self.commit(n as u64),
            Op::RacingAck(k) => self.delete_upto(self.durable + k as u64, true),
            Op::AgeDrop(i) => {
                if let Some(s) = self.nth_stored(i) {
                    self.stored.remove(&s);
                    if !self.received.contains(&s) {
                        self.removed.insert(s);
                    }
                }
            }
            Op::Corrupt(i) => {
                if let Some(s) = self.nth_stored(i) {
                    self.stored.insert(s, Cell::Unreadable);
                }
            }
            Op::Fill {
                short,
                race_at,
                race,
            } => self.fill(short as usize, race_at as usize, race as u64),
            Op::SeeDurable => self.window.durable(self.durable),
            Op::AppAck => self.app_ack(),
        }
    }

    /// The app keeps acknowledging and the stream keeps filling, with no further change to
    /// the store; returns once nothing moves.
    fn settle(&mut self) {
        for _ in 0..100_000 {
            let before = (self.window.sent(), self.received.len(), self.window.acked());
            self.fill(CHUNK, 0, 0);
            self.app_ack();
            if before == (self.window.sent(), self.received.len(), self.window.acked()) {
                return;
            }
        }
        panic!("the stream never settles");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the store does underneath, a stream whose app acknowledges what it gets
    /// delivers every committed event that nobody else removed, in order, once each.
    #[test]
    fn the_window_never_wedges_and_loses_nothing(
        size in 1u64..40,
        backlog in 0u64..300,
        stale in 0u64..300,
        ahead in 0u64..300,
        ops in proptest::collection::vec(op(), 0..60),
    ) {
        let durable = stale.saturating_add(ahead);
        let mut m = Model::new(size, backlog, stale, durable);
        for op in &ops {
            m.apply(op);
            prop_assert!(m.window.in_flight() <= size as usize, "more in flight than the window");
        }
        m.settle();
        prop_assert_eq!(m.window.sent(), m.committed, "committed events left unsent");
        prop_assert_eq!(m.window.in_flight(), 0);
        let got: BTreeSet<u64> = m.received.iter().copied().collect();
        prop_assert_eq!(got.len(), m.received.len(), "an event sent twice on one stream");
        prop_assert!(m.received.windows(2).all(|w| w[0] < w[1]), "out of order");
        for seq in 1..=m.committed {
            prop_assert!(
                got.contains(&seq) || m.removed.contains(&seq) || seq <= stale.min(durable),
                "event {} was stored and never sent", seq
            );
        }
    }
}

/// The case issue 22 found: the new stream starts from an ack older than the store's (the
/// dropped stream's last acks were still being committed), the commit then deletes more
/// than a window of what the stream was about to read, and new events arrive.
#[test]
fn a_racing_commit_wider_than_the_window_does_not_stop_the_stream() {
    let mut m = Model::new(8, 1_000, 100, 100);
    // Sends 101..=108, the window is full.
    m.fill(CHUNK, 0, 0);
    assert_eq!(m.received.len(), 8);
    // The app acks them; meanwhile the old stream's acks up to 1,000 are committed.
    m.app_ack();
    m.delete_upto(1_000, true);
    // The read from 109 finds nothing up to 1,000: the stream moves past it.
    m.fill(CHUNK, 0, 0);
    m.commit(50);
    m.fill(CHUNK, 0, 0);
    assert_eq!(
        m.received.last(),
        Some(&1_008),
        "the new events go out (the old arithmetic counted 892 unsendable seqs as in flight)"
    );
}

#[test]
fn an_ack_beyond_what_was_sent_is_refused() {
    let mut w = Window::new(4, 10);
    let read = w.next_read(20, CHUNK).expect("room and events");
    assert_eq!((read.from, read.to, read.limit), (11, 20, 4));
    w.took(read, &[11, 12]);
    assert!(w.ack(13).is_err());
    assert_eq!(w.ack(12), Ok(true));
    assert_eq!(w.ack(11), Ok(false));
}

#[test]
fn a_store_answering_outside_the_read_cannot_move_the_window_back() {
    let mut w = Window::new(4, 10);
    let read = w.next_read(20, CHUNK).expect("room and events");
    w.took(read, &[5, 12, 25]);
    assert_eq!(w.sent(), 12);
    assert_eq!(w.in_flight(), 1);
}
