//! Flow F2, the part Byteboard's own Lever integration plays: a move into the assessment
//! stage sends the invite for the candidate's one interview-type tag and notes it in Lever
//! ([`invite`]); a finished assessment, found by the [`scheduler`]'s polling or at once
//! after the partner's `PATCH`, is noted in Lever with the score and the report link
//! ([`results`]). Each happens once per candidate and test.

pub mod invite;
pub mod results;
pub mod scheduler;
