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

impl FakeLever {
    /// Records a change after signature as a new offer (the other shape is editing the
    /// signed one, `set_offer_field`): a copy of the opportunity's newest offer with a new
    /// id, `status`, made now, with `fields` replacing or adding fields by identifier, and
    /// no documents. The opportunity's `updatedAt` moves. Returns the new offer's id.
    pub fn add_offer_after_hire(
        &self,
        opp_id: &str,
        status: &str,
        fields: Vec<super::OfferField>,
    ) -> String {
        let now = crate::clock::now_ms();
        self.with(|d| {
            let offers = d.offers.entry(opp_id.to_string()).or_default();
            let mut offer = offers
                .iter()
                .max_by_key(|o| o.created_at)
                .cloned()
                .unwrap_or_default();
            offer.id = format!("offer-{opp_id}-{}", offers.len() + 1);
            offer.status = status.to_string();
            offer.created_at = now;
            offer.sent_document = None;
            offer.signed_document = None;
            for field in fields {
                offer.fields.retain(|f| f.identifier != field.identifier);
                offer.fields.push(field);
            }
            let id = offer.id.clone();
            offers.push(offer);
            d.opp_mut(opp_id)
                .into_iter()
                .for_each(|o| o.updated_at = now);
            id
        })
    }
}
