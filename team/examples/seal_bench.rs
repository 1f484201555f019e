//! Seal + open throughput of team log records: 100 000 records of about 1 KiB, release build.
//! `cargo run --release -p hirewire-team --example seal_bench`

use std::time::Instant;

use hirewire_team::{open_record, seal_epoch, seal_record, DeviceKeys, Epochs, Opened, TeamKey};

const N: u64 = 100_000;
const BODY: usize = 1024;
/// The relay's default `--max-seats`: the largest epoch record a removal writes.
const SEATS: usize = 64;

fn main() {
    let engine = DeviceKeys::generate();
    let engine_pub = engine.public_key();
    let mut epochs = Epochs::default();
    epochs.insert(TeamKey::generate(0));
    let key = epochs.current().cloned().expect("a key was inserted");
    let body: Vec<u8> = (0..BODY).map(|i| (i % 251) as u8).collect();

    let start = Instant::now();
    let mut sealed_bytes = 0usize;
    let mut records = Vec::with_capacity(N as usize);
    for pos in 0..N {
        let r = seal_record("ch_bench", pos, &key, engine.signing_key(), &body);
        sealed_bytes += r.len();
        records.push(r);
    }
    let sealed = start.elapsed();

    let start = Instant::now();
    for (pos, r) in records.iter().enumerate() {
        match open_record("ch_bench", pos as u64, &epochs, &engine_pub, None, r) {
            Ok(Opened::Body { body: b, .. }) if b.len() == BODY => {}
            other => panic!("record {pos} did not open: {other:?}"),
        }
    }
    let opened = start.elapsed();

    let per_s = |d: std::time::Duration| N as f64 / d.as_secs_f64();
    println!("records: {N} x {BODY} B body");
    println!(
        "seal: {:.0} records/s ({:.2} s)",
        per_s(sealed),
        sealed.as_secs_f64()
    );
    println!(
        "open (AEAD + signature check): {:.0} records/s ({:.2} s)",
        per_s(opened),
        opened.as_secs_f64()
    );
    println!(
        "seal+open: {:.0} records/s",
        N as f64 / (sealed + opened).as_secs_f64()
    );
    println!(
        "overhead: {} bytes per record",
        sealed_bytes / N as usize - BODY
    );

    // A removal: the new key sealed to every remaining seat, opened by the last of them.
    let seats: Vec<DeviceKeys> = (0..SEATS).map(|_| DeviceKeys::generate()).collect();
    let recipients: Vec<String> = seats.iter().map(DeviceKeys::recipient).collect();
    let start = Instant::now();
    let rec = seal_epoch(
        "ch_bench",
        N,
        &TeamKey::generate(1),
        engine.signing_key(),
        &recipients,
    )
    .expect("sealed");
    let sealed = start.elapsed();
    let start = Instant::now();
    match open_record("ch_bench", N, &epochs, &engine_pub, seats.last(), &rec) {
        Ok(Opened::Epoch(k)) if k.epoch == 1 => {}
        other => panic!("epoch record did not open: {other:?}"),
    }
    let opened = start.elapsed();
    println!(
        "epoch record to {SEATS} seats: {} bytes, sealed in {:.1} ms, opened by the last seat in {:.1} ms",
        rec.len(),
        sealed.as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3
    );
}
