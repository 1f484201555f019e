//! Fake bob (HiBob): `/v1` with Basic `SERVICE_USER_ID:TOKEN`, `{key, error}` errors,
//! one-filter people search, employee creation validated against the field schema and the
//! named lists, confidential documents with bob's 5 MB limit, per-endpoint rate limits per
//! minute, and the quirk that a new employee is not readable at once.

mod docs;
mod paths;
mod people;
mod routes;
mod schema;
mod validate;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::faults::Faults;
use crate::server::{RequestLog, Served};

pub use docs::MAX_DOCUMENT_BYTES;
pub use schema::{FIELD_EQUITY, FIELD_SALARY, FIELD_TSHIRT};

/// bob's documented search limit per minute.
const SEARCH_PER_MINUTE: u32 = 50;

/// A field of bob's people schema, as `GET /company/people/fields` lists it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BobField {
    /// `category.field`; opaque for custom fields (`payroll.field_1690000000001`).
    pub id: String,
    /// Display name ("Equity"): what clients match Lever offer fields against.
    pub name: String,
    /// Category id ("work").
    pub category: String,
    /// Category display name ("Work").
    pub category_display_name: String,
    /// Where the value lives in an employee's JSON (`work.site`, `payroll.custom.field_…`).
    pub json_path: String,
    /// `text, number, date, list, multi-list, currency, employee-reference`.
    pub kind: String,
    /// The named list of a `list`/`multi-list` field (`typeData.listId`).
    pub list_id: Option<String>,
    /// Whether bob keeps its history (work fields).
    pub historical: bool,
}

/// A document uploaded to an employee's confidential folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BobDocument {
    /// Document id (bob answers it as a number; given here as its decimal string).
    pub id: String,
    /// File name of the multipart part.
    pub name: String,
    /// Size in bytes.
    pub size: usize,
    /// The bytes received.
    pub content: Vec<u8>,
}

/// A service user's credentials and whether it is in a permission group.
#[derive(Debug, Clone)]
pub(crate) struct ServiceUser {
    pub token: String,
    pub in_group: bool,
}

/// A stored employee.
#[derive(Debug, Clone)]
pub(crate) struct Employee {
    /// The whole JSON as created, with `id`.
    pub json: Value,
    pub active: bool,
    /// Created through the API: invisible to reads and search until then.
    pub readable_at: Option<Instant>,
}

impl Employee {
    pub(crate) fn id(&self) -> &str {
        self.json
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn readable(&self) -> bool {
        self.readable_at.is_none_or(|t| Instant::now() >= t)
    }
}

/// A document with its upload time.
#[derive(Debug, Clone)]
pub(crate) struct StoredDoc {
    pub doc: BobDocument,
    pub uploaded_at: u64,
}

/// Everything the fake knows, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub users: HashMap<String, ServiceUser>,
    pub employees: Vec<Employee>,
    pub fields: Vec<BobField>,
    /// Hidden field ids: left out of every answer, as for a field the user may not read.
    pub hidden: HashSet<String>,
    /// Named lists: list id → (item id, name), in order.
    pub lists: BTreeMap<String, Vec<(String, String)>>,
    pub docs: HashMap<String, Vec<StoredDoc>>,
    pub read_delay: Duration,
    /// Requests allowed per minute, per endpoint name (see `routes::Endpoint`).
    pub limits: HashMap<&'static str, u32>,
    pub windows: HashMap<&'static str, VecDeque<Instant>>,
    pub rate_limited: usize,
    pub create_calls: usize,
    next_id: u64,
}

impl Data {
    /// A fresh numeric id (bob's ids are long digit strings).
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        3_332_883_000_000 + self.next_id
    }

    /// The stored employee with this id, readable or not.
    pub(crate) fn employee(&self, id: &str) -> Option<&Employee> {
        self.employees.iter().find(|e| e.id() == id)
    }
}

/// Shared state of one fake bob.
pub(crate) type Shared = Arc<Mutex<Data>>;

/// A running fake bob on a loopback port; stops when dropped. It starts with the standard
/// fields, three custom fields and the named lists `site`, `department` and `tshirt`.
pub struct FakeBob {
    data: Shared,
    served: Served,
}

