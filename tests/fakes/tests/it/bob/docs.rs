//! Fake bob's documents: the 5 MB limit, the switchable upload answer (bob documents only
//! "Uploaded document ID."), and the list's `{documentName, downloadLink}` items.

use hirewire_fakes::bob::UploadAnswer;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::{ada, Bob};
use crate::json;

async fn upload(bob: &Bob, employee: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    Client::new()
        .post(format!(
            "{}/docs/people/{employee}/confidential/upload",
            bob.fake.url()
        ))
        .basic_auth(&bob.user, Some(&bob.token))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn documents_upload_with_a_5_mb_limit_and_are_listed_by_name_and_link() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    let ok = upload(&bob, &id, "cv.pdf", b"%PDF-1.4 tiny".to_vec()).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let doc_id = json(ok).await["id"].clone();
    assert!(doc_id.is_u64(), "a number by default: {doc_id}");
    let big = upload(&bob, &id, "big.pdf", vec![b'x'; 5 * 1024 * 1024 + 1]).await;
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json(big).await["error"].is_string());
    assert_eq!(
        upload(&bob, "404404", "cv.pdf", b"x".to_vec())
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let wrong_part = Client::new()
        .post(format!(
            "{}/docs/people/{id}/confidential/upload",
            bob.fake.url()
        ))
        .basic_auth(&bob.user, Some(&bob.token))
        .multipart(reqwest::multipart::Form::new().text("document", "x"))
        .send()
        .await
        .expect("upload");
    let (status, error) = Bob::refusal(wrong_part).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error, "file: the multipart part 'file' is required");
    let route = format!("POST /v1/docs/people/{id}/confidential/upload");
    let recorded: Vec<String> = bob
        .fake
        .schema_violations()
        .into_iter()
        .filter(|(r, _)| *r == route)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        recorded.len(),
        2,
        "the size and the missing part: {recorded:?}"
    );

    let listed = json(bob.get(&format!("/docs/people/{id}")).await).await;
    let docs = listed["documents"].as_array().cloned().unwrap_or_default();
    assert_eq!(docs.len(), 1);
    let keys: Vec<&String> = docs[0]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["documentName", "downloadLink"], "no id, per schema");
    assert_eq!(docs[0]["documentName"], "cv.pdf");
    let link = docs[0]["downloadLink"].as_str().unwrap_or_default();
    let bytes = reqwest::get(link)
        .await
        .expect("download")
        .bytes()
        .await
        .unwrap_or_default();
    assert_eq!(&bytes[..], b"%PDF-1.4 tiny");
    let stored = bob.fake.documents(&id);
    assert_eq!(
        (
            stored.len(),
            stored[0].name.as_str(),
            stored[0].size,
            stored[0].id.clone()
        ),
        (1, "cv.pdf", 13, doc_id.to_string())
    );
}

#[tokio::test]
async fn the_upload_answer_takes_each_shape_a_client_may_see() {
    let bob = Bob::start().await;
    let id = bob.create(&ada()).await;
    let mut seen: Vec<(String, String)> = vec![];
    for answer in [
        UploadAnswer::Id,
        UploadAnswer::DocId,
        UploadAnswer::Bare,
        UploadAnswer::Text,
        UploadAnswer::Plain,
    ] {
        bob.fake.set_upload_answer(answer);
        let r = upload(&bob, &id, &format!("{answer:?}.pdf"), b"%PDF".to_vec()).await;
        assert_eq!(r.status(), StatusCode::OK);
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        seen.push((kind, r.text().await.unwrap_or_default()));
    }
    let ids: Vec<String> = bob.fake.documents(&id).into_iter().map(|d| d.id).collect();
    let parsed: Vec<Value> = seen[..4]
        .iter()
        .map(|(_, text)| serde_json::from_str(text).unwrap_or(Value::Null))
        .collect();
    let number = |i: usize| ids[i].parse::<u64>().map(Value::from).unwrap_or_default();
    assert_eq!(
        parsed,
        [
            json!({"id": number(0)}),
            json!({"docId": ids[1]}),
            number(2),
            json!(ids[3]),
        ]
    );
    assert!(seen[..4]
        .iter()
        .all(|(kind, _)| kind.starts_with("application/json")));
    assert_eq!(seen[4].1, ids[4]);
    assert!(seen[4].0.starts_with("text/plain"), "{}", seen[4].0);
}
