//! Flow F1, a hire becomes a bob employee: read the candidate from Lever, find or create the
//! employee (by email first, so nothing is created twice), then copy resumes, the offer
//! document and other files to the employee's confidential documents, each exactly once.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::fields::{self, Sources};
use super::{done, failed, skipped, Ctx, Finish, FlowError};
use crate::engine::clients::bob::{Bob, BobField, MAX_DOCUMENT_BYTES};
use crate::engine::clients::http::ApiError;
use crate::engine::clients::lever::{DownloadError, Lever, Offer, Opportunity, Perm, Posting};
use crate::engine::model::Status;
use crate::engine::notify::{Kind, Notice};
use crate::engine::settings::Settings;
use crate::engine::time;

/// bob may take this long before a new employee is readable; a create that may have
/// happened is only repeated after a search this much later still finds nothing.
const BOB_VISIBILITY: Duration = Duration::from_secs(25);

/// The hire's resumable state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HireState {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The employee to create (shown for review, editable before approval).
    #[serde(default)]
    pub proposal: Option<Value>,
    /// Mapping remarks (values that could not be converted).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The bob employee, once found or created.
    #[serde(default)]
    pub employee_id: Option<String>,
    /// When a create was sent whose answer is not recorded yet.
    #[serde(default)]
    pub create_started_ms: Option<u64>,
    /// Each Lever file by key.
    #[serde(default)]
    pub docs: BTreeMap<String, DocState>,
}

/// One Lever file on its way to bob.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocState {
    /// File name in bob.
    pub name: String,
    /// When an upload was sent whose answer is not recorded yet.
    #[serde(default)]
    pub started_ms: Option<u64>,
    /// The bob document id.
    #[serde(default)]
    pub bob_id: Option<String>,
    /// Why it cannot be copied (Lever 422, too large).
    #[serde(default)]
    pub failed: Option<String>,
}

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
    /// Download path.
    #[serde(skip)]
    pub path: String,
    /// Download query.
    #[serde(skip)]
    pub query: Vec<(&'static str, String)>,
    /// Permission the download needs.
    #[serde(skip)]
    pub perm: Option<Perm>,
}

fn doc_link(opp: &str, key: &str) -> String {
    format!("doc:{opp}:{key}")
}

fn employee_link(opp: &str) -> String {
    format!("employee:{opp}")
}

/// Runs one attempt of a hire.
pub async fn run(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    let mut st: HireState = ctx.state();
    let lever = ctx.lever().await?;
    let bob = ctx.bob().await?;
    let data = read_lever(ctx, &lever, &st.opportunity_id).await?;
    let email = data.opp.email().ok_or_else(|| FlowError::Stop("the candidate has no email address in Lever, and bob needs one: add it in Lever, then Retry".into()))?;
    let employee = match ensure_employee(ctx, &bob, &data, &email, &mut st).await? {
        Some(id) => id,
        None => {
            let why = format!("waiting for review: check the new employee, then Approve (or run `hirewire approve {}`)", ctx.job.id);
            return Ok(Finish::Waiting(why));
        }
    };
    copy_documents(ctx, &lever, &bob, &data, &employee, &mut st).await?;
    Ok(conclude(ctx, &data.opp.name, &employee, &st))
}

/// Reads everything the hire needs from Lever, recording it as a step.
pub async fn read_lever(
    ctx: &mut Ctx,
    lever: &Lever,
    opp_id: &str,
) -> Result<LeverHire, FlowError> {
    let t = ctx.begin("read the candidate from Lever");
    let data = fetch(lever, opp_id).await?;
    ctx.set_candidate(&data.opp.name).await?;
    let offer = data
        .offer
        .as_ref()
        .map(|o| o.status.as_str())
        .unwrap_or("none");
    let summary = format!("{} file(s), offer {offer}", data.files.len());
    let step = done("read the candidate from Lever", Some(summary), Some(200), t);
    let st: Value = ctx.job.state.clone();
    ctx.commit(&st, Some(step), vec![]).await?;
    Ok(data)
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
        let name = if f.name.is_empty() {
            format!("resume-{}.{}", r.id, f.ext)
        } else {
            f.name
        };
        let path = format!("/opportunities/{opp_id}/resumes/{}/download", r.id);
        files.push(FileRef {
            key: format!("resume:{}", r.id),
            name,
            size: f.size,
            path,
            query: vec![],
            perm: Some(Perm::DownloadResume),
        });
    }
    if let Some(o) = &offer {
        let doc = o
            .signed_document
            .as_ref()
            .map(|d| (d, "signed"))
            .or_else(|| o.sent_document.as_ref().map(|d| (d, "sent")));
        if let Some((d, status)) = doc {
            let name = if d.file_name.is_empty() {
                format!("offer-{}.pdf", o.id)
            } else {
                d.file_name.clone()
            };
            let path = format!("/opportunities/{opp_id}/offers/{}/download", o.id);
            files.push(FileRef {
                key: format!("offer:{}:{status}", o.id),
                name,
                size: None,
                path,
                query: vec![("status", status.into())],
                perm: Some(Perm::DownloadOffer),
            });
        }
    }
    for f in others {
        let name = if f.name.is_empty() {
            format!("file-{}.{}", f.id, f.ext)
        } else {
            f.name
        };
        let path = format!("/opportunities/{opp_id}/files/{}/download", f.id);
        files.push(FileRef {
            key: format!("file:{}", f.id),
            name,
            size: f.size,
            path,
            query: vec![],
            perm: Some(Perm::DownloadFile),
        });
    }
    Ok(LeverHire {
        opp,
        posting,
        offer,
        files,
    })
}

