//! The window's commands: each a one-line adapter over an engine call, errors turned into
//! the engine's own sentence only here, at the UI edge. Secrets go in and never come out.

use serde::Serialize;
use serde_json::Value;
use tauri::State;

use super::Shell;
use crate::engine::candidates::{self, Candidate};
use crate::engine::check::{self, Item};
use crate::engine::clients::partner::PartnerTest;
use crate::engine::history::actions::{self, EntryView};
use crate::engine::history::{self, DayCount, Filter, Page};
use crate::engine::mappings::{self, Suggestion};
use crate::engine::preview::{self, DryRun, FieldRow};
use crate::engine::privacy;
use crate::engine::reconcile::{self, Report};
use crate::engine::secrets::Secret;
use crate::engine::settings::Settings;
use crate::engine::setup::accounts::{self, BobInfo};
use crate::engine::setup::config;
use crate::engine::setup::keychain::{self, SecretState};
use crate::engine::setup::lever_webhooks::{self, WebhooksMade};
use crate::engine::setup::relay::{self, WebhookInfo};
use crate::engine::status::{self, EngineStatus};
use crate::engine::team::{self, Action};
use crate::engine::time;

type Res<T> = Result<T, String>;

/// How long a seat's window waits for the engine to carry out an Approve, Dismiss or
/// Retry before it says the command waits on the relay.
const SEAT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// How long a seat's window waits for the engine's catch-up (which reads Lever) to answer.
const SEAT_CATCH_UP_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The status bar and the start screen's choice.
#[derive(Debug, Serialize)]
pub struct AppStatus {
    demo: bool,
    #[serde(flatten)]
    engine: EngineStatus,
}

#[tauri::command]
pub async fn status(shell: State<'_, Shell>) -> Res<AppStatus> {
    let engine = status::status(&shell.engine()).await.map_err(text)?;
    Ok(AppStatus {
        demo: shell.demo(),
        engine,
    })
}

