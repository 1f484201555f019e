//! Fake bob's employees: lifecycle and access status (future-start hires and former
//! employees are inactive), what a search gives back (requested fields only, unreadable
//! ones silently left out, list ids in machine format), `PUT /people/{id}` (`200`/`304`),
//! and the fields metadata.

use hirewire_fakes::bob::{Historical, Lifecycle, FIELD_CUSTOM_SITE, FIELD_CUSTOM_START_DATE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{ada, Bob};
use crate::json;

async fn find(bob: &Bob, email: &str, show_inactive: bool) -> Vec<Value> {
    let body = json!({
        "fields": ["root.id", "internal.status", "internal.lifecycleStatus"],
        "filters": [{"fieldPath": "root.email", "operator": "equals", "values": [email]}],
        "showInactive": show_inactive,
    });
    json(bob.post("/people/search", &body).await).await["employees"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_future_start_hire_is_inactive_and_found_only_with_show_inactive() {
    let bob = Bob::start().await;
    assert!(bob.fake.set_today(Some("2026-12-01")));
    let mut later = ada();
    later["work"]["startDate"] = json!("2099-01-04");
    let created = json(bob.post("/people", &later).await).await;
    assert_eq!(
        created["internal"],
        json!({"status": "Inactive", "lifecycleStatus": "hired"})
    );
    let id = created["id"].as_str().unwrap_or_default().to_string();
    assert!(find(&bob, "ada@example.com", false).await.is_empty());
    let found = find(&bob, "ada@example.com", true).await;
    assert_eq!(
        found,
        [json!({"id": id, "internal": {"status": "Inactive", "lifecycleStatus": "hired"}})]
    );

    assert!(
        bob.fake.set_today(Some("2099-01-04")),
        "the start date comes"
    );
    let found = find(&bob, "ada@example.com", false).await;
    assert_eq!(found[0]["internal"]["lifecycleStatus"], "employed");
    assert!(!bob.fake.set_today(Some("04/01/2099")));

    let mut now = ada();
    now["email"] = json!("grace@example.com");
    now["work"]["startDate"] = json!("2020-01-06");
    bob.create(&now).await;
    assert_eq!(find(&bob, "grace@example.com", false).await.len(), 1);

    let gone = bob.fake.add_former_employee(
        json!({"firstName": "Old", "surname": "Timer", "email": "old@example.com"}),
    );
    assert!(find(&bob, "old@example.com", false).await.is_empty());
    let found = find(&bob, "old@example.com", true).await;
    assert_eq!(
        found[0]["internal"],
        json!({"status": "Inactive", "lifecycleStatus": "terminated"})
    );
    bob.fake.set_lifecycle(&gone, Lifecycle::Employed);
    assert_eq!(find(&bob, "old@example.com", false).await.len(), 1);
    bob.fake.set_active(&gone, false);
    assert!(find(&bob, "old@example.com", false).await.is_empty());
}

#[tokio::test]
async fn a_search_gives_the_requested_readable_fields_with_list_ids() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    bob.fake.hide_field("payroll.field_1690000000003");
    let ask = |human: Option<&str>| {
        let mut body = json!({
            "fields": ["root.id", "root.email", "work.title", "work.department", "work.site",
                       "payroll.field_1690000000003", "root.nonsense"],
            "filters": [{"fieldPath": "root.id", "operator": "equals", "values": [id]}],
            "showInactive": true,
        });
        if let Some(h) = human {
            body["humanReadable"] = json!(h);
        }
        body
    };
    let machine = json(bob.post("/people/search", &ask(None)).await).await;
    assert_eq!(
        machine,
        json!({"employees": [{
            "id": id, "email": "ada@example.com",
            "work": {"title": "401", "department": "201", "site": "London"},
        }]}),
        "list ids as strings, the salary the user may not read left out silently"
    );
    let replaced = json(bob.post("/people/search", &ask(Some("REPLACE"))).await).await;
    assert_eq!(
        replaced["employees"][0]["work"],
        json!({"title": "Software Engineer", "department": "Engineering", "site": "London"})
    );
    let appended = json(bob.post("/people/search", &ask(Some("APPEND"))).await).await;
    assert_eq!(appended["employees"][0]["work"]["title"], "401");
    assert_eq!(
        appended["employees"][0]["humanReadable"]["work"]["title"],
        "Software Engineer"
    );

    let all = json(
        bob.post("/people/search", &json!({"showInactive": true}))
            .await,
    )
    .await;
    let ada = &all["employees"][0];
    assert_eq!(ada["firstName"], "Ada");
    assert!(
        ada["work"].is_object() && ada.get("payroll").is_none() && ada.get("internal").is_none()
    );
    assert!(bob
        .fake
        .fields()
        .iter()
        .any(|f| f.id == "payroll.field_1690000000003"));
}

#[tokio::test]
async fn an_update_is_partial_and_answers_304_when_nothing_changed() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    let path = format!("/people/{id}");
    let change = json!({"firstName": "Augusta", "home": {"mobilePhone": "+44 20 7946 0001"}});
    assert_eq!(bob.put(&path, &change).await.status(), StatusCode::OK);
    let stored = bob.fake.employee(&id).expect("stored");
    assert_eq!(
        (
            &stored["firstName"],
            &stored["surname"],
            &stored["home"]["mobilePhone"]
        ),
        (
            &json!("Augusta"),
            &json!("Lovelace"),
            &json!("+44 20 7946 0001")
        )
    );
    assert_eq!(
        bob.put(&path, &change).await.status(),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        bob.put(&path, &json!({"first_name": "Typo"}))
            .await
            .status(),
        StatusCode::NOT_MODIFIED,
        "an unknown field changes nothing"
    );
    let table = json!({"work": {"title": "Engineering Manager"}});
    assert_eq!(
        bob.put(&path, &table).await.status(),
        StatusCode::NOT_MODIFIED,
        "table columns are not updated here"
    );
    bob.fake.set_historical_on_update(Historical::Refused);
    let (status, error) = Bob::refusal(bob.put(&path, &table).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.contains("POST /people/{id}/work"), "{error}");
    let (_, error) = Bob::refusal(
        bob.put(
            &path,
            &json!({"about": {"custom": {"field_1690000000002": "XL"}}}),
        )
        .await,
    )
    .await;
    assert!(error.contains("T-Shirt Size"), "{error}");
    assert_eq!(
        bob.put("/people/404404", &change).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bob.fake.employee(&id).expect("stored")["work"]["title"],
        "Software Engineer"
    );
}

#[tokio::test]
async fn an_update_leaves_out_a_field_the_service_user_may_not_edit_without_saying_so() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    let path = format!("/people/{id}");
    bob.fake.set_editable("home.mobilePhone", false);
    let phone = json!({"home": {"mobilePhone": "+44 20 7946 0002"}});
    assert_eq!(
        bob.put(&path, &phone).await.status(),
        StatusCode::NOT_MODIFIED,
        "nothing it may edit changed"
    );
    let both = json!({"firstName": "Augusta", "home": {"mobilePhone": "+44 20 7946 0002"}});
    assert_eq!(bob.put(&path, &both).await.status(), StatusCode::OK);
    let stored = bob.fake.employee(&id).expect("stored");
    assert_eq!(stored["firstName"], "Augusta");
    assert!(
        stored["home"]["mobilePhone"] != "+44 20 7946 0002",
        "the phone is left as it was: {stored:#}"
    );
}

