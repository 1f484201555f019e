//! Attacks on a relay, as an outsider and as bad luck would, each measured: idle sockets
//! and slow headers held, an unfinished body answered, unknown-channel bodies and stuck
//! streams costing memory, a ping flood, a low file limit, and recovery after a full
//! disk. Runs any relay binary (`--relay PATH`, default the one beside this tool), so the
//! same numbers can be taken for an older build; only flags every version has are used.
//!
//! `cargo build --release -p hirewire-relay -p hirewire-e2e --bins && target/release/relay-attack`

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use hirewire_e2e::net::{self, Fate};
use hirewire_e2e::relay::Relay;
use hirewire_e2e::smallfs::SmallFs;
use hirewire_e2e::stream;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

/// Relay attack runner.
#[derive(Debug, Parser)]
struct Args {
    /// The relay binary to attack (default: the one built beside this tool).
    #[arg(long)]
    relay: Option<PathBuf>,
    /// Idle connections to open.
    #[arg(long, default_value_t = 2000)]
    idle: usize,
    /// Slow-header connections to open.
    #[arg(long, default_value_t = 1000)]
    slow: usize,
    /// How long to watch held connections.
    #[arg(long, default_value = "45s", value_parser = humantime_secs)]
    watch: Duration,
}

fn humantime_secs(s: &str) -> Result<Duration, String> {
    s.trim_end_matches('s')
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|e| e.to_string())
}

/// Source addresses spread over 127/8, so per-address caps do not hide the global ones.
fn addr(i: usize) -> IpAddr {
    IpAddr::from([127, 0, (i / 250 % 250) as u8 + 1, (i % 250) as u8 + 1])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = args
        .relay
        .clone()
        .unwrap_or_else(|| hirewire_e2e::bins::path("hirewire-relay"));
    println!("relay: {}", bin.display());
    idle_sockets(&bin, &args).await;
    slow_headers(&bin, &args).await;
    unfinished_body(&bin).await;
    unknown_channel_bodies(&bin).await;
    stuck_streams(&bin).await;
    ping_flood(&bin).await;
    low_file_limit(&bin).await;
    disk_full(&bin).await;
    Ok(())
}

async fn start(
    bin: &std::path::Path,
    wrapper: &[&str],
    extra: &[&str],
) -> (Relay, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut flags = vec!["--rate-limit", "0"];
    flags.extend_from_slice(extra);
    let relay = Relay::start_binary(
        bin,
        wrapper,
        &tmp.path().join("relay"),
        "127.0.0.1:0",
        &flags,
    )
    .await;
    (relay, tmp)
}

/// Counts the connections still open (reading returns nothing yet).
async fn still_open(conns: &mut [TcpStream]) -> usize {
    let fates = futures_util::future::join_all(
        conns
            .iter_mut()
            .map(|c| net::fate(c, Duration::from_millis(20))),
    )
    .await;
    fates.iter().filter(|f| matches!(f, Fate::Open(_))).count()
}

async fn post_status(url: &str, from: IpAddr) -> (u16, Duration) {
    let client = reqwest::Client::builder()
        .local_address(from)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default();
    let t = Instant::now();
    let status = client
        .post(url)
        .body("{}")
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (status, t.elapsed())
}

async fn idle_sockets(bin: &std::path::Path, args: &Args) {
    for (label, spread) in [("one address", false), ("spread over 127/8", true)] {
        let (relay, _tmp) = start(bin, &[], &[]).await;
        let ch = relay.add_channel("attack");
        let mut conns = Vec::new();
        for i in 0..args.idle {
            let from = if spread { addr(i) } else { addr(0) };
            if let Ok(c) = net::connect_from(from, relay.addr).await {
                conns.push(c);
            }
        }
        let t = Instant::now();
        let mut line = format!("idle sockets ({label}): {} opened;", conns.len());
        for at in [1u64, 15, 45] {
            let wait = Duration::from_secs(at).saturating_sub(t.elapsed());
            if Duration::from_secs(at) > args.watch {
                break;
            }
            tokio::time::sleep(wait).await;
            line.push_str(&format!(
                " {} still held at {at}s;",
                still_open(&mut conns).await
            ));
        }
        let (status, took) = post_status(
            &relay.hook_url(&ch.channel, "stage-change"),
            "127.0.0.254".parse().unwrap_or(addr(0)),
        )
        .await;
        line.push_str(&format!(
            " a post from another address: {status} in {} ms",
            took.as_millis()
        ));
        println!("{line}");
    }
}

