//! The Lever permission probes of `hirewire check`: every call shape the flows make, tried
//! with the key. Whether Lever checks a key's checkbox before it looks an id up is not
//! documented, so a 404 for a made-up id proves nothing: the per-candidate calls are tried
//! on a real candidate of the account (and on its real posting, offer, resume and file),
//! and what cannot be tried that way is reported as not proven, never as allowed.

use reqwest::Method;

use crate::clients::http::ApiError;
use crate::clients::lever::{Lever, Perm, Probe};
use crate::clients::lever_perm::PROBE;

/// The checkboxes the permanent key needs, in the order the check asks about them.
pub const PERMS: [Perm; 18] = [
    Perm::FindOpportunity,
    Perm::FindOpportunities,
    Perm::FindDeletedOpportunities,
    Perm::FindPosting,
    Perm::FindOffers,
    Perm::FindResumes,
    Perm::FindFiles,
    Perm::DownloadResume,
    Perm::DownloadOffer,
    Perm::DownloadFile,
    Perm::FindStages,
    Perm::FindArchiveReasons,
    Perm::FindTags,
    Perm::FindNotes,
    Perm::CreateNote,
    Perm::UpdateStage,
    Perm::AddTags,
    Perm::UpdateArchived,
];

/// The checkboxes only score rules need (a key without them does everything else).
pub const RULE_PERMS: [Perm; 3] = [Perm::UpdateStage, Perm::AddTags, Perm::UpdateArchived];

/// What the check learnt about one checkbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The key has it.
    Allowed,
    /// Lever refused the key (403).
    Missing,
    /// Nothing could prove it either way; the words say why.
    Unproven(String),
}

/// Tries every checkbox of [`PERMS`]; an error is an answer that is not about permissions
/// (Lever unreachable, the key refused), and stops the check.
pub async fn run(lever: &Lever) -> Result<Vec<(Perm, Answer)>, ApiError> {
    let lever = lever.quick();
    let mut out = Vec::new();
    let sample = match lever.any_opportunity().await {
        Ok(s) => {
            out.push((Perm::FindOpportunities, Answer::Allowed));
            s
        }
        Err(e) if e.status == Some(403) => {
            out.push((Perm::FindOpportunities, Answer::Missing));
            None
        }
        Err(e) => return Err(e),
    };
    for (perm, path) in [
        (Perm::FindDeletedOpportunities, "/opportunities/deleted"),
        (Perm::FindStages, "/stages"),
        (Perm::FindArchiveReasons, "/archive_reasons"),
        (Perm::FindTags, "/tags"),
    ] {
        out.push((
            perm,
            answer(lever.probe(perm, Method::GET, path).await?, ""),
        ));
    }
    match sample {
        Some(opp) => out.extend(on_candidate(&lever, &opp).await?),
        None => {
            let why = if out.contains(&(Perm::FindOpportunities, Answer::Missing)) {
                "the key may not list candidates, so there was no real candidate to try it on"
            } else {
                "Lever has no candidate yet to try it on: run the check again once it has one"
            };
            out.extend(
                PERMS
                    .into_iter()
                    .filter(|p| !out.iter().any(|(q, _)| q == p))
                    .map(|p| (p, Answer::Unproven(why.into())))
                    .collect::<Vec<_>>(),
            );
        }
    }
    out.sort_by_key(|(p, _)| PERMS.iter().position(|q| q == p));
    Ok(out)
}

/// The per-candidate checkboxes, tried on opportunity `opp` and its papers.
async fn on_candidate(lever: &Lever, opp: &str) -> Result<Vec<(Perm, Answer)>, ApiError> {
    let o = format!("/opportunities/{opp}");
    let mut out = Vec::new();
    let posting = read(
        &mut out,
        Perm::FindOpportunity,
        lever.opportunity(opp).await,
    )?
    .and_then(|found| found.posting_id());
    out.push((Perm::FindPosting, posting_answer(lever, posting).await?));
    let offer = read(&mut out, Perm::FindOffers, lever.offers(opp).await)?.and_then(|list| {
        list.into_iter()
            .find(|x| x.signed_document.is_some() || x.sent_document.is_some())
            .map(|x| x.id)
    });
    let resume = read(&mut out, Perm::FindResumes, lever.resumes(opp).await)?
        .and_then(|list| list.into_iter().find(|r| r.file.is_some()).map(|r| r.id));
    let file = read(&mut out, Perm::FindFiles, lever.files(opp).await)?
        .and_then(|list| list.into_iter().next().map(|f| f.id));
    read(&mut out, Perm::FindNotes, lever.notes(opp).await)?;
    for (perm, kind, id) in [
        (Perm::DownloadResume, "resumes", resume),
        (Perm::DownloadOffer, "offers", offer),
        (Perm::DownloadFile, "files", file),
    ] {
        out.push((perm, download(lever, perm, &o, kind, id).await?));
    }
    out.extend(writes(lever).await?);
    Ok(out)
}

