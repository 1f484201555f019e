//! Fake bob (HiBob): `/v1` with Basic `SERVICE_USER_ID:TOKEN`, `{key, error}` errors,
//! every request checked against bob's published request schema (refusals recorded),
//! one-filter people search with bob's active/inactive rules, employee creation validated
//! against the field metadata and the named lists, updates after the hire (`PUT
//! /people/{id}`, Work and Salary table entries), confidential documents with bob's 5 MB
//! limit, per-endpoint rate limits per minute, the quirk that a new employee is not
//! readable at once, and switches for what bob's documents leave open.

mod api;
mod create;
mod docs;
mod jsonschema;
mod lists;
mod model;
mod openapi;
mod paths;
mod people;
mod render;
mod routes;
mod salaries;
mod schema;
mod start_date;
mod update;
mod validate;
mod work;
mod worktable;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::faults::Faults;
use crate::server::{RequestLog, Served};
use model::{Data, Shared, StoredDoc};

pub use docs::MAX_DOCUMENT_BYTES;
pub use lists::{BobListItem, ItemId, ListKey, ListValues};
pub use model::{DateShown, Historical, Lifecycle, UploadAnswer};
pub use openapi::MAX_SEARCH_FIELDS;
pub use schema::{
    FIELD_CUSTOM_SITE, FIELD_CUSTOM_START_DATE, FIELD_EQUITY, FIELD_SALARY, FIELD_TSHIRT,
};

/// bob's documented search limit per minute.
const SEARCH_PER_MINUTE: u32 = 50;

/// A field of bob's people schema, as `GET /company/people/fields` lists it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BobField {
    /// `category.field`; opaque for custom fields (`payroll.field_1690000000001`).
    pub id: String,
    /// Display name ("Equity"): what clients match Lever offer fields against. Not unique.
    pub name: String,
    /// Category id ("work"), answered as both `categoryId` and the deprecated `category`.
    pub category: String,
    /// Category display name ("Work").
    pub category_display_name: String,
    /// Where the value lives in an employee's JSON (`work.site`, `payroll.custom.field_…`).
    pub json_path: String,
    /// `text, text-area, number, date, list, multi-list, hierarchy-list, currency,
    /// employee-reference, document`.
    pub kind: String,
    /// The named list of a list-typed field (`typeData.listId`).
    pub list_id: Option<String>,
    /// Whether bob keeps its history (a table column: work fields, salary).
    pub historical: bool,
    /// Description (`null` when `None`).
    pub description: Option<String>,
}

/// A document uploaded to an employee's confidential folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BobDocument {
    /// Document id (bob answers it as a number by default; given here as its decimal string).
    pub id: String,
    /// File name of the multipart part (the list's `documentName`).
    pub name: String,
    /// Size in bytes.
    pub size: usize,
    /// The bytes received.
    pub content: Vec<u8>,
}

/// A running fake bob on a loopback port; stops when dropped. It starts with the standard
/// fields, custom fields (two called "Site", two "Start date") and the named lists `site`,
/// `title`, `department` (nested) and `tshirt`.
pub struct FakeBob {
    data: Shared,
    served: Served,
}

