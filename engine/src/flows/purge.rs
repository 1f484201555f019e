//! After a purge that left something outside Hirewire (a bob employee, the partner's
//! assessments): the entry waits, listing what exists where, until a person takes note.
//! Nothing is done to bob or the partner: those records are their owners' to keep or delete.

use super::{Ctx, Finish, FlowError};
use crate::model::Status;
use crate::work::PurgeState;

/// Waits for a person, or ends once one took note.
pub async fn run(ctx: &mut Ctx, st: PurgeState) -> Result<Finish, FlowError> {
    let what = st.elsewhere.join("; ");
    if st.noted || ctx.job.approved {
        return Ok(Finish::Final(
            Status::Done,
            Some(format!(
                "{}; a person took note of what stays elsewhere: {what}",
                st.cause.said()
            )),
        ));
    }
    Ok(Finish::Waiting(format!(
        "{}: Hirewire removed what it held about them, but these stay outside it: {what}. Decide about them there, then Approve (or `hirewire approve {}`)",
        st.cause.said(),
        ctx.job.id
    )))
}
