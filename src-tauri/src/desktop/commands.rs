//! The window's commands: each a thin adapter over one engine call, errors turned into the
//! engine's own sentence only here, at the UI edge. Secrets go in and never come out.

use serde::Serialize;
use serde_json::Value;
use tauri::State;

use super::Shell;
use crate::engine::candidates::{self, Candidate};
use crate::engine::check::{self, Item};
use crate::engine::history::{self, Filter, Page};
use crate::engine::mappings::{self, Suggestion};
use crate::engine::model::{Entry, Status, Step, StepStatus};
use crate::engine::preview::{self, DryRun, FieldRow};
use crate::engine::secrets::{self, Secret, NAMES};
use crate::engine::settings::Settings;
use crate::engine::store::{RelayConn, META_RELAY_SEQ};
use crate::engine::{time, RelayState};
use hirewire_relay::protocol::{endpoints, ConnectCode};

type Res<T> = Result<T, String>;

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The status bar and the start screen's choice.
#[derive(Debug, Serialize)]
pub struct AppStatus {
    profile: String,
    demo: bool,
    configured: bool,
    relay: RelayView,
    last_event_at: Option<u64>,
    queue: u64,
}

#[derive(Debug, Serialize)]
struct RelayView {
    state: String,
    detail: Option<String>,
    url: Option<String>,
    since: Option<u64>,
}

#[tauri::command]
pub async fn status(shell: State<'_, Shell>) -> Res<AppStatus> {
    let e = &shell.engine;
    let rs: RelayState = e.relay_state.lock().map(|r| r.clone()).unwrap_or_default();
    let (conn, configured, queue, last) = e
        .store
        .read_async(|rx| {
            let conn = rx.relay_conn()?;
            let configured = rx.meta(super::SETUP_DONE)? > 0;
            let queue = rx.jobs()?.len() as u64 + rx.inbox_len()?;
            let last = history::list(
                rx,
                &Filter {
                    limit: 1,
                    ..Default::default()
                },
            )?
            .entries
            .first()
            .map(|e| e.received_at);
            let _ = rx.meta(META_RELAY_SEQ)?;
            Ok((conn, configured, queue, last))
        })
        .await
        .map_err(text)?;
    let state = if rs.state.is_empty() {
        "connecting".to_string()
    } else {
        rs.state
    };
    Ok(AppStatus {
        profile: e.profile.clone(),
        demo: shell.demo,
        configured,
        relay: RelayView {
            state,
            detail: rs.detail,
            url: conn.map(|c| c.url),
            since: rs.since,
        },
        last_event_at: last,
        queue,
    })
}

#[tauri::command]
pub async fn history_list(shell: State<'_, Shell>, filter: Filter) -> Res<Page> {
    shell
        .engine
        .store
        .read_async(move |rx| history::list(rx, &filter))
        .await
        .map_err(text)
}

/// An entry with what the detail panel shows.
#[derive(Debug, Serialize)]
pub struct EntryDetail {
    entry: Entry,
    steps: Vec<Step>,
    event_body: Option<String>,
    proposal: Option<Value>,
    notes: Vec<String>,
    can_retry: bool,
    can_approve: bool,
}

#[tauri::command]
pub async fn history_detail(shell: State<'_, Shell>, id: u64) -> Res<EntryDetail> {
    let (entry, detail) = shell
        .engine
        .store
        .read_async(move |rx| history::get(rx, id))
        .await
        .map_err(text)?;
    let state = detail
        .job
        .as_ref()
        .map(|j| j.state.clone())
        .unwrap_or(Value::Null);
    let failed_steps = detail.steps.iter().any(|s| s.status == StepStatus::Failed);
    let can_retry = matches!(
        entry.status,
        Status::Failed | Status::Rejected | Status::Retrying
    ) || (entry.status == Status::Done && failed_steps);
    let notes = state
        .get("notes")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .unwrap_or_default();
    Ok(EntryDetail {
        can_approve: entry.status == Status::Waiting,
        can_retry,
        proposal: state.get("proposal").cloned().filter(|p| p.is_object()),
        notes,
        event_body: detail.event.map(|e| e.body),
        steps: detail.steps,
        entry,
    })
}

/// Events per day by status.
#[derive(Debug, Serialize)]
pub struct DayCount {
    day: String,
    status: Status,
    count: u64,
}

