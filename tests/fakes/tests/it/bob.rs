//! Fake bob: auth, the one-filter search, create validation, unique emails, the read
//! delay, rate limits and documents; the submodules cover the request schemas, the named
//! lists, employees' lifecycles and reads, the Work and Salary tables, and documents.

mod docs;
mod lists;
mod people;
mod schema;
mod tables;

use std::time::Duration;

use hirewire_fakes::bob::{FakeBob, FIELD_TSHIRT};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::{json, until};

/// A fake bob with the demo service user, and calls made as it.
pub struct Bob {
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

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let url = format!("{}{path}", self.fake.url());
        let r = Client::new()
            .request(method, url)
            .basic_auth(&self.user, Some(&self.token));
        let r = match body {
            Some(b) => r.json(b),
            None => r,
        };
        r.send().await.expect("request")
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// `POST /people/search` for one email, inactive employees included.
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

    /// Creates an employee and gives its id (panics when bob refuses).
    async fn create(&self, body: &Value) -> String {
        let r = self.post("/people", body).await;
        assert_eq!(r.status(), StatusCode::OK, "create");
        json(r).await["id"].as_str().expect("new id").to_string()
    }

    /// The `error` text of a refused request.
    async fn refusal(r: reqwest::Response) -> (StatusCode, String) {
        let status = r.status();
        let body = json(r).await;
        assert!(body["key"].is_string(), "bob's error shape: {body}");
        (
            status,
            body["error"].as_str().unwrap_or_default().to_string(),
        )
    }
}

/// A valid create payload with display values for the list-valued work fields.
fn ada() -> Value {
    json!({
        "firstName": "Ada", "surname": "Lovelace", "email": "ada@example.com",
        "work": {"site": "London", "startDate": "2027-01-04", "title": "Software Engineer", "department": "Engineering"},
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
    let (status, error) = Bob::refusal(bob.post("/people/search", &two).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error.contains("filters: allows at most 1 item(s), got 2"),
        "{error}"
    );
    assert!(
        error.contains("filters[1].fieldPath: 'root.surname'"),
        "{error}"
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
    let (_, error) = Bob::refusal(bob.post("/people", &bad_site).await).await;
    assert!(
        error.contains("work.site") && error.contains("'Paris'"),
        "{error}"
    );

    let mut name_not_id = ada();
    name_not_id["email"] = json!("ada3@example.com");
    name_not_id["about"]["custom"]["field_1690000000002"] = json!("M");
    let (_, error) = Bob::refusal(bob.post("/people", &name_not_id).await).await;
    assert!(
        error.contains("T-Shirt Size") && error.contains("302"),
        "{error}"
    );

    let mut bad_date = ada();
    bad_date["email"] = json!("ada4@example.com");
    bad_date["work"]["startDate"] = json!("04/01/2027");
    let (status, error) = Bob::refusal(bob.post("/people", &bad_date).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error.contains("work.startDate: '04/01/2027' is not a date"),
        "{error}"
    );
    let missing = bob
        .post(
            "/people",
            &json!({"firstName": "X", "email": "x@example.com"}),
        )
        .await;
    let (_, error) = Bob::refusal(missing).await;
    assert_eq!(error, "surname: is required; work: is required");

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
    let id = bob.create(&ada()).await;
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
    assert_eq!(
        bob.get("/company/people/fields").await.status(),
        StatusCode::OK,
        "the fields metadata needs no permission"
    );
    bob.fake.set_permission_group(&bob.user, true);
    let sites = json(bob.get("/company/named-lists/site").await).await;
    assert_eq!(sites["items"][0]["name"], "London");

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