async fn slow_headers(bin: &std::path::Path, args: &Args) {
    let (relay, _tmp) = start(bin, &[], &[]).await;
    let ch = relay.add_channel("attack");
    let head = format!(
        "POST /hooks/{}/stage-change HTTP/1.1\r\nHost: x\r\n",
        ch.channel
    );
    let mut conns = Vec::new();
    for i in 0..args.slow {
        if let Ok(mut c) = net::connect_from(addr(i), relay.addr).await {
            if net::send(&mut c, head.as_bytes()).await {
                conns.push(c);
            }
        }
    }
    let t = Instant::now();
    let mut held_until = Duration::ZERO;
    while t.elapsed() < args.watch {
        // One more header byte from each, every five seconds: the slowloris pattern.
        let mut alive = 0;
        for c in &mut conns {
            if net::send(c, b"X").await {
                alive += 1;
            }
        }
        if still_open(&mut conns).await == 0 || alive == 0 {
            break;
        }
        held_until = t.elapsed();
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    println!(
        "slow headers: {} connections trickling a byte every 5 s; last still held after {} s",
        conns.len(),
        held_until.as_secs()
    );
}

async fn unfinished_body(bin: &std::path::Path) {
    let (relay, _tmp) = start(bin, &[], &[]).await;
    let ch = relay.add_channel("attack");
    let Ok(mut c) = net::connect_from(addr(0), relay.addr).await else {
        return println!("unfinished body: cannot connect");
    };
    let head = format!(
        "POST /hooks/{}/stage-change HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        ch.channel
    );
    net::send(&mut c, head.as_bytes()).await;
    let t = Instant::now();
    let answer = net::read_until(&mut c, b"\r\n\r\n", Duration::from_secs(60)).await;
    let first = String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or("(no answer)")
        .to_string();
    println!(
        "unfinished chunked body: {first:?} after {} s (watched 60 s)",
        t.elapsed().as_secs()
    );
}

async fn unknown_channel_bodies(bin: &std::path::Path) {
    let (relay, _tmp) = start(bin, &[], &[]).await;
    let before = relay.rss_kib();
    let mut conns = Vec::new();
    let chunk = vec![b'x'; 64 * 1024];
    for i in 0..300 {
        let Ok(mut c) = net::connect_from(addr(i), relay.addr).await else {
            continue;
        };
        let head = "POST /hooks/nosuchchannel/stage-change HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n";
        if !net::send(&mut c, head.as_bytes()).await {
            continue;
        }
        for _ in 0..15 {
            if !net::send(&mut c, &chunk).await {
                break;
            }
        }
        conns.push(c);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = relay.rss_kib();
    let answered = futures_util::future::join_all(
        conns
            .iter_mut()
            .map(|c| net::read_until(c, b"\r\n\r\n", Duration::from_millis(200))),
    )
    .await
    .iter()
    .filter(|a| a.starts_with(b"HTTP/1.1 404"))
    .count();
    println!(
        "unknown channel, 300 × ~1 MB unfinished bodies: RSS {} → {} MiB; {answered} answered 404 at once",
        before / 1024,
        after / 1024
    );
}

async fn stuck_streams(bin: &std::path::Path) {
    let (relay, _tmp) = start(bin, &[], &["--max-body", "2MiB"]).await;
    let ch = relay.add_channel("attack");
    let client = reqwest::Client::new();
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 - 16));
    for _ in 0..40 {
        let _ = client
            .post(relay.hook_url(&ch.channel, "stage-change"))
            .body(body.clone())
            .send()
            .await;
    }
    let before = relay.rss_kib();
    let mut stuck = Vec::new();
    for _ in 0..6 {
        if let Ok(s) = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret)).await {
            stuck.push(s);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let after = relay.rss_kib();
    let clients = relay
        .metric("hirewire_relay_connected_clients")
        .await
        .unwrap_or(-1.0);
    println!(
        "six stuck reconnects (40 × 1 MiB events, none read): RSS {} → {} MiB ({} per stuck stream); streams still open at the relay: {clients}",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before) / 6) / 1024
    );
}

