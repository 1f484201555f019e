//! Fake bob checks every request against bob's published request schema, answers bob's
//! `400 {key, error}` with every violation, and records each one for the test.

use reqwest::StatusCode;
use serde_json::json;

use super::{ada, Bob};
use crate::json;

fn violations_of(bob: &Bob, route: &str) -> Vec<String> {
    bob.fake
        .schema_violations()
        .into_iter()
        .filter(|(r, _)| r == route)
        .map(|(_, v)| v)
        .collect()
}

#[tokio::test]
async fn search_refusals_are_answered_and_recorded() {
    let bob = Bob::start().await;
    let filter =
        |path: &str| json!({"fieldPath": path, "operator": "equals", "values": ["a@example.com"]});
    let two = json!({"filters": [filter("root.email"), filter("root.id")]});
    let (status, error) = Bob::refusal(bob.post("/people/search", &two).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error, "filters: allows at most 1 item(s), got 2");

    let empty = json!({"fields": ["root.id"], "filters": []});
    let (status, error) = Bob::refusal(bob.post("/people/search", &empty).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error, "filters: needs at least 1 item(s), got 0");

    let odd = json!({
        "fields": "root.id",
        "filters": [{"fieldPath": "work.department", "operator": "contains", "values": []}],
        "showInactive": "yes",
    });
    assert_eq!(
        bob.post("/people/search", &odd).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        violations_of(&bob, "POST /v1/people/search"),
        vec![
            "filters: allows at most 1 item(s), got 2",
            "filters: needs at least 1 item(s), got 0",
            "fields: must be an array, got a string",
            "filters[0].fieldPath: 'work.department' is not one of root.id, root.email",
            "filters[0].operator: 'contains' is not one of equals",
            "filters[0].values: needs at least 1 item(s), got 0",
            "showInactive: must be a boolean, got a string",
        ]
    );

    let fine = json!({"fields": ["root.id"], "humanReadable": "SOMETIMES"});
    assert_eq!(
        bob.post("/people/search", &fine).await.status(),
        StatusCode::OK,
        "an unknown humanReadable is ignored, as bob documents"
    );
    let too_many: Vec<String> = (0..401).map(|i| format!("root.f{i}")).collect();
    let r = bob
        .post("/people/search", &json!({"fields": too_many}))
        .await;
    assert_eq!(
        Bob::refusal(r).await.1,
        "fields: allows at most 400 item(s), got 401"
    );
}

#[tokio::test]
async fn create_without_a_site_or_start_date_is_refused_and_recorded() {
    let bob = Bob::start().await;
    let mut no_site = ada();
    no_site["work"]
        .as_object_mut()
        .expect("work")
        .remove("site");
    let (status, error) = Bob::refusal(bob.post("/people", &no_site).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error, "work.site: is required");

    let bad = json!({"firstName": "", "surname": "L", "email": "not-an-email", "work": {"site": "London"}});
    let (_, error) = Bob::refusal(bob.post("/people", &bad).await).await;
    assert_eq!(
        error,
        "firstName: must not be empty; email: 'not-an-email' is not an email address; \
         work.startDate: is required"
    );
    let (_, error) = Bob::refusal(bob.post("/people", &json!("Ada")).await).await;
    assert_eq!(error, "body: must be an object, got a string");

    let recorded = violations_of(&bob, "POST /v1/people");
    assert_eq!(recorded.len(), 5, "{recorded:?}");
    assert_eq!(recorded[0], "work.site: is required");
    assert!(bob.fake.employees().is_empty());
    assert_eq!(bob.fake.create_calls(), 3);

    let not_json = reqwest::Client::new()
        .post(format!("{}/people", bob.fake.url()))
        .basic_auth(&bob.user, Some(&bob.token))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .expect("request");
    let (status, error) = Bob::refusal(not_json).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.starts_with("body: not valid JSON"), "{error}");
    bob.fake.clear_schema_violations();
    assert!(bob.fake.schema_violations().is_empty());
}

#[tokio::test]
async fn table_writes_are_checked_against_their_schemas() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    let work = format!("/people/{id}/work");
    let (status, error) = Bob::refusal(bob.post(&work, &json!({"title": "401"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error,
        "effectiveDate: is required; body: one of site or siteId is required"
    );
    let bad_manager =
        json!({"effectiveDate": "2027-03-01", "siteId": 101, "reportsTo": {"firstName": "H"}});
    let (_, error) = Bob::refusal(bob.post(&work, &bad_manager).await).await;
    assert_eq!(error, "reportsTo.id: is required");

    let salaries = format!("/people/{id}/salaries");
    let salary = json!({"base": {"value": "120k", "currency": "pounds"}, "payPeriod": "Yearly"});
    let (_, error) = Bob::refusal(bob.post(&salaries, &salary).await).await;
    assert_eq!(
        error,
        "effectiveDate: is required; base.value: must be a number, got a string; \
         base.currency: 'pounds' is not a three-letter currency code (ISO 4217, like GBP); \
         payPeriod: 'Yearly' is not one of Annual, Hourly, Daily, Weekly, Monthly"
    );
    let entry = format!("/people/{id}/work/not-a-number");
    let (_, error) = Bob::refusal(bob.put(&entry, &json!({})).await).await;
    assert_eq!(error, "entry_id: 'not-a-number' is not an integer");
    let r = bob
        .get("/company/named-lists/site?includeArchived=maybe")
        .await;
    assert_eq!(
        Bob::refusal(r).await.1,
        "includeArchived: 'maybe' is not a boolean (true or false)"
    );
    let routes: Vec<String> = bob
        .fake
        .schema_violations()
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert!(routes.contains(&format!("POST /v1{work}")), "{routes:?}");
    assert!(routes.contains(&format!("POST /v1{salaries}")));
    assert!(routes.contains(&format!("PUT /v1{entry}")));
    assert!(routes.contains(&"GET /v1/company/named-lists/site".to_string()));
    assert!(bob.fake.salaries(&id).is_empty());
    assert_eq!(bob.fake.work_history(&id).len(), 1, "only the hire's row");
    let ok = json!({"base": {"value": 120000.0, "currency": "GBP"}, "payPeriod": "Annual", "effectiveDate": "2027-01-04"});
    assert_eq!(bob.post(&salaries, &ok).await.status(), StatusCode::OK);
    let again = bob.post(&salaries, &ok).await;
    let (status, error) = Bob::refusal(again).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error,
        "another salary entry has the effective date \"2027-01-04\""
    );
    let stored = json(bob.get(&salaries).await).await;
    assert_eq!(stored["values"].as_array().map(Vec::len), Some(1));
    assert_eq!(stored["values"][0]["base"]["currency"], "GBP");
    assert_eq!(bob.fake.salaries(&id)[0]["payPeriod"], "Annual");
}
