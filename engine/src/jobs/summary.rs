//! What a finished job did, in a few words for its history row ("employee 3332883, 3
//! documents", "invite sent: Byteboard SWE", "result: 87, report", "outcome: Rejected"),
//! read from the job's final state and the records it left, so a recruiter understands the
//! row without opening it.

use crate::model::Status;
use crate::store::{StoreError, Tx};
use crate::work::{RecordedKind, Work};

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
        Work::Hire(st) => st.employee_id.as_ref().map(|e| {
            let docs = st
                .docs
                .values()
                .filter(|d| d.bob_id.is_some() || d.present.is_some())
                .count();
            format!(
                "employee {e}, {docs} document{}",
                if docs == 1 { "" } else { "s" }
            )
        }),
        Work::Invite(st) => match &st.interview_id {
            Some(i) => tx
                .assessment(i)?
                .map(|a| format!("invite sent: {}", a.tag))
                .or_else(|| Some(format!("invite sent: interview {i}"))),
            None => None,
        },
        Work::AssessmentResult(st) => {
            let all = tx.assessments()?;
            let scored: Vec<String> = all
                .iter()
                .filter(|a| {
                    st.interview_id
                        .as_deref()
                        .is_none_or(|i| i == a.interview_id)
                })
                .filter_map(|a| {
                    let score = a.score.as_ref()?;
                    let score = score
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| score.to_string());
                    let report = if a.report_url.is_some() {
                        ", report"
                    } else {
                        ""
                    };
                    Some(format!("result: {score}{report}"))
                })
                .collect();
            (!scored.is_empty()).then(|| scored.join("; "))
        }
        Work::Outcome(st) => tx
            .outcomes(&st.opportunity_id)?
            .into_iter()
            .find(|r| r.entry_id == id)
            .map(|r| match r.kind {
                RecordedKind::NextStep => format!("next step: {}", r.value),
                RecordedKind::OfferStatus => format!("outcome: {}", outcome_words(&r.value)),
            }),
        Work::Change(st) => {
            let done: Vec<String> = st
                .changes
                .iter()
                .filter(|c| c.done)
                .map(|c| c.label.to_lowercase())
                .collect();
            (!done.is_empty()).then(|| format!("bob updated: {}", done.join(", ")))
        }
        Work::Purge(_) => None,
    })
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

#[cfg(test)]
mod tests {
    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(super::outcome_words("offer-accepted"), "Offer accepted");
        assert_eq!(super::outcome_words("rejected"), "Rejected");
        assert_eq!(super::outcome_words(""), "");
    }
}
