//! Fake bob's Work table: create writes the first row; new rows take list item ids; a
//! `PUT` of a row overwrites the row of its site and date (omitted columns cleared) unless
//! `patchUpdate=true` names it by id; the current row shows in the employee.

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
async fn a_row_put_overwrites_the_row_of_its_site_and_date_unless_patch_update_names_it_by_id() {
    let bob = Bob::start().await;
    bob.fake.set_today(Some("2027-02-01"));
    let id = bob.create(&ada()).await;
    let entry = bob.fake.work_history(&id)[0]["id"]
        .as_u64()
        .expect("entry id");
    let custom = json!({"customColumns": {"column_1": "Relocation"}});
    assert!(bob.fake.set_work_columns(&id, entry, custom));
    let path = format!("/people/{id}/work/{entry}");
    let row = |history: Vec<Value>| {
        history
            .into_iter()
            .find(|r| r["id"] == entry)
            .unwrap_or_default()
    };
    assert_eq!(
        row(bob.fake.work_history(&id))["change"]["reason"],
        "Hired",
        "written as `reason`, listed under `change`"
    );

    // patchUpdate: the path's id names the row, even for another site; only the given
    // columns change, and the row keeps its date.
    let patch = json!({"title": "403", "siteId": 102, "effectiveDate": "2027-01-04"});
    let r = bob.put(&format!("{path}?patchUpdate=true"), &patch).await;
    assert_eq!(r.status(), StatusCode::OK);
    let patched = row(bob.fake.work_history(&id));
    assert_eq!(
        (
            &patched["title"],
            &patched["department"],
            &patched["site"],
            &patched["effectiveDate"],
            &patched["customColumns"]["column_1"],
            &patched["change"]["reason"],
        ),
        (
            &json!("403"),
            &json!("201"),
            &json!("Berlin"),
            &json!("2027-01-04"),
            &json!("Relocation"),
            &json!("Hired"),
        ),
        "patchUpdate changes only the given columns"
    );
    let (_, error) = Bob::refusal(
        bob.put(
            &format!("{path}?patchUpdate=true"),
            &json!({"title": "401"}),
        )
        .await,
    )
    .await;
    assert_eq!(error, "effectiveDate: is required");
    let moved = json!({"effectiveDate": "2027-01-11"});
    let (_, error) = Bob::refusal(bob.put(&format!("{path}?patchUpdate=true"), &moved).await).await;
    assert!(
        error.contains("add an entry and delete this one"),
        "{error}"
    );
    let elsewhere = format!("/people/{id}/work/{}?patchUpdate=true", entry + 1000);
    let r = bob
        .put(&elsewhere, &json!({"effectiveDate": "2027-01-04"}))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Without the flag the body is a whole row, found by its site and effective date.
    let (_, error) = Bob::refusal(bob.put(&path, &json!({"title": "401"})).await).await;
    assert_eq!(
        error, "effectiveDate: is required; body: one of site or siteId is required",
        "without the flag the body is a whole row"
    );
    let other_site = json!({"effectiveDate": "2027-01-04", "siteId": 101, "title": "401"});
    let (status, error) = Bob::refusal(bob.put(&path, &other_site).await).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::NOT_FOUND,
            "Requested entry not found. Nothing was changed"
        ),
        "the row is at Berlin now: London on that date names no row, whatever the path says"
    );
    let whole = json!({"effectiveDate": "2027-01-04", "siteId": 102, "title": "401"});
    let by_site_and_date = format!("/people/{id}/work/{}", entry + 1000);
    assert_eq!(
        bob.put(&by_site_and_date, &whole).await.status(),
        StatusCode::OK
    );
    let replaced = row(bob.fake.work_history(&id));
    assert_eq!(replaced["title"], "401");
    assert!(
        replaced.get("department").is_none()
            && replaced.get("change").is_none()
            && replaced["customColumns"] == json!({}),
        "omitted columns are cleared: {replaced}"
    );
    let e = bob.fake.employee(&id).expect("stored");
    assert!(e["work"].get("department").is_none(), "{e}");
    assert_eq!(e["work"]["title"], "Software Engineer");
    assert!(bob
        .fake
        .schema_violations()
        .iter()
        .all(|(r, _)| r.starts_with("PUT")));
}
