//! The hire's documents: each Lever file is downloaded and uploaded to the employee's
//! confidential documents exactly once. An upload whose answer was lost is looked for in
//! bob before it is sent again; a file Lever cannot serve (422) or bob cannot take (over
//! 5 MB, refused) is a failed step with the reason, and the other files go on.

use super::lever_hire::{FileRef, LeverHire};
use crate::clients::bob::{Bob, MAX_DOCUMENT_BYTES};
use crate::clients::lever::{DownloadError, Lever};
use crate::flows::{done, failed, skipped, Ctx, FlowError};
use crate::keys;
use crate::time;
use crate::work::{DocState, HireState};

/// Copies each Lever file once; files Lever cannot serve or bob cannot take are recorded
/// as failed steps and the rest goes on.
pub(super) async fn copy_documents(
    ctx: &mut Ctx,
    lever: &Lever,
    bob: &Bob,
    data: &LeverHire,
    employee: &str,
    st: &mut HireState,
) -> Result<(), FlowError> {
    let opp = st.opportunity_id.clone();
    for f in &data.files {
        let ds = st
            .docs
            .entry(f.key.clone())
            .or_insert_with(|| DocState {
                name: f.name.clone(),
                ..Default::default()
            })
            .clone();
        if ds.bob_id.is_some() || ds.failed.is_some() {
            continue;
        }
        if let Some(id) = ctx.link(&keys::document(&opp, &f.key)).await? {
            set_doc(st, &f.key, |d| d.bob_id = Some(id.clone()));
            ctx.commit(
                st,
                Some(skipped(
                    format!("upload {}", f.name),
                    format!("already in bob as document {id}"),
                )),
                vec![],
            )
            .await?;
            continue;
        }
        if ds.started_ms.is_some() {
            if let Some(id) = find_uploaded(ctx, bob, employee, &f.name, st).await? {
                set_doc(st, &f.key, |d| d.bob_id = Some(id.clone()));
                let step = skipped(
                    format!("upload {}", f.name),
                    format!("found in bob as document {id} (uploaded before an interruption)"),
                );
                ctx.commit(st, Some(step), vec![(keys::document(&opp, &f.key), id)])
                    .await?;
                continue;
            }
        }
        copy_one(ctx, lever, bob, f, employee, st).await?;
    }
    Ok(())
}

async fn copy_one(
    ctx: &mut Ctx,
    lever: &Lever,
    bob: &Bob,
    f: &FileRef,
    employee: &str,
    st: &mut HireState,
) -> Result<(), FlowError> {
    let opp = st.opportunity_id.clone();
    let action = format!("copy {} to bob", f.name);
    let t = ctx.begin(format!("download {} from Lever", f.name));
    if f.size.is_some_and(|s| s > MAX_DOCUMENT_BYTES) {
        let why = too_large(&f.name);
        set_doc(st, &f.key, |d| d.failed = Some(why.clone()));
        return Ok(ctx
            .commit(st, Some(failed(action, &why, None, t)), vec![])
            .await?);
    }
    let file = match lever
        .download(f.perm, &f.path, &f.query, MAX_DOCUMENT_BYTES)
        .await
    {
        Ok(file) => file,
        Err(DownloadError::TooLarge(_)) => {
            let why = too_large(&f.name);
            set_doc(st, &f.key, |d| d.failed = Some(why.clone()));
            return Ok(ctx
                .commit(st, Some(failed(action, &why, None, t)), vec![])
                .await?);
        }
        Err(DownloadError::Api(e)) if matches!(e.status, Some(404 | 422)) => {
            set_doc(st, &f.key, |d| d.failed = Some(e.to_string()));
            return Ok(ctx
                .commit(st, Some(failed(action, &e, e.status, t)), vec![])
                .await?);
        }
        Err(DownloadError::Api(e)) => return Err(e.into()),
    };
    set_doc(st, &f.key, |d| d.started_ms = Some(time::now_ms()));
    ctx.commit(st, None, vec![]).await?;
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

/// After an interruption: the document bob already holds under this name, not yet claimed.
async fn find_uploaded(
    ctx: &mut Ctx,
    bob: &Bob,
    employee: &str,
    name: &str,
    st: &HireState,
) -> Result<Option<String>, FlowError> {
    ctx.begin("check bob's documents after an interruption");
    let claimed: Vec<&String> = st.docs.values().filter_map(|d| d.bob_id.as_ref()).collect();
    match bob.documents(employee).await {
        Ok(docs) => Ok(docs
            .into_iter()
            .find(|d| d.name == name && !claimed.contains(&&d.id))
            .map(|d| d.id)),
        Err(e) if matches!(e.status, Some(403 | 404)) => {
            tracing::warn!(
                "cannot list bob documents to check for an earlier upload ({e}); uploading again"
            );
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

fn set_doc(st: &mut HireState, key: &str, f: impl FnOnce(&mut DocState)) {
    if let Some(d) = st.docs.get_mut(key) {
        f(d);
    }
}
