//! Fake bob: auth, the one-filter search, create validation, unique emails, the read
//! delay, rate limits and documents.

use std::time::Duration;

use hirewire_fakes::bob::{FakeBob, FIELD_TSHIRT};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::{json, until};

struct Bob {
    fake: FakeBob,
    user: String,
    token: String,
}

impl Bob {
    async fn start() -> Bob {
        let fake = FakeBob::start().await.expect("fake bob starts");
        let (user, token) = fake.seed_demo();
        Bob { fake, user, token }
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        let url = format!("{}{path}", self.fake.url());
        Client::new()
            .post(url)
            .basic_auth(&self.user, Some(&self.token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        let url = format!("{}{path}", self.fake.url());
        Client::new()
            .get(url)
            .basic_auth(&self.user, Some(&self.token))
            .send()
            .await
            .expect("request")
    }

    async fn search(&self, email: &str) -> Vec<Value> {
        let body = json!({
            "fields": ["root.id", "root.email", "work.site"],
            "filters": [{"fieldPath": "root.email", "operator": "equals", "values": [email]}],
            "showInactive": true,
        });
        json(self.post("/people/search", &body).await).await["employees"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn ada() -> Value {
    json!({
        "firstName": "Ada", "surname": "Lovelace", "email": "ada@example.com",
        "work": {"site": "London", "startDate": "2027-01-04", "title": "Software Engineer", "department": "201"},
        "about": {"custom": {"field_1690000000002": "302"}},
        "payroll": {"custom": {"field_1690000000003": {"value": 120000, "currency": "GBP"}}},
    })
}

#[tokio::test]
async fn search_takes_one_filter_and_hides_inactive_unless_asked() {
    let bob = Bob::start().await;
    bob.fake.add_employee(
        json!({"firstName": "Old", "surname": "Timer", "email": "old@example.com"}),
        false,
    );
    let two = json!({"filters": [
        {"fieldPath": "root.email", "operator": "equals", "values": ["a@example.com"]},
        {"fieldPath": "root.surname", "operator": "equals", "values": ["Lovelace"]},
    ]});
    let r = bob.post("/people/search", &two).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = json(r).await;
    assert!(
        body["key"].is_string()
            && body["error"]
                .as_str()
                .is_some_and(|e| e.contains("one filter")),
        "{body}"
    );

    let found = bob.search("OLD@example.com").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], "old@example.com");
    let active_only = json!({"fields": ["root.id"], "filters": [{"fieldPath": "root.email", "operator": "equals", "values": ["old@example.com"]}]});
    assert_eq!(
        json(bob.post("/people/search", &active_only).await).await["employees"],
        json!([])
    );
}

#[tokio::test]
async fn create_validates_and_refuses_a_second_employee_with_the_same_email() {
    let bob = Bob::start().await;
    let r = bob.post("/people", &ada()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let created = json(r).await;
    let id = created["id"].as_str().expect("new id").to_string();
    assert_eq!(created["work"]["site"], "London");

    let again = bob.post("/people", &ada()).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(again).await["error"], "Email already exists");

    let mut bad_site = ada();
    bad_site["email"] = json!("ada2@example.com");
    bad_site["work"]["site"] = json!("Paris");
    let error = json(bob.post("/people", &bad_site).await).await["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(error.contains("work.site"), "{error}");

    let mut name_not_id = ada();
    name_not_id["email"] = json!("ada3@example.com");
    name_not_id["about"]["custom"]["field_1690000000002"] = json!("M");
    let error = json(bob.post("/people", &name_not_id).await).await["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains("T-Shirt Size") && error.contains("302"),
        "{error}"
    );

    let mut bad_date = ada();
    bad_date["email"] = json!("ada4@example.com");
    bad_date["work"]["startDate"] = json!("04/01/2027");
    assert_eq!(
        bob.post("/people", &bad_date).await.status(),
        StatusCode::BAD_REQUEST
    );
    let missing = json(
        bob.post(
            "/people",
            &json!({"firstName": "X", "email": "x@example.com"}),
        )
        .await,
    )
    .await;
    assert_eq!(missing["error"], "surname is required");

    assert_eq!(bob.fake.create_calls(), 6);
    assert_eq!(bob.fake.employees().len(), 1);
    assert_eq!(bob.fake.employees()[0]["id"], id.as_str());
    assert!(bob
        .fake
        .fields()
        .iter()
        .any(|f| f.id == FIELD_TSHIRT && f.name == "T-Shirt Size"));
}

#[tokio::test]
async fn a_new_employee_is_unreadable_until_the_read_delay_passed() {
    let bob = Bob::start().await;
    bob.fake.set_read_delay(Duration::from_millis(400));
    let id = json(bob.post("/people", &ada()).await).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        bob.search("ada@example.com").await.is_empty(),
        "not searchable at once"
    );
    assert_eq!(
        bob.get(&format!("/people/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let found = until(
        "the employee to become searchable",
        Duration::from_secs(5),
        || async {
            let hits = bob.search("ada@example.com").await;
            (!hits.is_empty()).then_some(hits)
        },
    )
    .await;
    assert_eq!(found[0]["id"], id.as_str());
    assert_eq!(
        found[0]["work"],
        json!({"site": "London"}),
        "only the requested fields, nested"
    );
    assert_eq!(
        bob.get(&format!("/people/{id}")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn auth_groups_and_the_search_limit() {
    let bob = Bob::start().await;
    let wrong = Client::new()
        .get(format!("{}/company/people/fields", bob.fake.url()))
        .basic_auth(&bob.user, Some("nope"))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let text = wrong.text().await.unwrap_or_default();
    assert!(
        !text.contains(&bob.token) && !text.contains("nope"),
        "never echo tokens"
    );
    bob.fake.set_permission_group(&bob.user, false);
    assert_eq!(
        bob.get("/company/named-lists/site").await.status(),
        StatusCode::FORBIDDEN
    );
    bob.fake.set_permission_group(&bob.user, true);
    let sites = json(bob.get("/company/named-lists/site").await).await;
    assert_eq!(sites["values"][0]["name"], "London");

    bob.fake.set_search_limit_per_minute(3);
    for _ in 0..3 {
        bob.search("x@example.com").await;
    }
    let r = bob
        .post("/people/search", &json!({"fields": ["root.id"]}))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(r).await["key"], "rateLimit");
    assert_eq!(bob.fake.rate_limited(), 1);
}

#[tokio::test]
async fn documents_upload_with_a_5_mb_limit_and_are_listed() {
    let bob = Bob::start().await;
    let id = json(bob.post("/people", &ada()).await).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let upload = |bytes: Vec<u8>, employee: String| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("cv.pdf");
        let url = format!(
            "{}/docs/people/{employee}/confidential/upload",
            bob.fake.url()
        );
        Client::new()
            .post(url)
            .basic_auth(&bob.user, Some(&bob.token))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let ok = upload(b"%PDF-1.4 tiny".to_vec(), id.clone())
        .await
        .expect("upload");
    assert_eq!(ok.status(), StatusCode::OK);
    let doc_id = json(ok).await["id"].clone();
    assert!(doc_id.is_number());
    let big = upload(vec![b'x'; 5 * 1024 * 1024 + 1], id.clone())
        .await
        .expect("upload");
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json(big).await["error"].is_string());
    assert_eq!(
        upload(b"x".to_vec(), "404404".into())
            .await
            .expect("upload")
            .status(),
        StatusCode::NOT_FOUND
    );

    let listed = json(bob.get(&format!("/docs/people/{id}")).await).await;
    assert_eq!(listed["documents"][0]["id"], doc_id);
    assert_eq!(listed["documents"][0]["folderId"], "confidential");
    let stored = bob.fake.documents(&id);
    assert_eq!(
        (stored.len(), stored[0].name.as_str(), stored[0].size),
        (1, "cv.pdf", 13)
    );
}
