//! A change after the hire to title, department or site, written to bob's Work table.
//!
//! bob identifies the row a `PUT /people/{id}/work/{entry_id}` rewrites by the body's
//! *site and effective date*, and clears every column the body leaves out; only with
//! `patchUpdate=true` (which bob calls legacy) does the path's entry id name the row
//! (`docs/fidelity.md`, bob's Work table rows). So the row is always sent whole, every
//! writable column of the listed row carried over (custom columns, reason, manager): in the
//! form bob recommends when the site stays, so its site and date find it; by its id when
//! the site changes, since the new site names no row yet. A row keeps its date: bob moves
//! a date only by adding and deleting rows, never by an update.

use serde_json::{json, Map, Value};

use super::proposal::work_item_id;
use crate::clients::bob::{Bob, BobField};
use crate::clients::bob_updates::{RowAddress, WorkRow};
use crate::flows::{done, skipped, Ctx, FlowError};
use crate::time;
use crate::work::change::{same, show, Write};
use crate::work::ChangeState;

/// The columns Hirewire writes for a change after the hire.
const CHANGED: [&str; 3] = ["site", "title", "department"];

/// Title, department and site go to the Work table. Before the employee starts, the row
/// they were hired with is rewritten; once started, the change is a row from today (one
/// already dated today is rewritten). A new row is only added after reading the rows shows
/// that an interrupted attempt did not add it already.
pub(super) async fn write(ctx: &mut Ctx, bob: &Bob, st: &mut ChangeState) -> Result<(), FlowError> {
    let todo = st.todo(Write::WorkRow);
    if todo.is_empty() {
        return Ok(());
    }
    let today = time::date(time::now_ms()).unwrap_or_default();
    let start = st.inputs.start.clone().unwrap_or_default();
    ctx.begin("read the employee's work history in bob");
    let rows = bob.work_rows(&st.employee_id).await?;
    let (target, effective) = target_row(&rows, start, today);
    let bob_fields = bob.fields().await?;
    let base = target.or_else(|| current(&rows));
    let mut row = carried(base, &effective, target.is_some());
    for &i in &todo {
        let (key, value) = column(
            bob,
            &bob_fields,
            &st.changes[i].field,
            &st.changes[i].now,
            &mut row,
        )
        .await?;
        row.insert(key, value);
    }
    let names = st.labels(&todo);
    let t = ctx.begin(format!("write {names} to bob's work history"));
    let row_value = Value::Object(row);
    let step = match target {
        Some(r) if has_columns(&r.raw, &row_value) => skipped(
            format!("write {names} to bob's work history"),
            format!("the row from {effective} already has them"),
        ),
        Some(r) => {
            bob.replace_work_row(&st.employee_id, &r.id, &row_value, address(r, &row_value))
                .await?;
            done(
                format!("rewrote the work row from {effective} with {names}"),
                Some(r.id.clone()),
                Some(200),
                t,
            )
        }
        None => {
            bob.add_work_row(&st.employee_id, &row_value).await?;
            done(
                format!("added a work row from {effective} with {names}"),
                Some(st.employee_id.clone()),
                Some(200),
                t,
            )
        }
    };
    for i in todo {
        st.changes[i].done = true;
    }
    ctx.commit(&*st, Some(step), vec![]).await?;
    Ok(())
}

/// The row to rewrite, if any, and the date the change takes effect: before the start
/// date, the row the employee was hired with (keeping its date); once started, a row
/// already dated today, else none (a new row from today).
fn target_row(rows: &[WorkRow], start: String, today: String) -> (Option<&WorkRow>, String) {
    if start > today {
        let hire_row = rows
            .iter()
            .min_by(|a, b| a.effective_date.cmp(&b.effective_date));
        let date = hire_row.map_or(start, |r| r.effective_date.clone());
        (hire_row, date)
    } else {
        (rows.iter().find(|r| r.effective_date == today), today)
    }
}

