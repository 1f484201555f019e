//! Two relay replicas on a three-node NATS cluster under load, posts alternating between
//! them, while a NATS node is killed with `kill -9` and restarted, a replica is killed and
//! restarted, and two nodes are stopped (a lost majority). The app (a stream client that
//! acks, reconnecting to either replica) must receive every post answered 200, in order per
//! poster, none stored twice; posts during the lost majority get 503.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hirewire_e2e::nats::Nats;
use hirewire_e2e::relay::Channel;
use hirewire_e2e::stream::{self, Next};
use hirewire_relay::protocol::ServerFrame;

use crate::nats::replicas::{knows, two_replicas};

/// Posters per channel; each posts one webhook at a time.
const POSTERS: usize = 3;
/// Accepted posts to wait for in each phase.
const STEP: usize = 120;
/// A phase's deadline: elections, reconnections and the 6 s publish deadline fit well inside.
const PHASE: Duration = Duration::from_secs(90);

/// What the posters and the app saw.
#[derive(Default)]
struct Log {
    /// Posts answered 200: (channel, poster, token), in each poster's order.
    accepted: Vec<(usize, usize, String)>,
    /// Answers by status.
    statuses: HashMap<u16, u64>,
    /// Token → seq, as delivered.
    delivered: HashMap<String, u64>,
    /// Tokens delivered at two different seqs (stored twice).
    twice: Vec<String>,
    /// Seqs that went backwards within one connection.
    disorder: Vec<(u64, u64)>,
}

type Shared = Arc<Mutex<Log>>;

fn token(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v["token"].as_str().map(str::to_string)
}

/// One poster: posts to the two replicas in turn until `stop`.
async fn poster(
    urls: Arc<[String; 2]>,
    c: usize,
    w: usize,
    ch: String,
    log: Shared,
    stop: Arc<AtomicBool>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default();
    let mut k = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let tok = format!("c{c}-w{w}-{k}");
        let url = format!("{}/hooks/{ch}/stage-change", urls[(k + w) % 2]);
        let body = format!("{{\"token\":\"{tok}\",\"k\":{k}}}");
        let status = client
            .post(&url)
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if let Ok(mut l) = log.lock() {
            *l.statuses.entry(status).or_default() += 1;
            if status == 200 {
                l.accepted.push((c, w, tok));
            }
        }
        if status != 200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        k += 1;
    }
}

/// The app: reads one channel from either replica, acks, dedups by token.
async fn app(urls: Arc<[String; 2]>, ch: Channel, log: Shared, stop: Arc<AtomicBool>) {
    let mut turn = 0usize;
    while !stop.load(Ordering::SeqCst) {
        turn += 1;
        let url = &urls[turn % 2];
        // A relay that cannot reach NATS closes a new stream before its welcome.
        let Ok(mut s) = stream::try_connect(url, &ch.channel, Some(&ch.secret)).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let mut last = 0;
        loop {
            match s.next(Duration::from_millis(300)).await {
                Next::Frame(ServerFrame::Event(e)) => {
                    if let (Some(tok), Ok(mut l)) = (token(&e.body), log.lock()) {
                        if e.seq <= last {
                            l.disorder.push((last, e.seq));
                        }
                        match l.delivered.get(&tok) {
                            Some(seq) if *seq != e.seq => l.twice.push(tok.clone()),
                            _ => {}
                        }
                        l.delivered.insert(tok, e.seq);
                    }
                    last = e.seq;
                    if e.seq % 10 == 0 {
                        s.ack(e.seq).await;
                    }
                }
                Next::Frame(_) => {}
                Next::Timeout if stop.load(Ordering::SeqCst) => break,
                Next::Timeout => {
                    if last > 0 {
                        s.ack(last).await;
                    }
                }
                Next::Closed(_) => break,
            }
        }
    }
}

async fn accepted_past(log: &Shared, n: usize, what: &str) {
    hirewire_e2e::wait::until_every(what, PHASE, Duration::from_millis(100), || {
        let done = log.lock().map(|l| l.accepted.len() >= n).unwrap_or(false);
        async move { done.then_some(()) }
    })
    .await;
}

fn count(log: &Shared, f: impl Fn(&Log) -> usize) -> usize {
    log.lock().map(|l| f(&l)).unwrap_or(0)
}

/// Accepted so far (printed, to follow the phases in the log).
fn accepted(log: &Shared) -> usize {
    let n = count(log, |l| l.accepted.len());
    eprintln!("chaos: {n} accepted so far");
    n
}

fn refused(log: &Shared) -> usize {
    count(log, |l| l.statuses.get(&503).copied().unwrap_or(0) as usize)
}

