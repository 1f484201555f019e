//! bob's API: Basic auth `SERVICE_USER_ID:TOKEN`, `{key, error}` errors, search before
//! create, field metadata, named lists and confidential documents. 401 and 403 are never
//! retried: repeated auth errors trip HiBob's firewall.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use std::collections::HashMap;

use super::bob_lookup::{self, employee_id, Found, Lookups, Search};
use super::http::{self, ApiError, RetryPolicy, Service};
use crate::secrets::Secret;

/// bob's limit per uploaded document.
pub const MAX_DOCUMENT_BYTES: u64 = 5 * 1024 * 1024;

/// A field of bob's people schema.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, ts_rs::TS)]
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
    /// text, text-area, number, date, list, multi-list, hierarchy-list, currency,
    /// employee-reference, document.
    #[serde(rename = "type")]
    pub kind: String,
    /// `{listId}` for list types (`{}` otherwise).
    pub type_data: Value,
    /// A table column with dated history (work, salary, employment): written through its
    /// table's endpoint, not in a create or update of the employee.
    pub historical: bool,
}

impl BobField {
    /// The named list of a list-typed field.
    pub fn list_id(&self) -> Option<&str> {
        self.type_data.get("listId").and_then(Value::as_str)
    }

    /// Whether values must be items of a named list.
    pub fn is_list(&self) -> bool {
        self.kind.contains("list") && self.list_id().is_some()
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

/// An item of a named list (nested lists have `children`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ListItem {
    /// Item id (a number in some lists, text in others).
    #[serde(deserialize_with = "crate::lenient::text")]
    pub id: String,
    /// Value.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub value: String,
    /// Display name.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub name: String,
    /// Archived items are not offered.
    pub archived: bool,
    /// Items under this one.
    pub children: Vec<ListItem>,
}

impl ListItem {
    /// Whether this item is called `label` (case-insensitive, by name or value).
    pub fn is_called(&self, label: &str) -> bool {
        let l = label.trim();
        !l.is_empty()
            && (self.name.trim().eq_ignore_ascii_case(l)
                || self.value.trim().eq_ignore_ascii_case(l))
    }

    /// Whether this item is called exactly `label`.
    pub fn is_exactly(&self, label: &str) -> bool {
        let l = label.trim();
        !l.is_empty() && (self.name.trim() == l || self.value.trim() == l)
    }

    /// The name bob shows (its name, else its value).
    pub fn display(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.value
        } else {
            &self.name
        }
    }
}

/// The usable items of a named list, nested ones included, archived ones left out.
pub fn flatten(items: Vec<ListItem>) -> Vec<ListItem> {
    let mut out = Vec::new();
    let mut stack: Vec<ListItem> = items.into_iter().rev().collect();
    while let Some(mut item) = stack.pop() {
        let children = std::mem::take(&mut item.children);
        if item.archived {
            continue;
        }
        stack.extend(children.into_iter().rev());
        out.push(item);
    }
    out
}

/// The item of `items` a Lever value means: the exact name first, then ignoring case.
pub fn find_item<'a>(items: &'a [ListItem], label: &str) -> Option<&'a ListItem> {
    items
        .iter()
        .find(|i| i.is_exactly(label))
        .or_else(|| items.iter().find(|i| i.is_called(label)))
}

