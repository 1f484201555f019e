//! What fake bob stores: service users, employees (with their lifecycle, work history and
//! salary entries), the schema, named lists, documents, rate-limit windows, the refusals it
//! recorded, and the switches for the facts bob's documents leave open.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::lists::{ListKey, ListValues, Lists};
use super::{BobDocument, BobField};
use crate::clock;

/// Where an employee is in bob's lifecycle (`internal.lifecycleStatus`, lowercase as
/// community clients read it; unverified casing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Created with a start date still to come: access status Inactive until that date,
    /// then Employed (help.hibob.com, lifecycle statuses).
    Hired,
    /// Working: Active.
    Employed,
    /// Has left: Inactive. A search finds them only with `showInactive: true`.
    Terminated,
}

impl Lifecycle {
    /// `internal.lifecycleStatus`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Hired => "hired",
            Lifecycle::Employed => "employed",
            Lifecycle::Terminated => "terminated",
        }
    }
}

/// What `POST /docs/people/{id}/confidential/upload` answers: bob documents only
/// "Uploaded document ID." (YAML 720–722), so each shape a client might see is selectable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UploadAnswer {
    /// `{"id": 3332883000001}`, a number (as the URL-upload variant's documented answer).
    #[default]
    Id,
    /// `{"docId": "3332883000001"}` (the Explore Docs guide names `id` or `docId`).
    DocId,
    /// A bare JSON number: `3332883000001`.
    Bare,
    /// A bare JSON string: `"3332883000001"`.
    Text,
    /// The digits as `text/plain`, not JSON.
    Plain,
}

/// How bob shows a date under `humanReadable`: in the calling user's date format
/// ([BOB-OAS] 8357 against 8432; `docs/fidelity.md`, bob item 22). The fake's default keeps
/// the stored `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateShown {
    /// `2027-03-15`.
    #[default]
    Iso,
    /// `15/03/2027`.
    DayMonthYear,
    /// `03/15/2027`.
    MonthDayYear,
}

impl DateShown {
    /// `YYYY-MM-DD…` in this format; anything else as it is.
    pub(crate) fn show(self, iso: &str) -> Option<String> {
        let (y, m, d) = (iso.get(0..4)?, iso.get(5..7)?, iso.get(8..10)?);
        match self {
            DateShown::Iso => None,
            DateShown::DayMonthYear => Some(format!("{d}/{m}/{y}")),
            DateShown::MonthDayYear => Some(format!("{m}/{d}/{y}")),
        }
    }
}

/// What a write does with a `historical` field (a table column: salary, work, equity),
/// which bob says belongs in its table endpoint; unverified on create and update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Historical {
    /// Stored like any field.
    Accepted,
    /// Left out silently (for `PUT /people/{id}`: a `304` when nothing else changed).
    Ignored,
    /// Refused with a `400` naming the table endpoint.
    Refused,
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
    /// The JSON as written (create's payload, `PUT` merges, the current work row), with `id`.
    pub json: Value,
    pub lifecycle: Lifecycle,
    /// Created through the API: invisible to reads and search until then.
    pub readable_at: Option<Instant>,
    /// Updated through the API: reads and search show the JSON from before the update until
    /// then (`Bob::set_update_read_delay`).
    pub stale: Option<(Value, Instant)>,
    /// Work table rows in machine format (`id` integer, `title`/`department` item ids).
    pub work: Vec<Value>,
    /// Salary table rows.
    pub salaries: Vec<Value>,
}

impl Employee {
    pub(crate) fn new(json: Value, lifecycle: Lifecycle) -> Employee {
        Employee {
            json,
            lifecycle,
            readable_at: None,
            stale: None,
            work: vec![],
            salaries: vec![],
        }
    }

