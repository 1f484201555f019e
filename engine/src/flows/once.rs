//! "Exactly once" for calls that create something and cannot be asked "did you?" in advance:
//! an intent is stored before the call and the result after it, both as links. A run that
//! finds an intent without a result was interrupted mid-call and checks before calling again.

use std::time::Instant;

use super::{done, skipped, Ctx, FlowError};
use crate::clients::lever::Lever;
use crate::keys::{self, done as done_key, intent as intent_key};
use crate::work::Work;

/// The result of an action already done under `key`, if any.
pub async fn result(ctx: &Ctx, key: &str) -> Result<Option<String>, FlowError> {
    Ok(ctx.link(&done_key(key)).await?)
}

/// Whether an earlier run started the action under `key` and never saw its result.
pub async fn interrupted(ctx: &Ctx, key: &str) -> Result<bool, FlowError> {
    Ok(ctx.link(&intent_key(key)).await?.is_some() && result(ctx, key).await?.is_none())
}

/// Records the intent to act under `key` (durably, before the call).
pub async fn begin<S: Clone + Into<Work>>(
    ctx: &mut Ctx,
    state: &S,
    key: &str,
) -> Result<(), FlowError> {
    begin_with(ctx, state, key, vec![]).await
}

/// [`begin`], committing other links in the same transaction.
pub async fn begin_with<S: Clone + Into<Work>>(
    ctx: &mut Ctx,
    state: &S,
    key: &str,
    mut links: Vec<(String, String)>,
) -> Result<(), FlowError> {
    let stamp = crate::time::now_ms().to_string();
    links.push((intent_key(key), stamp));
    Ok(ctx.commit(state, None, links).await?)
}

/// Records the action's result under `key`, with its step.
pub async fn finish<S: Clone + Into<Work>>(
    ctx: &mut Ctx,
    state: &S,
    key: &str,
    value: &str,
    step: crate::model::Step,
) -> Result<(), FlowError> {
    finish_with(ctx, state, key, value, step, vec![]).await
}

/// [`finish`], committing other links in the same transaction.
pub async fn finish_with<S: Clone + Into<Work>>(
    ctx: &mut Ctx,
    state: &S,
    key: &str,
    value: &str,
    step: crate::model::Step,
    mut links: Vec<(String, String)>,
) -> Result<(), FlowError> {
    links.push((done_key(key), value.to_string()));
    Ok(ctx.commit(state, Some(step), links).await?)
}

/// Adds a note to an opportunity once per `key`, however often this runs. After an
/// interruption it looks for the exact text among the opportunity's notes first.
pub async fn note<S: Clone + Into<Work>>(
    ctx: &mut Ctx,
    state: &S,
    lever: &Lever,
    opp: &str,
    key: &str,
    text: &str,
) -> Result<String, FlowError> {
    let key = keys::note(key);
    let action = "add a note in Lever";
    if let Some(id) = result(ctx, &key).await? {
        ctx.commit(
            state,
            Some(skipped(action, format!("already added as note {id}"))),
            vec![],
        )
        .await?;
        return Ok(id);
    }
    if interrupted(ctx, &key).await? {
        ctx.begin("check Lever's notes after an interruption");
        let found = lever.notes(opp).await?.into_iter().find(|n| n.says(text));
        if let Some(n) = found {
            let step = skipped(
                action,
                format!("found as note {} (added before an interruption)", n.id),
            );
            finish(ctx, state, &key, &n.id, step).await?;
            return Ok(n.id);
        }
    }
    begin(ctx, state, &key).await?;
    let t: Instant = ctx.begin(action);
    let id = lever
        .add_note(opp, text, &ctx.settings.lever.perform_as)
        .await?;
    finish(
        ctx,
        state,
        &key,
        &id,
        done(
            format!("{action}: “{}”", short(text)),
            Some(id.clone()),
            Some(201),
            t,
        ),
    )
    .await?;
    Ok(id)
}

fn short(text: &str) -> String {
    let first: String = text.chars().take(80).collect();
    if first.len() < text.len() {
        format!("{first}…")
    } else {
        first
    }
}