#[tauri::command]
pub async fn history_chart(shell: State<'_, Shell>, days: u64) -> Res<Vec<DayCount>> {
    let rows = shell
        .engine
        .store
        .read_async(move |rx| history::per_day(rx, days.clamp(1, 366)))
        .await
        .map_err(text)?;
    Ok(rows
        .into_iter()
        .map(|(day, status, count)| DayCount { day, status, count })
        .collect())
}

#[tauri::command]
pub async fn history_retry(shell: State<'_, Shell>, id: u64) -> Res<()> {
    history::retry(&shell.engine, id).await.map_err(text)
}

#[tauri::command]
pub async fn history_approve(shell: State<'_, Shell>, id: u64, employee: Option<Value>) -> Res<()> {
    history::approve(&shell.engine, id, employee)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn history_export(shell: State<'_, Shell>, filter: Filter) -> Res<String> {
    let csv = shell
        .engine
        .store
        .read_async(move |rx| history::csv(rx, &filter))
        .await
        .map_err(text)?;
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!(
        "hirewire-history-{}.csv",
        &time::rfc3339(time::now_ms())[..10]
    ));
    std::fs::write(&path, csv).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

/// A secret's name and whether it is set; never its value.
#[derive(Debug, Serialize)]
pub struct SecretState {
    name: &'static str,
    set: bool,
}

#[tauri::command]
pub async fn secrets_status(shell: State<'_, Shell>) -> Res<Vec<SecretState>> {
    let secrets = shell.engine.secrets.clone();
    let list = tauri::async_runtime::spawn_blocking(move || secrets.list())
        .await
        .map_err(text)?
        .map_err(text)?;
    Ok(list
        .into_iter()
        .map(|(name, set)| SecretState { name, set })
        .collect())
}

#[tauri::command]
pub async fn secret_set(shell: State<'_, Shell>, name: String, value: String) -> Res<()> {
    if !NAMES.contains(&name.as_str()) {
        return Err(format!("unknown secret {name:?}"));
    }
    let secrets = shell.engine.secrets.clone();
    tauri::async_runtime::spawn_blocking(move || secrets.set(&name, &value))
        .await
        .map_err(text)?
        .map_err(text)
}

#[tauri::command]
pub async fn relay_connect(shell: State<'_, Shell>, code: String) -> Res<Item> {
    let code = ConnectCode::decode(&code).map_err(text)?;
    let secrets = shell.engine.secrets.clone();
    let secret = code.secret.clone();
    tauri::async_runtime::spawn_blocking(move || secrets.set(secrets::RELAY_SECRET, &secret))
        .await
        .map_err(text)?
        .map_err(text)?;
    let conn = RelayConn {
        url: code.url.trim_end_matches('/').to_string(),
        channel: code.channel,
    };
    shell
        .engine
        .store
        .write_async(move |tx| tx.put_relay_conn(&conn))
        .await
        .map_err(text)?;
    Ok(check::run_relay(&shell.engine).await)
}

/// One Lever webhook to set up.
#[derive(Debug, Serialize)]
pub struct WebhookInfo {
    event: &'static str,
    endpoint: &'static str,
    url: String,
    token_set: bool,
    first_signed_at: Option<u64>,
}

#[tauri::command]
pub async fn webhooks(shell: State<'_, Shell>) -> Res<Vec<WebhookInfo>> {
    let e = &shell.engine;
    let conn = e
        .store
        .read_async(|rx| rx.relay_conn())
        .await
        .map_err(text)?;
    let mut out = Vec::new();
    for (event, endpoint) in [
        ("Candidate Hired", endpoints::CANDIDATE_HIRED),
        ("Candidate Stage Change", endpoints::STAGE_CHANGE),
        ("Candidate Archive State Change", endpoints::ARCHIVE_CHANGE),
    ] {
        let url = conn
            .as_ref()
            .map(|c| {
                ConnectCode {
                    url: c.url.clone(),
                    channel: c.channel.clone(),
                    secret: String::new(),
                }
                .hook_url(endpoint)
            })
            .unwrap_or_default();
        let token_set = matches!(
            e.secret_opt(&secrets::signing_token_name(endpoint)).await,
            Ok(Some(_))
        );
        let key = format!("first_signed:{endpoint}");
        let first = e
            .store
            .read_async(move |rx| rx.meta(&key))
            .await
            .map_err(text)?;
        out.push(WebhookInfo {
            event,
            endpoint,
            url,
            token_set,
            first_signed_at: (first > 0).then_some(first),
        });
    }
    Ok(out)
}

#[tauri::command]
pub async fn settings_get(shell: State<'_, Shell>) -> Res<Settings> {
    shell
        .engine
        .store
        .read_async(|rx| rx.settings())
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn settings_save(shell: State<'_, Shell>, settings: Settings) -> Res<()> {
    settings.validate().map_err(|e| e.0)?;
    shell
        .engine
        .store
        .write_async(move |tx| tx.put_settings(&settings))
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn check_all(shell: State<'_, Shell>) -> Res<Vec<Item>> {
    Ok(check::run(&shell.engine).await)
}

#[tauri::command]
pub async fn lever_lists(shell: State<'_, Shell>, setup_key: String) -> Res<Suggestion> {
    // The key lives only in this call's memory.
    mappings::suggest(&shell.engine, Secret::new(setup_key))
        .await
        .map_err(text)
}

/// bob's fields and sites for the setup screens.
#[derive(Debug, Serialize)]
pub struct BobInfo {
    fields: Vec<crate::engine::clients::bob::BobField>,
    sites: Vec<String>,
}

#[tauri::command]
pub async fn bob_info(shell: State<'_, Shell>) -> Res<BobInfo> {
    let e = &shell.engine;
    let settings = e.store.read_async(|rx| rx.settings()).await.map_err(text)?;
    let user = e.secret(secrets::BOB_SERVICE_USER).await.map_err(text)?;
    let token = e.secret(secrets::BOB_TOKEN).await.map_err(text)?;
    let bob =
        crate::engine::clients::bob::Bob::new(&settings.bob.base_url, user, token, e.http.clone());
    let fields = bob.fields().await.map_err(text)?;
    let site_list = fields
        .iter()
        .find(|f| f.id == "work.site")
        .and_then(|f| f.list_id())
        .unwrap_or("site")
        .to_string();
    let sites = bob
        .list(&site_list)
        .await
        .map_err(text)?
        .into_iter()
        .map(|i| if i.name.is_empty() { i.value } else { i.name })
        .collect();
    Ok(BobInfo { fields, sites })
}

#[tauri::command]
pub async fn partner_tests(
    shell: State<'_, Shell>,
) -> Res<Vec<crate::engine::clients::partner::PartnerTest>> {
    let e = &shell.engine;
    let settings = e.store.read_async(|rx| rx.settings()).await.map_err(text)?;
    let key = e.secret(secrets::ASSESSMENT_API_KEY).await.map_err(text)?;
    crate::engine::clients::partner::Partner::new(key, e.http.clone())
        .list_tests(&settings.assessment.list_tests_url)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn field_preview(
    shell: State<'_, Shell>,
    opportunity_id: Option<String>,
) -> Res<Vec<FieldRow>> {
    preview::field_preview(&shell.engine, opportunity_id)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn search_candidates(shell: State<'_, Shell>, query: String) -> Res<Vec<Candidate>> {
    candidates::search(&shell.engine, &query)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn dry_run(shell: State<'_, Shell>, opportunity_id: String) -> Res<DryRun> {
    preview::dry_run(&shell.engine, &opportunity_id)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn finish_setup(shell: State<'_, Shell>) -> Res<()> {
    shell
        .engine
        .store
        .write_async(|tx| tx.put_meta(super::SETUP_DONE, time::now_ms()))
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn leave_demo(app: tauri::AppHandle, shell: State<'_, Shell>) -> Res<()> {
    if !shell.demo {
        return Err("this window is not showing the demo".into());
    }
    super::leave_demo(&app, &shell).await
}

/// The window's first screen is painted (`ms` after its page started): logged, so the
/// start-up time of every launch is on record and the start-up benchmark can see it.
#[tauri::command]
pub fn ui_ready(screen: String, ms: f64) {
    let screen: String = screen
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(20)
        .collect();
    tracing::info!(target: "hirewire::window", "window ready: {screen} painted {ms:.0} ms after the page started");
}
