//! What `hirewire check` tries in bob for Approve of a change after the hire: reading an
//! employee's Work rows and rewriting one, without changing anything. The rewrite is asked
//! of a row that cannot exist (id 0, by id with `patchUpdate=true`), so a service user that
//! may edit gets bob's 404 "Requested entry not found. Nothing was changed" and one that may
//! not gets 403; that bob checks the permission before it looks for the row is not
//! documented (`docs/fidelity.md`).

use serde_json::json;

use super::bob::Bob;
use super::bob_lookup::employee_id;
use super::http::ApiError;

/// The service user's permission to list an employee's Work rows, in bob's words
/// (https://apidocs.hibob.com/reference/employee-tables).
pub const VIEW_WORK_HISTORIES: &str = "View selected employees' Work section histories";
/// The permission to add and rewrite Work rows, named as bob's other "Edit selected
/// employees' … sections" permissions are (bob's own pages do not list it: unverified).
pub const EDIT_WORK: &str = "Edit selected employees' Work sections";

/// What trying the Work table found.
#[derive(Debug)]
pub enum WorkAccess {
    /// bob lists no current employee to try it on.
    NoEmployee,
    /// Both calls were allowed.
    Allowed,
    /// bob refused one with 403: the permission named.
    Missing(&'static str),
}

impl Bob {
    /// Tries listing and rewriting Work rows on one current employee; changes nothing.
    pub async fn try_work_table(&self) -> Result<WorkAccess, ApiError> {
        let Some(employee) = self.any_employee().await? else {
            return Ok(WorkAccess::NoEmployee);
        };
        match self.work_rows(&employee).await {
            Err(e) if e.status == Some(403) => return Ok(WorkAccess::Missing(VIEW_WORK_HISTORIES)),
            other => other?,
        };
        let today = crate::time::date(crate::time::now_ms()).unwrap_or_default();
        let path = format!("/people/{employee}/work/0?patchUpdate=true");
        let body = json!({"effectiveDate": today});
        match self.send(false, |c, u| c.put(u).json(&body), &path).await {
            Err(e) if e.status == Some(404) => Ok(WorkAccess::Allowed),
            Err(e) if e.status == Some(403) => Ok(WorkAccess::Missing(EDIT_WORK)),
            Err(e) => Err(e),
            // bob's row ids are large positive numbers, so 0 names none; were it found, the
            // service user may edit all the same.
            Ok(_) => Ok(WorkAccess::Allowed),
        }
    }

    /// One current employee the service user may see (a search with no filter lists them
    /// all), if any.
    async fn any_employee(&self) -> Result<Option<String>, ApiError> {
        let body = json!({"fields": ["root.id"], "showInactive": false});
        Ok(self
            .search_people(&body)
            .await?
            .iter()
            .find_map(employee_id))
    }
}