/// Records whether a read was allowed, and gives what it read when it was.
fn read<T>(
    out: &mut Vec<(Perm, Answer)>,
    perm: Perm,
    result: Result<T, ApiError>,
) -> Result<Option<T>, ApiError> {
    match result {
        Ok(found) => {
            out.push((perm, Answer::Allowed));
            Ok(Some(found))
        }
        Err(e) => {
            out.push((perm, refused_or(e)?));
            Ok(None)
        }
    }
}

/// Reading the candidate's posting, when they have one.
async fn posting_answer(lever: &Lever, posting: Option<String>) -> Result<Answer, ApiError> {
    Ok(match posting {
        Some(p) => answer(
            lever
                .probe(Perm::FindPosting, Method::GET, &format!("/postings/{p}"))
                .await?,
            "",
        ),
        None => Answer::Unproven(
            "the candidate tried has no posting (or could not be read) to try it on".into(),
        ),
    })
}

/// The writes, tried on a made-up candidate: a real one would get a note or be moved, so
/// only a 403 says something for sure.
async fn writes(lever: &Lever) -> Result<Vec<(Perm, Answer)>, ApiError> {
    let mut out = Vec::new();
    let note = lever
        .probe(
            Perm::CreateNote,
            Method::POST,
            &format!("/opportunities/{PROBE}/notes"),
        )
        .await?;
    out.push((
        Perm::CreateNote,
        answer(note, "it was tried on a made-up candidate, since a real one would get a note; the first note Hirewire writes will tell"),
    ));
    for (perm, method, tail) in [
        (Perm::UpdateStage, Method::PUT, "stage"),
        (Perm::AddTags, Method::POST, "addTags"),
        (Perm::UpdateArchived, Method::PUT, "archived"),
    ] {
        let p = lever
            .probe(perm, method, &format!("/opportunities/{PROBE}/{tail}"))
            .await?;
        out.push((
            perm,
            answer(p, "it was tried on a made-up candidate, since a real one would be moved; the first move a score rule makes will tell"),
        ));
    }
    Ok(out)
}

/// A download tried on the candidate's own paper when it has one, else on a made-up id.
async fn download(
    lever: &Lever,
    perm: Perm,
    opp_path: &str,
    kind: &str,
    id: Option<String>,
) -> Result<Answer, ApiError> {
    let real = id.is_some();
    let id = id.unwrap_or_else(|| PROBE.to_string());
    let found = lever
        .probe(
            perm,
            Method::GET,
            &format!("{opp_path}/{kind}/{id}/download"),
        )
        .await?;
    let why = if real {
        "Lever did not find the document it had just listed"
    } else {
        "the candidate tried has none to download, and a made-up one proves nothing"
    };
    Ok(answer(found, why))
}

/// A probe's answer; a 404 is not proven, for the reason given.
fn answer(p: Probe, why_not_found: &str) -> Answer {
    match p {
        Probe::Allowed => Answer::Allowed,
        Probe::Refused => Answer::Missing,
        Probe::NotFound if why_not_found.is_empty() => {
            Answer::Unproven("Lever did not find what it had just listed".into())
        }
        Probe::NotFound => Answer::Unproven(why_not_found.into()),
    }
}

/// A per-candidate read that failed: a 403 is the missing box, a 404 (the candidate went
/// away meanwhile) proves nothing, anything else stops the check.
fn refused_or(e: ApiError) -> Result<Answer, ApiError> {
    match e.status {
        Some(403) => Ok(Answer::Missing),
        Some(404) => Ok(Answer::Unproven(
            "the candidate tried was gone before it could be read".into(),
        )),
        _ => Err(e),
    }
}
