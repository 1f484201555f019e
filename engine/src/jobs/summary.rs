//! What a finished job did, in a few words for its history row ("employee 3332883, 3
//! documents", "invite sent: Byteboard SWE", "result: 87, report", "outcome: Rejected"),
//! read from the job's final state and the records it left, so a recruiter understands the
//! row without opening it.

use crate::model::Status;
use crate::store::{StoreError, Tx};
use crate::work::{
    ChangeState, HireState, InviteState, OutcomeState, RecordedKind, ResultState, Work,
};

/// The row's summary, when the job finished doing something.
pub(super) fn of(
    tx: &Tx,
    id: u64,
    work: &Work,
    status: Status,
) -> Result<Option<String>, StoreError> {
    if status != Status::Done {
        return Ok(None);
    }
    Ok(match work {
        Work::Hire(st) => hire(st),
        Work::Invite(st) => invite(tx, st)?,
        Work::AssessmentResult(st) => results(tx, st)?,
        Work::Outcome(st) => outcome(tx, id, st)?,
        Work::Change(st) => change(st),
        Work::Purge(_) => None,
        Work::ScoreRule(st) => (!st.confirm && !st.declined).then(|| st.said.clone()),
    })
}

/// "employee 3332883, 3 documents".
fn hire(st: &HireState) -> Option<String> {
    st.employee_id.as_ref().map(|e| {
        let docs = st
            .docs
            .values()
            .filter(|d| d.bob_id.is_some() || d.present.is_some())
            .count();
        format!(
            "employee {e}, {docs} document{}",
            if docs == 1 { "" } else { "s" }
        )
    })
}

/// "invite sent: Byteboard SWE".
fn invite(tx: &Tx, st: &InviteState) -> Result<Option<String>, StoreError> {
    let Some(i) = &st.interview_id else {
        return Ok(None);
    };
    Ok(tx
        .assessment(i)?
        .map(|a| format!("invite sent: {}", a.tag))
        .or_else(|| Some(format!("invite sent: interview {i}"))))
}

/// "result: 87, report", for each result the check was about.
fn results(tx: &Tx, st: &ResultState) -> Result<Option<String>, StoreError> {
    let scored: Vec<String> = tx
        .assessments()?
        .iter()
        .filter(|a| {
            st.interview_id
                .as_deref()
                .is_none_or(|i| i == a.interview_id)
        })
        .filter_map(|a| {
            let score = score_text(a.score.as_ref()?);
            let report = if a.report_url.is_some() {
                ", report"
            } else {
                ""
            };
            Some(format!("result: {score}{report}"))
        })
        .collect();
    Ok((!scored.is_empty()).then(|| scored.join("; ")))
}

/// "next step: onsite", "outcome: Offer accepted".
fn outcome(tx: &Tx, id: u64, st: &OutcomeState) -> Result<Option<String>, StoreError> {
    Ok(tx
        .outcomes(&st.opportunity_id)?
        .into_iter()
        .find(|r| r.entry_id == id)
        .map(|r| match r.kind {
            RecordedKind::NextStep => format!("next step: {}", r.value),
            RecordedKind::OfferStatus => format!("outcome: {}", outcome_words(&r.value)),
        }))
}

/// "bob updated: title, department".
fn change(st: &ChangeState) -> Option<String> {
    let done: Vec<String> = st
        .changes
        .iter()
        .filter(|c| c.done)
        .map(|c| c.label.to_lowercase())
        .collect();
    (!done.is_empty()).then(|| format!("bob updated: {}", done.join(", ")))
}

/// `offer-accepted` → `Offer accepted`.
fn outcome_words(value: &str) -> String {
    let words = value.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => words,
    }
}

/// A partner's score as a recruiter reads it: `87` for 87.0, a text as it is.
fn score_text(score: &serde_json::Value) -> String {
    match score {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(super::outcome_words("offer-accepted"), "Offer accepted");
        assert_eq!(super::outcome_words("rejected"), "Rejected");
        assert_eq!(super::outcome_words(""), "");
    }

    #[test]
    fn scores_read_as_a_recruiter_writes_them() {
        use serde_json::json;
        assert_eq!(super::score_text(&json!(87.0)), "87");
        assert_eq!(super::score_text(&json!(87.5)), "87.5");
        assert_eq!(super::score_text(&json!(92)), "92");
        assert_eq!(super::score_text(&json!("A+")), "A+");
    }
}