    pub(crate) fn id(&self) -> &str {
        self.json
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn readable(&self) -> bool {
        self.readable_at.is_none_or(|t| Instant::now() >= t)
    }

    /// The lifecycle on `today`: a hire whose start date has come is employed.
    pub(crate) fn lifecycle_on(&self, today: &str) -> Lifecycle {
        let started = self
            .json
            .pointer("/work/startDate")
            .and_then(Value::as_str)
            .is_none_or(|s| s <= today);
        match self.lifecycle {
            Lifecycle::Hired if started => Lifecycle::Employed,
            l => l,
        }
    }

    /// Whether `internal.status` is Active on `today`.
    pub(crate) fn active_on(&self, today: &str) -> bool {
        self.lifecycle_on(today) == Lifecycle::Employed
    }

    /// The employee as bob shows it: the stored JSON plus `internal.status` and
    /// `internal.lifecycleStatus`.
    pub(crate) fn view(&self, today: &str) -> Value {
        self.view_of(self.json.clone(), today)
    }

    /// [`Employee::view`] as a read answers it: an update not shown yet is left out.
    pub(crate) fn read_view(&self, today: &str) -> Value {
        match &self.stale {
            Some((before, until)) if Instant::now() < *until => self.view_of(before.clone(), today),
            _ => self.view(today),
        }
    }

    fn view_of(&self, mut v: Value, today: &str) -> Value {
        let status = if self.active_on(today) {
            "Active"
        } else {
            "Inactive"
        };
        if let Value::Object(m) = &mut v {
            m.insert(
                "internal".into(),
                json!({"status": status, "lifecycleStatus": self.lifecycle_on(today).as_str()}),
            );
        }
        v
    }
}

/// A stored document.
#[derive(Debug, Clone)]
pub(crate) struct StoredDoc {
    pub doc: BobDocument,
}

/// The switches for facts bob's documents leave open; each default is what bob documents.
#[derive(Debug, Clone)]
pub(crate) struct Switches {
    /// Form `POST /people` takes for `work.title`, `work.department`, `work.site`.
    pub list_values: ListValues,
    /// Form writes take for other list fields (custom lists such as T-Shirt Size).
    pub custom_list_values: ListValues,
    /// Form the work-entry endpoints take for `title` and `department`.
    pub work_entry_values: ListValues,
    pub list_key: ListKey,
    pub upload_answer: UploadAnswer,
    /// Non-work historical fields in `POST /people`.
    pub historical_on_create: Historical,
    /// Historical fields in `PUT /people/{id}`.
    pub historical_on_update: Historical,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            list_values: ListValues::Name,
            custom_list_values: ListValues::Id,
            work_entry_values: ListValues::Id,
            list_key: ListKey::Items,
            upload_answer: UploadAnswer::Id,
            historical_on_create: Historical::Accepted,
            historical_on_update: Historical::Ignored,
        }
    }
}

/// Work section permissions a service user's group may lack (bob's permissions for the
/// Work table, https://apidocs.hibob.com/reference/employee-tables): each refused with 403
/// before anything else is looked at.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WorkDenied {
    /// "View selected employees' Work section histories": `GET /people/{id}/work`.
    pub histories: bool,
    /// Editing the Work section: `POST` and `PUT` of Work rows.
    pub edit: bool,
}

/// Everything the fake knows, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub users: HashMap<String, ServiceUser>,
    pub employees: Vec<Employee>,
    pub fields: Vec<BobField>,
    /// Hidden field ids: left out of every answer, as for a field the user may not read.
    pub hidden: HashSet<String>,
    /// Field ids the service user may read but not edit: an update leaves them out.
    pub not_editable: HashSet<String>,
    /// The service user's date format, for display values.
    pub date_shown: DateShown,
    pub lists: Lists,
    pub docs: HashMap<String, Vec<StoredDoc>>,
    pub read_delay: Duration,
    /// How long an update stays out of reads and search.
    pub update_read_delay: Duration,
    /// Requests allowed per minute, per endpoint name (see `routes::ENDPOINTS`).
    pub limits: HashMap<&'static str, u32>,
    pub windows: HashMap<&'static str, VecDeque<Instant>>,
    pub rate_limited: usize,
    pub create_calls: usize,
    /// Every refused request's violations: ("METHOD /v1/path", violation).
    pub violations: Vec<(String, String)>,
    pub switches: Switches,
    /// The Work section permissions the service user lacks.
    pub work_denied: WorkDenied,
    /// The date the fake takes as today (`None`: the real UTC date).
    pub today: Option<String>,
    /// Where the server listens (for download links).
    pub addr: Option<SocketAddr>,
    next_id: u64,
}

impl Data {
    /// A fresh numeric id (bob's ids are long digit strings).
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        3_332_883_000_000 + self.next_id
    }

    /// Today, `YYYY-MM-DD`.
    pub(crate) fn today(&self) -> String {
        self.today.clone().unwrap_or_else(|| {
            let now = clock::iso_utc(clock::now_ms());
            now.get(..10).unwrap_or(&now).to_string()
        })
    }

    /// The stored employee with this id, readable or not.
    pub(crate) fn employee(&self, id: &str) -> Option<&Employee> {
        self.employees.iter().find(|e| e.id() == id)
    }

    /// The stored employee with this id, to change.
    pub(crate) fn employee_mut(&mut self, id: &str) -> Option<&mut Employee> {
        self.employees.iter_mut().find(|e| e.id() == id)
    }

    /// Whether another employee already has this email (case-insensitive).
    pub(crate) fn email_taken(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.employees.iter().any(|e| {
            e.json
                .get("email")
                .and_then(Value::as_str)
                .is_some_and(|m| m.trim().to_lowercase() == email)
        })
    }

    /// The field with this id.
    pub(crate) fn field(&self, id: &str) -> Option<&BobField> {
        self.fields.iter().find(|f| f.id == id)
    }
}

/// Shared state of one fake bob.
pub(crate) type Shared = Arc<Mutex<Data>>;
