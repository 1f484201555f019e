//! With the `desktop` feature: Tauri's build step (config, capabilities, and the list of
//! app commands, so that the window may call only those its capability allows).

/// The app's own commands; each must be allowed in `capabilities/default.json`.
#[cfg(feature = "desktop")]
const COMMANDS: &[&str] = &[
    "status",
    "history_list",
    "history_detail",
    "history_chart",
    "history_retry",
    "history_approve",
    "history_dismiss",
    "reconcile",
    "person_export",
    "history_export",
    "secrets_status",
    "secret_set",
    "relay_connect",
    "webhooks",
    "settings_get",
    "settings_save",
    "check_all",
    "lever_lists",
    "bob_info",
    "partner_tests",
    "field_preview",
    "search_candidates",
    "dry_run",
    "finish_setup",
    "leave_demo",
    "ui_ready",
    "team_status",
    "team_list",
    "team_invite",
    "team_remove",
    "team_catch_up",
];

fn main() {
    #[cfg(feature = "desktop")]
    {
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
        if !dist.exists() {
            panic!("the web UI is not built ({} is missing): run `npm --prefix ui ci && npm --prefix ui run build`, or scripts/run", dist.display());
        }
        let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
            .unwrap_or_else(|e| panic!("tauri build step: {e:#}"));
    }
}
