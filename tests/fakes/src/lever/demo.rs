//! A small, realistic Lever account for demos and tests: stages, the seed's common archive
//! reasons, interview-type tags, two postings and three candidates, in an account whose
//! time zone is London's (UTC+0 in winter, when the demo offer starts).

use serde_json::json;

use super::{
    ArchiveReason, FakeLever, LeverFile, Offer, OfferField, Opportunity, Perm, Posting, Resume,
    User,
};

/// The ids `seed_demo` created, for tests and the demo to refer to.
#[derive(Debug, Clone, Default)]
pub struct DemoIds {
    /// An API key with every permission and "Allow access to confidential data".
    pub api_key: String,
    /// Ada Lovelace: lives in Brighton (`location`), applied to the London posting
    /// (`opportunityLocation`); one interview-type tag, a signed offer, files.
    pub ada: String,
    /// Grace Hopper: two interview-type tags.
    pub grace: String,
    /// Alan Turing: no tags; lives in Manchester, applied to the Berlin posting; his phone
    /// has no `type`.
    pub alan: String,
    /// Stage "Phone screen".
    pub stage_phone: String,
    /// Stage "Byteboard".
    pub stage_byteboard: String,
    /// Stage "Onsite".
    pub stage_onsite: String,
    /// Stage "Offer".
    pub stage_offer: String,
    /// Reason "Not a fit".
    pub reason_not_a_fit: String,
    /// Reason "Hired".
    pub reason_hired: String,
    /// Reason "Withdrew".
    pub reason_withdrew: String,
    /// Reason "Culture add", in no table.
    pub reason_unmapped: String,
    /// Reason "Offer declined".
    pub reason_offer_declined: String,
    /// Posting "Software Engineer" (Engineering, London).
    pub posting_swe: String,
    /// Posting "Product Designer" (Design, Berlin).
    pub posting_design: String,
    /// User "Rita Recruiter": owner of every demo opportunity, a good `perform_as`.
    pub user_recruiter: String,
    /// User "Harry Manager": Ada's hiring and direct manager.
    pub user_manager: String,
    /// Ada's signed offer.
    pub offer_ada: String,
    /// Ada's resume with a PDF.
    pub resume_ada: String,
    /// Ada's resume entry without `file`.
    pub resume_ada_without_file: String,
    /// Ada's other file "portfolio.pdf".
    pub file_ada_portfolio: String,
}

/// A few KB that look like a PDF (starts with `%PDF-`, ends with `%%EOF`).
pub fn pdf(label: &str) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n% Hirewire demo file\n".to_vec();
    v.extend(format!("1 0 obj << /Title ({label}) >> endobj\n").bytes());
    v.extend(std::iter::repeat_n(b'.', 2048));
    v.extend(b"\n%%EOF\n");
    v
}

/// `anticipated_start_date` of the demo offer: 2027-01-04T00:00:00Z in ms
/// (`date -u -d @1799020800`).
pub const START_DATE_MS: u64 = 1_799_020_800_000;
/// When the demo candidates applied: 2026-01-01T00:00:00Z in ms.
const APPLIED_MS: u64 = 1_767_225_600_000;

impl FakeLever {
    /// Fills a small company (stages, the seed's archive reasons, interview-type tags, three
    /// users, two postings, three candidates), sets the account's zone to London's (UTC+0)
    /// and registers a key with every permission and confidential access.
    pub fn seed_demo(&self) -> DemoIds {
        let ids = DemoIds::demo();
        self.add_key_with(&ids.api_key, &Perm::all(), true);
        self.set_account_utc_offset_hours(0);
        self.seed_pipeline(&ids);
        self.seed_company(&ids);
        self.seed_candidates(&ids);
        self.seed_ada_papers(&ids);
        ids
    }
}