async fn ping_flood(bin: &std::path::Path) {
    let (relay, _tmp) = start(bin, &[], &["--max-body", "2MiB"]).await;
    let ch = relay.add_channel("attack");
    let client = reqwest::Client::new();
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 - 16));
    for _ in 0..24 {
        let _ = client
            .post(relay.hook_url(&ch.channel, "stage-change"))
            .body(body.clone())
            .send()
            .await;
    }
    let Ok(mut s) = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret)).await else {
        return println!("ping flood: cannot open the stream");
    };
    let before = relay.rss_kib();
    let mut sent = 0u32;
    for _ in 0..200_000 {
        let ping = s.send_raw(Message::Ping(vec![7u8; 64].into()));
        if tokio::time::timeout(Duration::from_secs(2), ping)
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    println!(
        "ping flood from a client that never reads: {sent} pings; RSS {} → {} MiB",
        before / 1024,
        relay.rss_kib() / 1024
    );
}

async fn low_file_limit(bin: &std::path::Path) {
    let (relay, _tmp) = start(bin, &["prlimit", "--nofile=256:256", "--"], &[]).await;
    let ch = relay.add_channel("attack");
    let mut conns = Vec::new();
    for _ in 0..244 {
        if let Ok(c) = net::connect_from(addr(0), relay.addr).await {
            conns.push(c);
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let other: IpAddr = "127.0.0.254".parse().unwrap_or(addr(0));
    let (post, _) = post_status(&relay.hook_url(&ch.channel, "stage-change"), other).await;
    let health = reqwest::Client::builder()
        .local_address(other)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default()
        .get(format!("{}/healthz", relay.url()))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    let logged = relay
        .proc
        .output()
        .iter()
        .filter(|l| l.contains("connection"))
        .count();
    println!("file limit 256, 244 idle sockets from one address: a post from another answers {post}, /healthz {health} (0 = no answer); log lines about connections: {logged}");
}

async fn disk_full(bin: &std::path::Path) {
    let fs = match SmallFs::mount(16) {
        Ok(fs) => fs,
        Err(why) => return println!("disk full: skipped ({why})"),
    };
    let relay = Relay::start_binary(
        bin,
        &[],
        &fs.path().join("relay"),
        "127.0.0.1:0",
        &["--rate-limit", "0"],
    )
    .await;
    let ch = relay.add_channel("attack");
    let hook = relay.hook_url(&ch.channel, "stage-change");
    let filler = fs.path().join("filler");
    let _ = std::fs::write(
        &filler,
        vec![0u8; fs.free_bytes().saturating_sub(256 * 1024) as usize],
    );
    let client = reqwest::Client::new();
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(8 * 1024));
    let mut full = false;
    for _ in 0..5000 {
        let s = client
            .post(&hook)
            .body(body.clone())
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if s == 503 {
            full = true;
            break;
        }
    }
    let _ = std::fs::remove_file(&filler);
    let t = Instant::now();
    let mut recovered = None;
    while t.elapsed() < Duration::from_secs(60) {
        let s = client
            .post(&hook)
            .body("{}")
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if s == 200 {
            recovered = Some(t.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    match (full, recovered) {
        (false, _) => println!("disk full: the disk never filled"),
        (true, Some(d)) => println!("disk full: 503 while full; posts taken again {} ms after space was freed", d.as_millis()),
        (true, None) => println!("disk full: 503 while full; still refusing 60 s after space was freed (no recovery without a restart)"),
    }
}
