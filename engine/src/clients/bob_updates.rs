//! Changing an employee bob already has, each field through the endpoint bob documents
//! for it (`docs/fidelity.md`): plain fields with `PUT /people/{id}` (partial, like a
//! PATCH; `304` when nothing changed), the start date with
//! `POST /employees/{id}/start-date`, and the Work table's columns (title, department,
//! site) as a dated row of `/people/{id}/work`, read back first so that a row written
//! before an interruption is found instead of written twice.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::bob::Bob;
use super::bob_lookup::{employee_id, value_at};
use super::http::{self, ApiError, Service};
use crate::work::change::same;

/// One row of an employee's Work table as bob lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRow {
    /// The row id (an integer in bob's schema, kept as text).
    pub id: String,
    /// `YYYY-MM-DD`.
    pub effective_date: String,
    /// The whole row as bob answered it.
    pub raw: Value,
}

/// How a Work row rewrite names its row
/// (https://apidocs.hibob.com/reference/put_people-id-work-entry-id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAddress {
    /// bob's recommended form: the body's site and effective date name the row.
    SiteAndDate,
    /// `patchUpdate=true` (legacy in bob's words): the path's entry id names the row, and
    /// the columns the body leaves out are kept.
    Id,
}

impl Bob {
    /// Writes plain fields (`{"home": {"mobilePhone": …}}`); `Ok(false)` when bob says
    /// nothing changed (`304`).
    pub async fn update_fields(&self, employee: &str, body: &Value) -> Result<bool, ApiError> {
        let path = format!("/people/{employee}");
        match self.send(false, |c, u| c.put(u).json(body), &path).await {
            Ok(_) => Ok(true),
            Err(e) if e.status == Some(304) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Sets the employee's start date (`YYYY-MM-DD`). Setting the same date again changes
    /// nothing, so the call may be repeated.
    pub async fn set_start_date(&self, employee: &str, date: &str) -> Result<(), ApiError> {
        let body = json!({"startDate": date});
        let path = format!("/employees/{employee}/start-date");
        self.send(false, |c, u| c.post(u).json(&body), &path)
            .await
            .map(|_| ())
    }

    /// The employee's Work table, oldest first.
    pub async fn work_rows(&self, employee: &str) -> Result<Vec<WorkRow>, ApiError> {
        let path = format!("/people/{employee}/work");
        let resp = self.send(false, |c, u| c.get(u), &path).await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        let rows = v
            .get("values")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter_map(|raw| {
                let id = match raw.get("id")? {
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => s.clone(),
                    _ => return None,
                };
                let effective_date = raw.get("effectiveDate")?.as_str()?.to_string();
                Some(WorkRow {
                    id,
                    effective_date,
                    raw,
                })
            })
            .collect())
    }

    /// Adds a dated Work row. Not safe to resend blindly (a second row would be made):
    /// callers read the rows first.
    pub async fn add_work_row(&self, employee: &str, row: &Value) -> Result<(), ApiError> {
        let path = format!("/people/{employee}/work");
        self.send(true, |c, u| c.post(u).json(row), &path)
            .await
            .map(|_| ())
    }

    /// Overwrites a Work row whole (bob clears the columns a row leaves out), found as
    /// `address` says: by the row's site and effective date, which `row` must carry, or by
    /// `row_id` (`patchUpdate=true`).
    pub async fn replace_work_row(
        &self,
        employee: &str,
        row_id: &str,
        row: &Value,
        address: RowAddress,
    ) -> Result<(), ApiError> {
        let query = match address {
            RowAddress::SiteAndDate => "",
            RowAddress::Id => "?patchUpdate=true",
        };
        let path = format!("/people/{employee}/work/{row_id}{query}");
        self.send(false, |c, u| c.put(u).json(row), &path)
            .await
            .map(|_| ())
    }

    /// The current values of `fields` for these employees, by employee id, in both of
    /// bob's forms (`humanReadable: APPEND`): read them with [`held_at`].
    pub async fn values_of(
        &self,
        employees: &[String],
        fields: &[String],
    ) -> Result<HashMap<String, Value>, ApiError> {
        if employees.is_empty() {
            return Ok(HashMap::new());
        }
        let mut wanted = vec!["root.id".to_string()];
        wanted.extend(fields.iter().cloned());
        let body = json!({
            "fields": wanted,
            "filters": [{"fieldPath": "root.id", "operator": "equals", "values": employees}],
            "showInactive": true,
            "humanReadable": "APPEND",
        });
        Ok(self
            .search_people(&body)
            .await?
            .into_iter()
            .filter_map(|e| Some((employee_id(&e)?, e)))
            .collect())
    }
}

/// What bob holds at one field of an employee from [`Bob::values_of`]: the stored value
/// (a date as `YYYY-MM-DD`, a list item by id) and, when bob gave one, its display form (a
/// date in the service user's own date format, a list item by name). Lever's values are
/// compared with both, since either may be the one that reads the same.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    stored: &'a Value,
    shown: Option<&'a Value>,
}

/// The field at `path` of `employee`, if bob answered it (the service user may read it).
pub fn held_at<'a>(employee: &'a Value, path: &[&str]) -> Option<Held<'a>> {
    let stored = value_at(employee, path)?;
    let shown = employee
        .get("humanReadable")
        .and_then(|h| value_at(h, path));
    Some(Held { stored, shown })
}

impl<'a> Held<'a> {
    /// Whether bob holds `v`, in either form.
    pub fn is(&self, v: &Value) -> bool {
        same(self.stored, v) || self.shown.is_some_and(|s| same(s, v))
    }

    /// The value to show a person: the display form when there is one.
    pub fn shown(&self) -> &'a Value {
        self.shown.unwrap_or(self.stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hirewire_fakes::bob::{DateShown, FakeBob};

    #[tokio::test(flavor = "current_thread")]
    async fn a_date_bob_shows_in_the_user_s_format_and_a_list_item_by_id_read_as_what_lever_says() {
        let fake = FakeBob::start()
            .await
            .unwrap_or_else(|e| panic!("fake bob: {e}"));
        let (user, token) = fake.seed_demo();
        let id = fake.add_employee(
            json!({"email": "ada@example.com", "work": {"startDate": "2027-03-01", "title": "Software Engineer"}}),
            true,
        );
        fake.set_user_date_format(DateShown::DayMonthYear);
        let bob = Bob::new(
            &fake.url(),
            crate::secrets::Secret::new(user),
            crate::secrets::Secret::new(token),
            reqwest::Client::new(),
        );
        let fields = ["work.startDate".to_string(), "work.title".to_string()];
        let found = bob
            .values_of(std::slice::from_ref(&id), &fields)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let employee = &found[&id];
        let start =
            held_at(employee, &["work", "startDate"]).unwrap_or_else(|| panic!("{employee:#}"));
        assert!(start.is(&json!("2027-03-01")), "{employee:#}");
        assert!(!start.is(&json!("2027-03-15")));
        assert_eq!(
            start.shown(),
            &json!("01/03/2027"),
            "shown as the user reads it"
        );
        let title = held_at(employee, &["work", "title"]).unwrap_or_else(|| panic!("{employee:#}"));
        assert!(
            title.is(&json!("Software Engineer")),
            "by name, though stored by id: {employee:#}"
        );
        assert!(
            held_at(employee, &["home", "mobilePhone"]).is_none(),
            "not asked for"
        );
    }
}
