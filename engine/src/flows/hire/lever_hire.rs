//! What a hire reads from Lever: the opportunity, its posting, the most advanced offer,
//! and every file to copy (resumes, the offer document — signed, else sent — and other
//! files), each with a stable key so it is copied once. The dry run reads the same.

use serde::Serialize;
use serde_json::Value;

use super::fields::Sources;

use crate::clients::http::ApiError;
use crate::clients::lever::{Lever, Offer, Opportunity, Paper, Posting};

/// What a hire reads from Lever.
pub struct LeverHire {
    /// The opportunity.
    pub opp: Opportunity,
    /// Its posting.
    pub posting: Option<Posting>,
    /// The most advanced offer.
    pub offer: Option<Offer>,
    /// Files to copy.
    pub files: Vec<FileRef>,
}

/// A Lever file to copy.
#[derive(Debug, Clone, Serialize)]
pub struct FileRef {
    /// Stable key (`resume:<id>`, `offer:<id>`, `file:<id>`).
    pub key: String,
    /// File name.
    pub name: String,
    /// Size if Lever said.
    pub size: Option<u64>,
    /// What Lever serves it as.
    #[serde(skip)]
    pub paper: Paper,
}

impl LeverHire {
    /// Where the field mappings take their values from.
    pub fn sources(&self) -> Sources<'_> {
        Sources {
            opp: &self.opp,
            posting: self.posting.as_ref(),
            offer: self.offer.as_ref(),
        }
    }

    /// The offer's currency (`compensation_currency`), for currency fields.
    pub fn currency(&self) -> Option<&str> {
        self.offer
            .as_ref()
            .and_then(|o| o.field("compensation_currency"))
            .and_then(Value::as_str)
    }
}

/// Reads an opportunity, its posting, best offer, resumes and files (no recording: the
/// dry run uses this too).
pub async fn fetch(lever: &Lever, opp_id: &str) -> Result<LeverHire, ApiError> {
    let opp = lever.opportunity(opp_id).await?;
    let posting = match opp.posting_id() {
        Some(pid) => Some(lever.posting(&pid).await?),
        None => None,
    };
    let offer = lever
        .offers(opp_id)
        .await?
        .into_iter()
        .max_by_key(|o| (o.rank(), o.created_at));
    let resumes = lever.resumes(opp_id).await?;
    let others = lever.files(opp_id).await?;
    let mut files = Vec::new();
    for r in resumes {
        let Some(f) = r.file else { continue };
        let paper = Paper::Resume(r.id.clone());
        files.push(FileRef {
            key: paper.key(),
            name: named(f.name, || format!("resume-{}.{}", r.id, f.ext)),
            size: f.size,
            paper,
        });
    }
    if let Some(o) = &offer {
        let doc = o
            .signed_document
            .as_ref()
            .map(|d| (d, "signed"))
            .or_else(|| o.sent_document.as_ref().map(|d| (d, "sent")));
        if let Some((d, status)) = doc {
            let paper = Paper::Offer(o.id.clone(), status);
            files.push(FileRef {
                key: paper.key(),
                name: named(d.file_name.clone(), || format!("offer-{}.pdf", o.id)),
                size: None,
                paper,
            });
        }
    }
    for f in others {
        let paper = Paper::File(f.id.clone());
        files.push(FileRef {
            key: paper.key(),
            name: named(f.name, || format!("file-{}.{}", f.id, f.ext)),
            size: f.size,
            paper,
        });
    }
    Ok(LeverHire {
        opp,
        posting,
        offer,
        files,
    })
}

/// Lever's file name, or one made up from the ids when Lever gave none (bob needs one).
fn named(name: String, made_up: impl FnOnce() -> String) -> String {
    if name.trim().is_empty() {
        made_up()
    } else {
        name
    }
}