impl FakeBob {
    /// Starts on a free loopback port (no service users: every call is `401`).
    pub async fn start() -> anyhow::Result<FakeBob> {
        let mut data = Data {
            fields: schema::standard_fields(),
            lists: schema::named_lists(),
            ..Default::default()
        };
        data.limits.insert(routes::SEARCH, SEARCH_PER_MINUTE);
        let data: Shared = Arc::new(Mutex::new(data));
        let served = crate::server::serve(routes::router(data.clone()), routes::error).await?;
        Ok(FakeBob { data, served })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Data) -> T) -> T {
        let mut guard = self.data.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Base URL the client configures: `http://127.0.0.1:PORT/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.served.addr)
    }

    /// Every request so far, with the status it got (the token is never logged).
    pub fn requests(&self) -> Vec<RequestLog> {
        self.served.requests()
    }

    /// How many requests had a path (with query) containing `path_contains`.
    pub fn hits(&self, path_contains: &str) -> usize {
        self.served.hits(path_contains)
    }

    /// The switchable faults.
    pub fn faults(&self) -> &Faults {
        &self.served.faults
    }

    /// Registers a service user, already in a permission group.
    pub fn add_service_user(&self, id: &str, token: &str) {
        let user = ServiceUser {
            token: token.to_string(),
            in_group: true,
        };
        self.with(|d| d.users.insert(id.to_string(), user));
    }

    /// Puts a service user in a permission group or takes it out (then every call is `403`).
    pub fn set_permission_group(&self, id: &str, in_group: bool) {
        self.with(|d| {
            d.users
                .get_mut(id)
                .into_iter()
                .for_each(|u| u.in_group = in_group)
        });
    }

    /// How long an employee created through the API stays unreadable and unsearchable.
    pub fn set_read_delay(&self, delay: Duration) {
        self.with(|d| d.read_delay = delay);
    }

    /// Changes the search limit (default 50 per minute).
    pub fn set_search_limit_per_minute(&self, n: u32) {
        self.set_limit_per_minute(routes::SEARCH, n);
    }

    /// Sets a per-minute limit for one endpoint: `search`, `create`, `read`, `fields`,
    /// `lists`, `upload`, `documents` (only `search` is limited by default).
    pub fn set_limit_per_minute(&self, endpoint: &str, n: u32) {
        if let Some(e) = routes::ENDPOINTS.iter().find(|e| **e == endpoint) {
            self.with(|d| {
                d.limits.insert(e, n);
                d.windows.remove(e);
            });
        }
    }

    /// How many rate-limit 429s were answered.
    pub fn rate_limited(&self) -> usize {
        self.with(|d| d.rate_limited)
    }

    /// Adds a field to the schema (or replaces the one with the same id).
    pub fn add_field(&self, field: BobField) {
        self.with(|d| {
            d.fields.retain(|f| f.id != field.id);
            d.fields.push(field);
        });
    }

    /// The current schema.
    pub fn fields(&self) -> Vec<BobField> {
        self.with(|d| d.fields.clone())
    }

    /// Leaves a field out of every answer, as bob does for a field the user may not read.
    pub fn hide_field(&self, field_id: &str) {
        self.with(|d| d.hidden.insert(field_id.to_string()));
    }

    /// Replaces a named list's items, as (item id, name).
    pub fn set_named_list(&self, list: &str, items: Vec<(String, String)>) {
        self.with(|d| d.lists.insert(list.to_string(), items));
    }

    /// Seeds an existing employee (readable at once); `json` needs at least `email`.
    /// Returns its id (the one in `json`, or a new one).
    pub fn add_employee(&self, mut json: Value, active: bool) -> String {
        self.with(|d| {
            let id = match json.get("id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => d.next_id().to_string(),
            };
            if let Value::Object(m) = &mut json {
                m.insert("id".into(), Value::String(id.clone()));
            }
            d.employees.push(Employee {
                json,
                active,
                readable_at: None,
            });
            id
        })
    }

    /// Marks an employee active or inactive (search shows inactive ones only on request).
    pub fn set_active(&self, employee_id: &str, active: bool) {
        self.with(|d| {
            d.employees
                .iter_mut()
                .filter(|e| e.id() == employee_id)
                .for_each(|e| e.active = active)
        });
    }

    /// Every stored employee's full JSON (with `id`), readable yet or not.
    pub fn employees(&self) -> Vec<Value> {
        self.with(|d| d.employees.iter().map(|e| e.json.clone()).collect())
    }

    /// An employee's uploaded documents, oldest first.
    pub fn documents(&self, employee_id: &str) -> Vec<BobDocument> {
        self.with(|d| {
            d.docs
                .get(employee_id)
                .map(|v| v.iter().map(|s| s.doc.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// How many authenticated `POST /people` calls arrived (failed ones included).
    pub fn create_calls(&self) -> usize {
        self.with(|d| d.create_calls)
    }

    /// Registers the demo service user and returns (service user id, token).
    pub fn seed_demo(&self) -> (String, String) {
        let (user, token) = (
            "demo-bob-service-user".to_string(),
            "demo-bob-token".to_string(),
        );
        self.add_service_user(&user, &token);
        (user, token)
    }
}
