//! Fake bob's Work table: create writes the first row; new rows take list item ids; a
//! `PUT` of a row overwrites it (omitted columns cleared) unless `patchUpdate=true`; the
//! current row shows in the employee.

use hirewire_fakes::bob::ListValues;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{ada, Bob};
use crate::json;

#[tokio::test]
async fn create_writes_the_first_work_row_and_new_rows_take_item_ids() {
    let bob = Bob::start().await;
    bob.fake.set_today(Some("2027-02-01"));
    let manager = bob.fake.add_employee(
        json!({"firstName": "Harry", "surname": "M", "email": "harry@example.com"}),
        true,
    );
    let mut body = ada();
    body["work"]["reportsTo"] = json!(manager);
    let id = bob.create(&body).await;
    let work = format!("/people/{id}/work");
    let listed = json(bob.get(&work).await).await;
    let rows = listed["values"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1);
    let first = &rows[0];
    assert!(first["id"].is_u64(), "entry ids are integers: {first}");
    assert_eq!(
        (
            &first["effectiveDate"],
            &first["title"],
            &first["department"],
            &first["site"],
            &first["siteId"]
        ),
        (
            &json!("2027-01-04"),
            &json!("401"),
            &json!("201"),
            &json!("London"),
            &json!(101)
        )
    );
    assert_eq!(
        (&first["isCurrent"], &first["reportsTo"]["id"]),
        (&json!(true), &json!(manager))
    );

    let by_name =
        json!({"effectiveDate": "2027-03-01", "site": "Berlin", "title": "Engineering Manager"});
    let (status, error) = Bob::refusal(bob.post(&work, &by_name).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error,
        "title: 'Engineering Manager' is not an item id of the list 'title' ('Engineering Manager' has id 403)"
    );
    let promoted = json!({"effectiveDate": "2027-01-20", "siteId": 102, "title": "403", "department": "211", "reason": "Promotion"});
    let r = bob.post(&work, &promoted).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.bytes().await.unwrap_or_default().is_empty(),
        "200 with no body"
    );
    let clash = json!({"effectiveDate": "2027-01-20", "site": "Berlin"});
    let (_, error) = Bob::refusal(bob.post(&work, &clash).await).await;
    assert!(error.contains("same site"), "{error}");
    let mismatch = json!({"effectiveDate": "2027-05-01", "site": "Berlin", "siteId": 101});
    let (_, error) = Bob::refusal(bob.post(&work, &mismatch).await).await;
    assert_eq!(error, "site 'Berlin' and siteId 101 are different sites");

    let rows = bob.fake.work_history(&id);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[1]["title"], &rows[1]["site"], &rows[1]["isCurrent"]),
        (&json!("403"), &json!("Berlin"), &json!(true))
    );
    assert_eq!(rows[0]["isCurrent"], false);
    let e = bob.fake.employee(&id).expect("stored");
    assert_eq!(
        (
            &e["work"]["title"],
            &e["work"]["department"],
            &e["work"]["site"]
        ),
        (
            &json!("Engineering Manager"),
            &json!("Backend"),
            &json!("Berlin")
        ),
        "the current row shows in the employee"
    );
    bob.fake.set_work_entry_values_by(ListValues::Either);
    let named =
        json!({"effectiveDate": "2027-04-01", "site": "London", "title": "Software Engineer"});
    assert_eq!(bob.post(&work, &named).await.status(), StatusCode::OK);
    assert_eq!(bob.fake.work_history(&id)[2]["title"], "401");
    assert_eq!(
        bob.post("/people/404404/work", &named).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_row_put_overwrites_unless_patch_update() {
    let bob = Bob::start().await;
    bob.fake.set_today(Some("2027-02-01"));
    let id = bob.create(&ada()).await;
    let entry = bob.fake.work_history(&id)[0]["id"]
        .as_u64()
        .expect("entry id");
    let path = format!("/people/{id}/work/{entry}");
    let row = |history: Vec<Value>| {
        history
            .into_iter()
            .find(|r| r["id"] == entry)
            .unwrap_or_default()
    };

    let patch = json!({"title": "403"});
    let r = bob.put(&format!("{path}?patchUpdate=true"), &patch).await;
    assert_eq!(r.status(), StatusCode::OK);
    let patched = row(bob.fake.work_history(&id));
    assert_eq!(
        (
            &patched["title"],
            &patched["department"],
            &patched["site"],
            &patched["effectiveDate"]
        ),
        (
            &json!("403"),
            &json!("201"),
            &json!("London"),
            &json!("2027-01-04")
        ),
        "patchUpdate changes only the given columns"
    );

    let (_, error) = Bob::refusal(bob.put(&path, &patch).await).await;
    assert_eq!(
        error, "effectiveDate: is required; body: one of site or siteId is required",
        "without the flag the body is a whole row"
    );
    let whole = json!({"effectiveDate": "2027-01-04", "siteId": 101, "title": "401"});
    assert_eq!(bob.put(&path, &whole).await.status(), StatusCode::OK);
    let replaced = row(bob.fake.work_history(&id));
    assert_eq!(replaced["title"], "401");
    assert!(
        replaced.get("department").is_none() && replaced.get("reason").is_none(),
        "omitted columns are cleared: {replaced}"
    );
    let e = bob.fake.employee(&id).expect("stored");
    assert!(e["work"].get("department").is_none(), "{e}");
    assert_eq!(e["work"]["title"], "Software Engineer");

    let missing = format!("/people/{id}/work/{}", entry + 1);
    assert_eq!(
        bob.put(&missing, &whole).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(bob
        .fake
        .schema_violations()
        .iter()
        .all(|(r, _)| r.starts_with("PUT")));
}
