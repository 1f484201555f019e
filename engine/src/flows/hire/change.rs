//! After the hire: an offer that changed after the employee was created waits for a
//! person with each difference; Approve writes each field to bob once, through the
//! endpoint bob documents for it (plain fields by update, the start date by its own call,
//! title, department and site as a dated Work row), and never over a value someone
//! changed in bob after the difference was shown. Plain fields are read back, since bob's
//! answer to an update does not say which it took. Dismiss keeps bob as it is.

use serde_json::{json, Value};

use crate::clients::bob::Bob;
use crate::clients::bob_updates::{held_at, Held};
use crate::flows::hire::fields::set_path;
use crate::flows::{done, skipped, Ctx, Finish, FlowError};
use crate::model::Status;
use crate::time;
use crate::work::change::{show, Write};
use crate::work::{ChangeState, FieldChange};

/// Runs one attempt of a change after the hire.
pub async fn run(ctx: &mut Ctx, mut st: ChangeState) -> Result<Finish, FlowError> {
    if st.dismissed {
        settle(ctx, &st, &[]).await?;
        let why = "kept bob as it is: a person dismissed the change".to_string();
        return Ok(Finish::Final(Status::Skipped, Some(why)));
    }
    if !ctx.job.approved {
        return Ok(Finish::Waiting(format!(
            "the offer changed in Lever after the employee was created{}: {}; Approve updates bob, Dismiss keeps it as it is (or `hirewire approve {id}` / `hirewire dismiss {id}`)",
            st.offer_note(),
            st.summary(),
            id = ctx.job.id
        )));
    }
    let bob = ctx.bob().await?;
    let left = leave_edited(ctx, &bob, &mut st).await?;
    let refused = write_plain(ctx, &bob, &mut st).await?;
    write_start_date(ctx, &bob, &mut st).await?;
    super::work_row::write(ctx, &bob, &mut st).await?;
    if !refused.is_empty() {
        return Err(not_taken(ctx, &mut st, &refused).await?);
    }
    settle(ctx, &st, &left).await?;
    let reason = (!left.is_empty()).then(|| {
        let names: Vec<String> = left.iter().map(|(c, v)| format!("{} (bob has {})", c.label, show(v))).collect();
        format!("left as bob has it, because it changed in bob after the difference was shown: {}; compare and change it in bob by hand", names.join(", "))
    });
    Ok(Finish::Done {
        reason,
        summary: written(&st),
    })
}

/// "bob updated: title, department".
fn written(st: &ChangeState) -> Option<String> {
    let done: Vec<String> = st
        .changes
        .iter()
        .filter(|c| c.done)
        .map(|c| c.label.to_lowercase())
        .collect();
    (!done.is_empty()).then(|| format!("bob updated: {}", done.join(", ")))
}

/// How long bob may take to show an update (up to 20 s, `docs/fidelity.md`), with room.
const READ_LAG_MS: u64 = 30_000;

/// Fields bob did not show at their new value after an update: read again shortly while bob
/// may still be catching up, then stop for a person. Not settled either way, so the next run
/// (or a Retry) writes only these again.
async fn not_taken(
    ctx: &mut Ctx,
    st: &mut ChangeState,
    refused: &[String],
) -> Result<FlowError, FlowError> {
    let now = time::now_ms();
    let since = *st.unconfirmed_since_ms.get_or_insert(now);
    if now.saturating_sub(since) < READ_LAG_MS {
        ctx.commit(&*st, None, vec![]).await?;
        return Ok(FlowError::Later(
            std::time::Duration::from_secs(10),
            format!(
                "bob does not show {} yet: reading it again shortly",
                refused.join(", ")
            ),
        ));
    }
    // A Retry after the person's fix starts a new wait.
    st.unconfirmed_since_ms = None;
    ctx.commit(&*st, None, vec![]).await?;
    Ok(FlowError::Stop(format!(
        "bob did not take {}: bob leaves out of an update the fields its service user may not edit; let the service user edit them in bob (or map the offer field to another bob field in Mappings), then Retry",
        refused.join(", ")
    )))
}

/// What bob holds now at a field, if the service user may read it.
fn in_bob<'a>(employee: &'a Value, c: &FieldChange) -> Option<Held<'a>> {
    let path: Vec<&str> = c.path.iter().map(String::as_str).collect();
    held_at(employee, &path)
}

/// Reads what bob holds now; a field already at the new value is done, and one that
/// changed in bob since the difference was shown is left alone (and said).
async fn leave_edited(
    ctx: &mut Ctx,
    bob: &Bob,
    st: &mut ChangeState,
) -> Result<Vec<(FieldChange, Value)>, FlowError> {
    let fields: Vec<String> = st
        .changes
        .iter()
        .filter(|c| !c.done)
        .map(|c| c.field.clone())
        .collect();
    if fields.is_empty() {
        return Ok(vec![]);
    }
    let t = ctx.begin("read the employee's current values in bob");
    let employee = bob
        .values_of(std::slice::from_ref(&st.employee_id), &fields)
        .await?
        .remove(&st.employee_id)
        .unwrap_or(Value::Null);
    let mut left = Vec::new();
    for c in st.changes.iter_mut().filter(|c| !c.done) {
        let Some(now) = in_bob(&employee, c) else {
            continue;
        };
        let shown = c.in_bob.clone().unwrap_or_else(|| c.was.clone());
        if now.is(&c.now) {
            c.done = true;
        } else if !now.is(&shown) {
            c.done = true;
            left.push((c.clone(), now.shown().clone()));
        }
    }
    let step = done(
        "read the employee's current values in bob",
        None,
        Some(200),
        t,
    );
    ctx.commit(&*st, Some(step), vec![]).await?;
    Ok(left)
}