/// Finds the employee, or creates it once approved. `None`: waiting for review.
async fn ensure_employee(
    ctx: &mut Ctx,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
    st: &mut HireState,
) -> Result<Option<String>, FlowError> {
    let opp = st.opportunity_id.clone();
    if let Some(id) = st.employee_id.clone() {
        return Ok(Some(id));
    }
    if let Some(id) = ctx.link(&employee_link(&opp)).await? {
        st.employee_id = Some(id.clone());
        ctx.commit(
            st,
            Some(skipped(
                "create the bob employee",
                format!("already created: {id}"),
            )),
            vec![],
        )
        .await?;
        return Ok(Some(id));
    }
    let t = ctx.begin("look up the employee in bob by email");
    if let Some(id) = bob.find_by_email(email).await? {
        st.employee_id = Some(id.clone());
        st.create_started_ms = None;
        let step = done(
            format!("found the employee in bob by {email}"),
            Some(id.clone()),
            Some(200),
            t,
        );
        ctx.commit(st, Some(step), vec![(employee_link(&opp), id.clone())])
            .await?;
        return Ok(Some(id));
    }
    if let Some(started) = st.create_started_ms {
        // An earlier attempt sent a create and did not see the answer: bob may still be
        // making that employee readable. Search again later rather than create twice.
        let waited = time::now_ms().saturating_sub(started);
        if waited < BOB_VISIBILITY.as_millis() as u64 {
            let rest = BOB_VISIBILITY - Duration::from_millis(waited);
            return Err(FlowError::Later(
                rest,
                "checking whether bob created the employee before Hirewire was interrupted".into(),
            ));
        }
    }
    if st.proposal.is_none() {
        ctx.begin("prepare the bob employee (fields, sites, lists)");
        let (proposal, notes) = propose(&ctx.settings, bob, data, email).await?;
        st.proposal = Some(proposal);
        st.notes = notes;
        ctx.commit(st, None, vec![]).await?;
    }
    if ctx.settings.bob.review_before_create && !ctx.job.approved {
        return Ok(None);
    }
    create(ctx, bob, email, st).await.map(Some)
}

