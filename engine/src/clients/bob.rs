//! bob's API: Basic auth `SERVICE_USER_ID:TOKEN`, `{key, error}` errors, search before
//! create, field metadata, named lists and confidential documents. 401 and 403 are never
//! retried: repeated auth errors trip HiBob's firewall.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use std::collections::HashMap;

use super::bob_lookup::{self, Lookups};
use super::http::{self, ApiError, RetryPolicy, Service};
use crate::secrets::Secret;

/// bob's limit per uploaded document.
pub const MAX_DOCUMENT_BYTES: u64 = 5 * 1024 * 1024;

/// A field of bob's people schema.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct BobField {
    /// `category.field` (opaque for custom fields).
    pub id: String,
    /// Display name: what Lever offer fields are matched against.
    pub name: String,
    /// Category id.
    pub category: String,
    /// Category display name.
    pub category_display_name: String,
    /// Where the value is written in a create payload (`/work/title` or `work.title`).
    pub json_path: String,
    /// text, number, date, list, multi-list, currency, employee-reference, …
    #[serde(rename = "type")]
    pub kind: String,
    /// `{listId}` for list types.
    pub type_data: Value,
}

impl BobField {
    /// The named list of a list-typed field.
    pub fn list_id(&self) -> Option<&str> {
        self.type_data.get("listId").and_then(Value::as_str)
    }

    /// The write path as segments (`/payroll/custom/x`, `payroll.custom.x` and `root.x` all work).
    pub fn path(&self) -> Vec<String> {
        let raw = if self.json_path.is_empty() {
            &self.id
        } else {
            &self.json_path
        };
        let segs: Vec<String> = raw
            .split(['/', '.'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        match segs.first().map(String::as_str) {
            Some("root") => segs[1..].to_vec(),
            _ => segs,
        }
    }
}

/// An item of a named list.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ListItem {
    /// Item id (what list-typed fields take).
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub id: String,
    /// Value.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub value: String,
    /// Display name.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub name: String,
    /// Archived items are not offered.
    pub archived: bool,
}

impl ListItem {
    /// Whether this item is called `label` (case-insensitive, by name or value).
    pub fn is_called(&self, label: &str) -> bool {
        let l = label.trim();
        !l.is_empty()
            && (self.name.trim().eq_ignore_ascii_case(l)
                || self.value.trim().eq_ignore_ascii_case(l))
    }
}

/// A document of an employee.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct BobDoc {
    /// Document id.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub id: String,
    /// File name.
    #[serde(deserialize_with = "super::lever_types::lenient_string")]
    pub name: String,
}

/// A bob client for one service user.
#[derive(Debug, Clone)]
pub struct Bob {
    base: String,
    user: Secret,
    token: Secret,
    http: reqwest::Client,
    policy: RetryPolicy,
    lookups: Option<Lookups>,
}

fn message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| body.chars().take(300).collect())
}

fn hint(e: ApiError) -> ApiError {
    match e.status {
        Some(401) => e.with_hint("bob refused the service user: check its id and token in Setup; Hirewire will not retry, so HiBob's firewall is not tripped"),
        Some(403) => e.with_hint(
            "bob refused the service user: add it to a permission group with People (view, create, edit) and confidential Documents (upload, view)",
        ),
        _ => e,
    }
}

impl Bob {
    /// A client for `base` (e.g. `https://api.hibob.com/v1`).
    pub fn new(base: &str, user: Secret, token: Secret, http: reqwest::Client) -> Self {
        Bob {
            base: base.trim_end_matches('/').to_string(),
            user,
            token,
            http,
            policy: RetryPolicy::default(),
            lookups: None,
        }
    }

    /// Shares email lookups (and bob's search limit) with the engine's other jobs.
    pub fn with_lookups(mut self, lookups: Lookups) -> Self {
        self.lookups = Some(lookups);
        self
    }