/// Plain fields go in one update, then are read back: bob leaves out of an update the fields
/// its service user may not edit, and answers 304 for a field id or structure it does not
/// take just as for values it already has, so neither answer says what bob now holds.
/// Returns the fields bob did not take, each with what it still has.
async fn write_plain(
    ctx: &mut Ctx,
    bob: &Bob,
    st: &mut ChangeState,
) -> Result<Vec<String>, FlowError> {
    let todo: Vec<usize> = st.todo(Write::Plain);
    if todo.is_empty() {
        return Ok(vec![]);
    }
    let mut body = json!({});
    for &i in &todo {
        let c = &st.changes[i];
        set_path(&mut body, &c.path, c.now.clone());
    }
    let t = ctx.begin("update the employee's fields in bob");
    let changed = bob.update_fields(&st.employee_id, &body).await?;
    let fields: Vec<String> = todo.iter().map(|&i| st.changes[i].field.clone()).collect();
    let employee = bob
        .values_of(std::slice::from_ref(&st.employee_id), &fields)
        .await?
        .remove(&st.employee_id)
        .unwrap_or(Value::Null);
    let taken = read_back(&employee, st, &todo);
    let settled = [taken.written.as_slice(), taken.unread.as_slice()].concat();
    for &i in &settled {
        st.changes[i].done = true;
    }
    let unchecked = if taken.unread.is_empty() {
        String::new()
    } else {
        format!(
            "; {} not shown to the service user, so not checked",
            st.labels(&taken.unread)
        )
    };
    let names = st.labels(&settled);
    let step = match (settled.is_empty(), changed) {
        (true, _) => None,
        (false, true) => Some(done(
            format!("updated {names} in bob{unchecked}"),
            Some(st.employee_id.clone()),
            Some(200),
            t,
        )),
        (false, false) => Some(skipped(
            format!("update {names} in bob"),
            format!("bob already had these values (304, read back){unchecked}"),
        )),
    };
    ctx.commit(&*st, step, vec![]).await?;
    Ok(taken
        .refused
        .iter()
        .map(|(i, v)| format!("{} (bob still has {})", st.changes[*i].label, show(v)))
        .collect())
}

/// What reading the plain fields back after an update found, by index into the changes.
struct ReadBack {
    /// At the new value.
    written: Vec<usize>,
    /// Not in the answer: the service user may not read it, so it cannot be checked.
    unread: Vec<usize>,
    /// Still something else, with what bob has.
    refused: Vec<(usize, Value)>,
}

fn read_back(employee: &Value, st: &ChangeState, todo: &[usize]) -> ReadBack {
    let mut out = ReadBack {
        written: vec![],
        unread: vec![],
        refused: vec![],
    };
    for &i in todo {
        let c = &st.changes[i];
        match in_bob(employee, c) {
            None => out.unread.push(i),
            Some(held) if held.is(&c.now) => out.written.push(i),
            Some(held) => out.refused.push((i, held.shown().clone())),
        }
    }
    out
}

async fn write_start_date(ctx: &mut Ctx, bob: &Bob, st: &mut ChangeState) -> Result<(), FlowError> {
    for i in st.todo(Write::StartDate) {
        let date = show(&st.changes[i].now);
        let t = ctx.begin("set the employee's start date in bob");
        bob.set_start_date(&st.employee_id, &date).await?;
        st.changes[i].done = true;
        let step = done(
            format!("set the start date to {date} in bob"),
            Some(st.employee_id.clone()),
            Some(200),
            t,
        );
        ctx.commit(&*st, Some(step), vec![]).await?;
    }
    Ok(())
}

/// The watch takes what a person decided as its new baseline: Lever's inputs as they are
/// now, and the employee as bob now holds it (approved values, or those left in bob).
async fn settle(
    ctx: &Ctx,
    st: &ChangeState,
    left: &[(FieldChange, Value)],
) -> Result<(), FlowError> {
    let st = st.clone();
    let left = left.to_vec();
    let id = ctx.job.id;
    ctx.engine
        .store
        .write_async(move |tx| {
            let Some(mut w) = tx.watch(&st.opportunity_id)? else {
                return Ok(());
            };
            if !w.employee.is_object() {
                w.employee = serde_json::json!({});
            }
            w.inputs = st.inputs.clone();
            if !st.dismissed {
                for c in &st.changes {
                    let value = left
                        .iter()
                        .find(|(l, _)| l.field == c.field)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| c.now.clone());
                    set_path(&mut w.employee, &c.path, value);
                }
            }
            if w.pending == Some(id) {
                w.pending = None;
            }
            tx.put_watch(&w)
        })
        .await?;
    Ok(())
}
