//! What a test seeds into the fake Lever (records as a recruiter would have made them in
//! Lever's UI), what it reads back (the notes clients posted), and the switches for shapes
//! where Lever's own examples disagree with its attribute tables.

use super::{ArchiveReason, ArchiveShape, FakeLever, LeverFile, Note, Offer, Opportunity};
use super::{Posting, Resume, User};

impl FakeLever {
    /// Adds a posting.
    pub fn add_posting(&self, p: Posting) {
        self.with(|d| d.postings.push(p));
    }

    /// Adds an opportunity.
    pub fn add_opportunity(&self, mut o: Opportunity) {
        if o.updated_at == 0 {
            o.updated_at = crate::clock::now_ms().max(o.created_at);
        }
        self.with(|d| d.opportunities.push(o));
    }

    /// Adds an offer to an opportunity.
    pub fn add_offer(&self, opp_id: &str, o: Offer) {
        self.with(|d| d.offers.entry(opp_id.to_string()).or_default().push(o));
    }

    /// Adds a resume to an opportunity.
    pub fn add_resume(&self, opp_id: &str, r: Resume) {
        self.with(|d| d.resumes.entry(opp_id.to_string()).or_default().push(r));
    }

    /// Adds an "other file" to an opportunity.
    pub fn add_file(&self, opp_id: &str, f: LeverFile) {
        self.with(|d| d.files.entry(opp_id.to_string()).or_default().push(f));
    }

    /// Replaces the pipeline stages, as (id, text) in pipeline order.
    pub fn set_stages(&self, stages: Vec<(String, String)>) {
        self.with(|d| d.stages = stages);
    }

    /// Replaces the archive reasons.
    pub fn set_archive_reasons(&self, reasons: Vec<ArchiveReason>) {
        self.with(|d| d.reasons = reasons);
    }

    /// Replaces the account's tag list; `/tags` also lists tags that only opportunities
    /// carry, and counts come from the opportunities.
    pub fn set_tags(&self, tags: Vec<String>) {
        self.with(|d| d.tags = tags);
    }

    /// Adds a user.
    pub fn add_user(&self, u: User) {
        self.with(|d| d.users.push(u));
    }

    /// Seeds a note as if someone had written it in Lever.
    pub fn add_note(&self, opp_id: &str, note: Note) {
        self.with(|d| d.notes.entry(opp_id.to_string()).or_default().push(note));
    }

    /// The notes of an opportunity, oldest first (what clients posted, plus seeded ones).
    pub fn notes(&self, opp_id: &str) -> Vec<Note> {
        self.with(|d| d.notes.get(opp_id).cloned().unwrap_or_default())
    }

    /// Every note, with its opportunity id.
    pub fn all_notes(&self) -> Vec<(String, Note)> {
        self.with(|d| {
            d.notes
                .iter()
                .flat_map(|(o, ns)| ns.iter().map(move |n| (o.clone(), n.clone())))
                .collect()
        })
    }

    /// How opportunities render their archive state: [`ArchiveShape::Nested`] (the
    /// attribute table's `archived {archivedAt, reason}`, the default) or
    /// [`ArchiveShape::TopLevel`] (the docs' examples: `archivedAt` + `archiveReason`).
    pub fn set_archive_shape(&self, shape: ArchiveShape) {
        self.with(|d| d.switches.archive_shape = shape);
    }

    /// When on, `GET /archive_reasons?type=…` answers `data` as a single object (the first
    /// match), as Lever's docs example for `?type=hired` shows; off (default): a list.
    pub fn set_typed_reasons_as_object(&self, on: bool) {
        self.with(|d| d.switches.typed_reasons_as_object = on);
    }

    /// When on, `POST /webhooks` answers `{"data": {"data": {…}}}` as Lever's docs example
    /// does; off (default): `{"data": {…}}`, as public clients read it.
    pub fn set_webhook_create_nested(&self, on: bool) {
        self.with(|d| d.switches.webhook_nested_data = on);
    }

    /// What a key without a call's checkbox gets for an id that does not exist: 403
    /// (default) or 404. Lever does not document the order.
    pub fn set_unknown_id_answer(&self, answer: super::UnknownIdAnswer) {
        self.with(|d| d.switches.unknown_id = answer);
    }

    /// When on, one `expand` value may list several names (`expand=a,b`). Lever documents
    /// only the repeated form (`expand=a&expand=b`); whether commas work is unverified, so
    /// by default a comma-separated value is an unknown name and expands nothing.
    pub fn set_expand_accepts_commas(&self, on: bool) {
        self.with(|d| d.switches.expand_commas = on);
    }
}
