//! A profile filled like a busy year's, for the benchmarks.

use hirewire_engine::model::{Detail, Entry, Flow, RawEvent, Source, Status};
use hirewire_engine::store::Store;
use hirewire_engine::time;

/// Candidate names, one per entry in turn (with the entry's number after it).
pub const NAMES: [&str; 8] = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Katherine Johnson",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
    "Frances Allen",
];

/// Entries like a busy year's: mostly done hires and assessments, some failures, over 90
/// days; with `with_events`, each keeps the Lever event it came from (as the app does).
pub fn entries(store: &Store, n: u64, with_events: bool) -> Result<(), Box<dyn std::error::Error>> {
    let now = time::now_ms();
    let span = 90 * 86_400_000u64;
    let mut id = 0u64;
    while id < n {
        let batch = (n - id).min(10_000);
        store.write(|tx| {
            for _ in 0..batch {
                id += 1;
                let (flow, event) = match id % 3 {
                    0 => (Flow::Hire, "candidateHired"),
                    1 => (Flow::Assessment, "candidateStageChange"),
                    _ => (Flow::Outcome, "candidateArchiveChange"),
                };
                let status = match id % 50 {
                    0 => Status::Failed,
                    1 => Status::Skipped,
                    2 => Status::Rejected,
                    3 => Status::Waiting,
                    _ => Status::Done,
                };
                let received_at = now - span + span * id / n;
                let entry_id = tx.next_id()?;
                if with_events {
                    tx.put_detail(entry_id, &detail(id, event, received_at))?;
                }
                tx.put_entry(&Entry {
                    id: entry_id,
                    received_at,
                    event: event.into(),
                    endpoint: String::new(),
                    opportunity_id: Some(format!("opp-{id:06}")),
                    candidate: Some(format!("{} {id}", NAMES[(id % 8) as usize])),
                    flow,
                    status,
                    reason: (status == Status::Failed)
                        .then(|| "bob answered 503: try again later".to_string()),
                    updated_at: received_at,
                    source: if id.is_multiple_of(7) {
                        Source::Reconcile
                    } else {
                        Source::Webhook
                    },
                    summary: (status == Status::Done)
                        .then(|| format!("employee {id}, 3 documents")),
                })?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The detail of entry `id`: the event's body as Lever would send it.
fn detail(id: u64, event: &str, received_at: u64) -> Detail {
    let body = serde_json::json!({
        "event": event,
        "id": format!("evt-{id:06}"),
        "triggeredAt": received_at,
        "data": {"opportunityId": format!("opp-{id:06}"), "candidateId": format!("cand-{id:06}"),
                 "contactId": format!("contact-{id:06}")},
        "signature": "0".repeat(64), "token": format!("tok-{id:06}"),
    });
    Detail {
        event: Some(RawEvent {
            seq: id,
            endpoint: "candidate-hired".into(),
            method: "POST".into(),
            received_at,
            content_type: Some("application/json".into()),
            body: body.to_string(),
            body_hash: None,
        }),
        ..Detail::default()
    }
}
