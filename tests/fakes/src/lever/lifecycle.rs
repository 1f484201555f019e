//! What happens to an opportunity in Lever after it is made, done as a recruiter would in
//! Lever's UI: moves, tags, archiving (and unarchiving), anonymizing and deleting. Each
//! change that Lever lists as touching `updatedAt` sets it to the fake clock's now.

use anyhow::{anyhow, bail};

use super::{DeletedOpportunity, FakeLever};

impl FakeLever {
    /// Replaces an opportunity's tags.
    pub fn set_opportunity_tags(&self, opp_id: &str, tags: Vec<String>) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.tags = tags.clone();
                o.updated_at = crate::clock::now_ms();
            })
        });
    }

    /// Sets one field of an opportunity's offers (added when the offer lacks it), as a
    /// recruiter editing the offer after it was signed; the opportunity's `updatedAt`
    /// moves with it.
    pub fn set_offer_field(&self, opp_id: &str, field: super::OfferField) {
        self.with(|d| {
            if let Some(offers) = d.offers.get_mut(opp_id) {
                for o in offers.iter_mut() {
                    match o
                        .fields
                        .iter_mut()
                        .find(|f| f.identifier == field.identifier)
                    {
                        Some(f) => *f = field.clone(),
                        None => o.fields.push(field.clone()),
                    }
                }
            }
            d.opp_mut(opp_id)
                .into_iter()
                .for_each(|o| o.updated_at = crate::clock::now_ms());
        });
    }

    /// Deletes a note as a recruiter does in Lever's UI: it stays in the list with its
    /// `deletedAt` set to now. Err when there is no such note.
    pub fn delete_note(&self, opp_id: &str, note_id: &str) -> anyhow::Result<()> {
        let now = crate::clock::now_ms();
        self.with(|d| {
            let note = d
                .notes
                .get_mut(opp_id)
                .and_then(|ns| ns.iter_mut().find(|n| n.id == note_id))
                .ok_or_else(|| anyhow!("no note {note_id} on {opp_id}"))?;
            note.deleted_at = Some(now);
            Ok(())
        })
    }

    /// Moves an opportunity to a stage (what a recruiter does before the webhook fires).
    pub fn set_stage(&self, opp_id: &str, stage_id: &str) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.stage = stage_id.to_string();
                o.updated_at = crate::clock::now_ms();
            })
        });
    }

    /// Archives an opportunity now with a reason id: `archivedAt` and `updatedAt` become
    /// the fake clock's now. Archiving with a `hired`-type reason is how Lever marks a hire.
    pub fn archive(&self, opp_id: &str, reason_id: &str) {
        let now = crate::clock::now_ms();
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.archived = Some((now, reason_id.to_string()));
                o.updated_at = now;
            })
        });
    }

    /// Archives an opportunity with `reason_id` as Lever dates it at `at_ms` (a candidate
    /// archived while nobody was looking, or one whose archive Lever lists late).
    pub fn archive_at(&self, opp_id: &str, reason_id: &str, at_ms: u64) {
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.archived = Some((at_ms, reason_id.to_string()));
                o.updated_at = crate::clock::now_ms();
            })
        });
    }

    /// Makes an archived opportunity active again (`archived: null`), bumping `updatedAt`.
    pub fn unarchive(&self, opp_id: &str) {
        let now = crate::clock::now_ms();
        self.with(|d| {
            d.opp_mut(opp_id).into_iter().for_each(|o| {
                o.archived = None;
                o.updated_at = now;
            })
        });
    }

    /// Anonymizes an opportunity as Lever's help describes: name, emails, phones, the
    /// contact's location, links, resumes and files are removed and `isAnonymized` becomes
    /// true; the posting, origin, tags, notes and offers stay. Lever allows it only for
    /// archived opportunities that are not hired: anything else is refused with an error.
    /// (What Lever shows as the name afterwards is unverified: the fake renders `""`.)
    pub fn anonymize(&self, opp_id: &str) -> anyhow::Result<()> {
        let now = crate::clock::now_ms();
        self.with(|d| {
            let reason = match d.opp(opp_id) {
                None => bail!("no opportunity {opp_id}"),
                Some(o) => match &o.archived {
                    None => bail!("only archived opportunities can be anonymized"),
                    Some((_, reason)) => reason.clone(),
                },
            };
            if d.is_hired_reason(&reason) {
                bail!("hired opportunities cannot be anonymized");
            }
            d.resumes.remove(opp_id);
            d.files.remove(opp_id);
            let o = d
                .opp_mut(opp_id)
                .ok_or_else(|| anyhow!("no opportunity {opp_id}"))?;
            o.name.clear();
            o.emails.clear();
            o.phones.clear();
            o.location.clear();
            o.links.clear();
            o.anonymized = true;
            o.updated_at = now;
            Ok(())
        })
    }

    /// Deletes an opportunity: from then on it answers `404`, its offers, resumes, files
    /// and notes go with it, and `GET /opportunities/deleted` lists it with `deletedAt`
    /// (the fake clock's now) and `deletedBy` (a user id, or `null`).
    pub fn delete_opportunity(&self, opp_id: &str, deleted_by: Option<&str>) -> anyhow::Result<()> {
        let now = crate::clock::now_ms();
        self.with(|d| {
            let at = d
                .opportunities
                .iter()
                .position(|o| o.id == opp_id)
                .ok_or_else(|| anyhow!("no opportunity {opp_id}"))?;
            let opportunity = d.opportunities.remove(at);
            d.offers.remove(opp_id);
            d.resumes.remove(opp_id);
            d.files.remove(opp_id);
            d.notes.remove(opp_id);
            d.deleted.push(DeletedOpportunity {
                opportunity,
                deleted_at: now,
                deleted_by: deleted_by.map(str::to_string),
            });
            Ok(())
        })
    }

    /// The deleted opportunities, oldest deletion first.
    pub fn deleted_opportunities(&self) -> Vec<DeletedOpportunity> {
        self.with(|d| d.deleted.clone())
    }
}