#[tokio::test]
async fn the_fields_metadata_follows_the_schema_and_has_ambiguous_names() {
    let bob = Bob::start().await;
    let fields = json(bob.get("/company/people/fields").await).await;
    let fields = fields.as_array().cloned().unwrap_or_default();
    let by_id = |id: &str| {
        fields
            .iter()
            .find(|f| f["id"] == id)
            .cloned()
            .unwrap_or_default()
    };
    let title = by_id("work.title");
    assert_eq!(
        (
            &title["type"],
            &title["typeData"],
            &title["historical"],
            &title["categoryId"],
            &title["category"]
        ),
        (
            &json!("list"),
            &json!({"listId": "title"}),
            &json!(true),
            &json!("work"),
            &json!("work")
        )
    );
    assert_eq!(
        by_id("work.department")["typeData"],
        json!({"listId": "department"})
    );
    assert_eq!(by_id("work.site")["typeData"], json!({"listId": "site"}));
    assert_eq!(by_id("work.reportsTo")["type"], "employee-reference");
    assert_eq!(by_id("root.email")["typeData"], json!({}));
    assert!(by_id("root.firstName")["description"].is_null());
    assert_eq!(by_id("payroll.field_1690000000003")["historical"], true);
    let named = |name: &str| {
        let mut ids: Vec<String> = fields
            .iter()
            .filter(|f| f["name"] == name)
            .filter_map(|f| f["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(named("Site"), [FIELD_CUSTOM_SITE, "work.site"]);
    assert_eq!(
        named("Start date"),
        [FIELD_CUSTOM_START_DATE, "work.startDate"]
    );
    for f in &fields {
        for key in [
            "id",
            "categoryId",
            "category",
            "categoryDisplayName",
            "name",
            "jsonPath",
            "type",
        ] {
            assert!(f[key].is_string(), "{key} of {f}");
        }
        assert!(
            f["typeData"].is_object() && f["historical"].is_boolean(),
            "{f}"
        );
    }
}
