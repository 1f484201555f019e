//! The hire's documents: each Lever file is downloaded and uploaded to the employee's
//! confidential documents exactly once. An upload whose answer was lost is looked for in
//! bob before it is sent again; a file Lever cannot serve (422) or bob cannot take (over
//! 5 MB, refused) is a failed step with the reason, and the other files go on.

use super::lever_hire::{FileRef, LeverHire};
use crate::clients::bob::{Bob, MAX_DOCUMENT_BYTES};
use crate::clients::lever::{Download, DownloadError, Lever};
use crate::flows::{done, failed, skipped, Ctx, FlowError};
use crate::keys;
use crate::time;
use crate::work::{DocState, HireQuestion, HireState};

/// What bob's document list says about a file Hirewire may have uploaded.
enum Listed {
    /// bob holds a document of this name not claimed by another file.
    There,
    /// bob holds none.
    Absent,
    /// bob's list cannot be read (the service user may not list documents).
    Unknown(String),
}

/// Copies each Lever file once; files Lever cannot serve or bob cannot take are recorded
/// as failed steps and the rest goes on. When an upload may have landed before an
/// interruption and bob cannot be asked, it is never sent again blindly: the answer is
/// the question to put to a person (`Some(reason)`).
pub(super) async fn copy_documents(
    ctx: &mut Ctx,
    lever: &Lever,
    bob: &Bob,
    data: &LeverHire,
    employee: &str,
    st: &mut HireState,
) -> Result<Option<String>, FlowError> {
    let opp = st.opportunity_id.clone();
    let shared_with = other_hires_of(ctx, employee, &opp).await?;
    let mut unknown: Option<String> = None;
    for f in &data.files {
        if already_copied(ctx, st, &opp, f).await? {
            continue;
        }
        match in_bob(ctx, bob, employee, f, st, &shared_with).await? {
            InBob::Copy => copy_one(ctx, lever, bob, f, employee, st).await?,
            InBob::Skipped => {}
            InBob::Uncertain(why) => unknown = Some(why),
        }
    }
    match unknown {
        None => Ok(None),
        Some(why) => ask_about_uploads(ctx, st, employee, why).await.map(Some),
    }
}

/// Whether the file is done with (copied, failed, found or uncertain), or found copied by
/// its link (recorded as a skipped step).
async fn already_copied(
    ctx: &mut Ctx,
    st: &mut HireState,
    opp: &str,
    f: &FileRef,
) -> Result<bool, FlowError> {
    let ds = st
        .docs
        .entry(f.key.clone())
        .or_insert_with(|| DocState {
            name: f.name.clone(),
            ..Default::default()
        })
        .clone();
    if ds.bob_id.is_some() || ds.failed.is_some() || ds.present.is_some() || ds.uncertain {
        return Ok(true);
    }
    let Some(id) = ctx.link(&keys::document(opp, &f.key)).await? else {
        return Ok(false);
    };
    set_doc(st, &f.key, |d| d.bob_id = Some(id.clone()));
    let step = skipped(
        format!("upload {}", f.name),
        format!("already in bob as document {id}"),
    );
    ctx.commit(st, Some(step), vec![]).await?;
    Ok(true)
}

/// What bob's document list says of a file before it is copied.
enum InBob {
    /// Copy it.
    Copy,
    /// It is there already: recorded as skipped.
    Skipped,
    /// It may have been uploaded before an interruption and the list cannot be read: not
    /// sent again; a person is asked (the reason).
    Uncertain(String),
}

/// Looks in bob's list before copying when an upload was interrupted, or when the
/// employee was made for another hire of the same person too.
async fn in_bob(
    ctx: &mut Ctx,
    bob: &Bob,
    employee: &str,
    f: &FileRef,
    st: &mut HireState,
    shared_with: &[String],
) -> Result<InBob, FlowError> {
    let interrupted = st.docs.get(&f.key).is_some_and(|d| d.started_ms.is_some());
    if !interrupted && shared_with.is_empty() {
        return Ok(InBob::Copy);
    }
    match listed(ctx, bob, employee, &f.name, st).await? {
        Listed::There => {
            let why = if interrupted {
                "found in bob under its name (uploaded before an interruption)".to_string()
            } else {
                format!("bob already has a document of this name: this employee was created for another hire of the same person ({})", shared_with.join(", "))
            };
            set_doc(st, &f.key, |d| {
                d.present = Some(why.clone());
                d.started_ms = None;
            });
            ctx.commit(st, Some(skipped(format!("upload {}", f.name), why)), vec![])
                .await?;
            Ok(InBob::Skipped)
        }
        Listed::Absent => Ok(InBob::Copy),
        Listed::Unknown(why) if interrupted => {
            set_doc(st, &f.key, |d| d.uncertain = true);
            let step = skipped(
                format!("upload {}", f.name),
                format!("not sent again: it may have been uploaded before an interruption, and bob's documents cannot be listed to check ({why})"),
            );
            ctx.commit(st, Some(step), vec![]).await?;
            Ok(InBob::Uncertain(why))
        }
        // Nothing was sent before: copying is safe; the list was only a courtesy.
        Listed::Unknown(_) => Ok(InBob::Copy),
    }
}