    async fn send(
        &self,
        once: bool,
        make: impl Fn(&reqwest::Client, String) -> reqwest::RequestBuilder,
        path: &str,
    ) -> Result<reqwest::Response, ApiError> {
        let url = format!("{}{path}", self.base);
        let policy = if once {
            self.policy.once()
        } else {
            self.policy
        };
        let build = || {
            make(&self.http, url.clone()).basic_auth(self.user.expose(), Some(self.token.expose()))
        };
        http::send(Service::Bob, policy, None, build, message)
            .await
            .map_err(hint)
    }

    /// The employee with this email (inactive ones included), if any.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<String>, ApiError> {
        if let Some(lookups) = &self.lookups {
            return lookups.find(self, email).await;
        }
        let found = self.search_emails(&[email.to_string()]).await?;
        Ok(found.get(&email.to_lowercase()).cloned())
    }

    /// One search for employees with any of these emails: ids by lowercased email.
    pub async fn search_emails(
        &self,
        emails: &[String],
    ) -> Result<HashMap<String, String>, ApiError> {
        let body = json!({
            "fields": ["root.id", "root.email"],
            "filters": [{"fieldPath": "root.email", "operator": "equals", "values": emails}],
            "showInactive": true,
        });
        // A search changes nothing: safe to resend.
        let resp = self
            .send(false, |c, u| c.post(u).json(&body), "/people/search")
            .await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        let employees = v
            .get("employees")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut found = bob_lookup::by_email(&employees);
        if let ([email], true) = (emails, found.is_empty()) {
            // A service user that may not read emails still gets the match's id.
            if let Some(id) = employees.iter().find_map(employee_id) {
                found.insert(email.to_lowercase(), id);
            }
        }
        Ok(found)
    }

    /// Creates an employee; returns the new id.
    pub async fn create(&self, payload: &Value) -> Result<String, ApiError> {
        let resp = self
            .send(true, |c, u| c.post(u).json(payload), "/people")
            .await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        employee_id(&v)
            .ok_or_else(|| ApiError::unreadable(Service::Bob, "no id in the created employee"))
    }

    /// The people fields the service user may see.
    pub async fn fields(&self) -> Result<Vec<BobField>, ApiError> {
        let resp = self
            .send(false, |c, u| c.get(u), "/company/people/fields")
            .await?;
        http::json(Service::Bob, resp).await
    }

    /// A named list's items (sites, departments, custom lists).
    pub async fn list(&self, name: &str) -> Result<Vec<ListItem>, ApiError> {
        #[derive(Deserialize)]
        struct NamedList {
            #[serde(default)]
            values: Vec<ListItem>,
        }
        let resp = self
            .send(
                false,
                |c, u| c.get(u),
                &format!("/company/named-lists/{name}"),
            )
            .await?;
        let list: NamedList = http::json(Service::Bob, resp).await?;
        Ok(list.values.into_iter().filter(|i| !i.archived).collect())
    }

    /// Uploads a file to an employee's confidential documents; returns the document id.
    pub async fn upload(
        &self,
        employee: &str,
        file_name: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<String, ApiError> {
        let make = |c: &reqwest::Client, u: String| {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(file_name.to_string())
                .mime_str(content_type)
                .unwrap_or_else(|_| {
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.to_string())
                });
            c.post(u)
                .multipart(reqwest::multipart::Form::new().part("file", part))
        };
        let resp = self
            .send(
                true,
                make,
                &format!("/docs/people/{employee}/confidential/upload"),
            )
            .await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        v.get("id")
            .map(|id| {
                id.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| id.to_string())
            })
            .ok_or_else(|| ApiError::unreadable(Service::Bob, "no id for the uploaded document"))
    }

    /// An employee's documents (used after a crash to see whether an upload happened).
    pub async fn documents(&self, employee: &str) -> Result<Vec<BobDoc>, ApiError> {
        let resp = self
            .send(false, |c, u| c.get(u), &format!("/docs/people/{employee}"))
            .await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        let docs = v.get("documents").cloned().unwrap_or(Value::Array(vec![]));
        serde_json::from_value(docs).map_err(|e| ApiError::unreadable(Service::Bob, e))
    }
}

/// The id of an employee object, however bob nested it.
pub(crate) fn employee_id(v: &Value) -> Option<String> {
    let id = v
        .get("id")
        .or_else(|| v.get("root").and_then(|r| r.get("id")))?;
    match id {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