/// The failures, one after the other, each with posts accepted during and after it.
async fn failures(nats: &mut Nats, b: &mut hirewire_e2e::relay::Relay, log: &Shared) {
    accepted_past(log, STEP, "posts to flow").await;
    nats.nodes[2].kill9();
    accepted_past(log, accepted(log) + STEP, "posts with a NATS node killed").await;
    nats.nodes[2].restart().await;
    accepted_past(log, accepted(log) + STEP, "posts with the node back").await;

    b.proc.kill9();
    accepted_past(
        log,
        accepted(log) + STEP,
        "posts with a relay replica killed",
    )
    .await;
    b.kill9_and_restart().await;
    accepted_past(log, accepted(log) + STEP, "posts with the replica back").await;

    nats.nodes[1].stop().await;
    nats.nodes[2].stop().await;
    let before = refused(log);
    let what = "a 503 during the lost majority";
    hirewire_e2e::wait::until_every(what, PHASE, Duration::from_millis(100), || {
        let more = refused(log) > before;
        async move { more.then_some(()) }
    })
    .await;
    let during_loss = accepted(log);
    nats.nodes[1].restart().await;
    nats.nodes[2].restart().await;
    accepted_past(log, during_loss + STEP, "posts with the majority back").await;
}

/// Waits until the app has every post that was answered 200.
async fn all_delivered(log: &Shared) {
    let expected: HashSet<String> = log
        .lock()
        .map(|l| l.accepted.iter().map(|(_, _, t)| t.clone()).collect())
        .unwrap_or_default();
    let what = "every accepted post to reach the app";
    hirewire_e2e::wait::until_seen(what, PHASE, Duration::from_millis(200), || {
        let missing: Vec<String> = log
            .lock()
            .map(|l| {
                let absent = expected.iter().filter(|t| !l.delivered.contains_key(*t));
                absent.take(5).cloned().collect()
            })
            .unwrap_or_default();
        async move {
            match missing.is_empty() {
                true => Ok(()),
                false => Err(format!("missing {missing:?}")),
            }
        }
    })
    .await;
}

/// Nothing stored twice, nothing out of order, each poster's posts in its order.
fn check(l: &Log) {
    eprintln!(
        "answers: {:?}; {} accepted, {} delivered",
        l.statuses,
        l.accepted.len(),
        l.delivered.len()
    );
    let first = |v: &[String]| v[..v.len().min(5)].to_vec();
    assert!(l.twice.is_empty(), "stored twice: {:?}", first(&l.twice));
    assert!(
        l.disorder.is_empty(),
        "out of order on a stream: {:?}",
        &l.disorder[..l.disorder.len().min(5)]
    );
    for (c, w) in (0..2).flat_map(|c| (0..POSTERS).map(move |w| (c, w))) {
        let seqs: Vec<u64> = l
            .accepted
            .iter()
            .filter(|(cc, ww, _)| (*cc, *ww) == (c, w))
            .filter_map(|(_, _, t)| l.delivered.get(t).copied())
            .collect();
        assert!(
            seqs.windows(2).all(|p| p[0] < p[1]),
            "poster {c}/{w}: seqs out of posting order"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_alternating_between_replicas_survive_node_and_replica_failures() {
    let mut nats = Nats::cluster().await;
    let (a, mut b, _tmp) = two_replicas(&nats, &["--rate-limit", "0"]).await;
    let channels = [a.add_channel("zero"), b.add_channel("one")];
    for ch in &channels {
        knows(&a, ch).await;
        knows(&b, ch).await;
    }
    let urls = Arc::new([a.url(), b.url()]);
    let log: Shared = Arc::default();
    let stop_posts = Arc::new(AtomicBool::new(false));
    let stop_app = Arc::new(AtomicBool::new(false));
    let (mut apps, mut posters) = (Vec::new(), Vec::new());
    for (c, ch) in channels.iter().enumerate() {
        let (u, l) = (urls.clone(), log.clone());
        apps.push(tokio::spawn(app(u, ch.clone(), l, stop_app.clone())));
        for w in 0..POSTERS {
            let (u, l, id) = (urls.clone(), log.clone(), ch.channel.clone());
            posters.push(tokio::spawn(poster(u, c, w, id, l, stop_posts.clone())));
        }
    }
    failures(&mut nats, &mut b, &log).await;
    stop_posts.store(true, Ordering::SeqCst);
    // Posts still in flight finish first: each of them counts as well.
    for t in posters {
        let _ = t.await;
    }
    all_delivered(&log).await;
    stop_app.store(true, Ordering::SeqCst);
    for t in apps {
        let _ = t.await;
    }
    check(&log.lock().unwrap_or_else(|p| p.into_inner()));
}