#[tauri::command]
pub async fn history_list(shell: State<'_, Shell>, filter: Filter) -> Res<Page> {
    history::read::page(&shell.engine(), filter)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn history_detail(shell: State<'_, Shell>, id: u64) -> Res<EntryView> {
    actions::view(&shell.engine(), id).await.map_err(text)
}

#[tauri::command]
pub async fn history_chart(shell: State<'_, Shell>, days: u64) -> Res<Vec<DayCount>> {
    history::read::chart(&shell.engine(), days)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn history_retry(shell: State<'_, Shell>, id: u64) -> Res<()> {
    team::act(&shell.engine(), Action::Retry, id, None, SEAT_WAIT)
        .await
        .map(|_| ())
        .map_err(text)
}

#[tauri::command]
pub async fn history_approve(shell: State<'_, Shell>, id: u64, employee: Option<Value>) -> Res<()> {
    team::act(&shell.engine(), Action::Approve, id, employee, SEAT_WAIT)
        .await
        .map(|_| ())
        .map_err(text)
}

#[tauri::command]
pub async fn history_dismiss(shell: State<'_, Shell>, id: u64) -> Res<()> {
    team::act(&shell.engine(), Action::Dismiss, id, None, SEAT_WAIT)
        .await
        .map(|_| ())
        .map_err(text)
}

#[tauri::command]
pub async fn history_export(shell: State<'_, Shell>, filter: Filter) -> Res<String> {
    let csv = history::read::csv(&shell.engine(), filter)
        .await
        .map_err(text)?;
    save_download("history", "csv", csv.as_bytes())
}

/// Everything Hirewire holds about an entry's candidate, as a JSON file in Downloads.
#[tauri::command]
pub async fn person_export(shell: State<'_, Shell>, opportunity_id: String) -> Res<String> {
    let record = privacy::erase::of_opportunity(&shell.engine(), &opportunity_id)
        .await
        .map_err(text)?;
    let json = serde_json::to_vec_pretty(&record).map_err(text)?;
    save_download(&format!("person-{opportunity_id}"), "json", &json)
}

/// Writes a file to the Downloads folder (else home, else temp); returns its path.
fn save_download(what: &str, ext: &str, bytes: &[u8]) -> Res<String> {
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir);
    let day = time::rfc3339(time::now_ms());
    let safe: String = what
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!(
        "hirewire-{safe}-{}.{ext}",
        day.get(..10).unwrap_or("today")
    ));
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub async fn secrets_status(shell: State<'_, Shell>) -> Res<Vec<SecretState>> {
    keychain::list(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn secret_set(shell: State<'_, Shell>, name: String, value: String) -> Res<()> {
    keychain::set(&shell.engine(), &name, &value)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn relay_connect(shell: State<'_, Shell>, code: String) -> Res<Item> {
    relay::connect(&shell.engine(), &code).await.map_err(text)
}

#[tauri::command]
pub async fn webhooks(shell: State<'_, Shell>) -> Res<Vec<WebhookInfo>> {
    relay::webhooks(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn settings_get(shell: State<'_, Shell>) -> Res<Settings> {
    config::get(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn settings_save(shell: State<'_, Shell>, settings: Settings) -> Res<()> {
    config::save(&shell.engine(), settings).await.map_err(text)
}

#[tauri::command]
pub async fn check_all(shell: State<'_, Shell>) -> Res<Vec<Item>> {
    Ok(check::run(&shell.engine()).await)
}

#[tauri::command]
pub fn lever_permissions() -> Vec<&'static str> {
    check::lever_permissions()
}

#[tauri::command]
pub async fn lever_lists(shell: State<'_, Shell>, setup_key: String) -> Res<Suggestion> {
    // The key lives only in this call's memory.
    mappings::suggest(&shell.engine(), Secret::new(setup_key))
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn lever_webhooks_create(
    shell: State<'_, Shell>,
    setup_key: String,
) -> Res<WebhooksMade> {
    // The key lives only in this call's memory.
    lever_webhooks::create(&shell.engine(), Secret::new(setup_key))
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn bob_info(shell: State<'_, Shell>) -> Res<BobInfo> {
    accounts::bob_info(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn partner_tests(shell: State<'_, Shell>) -> Res<Vec<PartnerTest>> {
    accounts::partner_tests(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn field_preview(
    shell: State<'_, Shell>,
    opportunity_id: Option<String>,
) -> Res<Vec<FieldRow>> {
    preview::field_preview(&shell.engine(), opportunity_id)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn search_candidates(shell: State<'_, Shell>, query: String) -> Res<Vec<Candidate>> {
    candidates::search(&shell.engine(), &query)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn dry_run(shell: State<'_, Shell>, opportunity_id: String) -> Res<DryRun> {
    preview::dry_run(&shell.engine(), &opportunity_id)
        .await
        .map_err(text)
}

/// Catch up with Lever: a preview (`dry_run`) first, then the real thing. `since` is a
/// day (`YYYY-MM-DD`); none continues from the last catch-up.
#[tauri::command]
pub async fn reconcile(
    shell: State<'_, Shell>,
    since: Option<String>,
    dry_run: bool,
) -> Res<Report> {
    let since_ms = match since.filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(time::parse_day(&s).ok_or_else(|| {
            format!(
                "{s:?} is not a date: pick a day, for example {}",
                reconcile::suggested_since()
            )
        })?),
        None => None,
    };
    reconcile::run(
        &shell.engine(),
        reconcile::Options {
            since_ms,
            dry_run,
            apply_rules: false,
        },
    )
    .await
    .map_err(text)
}

#[tauri::command]
pub async fn finish_setup(shell: State<'_, Shell>) -> Res<()> {
    config::finish(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn leave_demo(app: tauri::AppHandle, shell: State<'_, Shell>) -> Res<()> {
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

#[tauri::command]
pub async fn team_status(shell: State<'_, Shell>) -> Res<team::status::TeamView> {
    team::status::view(&shell.engine()).map_err(text)
}

#[tauri::command]
pub async fn team_list(shell: State<'_, Shell>) -> Res<Vec<team::manage::MemberLine>> {
    team::manage::list(&shell.engine()).await.map_err(text)
}

#[tauri::command]
pub async fn team_invite(
    shell: State<'_, Shell>,
    name: String,
    role: String,
    owner: String,
) -> Res<team::manage::Invited> {
    let role = team::Role::parse_invited(&role)?;
    team::manage::invite(
        &shell.engine(),
        &name,
        role,
        team::manage::INVITE_TTL,
        &owner,
    )
    .await
    .map_err(text)
}

/// A seat's Catch up: the engine compares with Lever and says what it found.
#[tauri::command]
pub async fn team_catch_up(shell: State<'_, Shell>) -> Res<String> {
    team::catch_up(&shell.engine(), SEAT_CATCH_UP_WAIT)
        .await
        .map_err(text)
}

#[tauri::command]
pub async fn team_remove(shell: State<'_, Shell>, name: String) -> Res<()> {
    team::manage::remove(&shell.engine(), &name)
        .await
        .map_err(text)
}
