//! The test-facing handles of fake bob beyond the basics: seeding employees in each
//! lifecycle, reading back the Work and Salary tables, editing named lists at runtime, and
//! the switches for facts bob's documents leave open (each defaults to what bob documents).

use serde_json::{json, Value};

use super::lists::{self, BobListItem, ItemId, ListKey, ListValues};
use super::model::{Data, Employee, Historical, Lifecycle, UploadAnswer};
use super::{salaries, worktable, FakeBob};
use crate::clock::is_ymd;

/// Stores a seeded employee (readable at once) with an `id` (the one in `json` or a new
/// one) and, when it has `work.startDate`, its first Work row.
pub(super) fn seed_employee(d: &mut Data, mut json: Value, lifecycle: Lifecycle) -> String {
    let id = match json.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => d.next_id().to_string(),
    };
    if let Value::Object(m) = &mut json {
        m.insert("id".into(), Value::String(id.clone()));
    }
    let mut e = Employee::new(json, lifecycle);
    if let Some(start) = e.json.pointer("/work/startDate").cloned() {
        let mut row = json!({"id": d.next_id(), "effectiveDate": start});
        for (key, list) in [("title", "title"), ("department", "department")] {
            let item = e
                .json
                .pointer(&format!("/work/{key}"))
                .and_then(lists::as_text);
            if let Some(i) = item.and_then(|t| lists::resolve(&d.lists, list, &t)) {
                row[key] = json!(i.id.to_string());
            }
        }
        let site = e.json.pointer("/work/site").and_then(lists::as_text);
        if let Some(i) = site.and_then(|t| lists::resolve(&d.lists, "site", &t)) {
            row["site"] = json!(i.name);
            row["siteId"] = i.id.to_json();
        }
        e.work.push(row);
    }
    d.employees.push(e);
    id
}

impl FakeBob {
    /// Seeds an existing employee (readable at once); `json` needs at least `email`.
    /// `active` makes it `employed` (Active), else `terminated` (Inactive: a former
    /// employee). Returns its id (the one in `json`, or a new one).
    pub fn add_employee(&self, json: Value, active: bool) -> String {
        let lifecycle = if active {
            Lifecycle::Employed
        } else {
            Lifecycle::Terminated
        };
        self.push_employee(json, lifecycle)
    }

    /// Seeds a former employee (`terminated`, Inactive); returns its id.
    pub fn add_former_employee(&self, json: Value) -> String {
        self.push_employee(json, Lifecycle::Terminated)
    }

    /// Marks an employee `employed` (Active) or `terminated` (Inactive).
    pub fn set_active(&self, employee_id: &str, active: bool) {
        let lifecycle = if active {
            Lifecycle::Employed
        } else {
            Lifecycle::Terminated
        };
        self.set_lifecycle(employee_id, lifecycle);
    }

    /// Sets an employee's lifecycle (a `Hired` one is Inactive until its start date).
    pub fn set_lifecycle(&self, employee_id: &str, lifecycle: Lifecycle) {
        self.with(|d| {
            d.employee_mut(employee_id)
                .into_iter()
                .for_each(|e| e.lifecycle = lifecycle)
        });
    }

    /// Takes `ymd` (`YYYY-MM-DD`) as today for lifecycles and current table rows; `None`
    /// goes back to the real UTC date. Returns false (and changes nothing) for a bad date.
    pub fn set_today(&self, ymd: Option<&str>) -> bool {
        if ymd.is_some_and(|s| !is_ymd(s)) {
            return false;
        }
        self.with(|d| d.today = ymd.map(str::to_string));
        true
    }

    /// An employee's Work table as `GET /people/{id}/work` answers it (empty if unknown).
    pub fn work_history(&self, employee_id: &str) -> Vec<Value> {
        self.with(|d| {
            d.employee(employee_id)
                .map(|e| worktable::render(&e.work, &d.today()))
                .unwrap_or_default()
        })
    }

    /// Takes Work section permissions from the service user's group (default: it has
    /// them): viewing the Work section histories (`GET /people/{id}/work`), editing the
    /// Work section (adding and rewriting rows). Each lacking one is a 403.
    pub fn set_work_permissions(&self, view_histories: bool, edit: bool) {
        self.with(|d| {
            d.work_denied = super::model::WorkDenied {
                histories: !view_histories,
                edit: !edit,
            }
        });
    }

    /// Sets columns of one stored Work row as someone would in bob (`customColumns`,
    /// `reason`, …), machine format, merged over what it has. Returns false when the
    /// employee or the row is unknown.
    pub fn set_work_columns(&self, employee_id: &str, entry_id: u64, columns: Value) -> bool {
        self.with(|d| {
            let row = d.employee_mut(employee_id).and_then(|e| {
                e.work
                    .iter_mut()
                    .find(|r| r.get("id").and_then(Value::as_u64) == Some(entry_id))
            });
            match (row, columns) {
                (Some(Value::Object(row)), Value::Object(cols)) => {
                    row.extend(cols);
                    true
                }
                _ => false,
            }
        })
    }