/// A document of an employee, as bob lists them (by name; bob's list gives no id).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct BobDoc {
    /// The document's name.
    #[serde(
        rename = "documentName",
        alias = "name",
        deserialize_with = "crate::lenient::text"
    )]
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

    pub(super) async fn send(
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
    pub async fn find_by_email(&self, email: &str) -> Result<Option<Found>, ApiError> {
        if let Some(lookups) = &self.lookups {
            return lookups.find(self, email).await;
        }
        let mut found =
            bob_lookup::current_then_former(self, vec![email.to_string()], None).await?;
        Ok(found.remove(&email.to_lowercase()))
    }

    /// One search for employees with any of these emails, current ones only or
    /// (`inactive`) inactive ones too, by lowercased email, with their lifecycle when the
    /// service user may read it.
    pub async fn search_emails(
        &self,
        emails: &[String],
        inactive: bool,
    ) -> Result<HashMap<String, Found>, ApiError> {
        let body = json!({
            "fields": ["root.id", "root.email", "internal.status", "internal.lifecycleStatus"],
            "filters": [{"fieldPath": "root.email", "operator": "equals", "values": emails}],
            "showInactive": inactive,
        });
        let employees = self.search_people(&body).await?;
        let mut found = bob_lookup::by_email(&employees);
        if let ([email], true) = (emails, found.is_empty()) {
            // A service user that may not read emails still gets the match's id.
            if let Some(f) = employees.iter().find_map(bob_lookup::found) {
                found.insert(email.to_lowercase(), f);
            }
        }
        Ok(found)
    }

    /// The people a `POST /people/search` with `body` lists (none when bob's answer has no
    /// `employees` list).
    pub(super) async fn search_people(&self, body: &Value) -> Result<Vec<Value>, ApiError> {
        // A search changes nothing: safe to resend.
        let resp = self
            .send(false, |c, u| c.post(u).json(body), "/people/search")
            .await?;
        let mut v: Value = http::json(Service::Bob, resp).await?;
        Ok(match v.get_mut("employees").map(Value::take) {
            Some(Value::Array(people)) => people,
            _ => Vec::new(),
        })
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

    /// A named list's usable items (sites, departments, titles, custom lists), nested
    /// ones included and archived ones left out. bob's schema answers `items`; some
    /// accounts were seen answering `values`: either is read.
    pub async fn list(&self, name: &str) -> Result<Vec<ListItem>, ApiError> {
        #[derive(Deserialize)]
        struct NamedList {
            #[serde(default)]
            items: Option<Vec<ListItem>>,
            #[serde(default)]
            values: Option<Vec<ListItem>>,
        }
        let resp = self
            .send(
                false,
                |c, u| c.get(u),
                &format!("/company/named-lists/{name}"),
            )
            .await?;
        let list: NamedList = http::json(Service::Bob, resp).await?;
        Ok(flatten(list.items.or(list.values).unwrap_or_default()))
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
        document_id(&v)
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

/// The id in an upload answer, in every shape bob's docs allow ("Uploaded document ID."):
/// `{"id"}`, `{"docId"}`, a bare number or a bare string.
pub fn document_id(v: &Value) -> Option<String> {
    let id = match v {
        Value::Object(o) => o.get("id").or_else(|| o.get("docId"))?,
        other => other,
    };
    match id {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Search for Bob {
    async fn search(
        &self,
        emails: Vec<String>,
        inactive: bool,
    ) -> Result<HashMap<String, Found>, ApiError> {
        self.search_emails(&emails, inactive).await
    }
}
/// How bob refused an employee create, read from its answer here so that the hire flow
/// matches on a type, not on bob's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateRefusal {
    /// bob already has an employee with this email (an earlier create went through).
    Exists,
    /// bob refused the payload: nothing was created, so a retry may create afresh.
    Payload,
}

impl CreateRefusal {
    /// The refusal an error of `create` is, if it is one (a 4xx other than 429).
    pub fn of(e: &ApiError) -> Option<CreateRefusal> {
        let status = e.status.filter(|s| (400..500).contains(s))?;
        if e.what.to_lowercase().contains("exist") {
            Some(CreateRefusal::Exists)
        } else if status != 429 {
            Some(CreateRefusal::Payload)
        } else {
            None
        }
    }

    /// Whether bob refused a work list value (title, department, site) of the create:
    /// nothing was created, and the values may be sent again as the items' ids.
    pub fn is_list_value(e: &ApiError) -> bool {
        e.status == Some(400)
            && ["work.title", "work.department", "work.site"]
                .iter()
                .any(|f| e.what.contains(f))
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    fn refused(status: u16, message: &str) -> ApiError {
        ApiError::status(Service::Bob, status, message, None)
    }

    #[test]
    fn a_create_refusal_is_read_from_bobs_answer_in_the_order_the_hire_flow_needs() {
        let exists = refused(409, "An employee with this Email already exists");
        assert_eq!(CreateRefusal::of(&exists), Some(CreateRefusal::Exists));
        let payload = refused(400, "firstName is required");
        assert_eq!(CreateRefusal::of(&payload), Some(CreateRefusal::Payload));
        // A rate limit or a server error is no refusal: it may pass.
        assert_eq!(CreateRefusal::of(&refused(429, "slow down")), None);
        assert_eq!(CreateRefusal::of(&refused(503, "down")), None);
        let title = refused(400, "Invalid value for work.title: Staff Engineer");
        assert!(CreateRefusal::is_list_value(&title));
        assert!(!CreateRefusal::is_list_value(&payload));
        assert!(!CreateRefusal::is_list_value(&refused(422, "work.site")));
    }
}
