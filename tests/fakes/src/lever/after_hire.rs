//! What a recruiter changes in Lever after a hire, for the engine's changes after the
//! hire: the job's location, and an offer changed after signature (Lever does not say
//! whether that is an edit of the signed offer or a new offer, so both can be made).

use super::FakeLever;

impl FakeLever {
    /// Sets where the job is (`opportunityLocation`; `None` takes the posting's again);
    /// the opportunity's `updatedAt` moves.
    pub fn set_opportunity_location(&self, opp_id: &str, location: Option<&str>) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.opportunity_location = location.map(str::to_string);
                o.updated_at = crate::clock::now_ms();
            })
        });
    }
}

impl FakeLever {
    /// Sets a posting's department and team, as its `categories` answer them (empty: not
    /// given, as a re-read that lacks them shows).
    pub fn set_posting_department(&self, posting_id: &str, department: &str, team: &str) {
        self.with(|d| {
            d.postings
                .iter_mut()
                .filter(|p| p.id == posting_id)
                .for_each(|p| {
                    p.department = department.to_string();
                    p.team = team.to_string();
                })
        });
    }
}