impl FakeBob {
    /// Starts on a free loopback port (no service users: every call is `401`).
    pub async fn start() -> anyhow::Result<FakeBob> {
        let mut data = Data::default();
        data.fields = schema::standard_fields();
        data.lists = lists::demo_lists();
        data.limits.insert(routes::SEARCH, SEARCH_PER_MINUTE);
        let data: Shared = Arc::new(Mutex::new(data));
        let served = crate::server::serve(routes::router(data.clone()), routes::error).await?;
        let bob = FakeBob { data, served };
        let addr = bob.served.addr;
        bob.with(|d| d.addr = Some(addr));
        Ok(bob)
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

    /// Every violation of a refused request so far, oldest first: (`"METHOD /v1/path"`,
    /// violation), one entry per violation (a request with three gets three).
    pub fn schema_violations(&self) -> Vec<(String, String)> {
        self.with(|d| d.violations.clone())
    }

    /// Forgets the recorded violations.
    pub fn clear_schema_violations(&self) {
        self.with(|d| d.violations.clear());
    }

    /// Registers a service user, already in a permission group.
    pub fn add_service_user(&self, id: &str, token: &str) {
        let user = model::ServiceUser {
            token: token.to_string(),
            in_group: true,
        };
        self.with(|d| d.users.insert(id.to_string(), user));
    }

    /// Puts a service user in a permission group or takes it out (then every call but the
    /// fields metadata is `403`).
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

    /// How long an update through `PUT /people/{id}` stays out of reads and search (default
    /// none; up to 20 s in bob's reference for the endpoint, as `docs/fidelity.md` cites it).
    pub fn set_update_read_delay(&self, delay: Duration) {
        self.with(|d| d.update_read_delay = delay);
    }

    /// Changes the search limit (default 50 per minute).
    pub fn set_search_limit_per_minute(&self, n: u32) {
        self.set_limit_per_minute(routes::SEARCH, n);
    }

    /// Sets a per-minute limit for one endpoint: `search`, `create`, `read`, `update`,
    /// `work`, `salaries`, `fields`, `lists`, `upload`, `documents` (only `search` is
    /// limited by default). An unknown name is ignored.
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

    /// Leaves a field out of every employee answer, as bob does for a field the user may
    /// not read (the fields metadata still lists it).
    pub fn hide_field(&self, field_id: &str) {
        self.with(|d| d.hidden.insert(field_id.to_string()));
    }

    /// Whether the service user may edit a field it can read (default: yes). When not,
    /// `PUT /people/{id}` leaves the field out and answers for the rest, 200 or 304 (bob's
    /// "Partial fetching/updating", https://apidocs.hibob.com/reference/people).
    pub fn set_editable(&self, field_id: &str, editable: bool) {
        self.with(|d| {
            if editable {
                d.not_editable.remove(field_id);
            } else {
                d.not_editable.insert(field_id.to_string());
            }
        });
    }

    /// The date format of the service user's bob account, in which display values
    /// (`humanReadable`) show dates (default: as stored, `YYYY-MM-DD`).
    pub fn set_user_date_format(&self, shown: DateShown) {
        self.with(|d| d.date_shown = shown);
    }

    /// An employee's uploaded documents, oldest first.
    pub fn documents(&self, employee_id: &str) -> Vec<BobDocument> {
        self.with(|d| {
            d.docs
                .get(employee_id)
                .map(|v| v.iter().map(|s: &StoredDoc| s.doc.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// How many authenticated `POST /people` calls arrived (failed ones included).
    pub fn create_calls(&self) -> usize {
        self.with(|d| d.create_calls)
    }

    /// Registers the demo service user and returns (service user id, token). The fresh
    /// lists already hold the demo company's titles, departments and sites.
    pub fn seed_demo(&self) -> (String, String) {
        let (user, token) = (
            "demo-bob-service-user".to_string(),
            "demo-bob-token".to_string(),
        );
        self.add_service_user(&user, &token);
        (user, token)
    }

    /// Every stored employee as bob shows it (with `id` and `internal`), readable yet or not.
    pub fn employees(&self) -> Vec<Value> {
        self.with(|d| {
            let today = d.today();
            d.employees.iter().map(|e| e.view(&today)).collect()
        })
    }

    /// One employee as bob shows it, readable yet or not.
    pub fn employee(&self, id: &str) -> Option<Value> {
        self.with(|d| d.employee(id).map(|e| e.view(&d.today())))
    }

    fn push_employee(&self, json: Value, lifecycle: Lifecycle) -> String {
        self.with(|d| api::seed_employee(d, json, lifecycle))
    }
}
