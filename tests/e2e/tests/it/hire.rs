//! Flow F1 end to end: a signed `candidateHired` through the real relay and the real
//! `hirewire run` becomes exactly one bob employee with its documents, whatever happens.

use std::time::Duration;

use hirewire_e2e::world::{Options, World};
use hirewire_fakes::webhook::LeverEvent;
use hirewire_fakes::{FaultKind, FaultRule};
use serde_json::Value;

use hirewire_e2e::deadline::FLOW as T;

/// A bob field's value in a stored employee, found through bob's own field metadata.
async fn bob_field(w: &World, employee: &Value, name: &str) -> Value {
    let client = reqwest::Client::new();
    let fields: Vec<Value> = client
        .get(format!("{}/company/people/fields", w.bob.url()))
        .basic_auth(&w.creds.0, Some(&w.creds.1))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let field = fields
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("bob has no field {name}"));
    let path = field["jsonPath"].as_str().unwrap_or_default();
    let segs: Vec<&str> = path
        .split(['/', '.'])
        .filter(|s| !s.is_empty() && *s != "root")
        .collect();
    segs.iter().fold(employee.clone(), |v, s| {
        v.get(s).cloned().unwrap_or(Value::Null)
    })
}

async fn list_item_id(w: &World, list: &str, name: &str) -> String {
    let v: Value = reqwest::Client::new()
        .get(format!("{}/company/named-lists/{list}", w.bob.url()))
        .basic_auth(&w.creds.0, Some(&w.creds.1))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == name))
        .map(|i| match &i["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn ada(w: &World) -> Vec<Value> {
    w.bob
        .employees()
        .into_iter()
        .filter(|e| e["email"] == "ada@example.com")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_hire_creates_one_employee_with_mapped_fields_and_three_documents() {
    let w = World::started().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    assert_eq!(entry["flow"], "hire");
    assert_eq!(entry["candidate"], "Ada Lovelace");
    let employees = ada(&w);
    assert_eq!(employees.len(), 1);
    let e = &employees[0];
    assert_eq!(
        (e["firstName"].as_str(), e["surname"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(e["work"]["site"], "London");
    assert_eq!(e["work"]["startDate"], "2027-01-04");
    assert_eq!(e["work"]["title"], "Software Engineer");
    // bob's create guide writes the standard work fields as the list item's display value.
    assert_eq!(e["work"]["department"], "Engineering");
    assert_eq!(
        bob_field(&w, e, "Equity").await,
        "0.1%",
        "a same-name custom offer field maps without configuration"
    );
    assert_eq!(
        bob_field(&w, e, "T-Shirt Size").await,
        list_item_id(&w, "tshirt", "M").await.as_str(),
        "list values become item ids"
    );
    let id = e["id"].as_str().unwrap_or_default();
    assert_eq!(
        entry["summary"],
        format!("employee {id}, 3 documents"),
        "the row says what the hire did"
    );
    let mut names: Vec<String> = w.bob.documents(id).iter().map(|d| d.name.clone()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ada-lovelace-cv.pdf",
            "offer-ada-signed.pdf",
            "portfolio.pdf"
        ]
    );
    let steps = entry["steps"].as_array().cloned().unwrap_or_default();
    assert!(
        steps
            .iter()
            .any(|s| s["target"] == id && s["status"] == "done"),
        "a step names the bob employee: {steps:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redelivery_and_a_new_token_replay_still_leave_one_employee_and_three_documents() {
    let w = World::started().await;
    let event = LeverEvent::hired(&w.ids.ada);
    assert_eq!(w.send(&event).await, 200);
    w.wait_final(&w.ids.ada, "candidateHired", T).await;
    // Lever retries the same delivery (same token and body): dropped as a duplicate.
    assert_eq!(w.send(&event).await, 200);
    // Lever re-runs it by hand: a new delivery with a new token.
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let again = w
        .app
        .wait_entry("the second hire entry to finish", T, |e| {
            e["event"] == "candidateHired" && e["id"].as_u64() == Some(2) && e["status"] == "done"
        })
        .await;
    assert_eq!(again["status"], "done");
    let hires = w
        .app
        .history()
        .into_iter()
        .filter(|e| e["event"] == "candidateHired")
        .count();
    assert_eq!(
        hires, 2,
        "the identical redelivery made no entry; the new token made one"
    );
    let employees = ada(&w);
    assert_eq!(employees.len(), 1, "still one employee");
    assert_eq!(w.bob.create_calls(), 1, "bob was asked to create once");
    assert_eq!(
        w.bob
            .documents(employees[0]["id"].as_str().unwrap_or_default())
            .len(),
        3,
        "still three documents"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_stale_time_and_replayed_token_are_rejected_and_nothing_reaches_bob() {
    let w = World::started().await;
    let forged = LeverEvent::hired(&w.ids.ada);
    assert_eq!(
        w.send_raw("candidate-hired", forged.body("not-the-token"))
            .await,
        200
    );
    // Older than the two weeks Lever lets a delivery be rerun (and Hirewire remembers).
    let stale = LeverEvent::hired(&w.ids.grace)
        .at(hirewire_fakes::webhook::now_ms() - 15 * 24 * 3600 * 1000);
    assert_eq!(w.send(&stale).await, 200);
    // A captured delivery replayed with other data: the signature (token + time) still matches.
    let original = LeverEvent::test_ping("candidateHired");
    assert_eq!(w.send(&original).await, 200);
    let replay = original
        .clone()
        .with_data(serde_json::json!({"opportunityId": w.ids.alan}));
    assert_eq!(w.send(&replay).await, 200);
    let rejected = hirewire_e2e::wait::until("three rejected entries", T, || {
        let r: Vec<Value> = w
            .app
            .history()
            .into_iter()
            .filter(|e| e["status"] == "rejected")
            .collect();
        async move { (r.len() == 3).then_some(r) }
    })
    .await;
    let reason = |opp: &str| {
        rejected
            .iter()
            .find(|e| e["opportunity_id"] == opp)
            .and_then(|e| e["reason"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        reason(&w.ids.ada).contains("signature does not match"),
        "{}",
        reason(&w.ids.ada)
    );
    assert!(
        reason(&w.ids.grace).contains("more than 20160 minutes apart"),
        "{}",
        reason(&w.ids.grace)
    );
    assert!(
        reason(&w.ids.alan).contains("replay"),
        "{}",
        reason(&w.ids.alan)
    );
    assert_eq!(w.bob.create_calls(), 0, "nothing was written to bob");
    assert_eq!(w.bob.hits("/people"), 0, "bob was not even asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_ping_is_skipped_and_an_unknown_event_is_recorded_and_ignored() {
    let w = World::started().await;
    assert_eq!(w.send(&LeverEvent::test_ping("candidateHired")).await, 200);
    let odd = LeverEvent::hired(&w.ids.ada);
    let odd = hirewire_fakes::webhook::LeverEvent {
        event: "interviewCreated".into(),
        ..odd
    };
    assert_eq!(
        w.send_raw("candidate-hired", odd.body(&w.tokens["candidate-hired"]))
            .await,
        200
    );
    let entries = hirewire_e2e::wait::until("two entries", T, || {
        let h = w.app.history();
        async move { (h.len() == 2).then_some(h) }
    })
    .await;
    assert!(
        entries.iter().all(|e| e["status"] == "skipped"),
        "{entries:#?}"
    );
    assert!(entries.iter().any(|e| e["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("test ping")));
    assert!(entries.iter().any(|e| e["event"] == "interviewCreated"));
    assert_eq!(w.bob.hits("/people"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_the_middle_of_a_hire_resumes_without_duplicates() {
    let mut w = World::new(Options::default()).await;
    // bob takes the second upload, then hangs before answering: the engine dies waiting.
    w.bob.faults().add(
        FaultRule::new(
            "/confidential/upload",
            FaultKind::DelayAfter(Duration::from_secs(30)),
        )
        .times(1),
    );
    w.bob.set_read_delay(Duration::from_secs(2));
    w.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    hirewire_e2e::wait::until_true("the first upload to reach bob", T, || async {
        ada(&w)
            .first()
            .and_then(|e| e["id"].as_str().map(str::to_string))
            .is_some_and(|id| !w.bob.documents(&id).is_empty())
    })
    .await;
    w.app.kill9();
    w.app.start().await;
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
    let employees = ada(&w);
    assert_eq!(employees.len(), 1, "one employee after the crash");
    let docs = w
        .bob
        .documents(employees[0]["id"].as_str().unwrap_or_default());
    let mut names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ada-lovelace-cv.pdf",
            "offer-ada-signed.pdf",
            "portfolio.pdf"
        ],
        "each document exactly once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_percent_injected_429_and_5xx_still_complete_every_hire_without_duplicates() {
    let mut w = World::new(Options::default()).await;
    let names = [
        "Katherine Johnson",
        "Dorothy Vaughan",
        "Mary Jackson",
        "Margaret Hamilton",
        "Barbara Liskov",
        "Frances Allen",
    ];
    for (i, name) in names.iter().enumerate() {
        let id = format!("opp-extra-{i}");
        w.lever.add_opportunity(hirewire_fakes::lever::Opportunity {
            id: id.clone(),
            name: name.to_string(),
            emails: vec![format!("person{i}@example.com")],
            location: "Berlin".into(),
            posting: Some(w.ids.posting_swe.clone()),
            ..Default::default()
        });
        w.lever.add_offer(
            &id,
            hirewire_fakes::lever::Offer {
                id: format!("offer-{i}"),
                status: "signed".into(),
                fields: vec![hirewire_fakes::lever::OfferField {
                    text: "Anticipated start date".into(),
                    identifier: "anticipated_start_date".into(),
                    value: serde_json::json!(1_798_934_400_000u64),
                }],
                ..Default::default()
            },
        );
    }
    for (fake, status) in [
        (w.lever.faults(), 429),
        (w.lever.faults(), 503),
        (w.bob.faults(), 500),
        (w.bob.faults(), 429),
    ] {
        fake.add(
            FaultRule::new(
                "/",
                FaultKind::Status {
                    status,
                    retry_after: None,
                },
            )
            .probability(0.05),
        );
    }
    w.start().await;
    let mut opps: Vec<String> = (0..names.len()).map(|i| format!("opp-extra-{i}")).collect();
    opps.push(w.ids.ada.clone());
    for o in &opps {
        assert_eq!(w.send(&LeverEvent::hired(o)).await, 200);
    }
    for o in &opps {
        let e = w
            .wait_final(o, "candidateHired", hirewire_e2e::deadline::LONG_FLOW)
            .await;
        assert_eq!(e["status"], "done", "{e:#}");
    }
    let employees = w.bob.employees();
    assert_eq!(employees.len(), opps.len(), "one employee per hire");
    let mut emails: Vec<&str> = employees
        .iter()
        .filter_map(|e| e["email"].as_str())
        .collect();
    emails.dedup();
    assert_eq!(emails.len(), opps.len(), "no duplicates");
    let faulted = w
        .lever
        .requests()
        .iter()
        .chain(w.bob.requests().iter())
        .filter(|r| r.status >= 429)
        .count();
    assert!(faulted > 0, "faults were really injected");
    let ada_docs = w
        .bob
        .documents(ada(&w)[0]["id"].as_str().unwrap_or_default())
        .len();
    assert_eq!(ada_docs, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_from_bob_stops_the_job_at_once_with_the_reason_and_no_retry_loop() {
    let mut w = World::new(Options::default()).await;
    w.app.set_secret("bob-token", "a-wrong-token");
    w.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "failed");
    let reason = entry["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("bob answered 401") && reason.contains("service user"),
        "{reason}"
    );
    let auth_calls = w.bob.requests().iter().filter(|r| r.status == 401).count();
    assert_eq!(
        auth_calls, 1,
        "never retried: repeated auth errors trip bob's firewall"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hire_waits_for_review_until_approved() {
    let mut w = World::new(Options {
        review: true,
        ..Default::default()
    })
    .await;
    w.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let waiting = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(waiting["status"], "waiting");
    assert_eq!(
        w.bob.create_calls(),
        0,
        "nothing is created before approval"
    );
    let id = waiting["id"].as_u64().unwrap_or_default().to_string();
    w.app.ok(&["approve", &id], "");
    let done = w
        .app
        .wait_entry("the approved hire to finish", T, |e| {
            e["id"].as_u64() == waiting["id"].as_u64() && e["status"] == "done"
        })
        .await;
    assert_eq!(done["status"], "done");
    assert_eq!(ada(&w).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lever_422_download_is_a_failed_step_and_the_rest_goes_on() {
    let mut w = World::new(Options::default()).await;
    w.lever.faults().add(
        FaultRule::new(
            "/files/",
            FaultKind::Status {
                status: 422,
                retry_after: None,
            },
        )
        .method("GET"),
    );
    w.start().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    let steps = entry["steps"].as_array().cloned().unwrap_or_default();
    let failed: Vec<&Value> = steps.iter().filter(|s| s["status"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{steps:#?}");
    assert_eq!(failed[0]["http_status"], 422);
    assert!(failed[0]["action"]
        .as_str()
        .unwrap_or_default()
        .contains("portfolio.pdf"));
    let docs = w
        .bob
        .documents(ada(&w)[0]["id"].as_str().unwrap_or_default());
    assert_eq!(docs.len(), 2, "the resume and the offer still arrived");
    assert!(entry["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("2 of 3 documents"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_database_the_logs_or_the_history() {
    let mut w = World::started().await;
    assert_eq!(w.send(&LeverEvent::hired(&w.ids.ada)).await, 200);
    w.wait_final(&w.ids.ada, "candidateHired", T).await;
    w.move_to_assessment(&w.ids.ada).await;
    w.wait_final(&w.ids.ada, "candidateStageChange", T).await;
    // Stopped first, so the log is read to its last line and the database is final.
    let logs = w.app.stop().await;
    assert!(logs.contains("engine starting"), "the whole log was read");
    let db = std::fs::read(w.app.db_file()).unwrap_or_else(|e| panic!("{e}"));
    let history = w.app.ok(&["history", "--json"], "");
    let export = w.app.ok(&["config", "export"], "");
    for secret in w.secret_values() {
        assert!(
            !db.windows(secret.len()).any(|win| win == secret.as_bytes()),
            "a secret is in the redb file"
        );
        assert!(!history.contains(&secret), "a secret is in the history");
        assert!(
            !export.contains(&secret),
            "a secret is in the config export"
        );
        assert!(!logs.contains(&secret), "a secret is in the logs");
    }
    let listed = w.app.ok(&["secret", "list"], "");
    assert!(listed.contains("lever-api-key") && listed.contains("set"));
    assert!(!listed.contains(&w.ids.api_key));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_names_the_missing_lever_permission() {
    let w = World::new(Options::default()).await;
    use hirewire_fakes::lever::Perm;
    let partial: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::DownloadFile)
        .collect();
    // Confidential access on: only the one checkbox is missing.
    w.lever.add_key_with("limited-key", &partial, true);
    w.app.set_secret("lever-api-key", "limited-key");
    let out = w.app.cli(&["check"], "");
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("«Download a candidate file»"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().filter(|l| l.starts_with("MISS")).count() == 1,
        "only the missing checkbox is named: {}",
        out.stdout
    );
}