    /// An employee's Salary table as `GET /people/{id}/salaries` answers it.
    pub fn salaries(&self, employee_id: &str) -> Vec<Value> {
        self.with(|d| {
            d.employee(employee_id)
                .map(|e| salaries::render(&e.salaries, &d.today()))
                .unwrap_or_default()
        })
    }

    /// Replaces a named list's items, as (item id, name): flat, active, textual ids.
    pub fn set_named_list(&self, list: &str, items: Vec<(String, String)>) {
        let items = items
            .into_iter()
            .map(|(id, name)| BobListItem::new(id, &name))
            .collect();
        self.set_named_list_items(list, items);
    }

    /// Replaces a named list with these items (nested, archived, numeric or textual ids).
    pub fn set_named_list_items(&self, list: &str, items: Vec<BobListItem>) {
        self.with(|d| d.lists.insert(list.to_string(), items));
    }

    /// A named list's items, archived ones included (`None` if there is no such list).
    pub fn named_list(&self, list: &str) -> Option<Vec<BobListItem>> {
        self.with(|d| d.lists.get(list).cloned())
    }

    /// The id of the item called `name` anywhere in `list`, archived or not.
    pub fn list_item_id(&self, list: &str, name: &str) -> Option<ItemId> {
        self.with(|d| {
            let items = d.lists.get(list)?;
            lists::flatten(items)
                .into_iter()
                .find(|i| i.name == name)
                .map(|i| i.id.clone())
        })
    }

    /// Adds an active top-level item to `list` (creating the list), replacing one with
    /// the same id.
    pub fn add_list_item(&self, list: &str, id: impl Into<ItemId>, name: &str) {
        let item = BobListItem::new(id, name);
        self.with(|d| {
            let items = d.lists.entry(list.to_string()).or_default();
            items.retain(|i| i.id != item.id);
            items.push(item);
        });
    }

    /// Adds an active child under the item `parent_id` of `list`; false if no such parent.
    pub fn add_list_child(
        &self,
        list: &str,
        parent_id: &str,
        id: impl Into<ItemId>,
        name: &str,
    ) -> bool {
        let item = BobListItem::new(id, name);
        self.with(|d| {
            let parent = d
                .lists
                .get_mut(list)
                .and_then(|items| lists::find_mut(items, parent_id));
            match parent {
                Some(p) => {
                    p.children.push(item);
                    true
                }
                None => false,
            }
        })
    }

    /// Archives the item of `list` whose id or name is `id_or_name`; false if none.
    pub fn archive_list_item(&self, list: &str, id_or_name: &str) -> bool {
        self.with(|d| {
            let Some(items) = d.lists.get_mut(list) else {
                return false;
            };
            let id = lists::flatten(items)
                .into_iter()
                .find(|i| i.id.to_string() == id_or_name || i.name == id_or_name)
                .map(|i| i.id.to_string());
            match id.and_then(|id| lists::find_mut(items, &id)) {
                Some(i) => {
                    i.archived = true;
                    true
                }
                None => false,
            }
        })
    }

    /// Which form `POST /people` takes for `work.title`, `work.department` and
    /// `work.site` (unverified; default `Name`, the display value of the create guide).
    pub fn set_list_values_by(&self, by: ListValues) {
        self.with(|d| d.switches.list_values = by);
    }

    /// Which form writes take for other list fields, such as the custom T-Shirt Size
    /// (unverified; default `Id`).
    pub fn set_custom_list_values_by(&self, by: ListValues) {
        self.with(|d| d.switches.custom_list_values = by);
    }

    /// Which form the work-entry endpoints take for `title` and `department` (default
    /// `Id`, as their schema says; whether names work is unverified).
    pub fn set_work_entry_values_by(&self, by: ListValues) {
        self.with(|d| d.switches.work_entry_values = by);
    }

    /// Under which key named lists answer their items (default `Items`, per the schema).
    pub fn set_named_list_key(&self, key: ListKey) {
        self.with(|d| d.switches.list_key = key);
    }

    /// What a document upload answers (default `Id`: `{"id": <number>}`).
    pub fn set_upload_answer(&self, answer: UploadAnswer) {
        self.with(|d| d.switches.upload_answer = answer);
    }

    /// What `POST /people` does with historical fields outside the Work row, such as the
    /// payroll salary (unverified; default `Accepted`).
    pub fn set_historical_on_create(&self, rule: Historical) {
        self.with(|d| d.switches.historical_on_create = rule);
    }

    /// What `PUT /people/{id}` does with historical fields (unverified; default `Ignored`:
    /// bob says table columns are not updated through it).
    pub fn set_historical_on_update(&self, rule: Historical) {
        self.with(|d| d.switches.historical_on_update = rule);
    }
}
