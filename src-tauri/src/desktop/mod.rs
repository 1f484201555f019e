//! The window: a thin Tauri shell over the engine, which runs in the same process. Engine
//! events reach the UI as the `engine` event; a clicked notification brings the window
//! forward on its entry (`open-entry`). When nothing is configured, the window shows the
//! embedded demo.

mod commands;
mod rendering;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tauri::{Emitter, Manager};
use tokio::sync::Notify;

use crate::engine::Engine;

use crate::engine::keys::{DEMO_DISMISSED, SETUP_DONE};

/// What the commands share.
pub struct Shell {
    /// The engine the window shows.
    pub engine: Engine,
    /// Whether it is the demo's.
    pub demo: bool,
    /// The real profile's engine (to mark the demo as left).
    real: Engine,
    /// Keeps the demo's relay, fakes and temp data alive.
    #[cfg(feature = "demo")]
    _demo: Option<crate::demo::Demo>,
    /// Stops the engine.
    stop: Arc<Notify>,
}

/// Whether the real profile has been set up (or the user asked to set it up).
fn wants_real(engine: &Engine) -> bool {
    engine
        .store
        .read(|rx| {
            Ok(rx.relay_conn()?.is_some()
                || rx.meta(SETUP_DONE)? > 0
                || rx.meta(DEMO_DISMISSED)? > 0)
        })
        .unwrap_or(true)
}

/// Opens the window; returns when it is closed.
pub fn run(data: Option<PathBuf>, profile: String) -> ExitCode {
    let real = match Engine::open(data.as_deref(), &profile) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("hirewire: {e}");
            return ExitCode::from(1);
        }
    };
    let demo_wanted = cfg!(feature = "demo")
        && std::env::var_os("HIREWIRE_NO_DEMO").is_none()
        && !wants_real(&real);
    let stop = Arc::new(Notify::new());
    let stop_on_exit = stop.clone();
    let app = tauri::Builder::default()
        .setup(move |app| {
            let shell =
                tauri::async_runtime::block_on(open_shell(real, demo_wanted, stop.clone()))?;
            if let Some(window) = app.get_webview_window("main") {
                rendering::configure(&window);
            }
            start(app.handle(), &shell)?;
            app.manage(shell);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::history_list,
            commands::history_detail,
            commands::history_chart,
            commands::history_retry,
            commands::history_approve,
            commands::history_dismiss,
            commands::reconcile,
            commands::person_export,
            commands::history_export,
            commands::secrets_status,
            commands::secret_set,
            commands::relay_connect,
            commands::webhooks,
            commands::settings_get,
            commands::settings_save,
            commands::check_all,
            commands::lever_lists,
            commands::bob_info,
            commands::partner_tests,
            commands::field_preview,
            commands::search_candidates,
            commands::dry_run,
            commands::finish_setup,
            commands::leave_demo,
            commands::ui_ready,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            eprintln!("hirewire: cannot open the window: {e}");
            return ExitCode::from(1);
        }
    };
    app.run(move |_, event| {
        if let tauri::RunEvent::Exit = event {
            stop_on_exit.notify_waiters();
        }
    });
    ExitCode::SUCCESS
}

async fn open_shell(
    real: Engine,
    demo_wanted: bool,
    stop: Arc<Notify>,
) -> Result<Shell, Box<dyn std::error::Error>> {
    #[cfg(feature = "demo")]
    if demo_wanted {
        let demo = crate::demo::Demo::start().await?;
        return Ok(Shell {
            engine: demo.engine.clone(),
            demo: true,
            real,
            _demo: Some(demo),
            stop,
        });
    }
    let _ = demo_wanted;
    Ok(Shell {
        engine: real.clone(),
        demo: false,
        real,
        #[cfg(feature = "demo")]
        _demo: None,
        stop,
    })
}

/// Starts the engine and the event bridge.
fn start(app: &tauri::AppHandle, shell: &Shell) -> Result<(), Box<dyn std::error::Error>> {
    let engine = shell.engine.clone();
    let lock = engine.lock_run()?;
    let stop = shell.stop.clone();
    let runner = engine.clone();
    tauri::async_runtime::spawn(async move {
        let _lock = lock;
        runner.run(async move { stop.notified().await }).await;
    });
    let mut events = engine.events.subscribe();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(ev) => {
                    let _ = handle.emit("engine", ev);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => break,
            }
        }
    });
    let handle = app.clone();
    engine.notifier.on_click(Arc::new(move |id| {
        if let Some(w) = handle.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
        let _ = handle.emit("open-entry", id);
    }));
    #[cfg(feature = "demo")]
    if let Some(demo) = &shell._demo {
        // The sender is a task on the async runtime, which the setup hook is outside of.
        tauri::async_runtime::block_on(async { demo.play() });
    }
    Ok(())
}

/// Marks the demo as left in the real profile and restarts into the real setup.
async fn leave_demo(app: &tauri::AppHandle, shell: &Shell) -> Result<(), String> {
    shell
        .real
        .store
        .write_async(|tx| tx.put_meta(DEMO_DISMISSED, crate::engine::time::now_ms()))
        .await
        .map_err(|e| e.to_string())?;
    shell.stop.notify_waiters();
    app.restart()
}