impl DemoIds {
    /// The fixed ids of the demo account.
    fn demo() -> DemoIds {
        DemoIds {
            api_key: "demo-lever-key".into(),
            ada: "opp-ada".into(),
            grace: "opp-grace".into(),
            alan: "opp-alan".into(),
            stage_phone: "stage-phone".into(),
            stage_byteboard: "stage-byteboard".into(),
            stage_onsite: "stage-onsite".into(),
            stage_offer: "stage-offer".into(),
            reason_not_a_fit: "reason-not-a-fit".into(),
            reason_hired: "reason-hired".into(),
            reason_withdrew: "reason-withdrew".into(),
            reason_unmapped: "reason-culture-add".into(),
            reason_offer_declined: "reason-offer-declined".into(),
            posting_swe: "posting-swe".into(),
            posting_design: "posting-design".into(),
            user_recruiter: "user-recruiter".into(),
            user_manager: "user-manager".into(),
            offer_ada: "offer-ada".into(),
            resume_ada: "resume-ada".into(),
            resume_ada_without_file: "resume-ada-nofile".into(),
            file_ada_portfolio: "file-ada-portfolio".into(),
        }
    }
}

impl FakeLever {
    /// Stages, archive reasons (the seed's common ones plus one no table maps) and tags.
    fn seed_pipeline(&self, ids: &DemoIds) {
        self.set_stages(vec![
            ("stage-new".into(), "New applicant".into()),
            (ids.stage_phone.clone(), "Phone screen".into()),
            (ids.stage_byteboard.clone(), "Byteboard".into()),
            (ids.stage_onsite.clone(), "Onsite".into()),
            (ids.stage_offer.clone(), "Offer".into()),
        ]);
        let reason = |id: &str, text: &str, kind: &str| ArchiveReason {
            id: id.into(),
            text: text.into(),
            kind: kind.into(),
            status: "active".into(),
        };
        self.set_archive_reasons(vec![
            reason(&ids.reason_not_a_fit, "Not a fit", "non-hired"),
            reason("reason-underqualified", "Underqualified", "non-hired"),
            reason(
                "reason-preferred",
                "Preferred another candidate",
                "non-hired",
            ),
            reason("reason-overqualified", "Overqualified", "non-hired"),
            reason(&ids.reason_withdrew, "Withdrew", "non-hired"),
            reason(&ids.reason_hired, "Hired", "hired"),
            reason(&ids.reason_offer_declined, "Offer declined", "non-hired"),
            reason("reason-duplicate", "Duplicate application", "non-hired"),
            reason("reason-unresponsive", "Unresponsive", "non-hired"),
            reason("reason-timing", "Timing", "non-hired"),
            reason("reason-closed", "Position closed", "non-hired"),
            reason(&ids.reason_unmapped, "Culture add", "non-hired"),
        ]);
        self.set_tags(vec![
            "Byteboard SWE".into(),
            "Byteboard Web".into(),
            "Referral".into(),
        ]);
    }

    /// Users and postings.
    fn seed_company(&self, ids: &DemoIds) {
        let user = |id: &str, name: &str, email: &str| User {
            id: id.into(),
            name: name.into(),
            email: email.into(),
            ..Default::default()
        };
        self.add_user(user(
            &ids.user_recruiter,
            "Rita Recruiter",
            "rita@example.com",
        ));
        self.add_user(user(
            &ids.user_manager,
            "Harry Manager",
            "harry@example.com",
        ));
        self.add_user(user("user-sourcer", "Sam Sourcer", "sam@example.com"));
        self.add_posting(Posting {
            id: ids.posting_swe.clone(),
            text: "Software Engineer".into(),
            team: "Engineering".into(),
            department: "Engineering".into(),
            location: "London".into(),
            commitment: "Full-time".into(),
            confidential: false,
        });
        self.add_posting(Posting {
            id: ids.posting_design.clone(),
            text: "Product Designer".into(),
            team: "Design".into(),
            department: "Design".into(),
            location: "Berlin".into(),
            commitment: "Full-time".into(),
            confidential: false,
        });
    }