async fn create(
    ctx: &mut Ctx,
    bob: &Bob,
    email: &str,
    st: &mut HireState,
) -> Result<String, FlowError> {
    let opp = st.opportunity_id.clone();
    let proposal = st.proposal.clone().unwrap_or_default();
    st.create_started_ms = Some(time::now_ms());
    ctx.commit(st, None, vec![]).await?;
    let t = ctx.begin("create the bob employee");
    match bob.create(&proposal).await {
        Ok(id) => {
            st.employee_id = Some(id.clone());
            st.create_started_ms = None;
            let step = done(
                format!("created the bob employee {email}"),
                Some(id.clone()),
                Some(200),
                t,
            );
            ctx.commit(st, Some(step), vec![(employee_link(&opp), id.clone())])
                .await?;
            Ok(id)
        }
        Err(e)
            if e.status.is_some_and(|s| (400..500).contains(&s))
                && e.what.to_lowercase().contains("exist") =>
        {
            // bob already has this email (an earlier create went through): find it.
            Err(FlowError::Later(
                Duration::from_secs(5),
                format!("bob says the employee exists ({e}); looking it up"),
            ))
        }
        Err(e)
            if e.status
                .is_some_and(|s| (400..500).contains(&s) && s != 429) =>
        {
            // bob refused the payload: nothing was created, so a retry may create afresh.
            st.create_started_ms = None;
            ctx.commit(st, None, vec![]).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Builds the employee bob would get: standard fields, then same-name and mapped fields.
pub async fn propose(
    settings: &Settings,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
) -> Result<(Value, Vec<String>), FlowError> {
    let bob_fields = bob.fields().await?;
    let site_list = field(&bob_fields, "work.site")
        .and_then(BobField::list_id)
        .unwrap_or("site")
        .to_string();
    let sites = bob.list(&site_list).await?;
    let mut notes = Vec::new();
    let (first, last) = data.opp.split_name();
    let start = data
        .offer
        .as_ref()
        .and_then(|o| o.field("anticipated_start_date"))
        .and_then(fields::date)
        .ok_or_else(|| FlowError::Stop("the offer has no anticipated start date, which bob requires: add it to the offer in Lever, then Retry".into()))?;
    let location = data
        .posting
        .as_ref()
        .map(|p| p.categories.location.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| data.opp.location.clone());
    let site = match sites.iter().find(|s| s.is_called(&location)) {
        Some(s) => if s.name.is_empty() { s.value.clone() } else { s.name.clone() },
        None if !settings.bob.default_site.is_empty() => {
            notes.push(format!("no bob site is called “{location}”: used the default site {}", settings.bob.default_site));
            settings.bob.default_site.clone()
        }
        None => {
            return Err(FlowError::Stop(format!(
                "no bob site matches the Lever location “{location}” and no default site is set: set bob.default_site in Setup, then Retry"
            )))
        }
    };
    let mut payload = json!({"firstName": first, "surname": last, "email": email, "work": {"site": site, "startDate": start}});
    let title = data
        .offer
        .as_ref()
        .and_then(|o| o.field("job_title"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            data.posting
                .as_ref()
                .map(|p| p.text.clone())
                .filter(|t| !t.is_empty())
        });
    if let Some(title) = title {
        payload["work"]["title"] = json!(title);
    }
    let src = Sources {
        opp: &data.opp,
        posting: data.posting.as_ref(),
        offer: data.offer.as_ref(),
    };
    let (plan, plan_notes) = fields::plan(&src, &bob_fields, &settings.fields);
    notes.extend(plan_notes);
    let department = data
        .posting
        .as_ref()
        .map(|p| {
            if p.categories.department.is_empty() {
                p.categories.team.clone()
            } else {
                p.categories.department.clone()
            }
        })
        .unwrap_or_default();
    let mut wanted = fields::lists_needed(&plan);
    let dept_field = field(&bob_fields, "work.department").cloned();
    if let Some(list) = dept_field.as_ref().and_then(|f| f.list_id()) {
        wanted.push(list.to_string());
    }
    let mut lists = HashMap::new();
    for id in wanted {
        lists.insert(id.clone(), bob.list(&id).await?);
    }
    if !department.is_empty() {
        let dept = dept_field.unwrap_or(BobField {
            id: "work.department".into(),
            kind: "text".into(),
            ..Default::default()
        });
        match fields::convert(&dept, &json!(department), &lists, None) {
            Ok(v) => payload["work"]["department"] = v,
            Err(e) => notes.push(format!("department: {e}")),
        }
    }
    let currency = data
        .offer
        .as_ref()
        .and_then(|o| o.field("compensation_currency"))
        .and_then(Value::as_str)
        .map(str::to_string);
    for a in &plan {
        match fields::convert(&a.bob, &a.value, &lists, currency.as_deref()) {
            Ok(v) => fields::set_path(&mut payload, &a.bob.path(), v),
            Err(e) => notes.push(format!("{} ({}): {e}", a.bob.name, a.source)),
        }
    }
    Ok((payload, notes))
}

fn field<'a>(fields: &'a [BobField], id: &str) -> Option<&'a BobField> {
    fields.iter().find(|f| f.id == id)
}

/// Copies each Lever file once; files Lever cannot serve or bob cannot take are recorded
/// as failed steps and the rest goes on.
async fn copy_documents(
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
        if let Some(id) = ctx.link(&doc_link(&opp, &f.key)).await? {
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
                ctx.commit(st, Some(step), vec![(doc_link(&opp, &f.key), id)])
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
        let why = format!(
            "{} is larger than 5 MB, the most bob accepts per document",
            f.name
        );
        set_doc(st, &f.key, |d| d.failed = Some(why.clone()));
        return Ok(ctx
            .commit(st, Some(failed(action, &why, None, t)), vec![])
            .await?);
    }
    let perm = f.perm.unwrap_or(Perm::DownloadFile);
    let file = match lever
        .download(perm, &f.path, &f.query, MAX_DOCUMENT_BYTES)
        .await
    {
        Ok(file) => file,
        Err(DownloadError::TooLarge(_)) => {
            let why = format!(
                "{} is larger than 5 MB, the most bob accepts per document",
                f.name
            );
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
                .commit(st, Some(step), vec![(doc_link(&opp, &f.key), id)])
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

fn conclude(ctx: &Ctx, name: &str, employee: &str, st: &HireState) -> Finish {
    let copied = st.docs.values().filter(|d| d.bob_id.is_some()).count();
    let broken: Vec<String> = st
        .docs
        .values()
        .filter_map(|d| d.failed.as_ref().map(|why| format!("{}: {why}", d.name)))
        .collect();
    let total = st.docs.len();
    let mut reason = None;
    if broken.is_empty() {
        ctx.engine.notifier.send(Notice {
            summary: format!("{name} → bob"),
            body: format!("Employee {employee} with {copied} document(s)"),
            entry_id: Some(ctx.job.id),
            kind: Kind::Done,
        });
    } else {
        let why = format!(
            "{copied} of {total} documents copied; {}",
            broken.join("; ")
        );
        ctx.engine.notifier.send(Notice {
            summary: format!("{name} → bob, with problems"),
            body: why.clone(),
            entry_id: Some(ctx.job.id),
            kind: Kind::Attention,
        });
        reason = Some(why);
    }
    if !st.notes.is_empty() {
        let notes = format!("fields not mapped: {}", st.notes.join("; "));
        reason = Some(match reason {
            Some(r) => format!("{r}; {notes}"),
            None => notes,
        });
    }
    Finish::Final(Status::Done, reason)
}
