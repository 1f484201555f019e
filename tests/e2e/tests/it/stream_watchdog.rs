//! The app notices a silent stream (issue 22): a relay that keeps the stream open and
//! withholds the events it said wait makes the app reconnect after its watchdog deadline,
//! log it once and count it, and the status never says "connected" meanwhile.

use hirewire_e2e::holdback::HoldBack;
use hirewire_e2e::world::{Options, World};
use hirewire_engine::RELAY_STALL_ENV as STALL_ENV;
use hirewire_fakes::webhook::LeverEvent;
use hirewire_relay::protocol::ConnectCode;

// FLOW is long enough for a hire on a loaded machine, far shorter than the relay's peer
// timeout here (10 min): without the watchdog the held stream would keep the hire waiting.
use hirewire_e2e::deadline::FLOW as T;

// Two workers: the proxy must run while the test thread waits on a CLI command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_delivers_nothing_is_reconnected_and_never_shown_connected() {
    let mut w = World::new(Options::default()).await;
    // The relay's own peer timeout must not be what rescues the app.
    w.relay
        .restart_with(&["--rate-limit", "0", "--peer-timeout", "10m"])
        .await;
    let proxy = HoldBack::start(w.relay.addr, 1).await;
    let code = ConnectCode {
        url: proxy.url(),
        channel: w.channel.channel.clone(),
        secret: w.channel.secret.clone(),
    }
    .encode();
    let connected = w.app.ok(&["connect", &code], "");
    assert!(connected.contains("connected to"), "{connected}");
    // A hire waits on the relay before the app starts: the welcome says one event waits.
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    w.app.env.push((STALL_ENV.into(), "2s".into()));
    w.app.start().await;

    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry}");
    assert_eq!(proxy.held(), 1, "the first stream was held back");
    assert!(proxy.streams() >= 2, "the app opened a second stream");

    let log = w.app.stop().await;
    let stalls: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("relay stream stalled"))
        .collect();
    assert_eq!(stalls.len(), 1, "logged once: {stalls:?}");
    assert!(
        stalls[0].contains("the relay said 1 event(s) wait but sent none within 2s")
            && stalls[0].contains("stall 1 since the engine started"),
        "the line says why and counts: {}",
        stalls[0]
    );
    let at = log.find("relay stream stalled").unwrap_or_default();
    let (before, after) = log.split_at(at);
    assert!(
        before.contains("relay connection: connecting"),
        "the held stream was shown as connecting"
    );
    assert!(
        !before.contains("relay connection: connected"),
        "the held stream was shown as connected:\n{before}"
    );
    assert!(after.contains("relay connection: connected"));
}
