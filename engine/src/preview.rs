//! Looking without touching: the dry run (what a hire would create and upload, and what
//! invite would go out) and the field preview of the mapping screen. Reads only.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::clients::bob::Bob;
use super::clients::lever::Lever;
use super::flows::hire::lever_hire::{self, LeverHire};
use super::flows::hire::{fields, proposal};
use super::flows::FlowError;
use super::history::{self, Filter};
use super::keys;
use super::model::Flow;
use super::settings::Settings;
use super::Engine;

/// What a hire of this candidate would do.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DryRun {
    /// The candidate's name.
    pub candidate: String,
    /// The employee bob would get (`None` when one exists already).
    pub employee: Option<Value>,
    /// The existing bob employee, if found by email.
    pub existing_employee_id: Option<String>,
    /// Files that would be uploaded.
    pub documents: Vec<DocPreview>,
    /// The invite a move into the assessment stage would send, or why none.
    pub invite: Option<String>,
    /// When an invite already went to this candidate (ms): a move would send none again.
    pub invite_sent_at: Option<u64>,
    /// Mapping remarks.
    pub notes: Vec<String>,
}

/// One file of a dry run.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DocPreview {
    /// File name.
    pub name: String,
    /// Size, if Lever said.
    pub size: Option<u64>,
    /// Already copied by an earlier hire.
    pub already_uploaded: bool,
}

/// One row of the field preview.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FieldRow {
    /// bob field id.
    pub bob_id: String,
    /// bob field name.
    pub bob_name: String,
    /// bob field type.
    pub bob_type: String,
    /// Where the value comes from.
    pub source: String,
    /// Matched by name.
    pub automatic: bool,
    /// The Lever value.
    pub lever_value: Value,
    /// The converted value.
    pub converted: Option<Value>,
    /// Why it cannot be converted.
    pub error: Option<String>,
}

async fn clients(engine: &Engine) -> Result<(Settings, Lever, Bob), FlowError> {
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let lever = engine.lever(&settings).await?;
    let bob = engine.bob(&settings).await?;
    Ok((settings, lever, bob))
}

/// A dry run's note for a candidate bob cannot take.
pub(crate) const NO_EMAIL: &str = "the candidate has no email address in Lever: bob needs one";
/// A dry run's invite line when the candidate has one tag but no email.
pub(crate) const NO_INVITE_EMAIL: &str = "no invite: the candidate has no email address in Lever";
/// A dry run's invite line when no tag names an interview type.
pub(crate) const NO_INVITE_TAG: &str = "no invite: the candidate has no interview-type tag";

/// A dry run's invite line: the test the invite would be for, and to whom.
pub(crate) fn invite_line(tag: &str, test: &str, to: &str) -> String {
    format!("{tag} (test {test}) to {to}")
}

/// What a hire and an assessment move would do for this candidate. Writes nothing.
pub async fn dry_run(engine: &Engine, opp_id: &str) -> Result<DryRun, FlowError> {
    let (settings, lever, bob) = clients(engine).await?;
    let data: LeverHire = lever_hire::fetch(&lever, opp_id).await?;
    let email = data.opp.email();
    let existing = match &email {
        Some(e) => bob.find_by_email(e).await?.map(|f| f.id),
        None => None,
    };
    let (employee, notes) = match (&existing, &email) {
        (None, Some(e)) => {
            let (p, n) = proposal::propose(&settings, &bob, &data, e).await?;
            (Some(p), n)
        }
        (None, None) => (None, vec![NO_EMAIL.to_string()]),
        (Some(_), _) => (None, vec![]),
    };
    let documents = documents(engine, opp_id, &data).await?;
    let invite = Some(invite(&settings, &data, email.as_deref()));
    let opp = opp_id.to_string();
    let invite_sent_at = engine
        .store
        .read_async(move |rx| {
            Ok(rx
                .assessments_of(&opp)?
                .into_iter()
                .map(|a| a.sent_at)
                .min())
        })
        .await?;
    Ok(DryRun {
        candidate: data.opp.name.clone(),
        employee,
        existing_employee_id: existing,
        documents,
        invite,
        invite_sent_at,
        notes,
    })
}

/// The files a hire would copy, each with whether it is in bob already.
async fn documents(
    engine: &Engine,
    opp_id: &str,
    data: &LeverHire,
) -> Result<Vec<DocPreview>, FlowError> {
    let mut documents = Vec::new();
    for f in &data.files {
        let key = keys::document(opp_id, &f.key);
        let already_uploaded = engine
            .store
            .read_async(move |rx| rx.link(&key))
            .await?
            .is_some();
        documents.push(DocPreview {
            name: f.name.clone(),
            size: f.size,
            already_uploaded,
        });
    }
    Ok(documents)
}

/// What a move into the assessment stage would send, or why it would send nothing.
fn invite(settings: &Settings, data: &LeverHire, email: Option<&str>) -> String {
    let types: Vec<(&String, &String)> = settings
        .interview_types
        .iter()
        .filter(|(t, _)| data.opp.tags.contains(t))
        .collect();
    match (types.as_slice(), email) {
        ([(tag, test)], Some(to)) => invite_line(tag, test, to),
        ([_], None) => NO_INVITE_EMAIL.to_string(),
        ([], _) => NO_INVITE_TAG.to_string(),
        (many, _) => format!("no invite: {} interview-type tags", many.len()),
    }
}

/// The mapping screen's preview: which bob fields a hire would fill, from what, and how the
/// values convert, on `opp_id` or else the most recent hire Hirewire saw.
pub async fn field_preview(
    engine: &Engine,
    opp_id: Option<String>,
) -> Result<Vec<FieldRow>, FlowError> {
    let opp_id = match opp_id {
        Some(id) => id,
        None => {
            let filter = Filter {
                flows: vec![Flow::Hire],
                limit: 1,
                ..Default::default()
            };
            let page = engine
                .store
                .read_async(move |rx| history::list(rx, &filter))
                .await?;
            match page.entries.into_iter().find_map(|e| e.opportunity_id) {
                Some(id) => id,
                None => return Ok(vec![]),
            }
        }
    };
    let (settings, lever, bob) = clients(engine).await?;
    let data = lever_hire::fetch(&lever, &opp_id).await?;
    let bob_fields = bob.fields().await?;
    let (plan, _) = fields::plan(&data.sources(), &bob_fields, &settings.fields);
    let mut lists = HashMap::new();
    for id in fields::lists_needed(&plan) {
        lists.insert(id.clone(), bob.list(&id).await?);
    }
    Ok(plan
        .into_iter()
        .map(|a| {
            let converted = fields::convert(&a.bob, &a.value, &lists, data.currency());
            FieldRow {
                bob_id: a.bob.id.clone(),
                bob_name: a.bob.name.clone(),
                bob_type: a.bob.kind.clone(),
                source: a.source,
                automatic: a.automatic,
                lever_value: a.value,
                converted: converted.as_ref().ok().cloned(),
                error: converted.err(),
            }
        })
        .collect())
}