    /// Ada (one interview-type tag), Grace (two) and Alan (none), all in "Phone screen".
    /// Ada and Alan live elsewhere than their posting is; Grace lives where hers is.
    fn seed_candidates(&self, ids: &DemoIds) {
        let person = |id: &str, name: &str, email: &str, lives: &str, posting: &str| Opportunity {
            id: id.into(),
            name: name.into(),
            emails: vec![email.into()],
            phones: vec![("mobile".into(), "+44 20 7946 0000".into())],
            location: lives.into(),
            stage: ids.stage_phone.clone(),
            owner: Some(ids.user_recruiter.clone()),
            posting: Some(posting.into()),
            origin: "applied".into(),
            created_at: APPLIED_MS,
            ..Default::default()
        };
        let tagged = |mut o: Opportunity, tags: &[&str]| {
            o.tags = tags.iter().map(|t| t.to_string()).collect();
            o
        };
        self.add_opportunity(tagged(
            person(
                &ids.ada,
                "Ada Lovelace",
                "ada@example.com",
                "Brighton",
                &ids.posting_swe,
            ),
            &["Byteboard SWE", "Referral"],
        ));
        self.add_opportunity(tagged(
            person(
                &ids.grace,
                "Grace Hopper",
                "grace@example.com",
                "London",
                &ids.posting_swe,
            ),
            &["Byteboard SWE", "Byteboard Web"],
        ));
        let mut alan = person(
            &ids.alan,
            "Alan Turing",
            "alan@example.com",
            "Manchester",
            &ids.posting_design,
        );
        alan.phones = vec![(String::new(), "+44 161 496 0000".into())];
        self.add_opportunity(alan);
    }

    /// Ada's signed offer (standard and custom fields, both documents), a resume with a PDF,
    /// a resume entry without `file`, and another file.
    fn seed_ada_papers(&self, ids: &DemoIds) {
        let field = |text: &str, identifier: &str, value: serde_json::Value| OfferField {
            text: text.into(),
            identifier: identifier.into(),
            value,
        };
        let file = |id: &str, name: &str, label: &str| LeverFile {
            id: id.into(),
            name: name.into(),
            ext: "pdf".into(),
            content: pdf(label),
            unprocessable: false,
            uploaded_at: APPLIED_MS + 86_400_000,
        };
        self.add_offer(
            &ids.ada,
            Offer {
                id: ids.offer_ada.clone(),
                status: "signed".into(),
                created_at: APPLIED_MS + 7 * 86_400_000,
                fields: vec![
                    field("Candidate name", "candidate_name", json!("Ada Lovelace")),
                    field("Job title", "job_title", json!("Software Engineer")),
                    field("Salary", "salary_amount", json!(120000)),
                    field("Currency", "compensation_currency", json!("GBP")),
                    field(
                        "Salary interval",
                        "salary_interval",
                        json!("per-year-salary"),
                    ),
                    field(
                        "Anticipated start date",
                        "anticipated_start_date",
                        json!(START_DATE_MS),
                    ),
                    field("Hiring manager", "hiring_manager", json!(ids.user_manager)),
                    field("Direct manager", "direct_manager", json!(ids.user_manager)),
                    field("Equity", "custom_equity", json!("0.1%")),
                    field("T-Shirt Size", "custom_t_shirt_size", json!("M")),
                ],
                sent_document: Some(file("doc-ada-sent", "offer-ada-sent.pdf", "offer sent")),
                signed_document: Some(file(
                    "doc-ada-signed",
                    "offer-ada-signed.pdf",
                    "offer signed",
                )),
            },
        );
        let cv = file(&ids.resume_ada, "ada-lovelace-cv.pdf", "cv");
        self.add_resume(
            &ids.ada,
            Resume {
                id: ids.resume_ada.clone(),
                file: Some(cv),
            },
        );
        self.add_resume(
            &ids.ada,
            Resume {
                id: ids.resume_ada_without_file.clone(),
                file: None,
            },
        );
        self.add_file(
            &ids.ada,
            file(&ids.file_ada_portfolio, "portfolio.pdf", "portfolio"),
        );
    }
}
