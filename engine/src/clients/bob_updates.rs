//! Changing an employee bob already has, each field through the endpoint bob documents
//! for it (`docs/fidelity.md`): plain fields with `PUT /people/{id}` (partial, like a
//! PATCH; `304` when nothing changed), the start date with
//! `POST /employees/{id}/start-date`, and the Work table's columns (title, department,
//! site) as a dated row of `/people/{id}/work`, read back first so that a row written
//! before an interruption is found instead of written twice.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::bob::Bob;
use super::bob_lookup::employee_id;
use super::http::{self, ApiError, Service};

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

    /// Overwrites a Work row whole (bob clears the columns a row leaves out).
    pub async fn replace_work_row(
        &self,
        employee: &str,
        row_id: &str,
        row: &Value,
    ) -> Result<(), ApiError> {
        let path = format!("/people/{employee}/work/{row_id}");
        self.send(false, |c, u| c.put(u).json(row), &path)
            .await
            .map(|_| ())
    }

    /// The current values of `fields` for these employees, by employee id, as display
    /// values (`humanReadable: REPLACE`), as one search.
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
            "humanReadable": "REPLACE",
        });
        let resp = self
            .send(false, |c, u| c.post(u).json(&body), "/people/search")
            .await?;
        let v: Value = http::json(Service::Bob, resp).await?;
        Ok(v.get("employees")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| Some((employee_id(e)?, e.clone())))
            .collect())
    }
}
