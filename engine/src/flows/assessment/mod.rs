//! Flow F2, the part Byteboard's own Lever integration plays: a move into the assessment
//! stage sends the invite for the candidate's one interview-type tag and notes it in Lever
//! ([`invite`]); a finished assessment, found by the [`scheduler`]'s polling or at once
//! after the partner's `PATCH`, is noted in Lever with the score and the report link
//! ([`results`]). Each happens once per candidate and test.

pub mod invite;
pub mod results;
pub mod rules;
pub mod scheduler;

use crate::store::StoreError;
use crate::work::AssessmentStatus;
use crate::Engine;

/// Stops polling the pending assessments of `opp`: results are only for active, unhired
/// candidates, so a hire or an archive ends them. Returns how many were closed.
pub async fn close_for(engine: &Engine, opp: &str) -> Result<usize, StoreError> {
    let opp = opp.to_string();
    engine
        .store
        .write_async(move |tx| {
            let mut closed = 0;
            for mut a in tx.assessments_of(&opp)? {
                if a.status == AssessmentStatus::Pending {
                    a.status = AssessmentStatus::Closed;
                    tx.put_assessment(&a)?;
                    closed += 1;
                }
            }
            Ok(closed)
        })
        .await
}