/// One changed column, as bob's Work table takes it: the site by its name (the old
/// site's id leaves `row`), title and department by their list item's id.
async fn column(
    bob: &Bob,
    bob_fields: &[BobField],
    field: &str,
    now: &Value,
    row: &mut Map<String, Value>,
) -> Result<(String, Value), FlowError> {
    let key = field.trim_start_matches("work.").to_string();
    let display = show(now);
    let value = if key == "site" {
        // The listed id is the old site's: the name alone says which site is meant.
        row.remove("siteId");
        json!(display)
    } else {
        match work_item_id(bob, bob_fields, field, &display).await? {
            Some(id) => json!(id),
            None => {
                return Err(FlowError::Stop(format!(
                    "bob's {key} list has no “{display}”: add it in bob (or map it in Mappings), then Retry"
                )))
            }
        }
    };
    Ok((key, value))
}

/// How bob is to find the row being rewritten: a new site names no row yet, so only the
/// id can; otherwise by site and date, the form bob recommends.
fn address(r: &WorkRow, row: &Value) -> RowAddress {
    let moves_site = row
        .get("site")
        .is_some_and(|n| !r.raw.get("site").is_some_and(|s| same(s, n)));
    if moves_site {
        RowAddress::Id
    } else {
        RowAddress::SiteAndDate
    }
}

/// The row in effect now: the one bob marks current, else the latest.
fn current(rows: &[WorkRow]) -> Option<&WorkRow> {
    rows.iter()
        .find(|r| r.raw.get("isCurrent").and_then(Value::as_bool) == Some(true))
        .or_else(|| {
            rows.iter()
                .max_by(|a, b| a.effective_date.cmp(&b.effective_date))
        })
}

/// Every column of `base` a write takes (`WorkEntry`), dated `effective`: what bob would
/// otherwise clear. A listed row gives its reason under `change.reason`; the reason is the
/// rewritten row's own, so a new row does not take it.
fn carried(base: Option<&WorkRow>, effective: &str, rewrite: bool) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("effectiveDate".into(), json!(effective));
    let Some(b) = base.map(|b| &b.raw) else {
        return row;
    };
    let given = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    for key in ["site", "siteId", "title", "department", "customColumns"] {
        if let Some(v) = given(b.get(key)) {
            row.insert(key.into(), v);
        }
    }
    if let Some(id) = given(b.pointer("/reportsTo/id")) {
        row.insert("reportsTo".into(), json!({"id": id}));
    }
    let reason = given(b.get("reason")).or_else(|| given(b.pointer("/change/reason")));
    if let (true, Some(reason)) = (rewrite, reason) {
        row.insert("reason".into(), reason);
    }
    row
}

/// Whether a listed row already holds the changed columns of `row`.
fn has_columns(listed: &Value, row: &Value) -> bool {
    CHANGED.iter().all(|k| match row.get(*k) {
        Some(v) => listed.get(*k).is_some_and(|l| same(l, v)),
        None => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_carries_every_writable_column_and_a_new_row_not_the_old_reason() {
        let listed = WorkRow {
            id: "7".into(),
            effective_date: "2027-03-01".into(),
            raw: json!({"id": 7, "effectiveDate": "2027-03-01", "isCurrent": true, "site": "London",
                "siteId": 101, "title": "401", "department": "201", "creationDate": "2027-01-01",
                "reportsTo": {"id": "42", "displayName": "Grace"}, "change": {"reason": "Hired", "changedBy": "x"},
                "customColumns": {"column_1": "Relocation", "column_2": "9"}}),
        };
        let row = Value::Object(carried(Some(&listed), "2027-03-01", true));
        assert_eq!(
            row,
            json!({"effectiveDate": "2027-03-01", "site": "London", "siteId": 101, "title": "401",
                "department": "201", "reportsTo": {"id": "42"}, "reason": "Hired",
                "customColumns": {"column_1": "Relocation", "column_2": "9"}})
        );
        let new_row = Value::Object(carried(Some(&listed), "2027-04-01", false));
        assert!(new_row.get("reason").is_none(), "{new_row}");
        assert_eq!(new_row["customColumns"]["column_1"], "Relocation");
    }
}
