//! Fake bob's named lists: `items` (or `values` when switched) with nested children and
//! archived items hidden unless asked for; list-valued work fields on create checked
//! against them, by display name, id or either as switched.

use hirewire_fakes::bob::{ItemId, ListKey, ListValues};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{ada, Bob};
use crate::json;

fn with(email: &str, work: &[(&str, &str)]) -> Value {
    let mut body = ada();
    body["email"] = json!(email);
    for (k, v) in work {
        body["work"][*k] = json!(v);
    }
    body
}

#[tokio::test]
async fn a_title_not_in_the_list_is_refused_until_it_is_added() {
    let bob = Bob::start().await;
    let staff = with("grace@example.com", &[("title", "Staff Engineer")]);
    let (status, error) = Bob::refusal(bob.post("/people", &staff).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error,
        "work.title (Job title): 'Staff Engineer' is not an item of the list 'title'"
    );
    assert_eq!(
        bob.fake.schema_violations(),
        vec![("POST /v1/people".to_string(), error.clone())]
    );
    let near = with("grace@example.com", &[("title", "software engineer")]);
    let (_, error) = Bob::refusal(bob.post("/people", &near).await).await;
    assert!(
        error.ends_with("(did you mean 'Software Engineer'?)"),
        "{error}"
    );
    let archived = with("grace@example.com", &[("title", "Programmer")]);
    let (_, error) = Bob::refusal(bob.post("/people", &archived).await).await;
    assert!(error.contains("'Programmer' is archived"), "{error}");

    bob.fake.add_list_item("title", 420u64, "Staff Engineer");
    let id = bob.create(&staff).await;
    assert_eq!(
        bob.fake.employee(&id).expect("stored")["work"]["title"],
        "Staff Engineer"
    );
    assert_eq!(
        bob.fake.work_history(&id)[0]["title"],
        "420",
        "the Work row holds the item id"
    );

    assert!(bob.fake.archive_list_item("title", "Staff Engineer"));
    let later = with("alan@example.com", &[("title", "Staff Engineer")]);
    assert_eq!(
        bob.post("/people", &later).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(!bob.fake.archive_list_item("title", "Astronaut"));
}

#[tokio::test]
async fn create_takes_names_ids_or_either_as_switched() {
    let bob = Bob::start().await;
    let by_id = with("a1@example.com", &[("department", "201"), ("site", "101")]);
    let (_, error) = Bob::refusal(bob.post("/people", &by_id).await).await;
    assert_eq!(
        error,
        "work.site (Site): '101' is not an item of the list 'site' (101 is the id of 'London': write its name); \
         work.department (Department): '201' is not an item of the list 'department' (201 is the id of 'Engineering': write its name)"
    );
    let child = with("a2@example.com", &[("department", "Backend")]);
    bob.create(&child).await;

    bob.fake.set_list_values_by(ListValues::Id);
    let (_, error) = Bob::refusal(bob.post("/people", &ada()).await).await;
    assert!(
        error.contains("'London' is not an item id of the list 'site' ('London' has id 101)")
            && error.contains("'Software Engineer' has id 401"),
        "{error}"
    );
    let ids = with(
        "a3@example.com",
        &[("site", "101"), ("title", "401"), ("department", "212")],
    );
    let id = bob.create(&ids).await;
    let row = &bob.fake.work_history(&id)[0];
    assert_eq!(
        (&row["site"], &row["siteId"], &row["department"]),
        (&json!("London"), &json!(101), &json!("212"))
    );

    bob.fake.set_list_values_by(ListValues::Either);
    bob.create(&with("a4@example.com", &[("department", "201")]))
        .await;
    bob.create(&with("a5@example.com", &[("department", "Design")]))
        .await;
    assert_eq!(bob.fake.employees().len(), 4);
}

#[tokio::test]
async fn named_lists_answer_items_nested_without_archived_unless_asked() {
    let bob = Bob::start().await;
    let list = json(bob.get("/company/named-lists/department").await).await;
    assert_eq!(list["name"], "department");
    assert!(list.get("values").is_none());
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = items.iter().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(
        names,
        ["Engineering", "Design", "Sales"],
        "Operations is archived"
    );
    let eng = &items[0];
    assert_eq!(
        (&eng["id"], &eng["value"], &eng["archived"]),
        (&json!(201), &json!("Engineering"), &json!(false)),
        "department ids are numbers"
    );
    let children: Vec<&str> = eng["children"]
        .as_array()
        .map(|c| c.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(children, ["Backend", "Frontend"]);

    let all = json(
        bob.get("/company/named-lists/department?includeArchived=true")
            .await,
    )
    .await;
    let archived: Vec<(String, Value)> = all["items"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| std::iter::once(i).chain(i["children"].as_array().into_iter().flatten()))
        .filter(|i| i["archived"] == true)
        .map(|i| {
            (
                i["name"].as_str().unwrap_or_default().to_string(),
                i["id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        archived,
        [
            ("Mainframe".to_string(), json!(219)),
            ("Operations".to_string(), json!(209))
        ]
    );

    let tshirt = json(bob.get("/company/named-lists/tshirt").await).await;
    assert_eq!(tshirt["items"][1]["id"], "302", "tshirt ids are strings");
    assert!(bob
        .fake
        .add_list_child("department", "202", 221u64, "UX Research"));
    assert_eq!(
        bob.fake.list_item_id("department", "UX Research"),
        Some(ItemId::Num(221))
    );
    bob.fake.set_named_list_key(ListKey::Values);
    let values = json(bob.get("/company/named-lists/department").await).await;
    assert!(values.get("items").is_none());
    assert_eq!(values["values"][1]["children"][0]["name"], "UX Research");
    assert_eq!(
        bob.get("/company/named-lists/nope").await.status(),
        StatusCode::NOT_FOUND
    );
}
