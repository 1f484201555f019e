//! A damaged profile never panics the app: a profile the real engine filled (a hire done,
//! with its steps and link) is damaged at a few offsets, and each copy is either refused
//! by every command with what to do, or opens with its history whole.

use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::webhook::LeverEvent;

use hirewire_e2e::deadline::FLOW as T;
const PAGE: usize = 4096;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_profile_is_refused_with_advice_or_opens_whole_never_a_panic() {
    let keys = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key_file = keys.path().join("secrets.key");
    std::fs::write(&key_file, [7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
    let mut w = World::unconfigured().await;
    w.app.env.push((
        "HIREWIRE_SECRETS_KEY_FILE".into(),
        key_file.display().to_string(),
    ));
    w.configure(&Options::default());
    w.start().await;
    let second = w.add_hireable(&Hireable {
        id: "opp-mary",
        name: "Mary Jackson",
        email: "mary@example.com",
        title: "Software Engineer",
        start: "2027-01-04",
        ..Default::default()
    });
    for opp in [&w.ids.ada, &second] {
        assert_eq!(w.send(&LeverEvent::hired(opp)).await, 200);
        let entry = w.wait_final(opp, "candidateHired", T).await;
        assert_eq!(entry["status"], "done", "{entry:#}");
    }
    w.app.stop().await;
    let history = w.app.history();
    let good = std::fs::read(w.app.db_file()).unwrap_or_else(|e| panic!("{e}"));
    let pages = good.len() / PAGE;
    let mut damages: Vec<(String, Vec<u8>)> = [1, 2, 3, 5, 7]
        .iter()
        .map(|eighths| {
            let page = pages * eighths / 8;
            let mut bytes = good.clone();
            bytes[page * PAGE..(page + 1) * PAGE].fill(0);
            (format!("page {page} of {pages} zeroed"), bytes)
        })
        .collect();
    let mut flipped = good.clone();
    flipped[good.len() / 2 + 77] ^= 0x5a;
    damages.push(("a byte flipped in the middle".into(), flipped));
    damages.push(("cut in half".into(), good[..good.len() / 2].to_vec()));
    let mut refused = 0;
    for (what, bytes) in damages {
        std::fs::write(w.app.db_file(), &bytes).unwrap_or_else(|e| panic!("{e}"));
        let out = w.app.cli(&["history", "--json", "--limit", "100000"], "");
        assert_ne!(out.code, 101, "{what}: the app panicked: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
        if out.code == 0 {
            let listed: Vec<serde_json::Value> = out
                .stdout
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            assert_eq!(listed, history, "{what}: opened, so its history is whole");
            continue;
        }
        refused += 1;
        assert!(
            out.stderr.contains("is damaged")
                && out.stderr.contains("Restore the profile from a backup"),
            "{what}: the refusal says what to do: {}",
            out.stderr
        );
        // The engine refuses it the same way, and exits: it does not run on.
        let run = w.app.cli(&["run"], "");
        assert!(
            run.code != 0 && run.code != 101,
            "{what}: run exited {}",
            run.code
        );
        assert!(run.stderr.contains("is damaged"), "{what}: {}", run.stderr);
    }
    assert!(refused > 0, "the damage reached live data at least once");
}