/// The question for a person when uploads may have landed and bob cannot be asked.
async fn ask_about_uploads(
    ctx: &mut Ctx,
    st: &mut HireState,
    employee: &str,
    why: String,
) -> Result<String, FlowError> {
    let names: Vec<&str> = st
        .docs
        .values()
        .filter(|d| d.uncertain)
        .map(|d| d.name.as_str())
        .collect();
    let question = format!(
        "Hirewire was interrupted while uploading {} to bob employee {employee}, and cannot check whether it arrived: bob's document list cannot be read ({why}). Look at the employee's confidential documents in bob: Approve uploads the file(s) again, Dismiss records that they are there",
        names.join(", ")
    );
    st.question = Some(HireQuestion::Uploads { why });
    ctx.commit(st, None, vec![]).await?;
    Ok(question)
}

/// Other opportunities whose hire Hirewire linked to this same employee (the same person
/// hired twice, or hired from two applications).
async fn other_hires_of(ctx: &Ctx, employee: &str, opp: &str) -> Result<Vec<String>, FlowError> {
    let (employee, opp) = (employee.to_string(), opp.to_string());
    Ok(ctx
        .engine
        .store
        .read_async(move |rx| rx.links_to("employee:", &employee))
        .await?
        .into_iter()
        .filter_map(|k| k.strip_prefix("employee:").map(str::to_string))
        .filter(|o| *o != opp)
        .collect())
}

/// Copies one file from Lever to bob's confidential documents: download, then upload. A
/// file that either side refuses is marked failed on the hire (the flow goes on); only an
/// error worth retrying stops the flow.
async fn copy_one(
    ctx: &mut Ctx,
    lever: &Lever,
    bob: &Bob,
    f: &FileRef,
    employee: &str,
    st: &mut HireState,
) -> Result<(), FlowError> {
    let Some(file) = download(ctx, lever, f, st).await? else {
        return Ok(());
    };
    set_doc(st, &f.key, |d| d.started_ms = Some(time::now_ms()));
    ctx.commit(st, None, vec![]).await?;
    upload(ctx, bob, f, employee, st, file).await
}

/// Downloads a file from Lever; `None` when it is too large or Lever cannot give it,
/// recorded as the file's failure.
async fn download(
    ctx: &mut Ctx,
    lever: &Lever,
    f: &FileRef,
    st: &mut HireState,
) -> Result<Option<Download>, FlowError> {
    let action = format!("copy {} to bob", f.name);
    let t = ctx.begin(format!("download {} from Lever", f.name));
    let (why, step) = if f.size.is_some_and(|s| s > MAX_DOCUMENT_BYTES) {
        let why = too_large(&f.name);
        let step = failed(action, &why, None, t);
        (why, step)
    } else {
        match lever
            .download(&st.opportunity_id, &f.paper, MAX_DOCUMENT_BYTES)
            .await
        {
            Ok(file) => return Ok(Some(file)),
            Err(DownloadError::TooLarge(_)) => {
                let why = too_large(&f.name);
                let step = failed(action, &why, None, t);
                (why, step)
            }
            Err(DownloadError::Unavailable(e)) => (e.to_string(), failed(action, &e, e.status, t)),
            Err(DownloadError::Api(e)) => return Err(e.into()),
        }
    };
    set_doc(st, &f.key, |d| d.failed = Some(why.clone()));
    ctx.commit(st, Some(step), vec![]).await?;
    Ok(None)
}

/// Uploads a downloaded file to bob's confidential documents, linking bob's id to the
/// file; a file bob refuses (400, 413, 415) is recorded as the file's failure.
async fn upload(
    ctx: &mut Ctx,
    bob: &Bob,
    f: &FileRef,
    employee: &str,
    st: &mut HireState,
    file: Download,
) -> Result<(), FlowError> {
    let opp = st.opportunity_id.clone();
    let action = format!("copy {} to bob", f.name);
    let t = ctx.begin(format!("upload {} to bob", f.name));
    let content_type = file
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    match bob
        .upload(employee, &f.name, file.bytes, &content_type)
        .await
    {
        Ok(id) => {
            set_doc(st, &f.key, |d| d.bob_id = Some(id.clone()));
            let step = done(
                format!("upload {} to confidential documents", f.name),
                Some(id.clone()),
                Some(200),
                t,
            );
            Ok(ctx
                .commit(st, Some(step), vec![(keys::document(&opp, &f.key), id)])
                .await?)
        }
        Err(e) if matches!(e.status, Some(400 | 413 | 415)) => {
            set_doc(st, &f.key, |d| {
                d.failed = Some(e.to_string());
                d.started_ms = None;
            });
            Ok(ctx
                .commit(st, Some(failed(action, &e, e.status, t)), vec![])
                .await?)
        }
        Err(e) => Err(e.into()),
    }
}

fn too_large(name: &str) -> String {
    format!("{name} is larger than 5 MB, the most bob accepts per document")
}

/// Whether bob holds a document named `name` that no other file of this hire accounts
/// for (bob's list names documents, it gives no ids).
async fn listed(
    ctx: &mut Ctx,
    bob: &Bob,
    employee: &str,
    name: &str,
    st: &HireState,
) -> Result<Listed, FlowError> {
    ctx.begin("check bob's documents");
    let claimed = st
        .docs
        .values()
        .filter(|d| d.name == name && (d.bob_id.is_some() || d.present.is_some()))
        .count();
    match bob.documents(employee).await {
        Ok(docs) => {
            let held = docs.iter().filter(|d| d.name == name).count();
            Ok(if held > claimed {
                Listed::There
            } else {
                Listed::Absent
            })
        }
        Err(e) if matches!(e.status, Some(403 | 404)) => Ok(Listed::Unknown(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

fn set_doc(st: &mut HireState, key: &str, f: impl FnOnce(&mut DocState)) {
    if let Some(d) = st.docs.get_mut(key) {
        f(d);
    }
}
