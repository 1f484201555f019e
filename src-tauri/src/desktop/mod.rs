//! The window: a thin Tauri shell over the engine, which runs in the same process. Engine
//! events reach the UI as the `engine` event; a clicked notification brings the window
//! forward on its entry (`open-entry`). When nothing is configured, the window shows the
//! embedded demo.

mod commands;
mod rendering;
mod showing;

pub use rendering::before_webkit;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tauri::{Emitter, Manager};
use tokio::sync::Notify;

use crate::engine::{Engine, WindowEvent};

use crate::engine::keys::{DEMO_DISMISSED, SETUP_DONE};

/// What the commands share: the engine the window shows now (the demo's, until the user
/// leaves it for the real profile, in this same process).
pub struct Shell {
    current: std::sync::Mutex<Current>,
    /// The real profile's engine.
    real: Engine,
}

/// The engine the window shows, and what runs it.
struct Current {
    engine: Engine,
    demo: bool,
    /// Keeps the demo's relay, fakes and temporary data alive; dropped on leaving.
    #[cfg(feature = "demo")]
    world: Option<crate::demo::Demo>,
    /// Stops the engine and its event bridge.
    stop: Arc<Notify>,
    /// The engine's task, to wait for when it is stopped.
    running: Option<tauri::async_runtime::JoinHandle<()>>,
}

impl Shell {
    /// The engine the window shows now.
    pub fn engine(&self) -> Engine {
        self.lock().engine.clone()
    }

    /// Whether that is the demo's.
    pub fn demo(&self) -> bool {
        self.lock().demo
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the window's engine when the app exits.
    fn stop(&self) {
        self.lock().stop.notify_waiters();
    }
}

/// Whether the real profile has been set up (or the user asked to set it up).
fn wants_real(engine: &Engine) -> bool {
    engine
        .store()
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
    let app = with_commands(tauri::Builder::default())
        .on_page_load(|webview, payload| showing::on_page_load(&webview.window(), payload.event()))
        .setup(move |app| {
            let shell = tauri::async_runtime::block_on(open_shell(real, demo_wanted))?;
            if let Some(window) = app.get_webview_window("main") {
                rendering::configure(&window);
                showing::at_the_latest(window.as_ref().window());
            }
            start(app.handle(), &shell)?;
            app.manage(shell);
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            eprintln!("hirewire: cannot open the window: {e}");
            return ExitCode::from(1);
        }
    };
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(shell) = handle.try_state::<Shell>() {
                shell.stop();
            }
        }
    });
    ExitCode::SUCCESS
}

/// The commands the window may call (the same list as `build.rs`'s `COMMANDS`).
fn with_commands(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    builder.invoke_handler(tauri::generate_handler![
        commands::status,
        commands::history_list,
        commands::history_detail,
        commands::history_chart,
        commands::history_retry,
        commands::history_approve,
        commands::history_dismiss,
        commands::team_status,
        commands::team_list,
        commands::team_invite,
        commands::team_remove,
        commands::team_catch_up,
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
        commands::lever_permissions,
        commands::lever_lists,
        commands::lever_webhooks_create,
        commands::bob_info,
        commands::partner_tests,
        commands::field_preview,
        commands::search_candidates,
        commands::dry_run,
        commands::finish_setup,
        commands::leave_demo,
        commands::ui_ready,
    ])
}

async fn open_shell(real: Engine, demo_wanted: bool) -> Result<Shell, Box<dyn std::error::Error>> {
    #[cfg(feature = "demo")]
    if demo_wanted {
        let demo = crate::demo::Demo::start().await?;
        let current = Current {
            engine: demo.engine.clone(),
            demo: true,
            world: Some(demo),
            stop: Arc::new(Notify::new()),
            running: None,
        };
        return Ok(Shell {
            current: std::sync::Mutex::new(current),
            real,
        });
    }
    let _ = demo_wanted;
    let current = Current {
        engine: real.clone(),
        demo: false,
        #[cfg(feature = "demo")]
        world: None,
        stop: Arc::new(Notify::new()),
        running: None,
    };
    Ok(Shell {
        current: std::sync::Mutex::new(current),
        real,
    })
}

/// Starts the window's engine and the bridge of its events to the web view.
fn start(app: &tauri::AppHandle, shell: &Shell) -> Result<(), Box<dyn std::error::Error>> {
    let mut current = shell.lock();
    let engine = current.engine.clone();
    let lock = engine.lock_run()?;
    let stop = current.stop.clone();
    let runner = engine.clone();
    let until = stop.clone();
    current.running = Some(tauri::async_runtime::spawn(async move {
        let _lock = lock;
        if let Err(e) = runner.run(async move { until.notified().await }).await {
            // The engine stopped on a damaged profile: say so where the person looks.
            runner.notifier().send(hirewire_engine::notify::Notice {
                summary: "Hirewire stopped: its data file is damaged".into(),
                body: e.to_string(),
                entry_id: None,
                kind: hirewire_engine::notify::Kind::Attention,
            });
        }
    }));
    let mut events = engine.subscribe();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::select! {
                ev = events.recv() => match ev {
                    Ok(ev) => {
                        let _ = handle.emit(WindowEvent::Engine.name(), ev);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => break,
                },
                _ = stop.notified() => break,
            }
        }
    });
    let handle = app.clone();
    engine.notifier().on_click(Arc::new(move |id| {
        if let Some(w) = handle.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
        let _ = handle.emit(WindowEvent::OpenEntry.name(), id);
    }));
    #[cfg(feature = "demo")]
    if let Some(demo) = &current.world {
        // The sender is a task on the async runtime, which the setup hook is outside of.
        // The window needs no word when the samples are over: the history shows it.
        tauri::async_runtime::block_on(async {
            drop(demo.play());
        });
    }
    Ok(())
}

/// Leaves the demo in this process: marks it as left in the real profile, stops the demo's
/// engine, relay and fakes, deletes its temporary data (its fake keys were only ever in
/// memory), and starts the real profile's engine for the setup.
async fn leave_demo(app: &tauri::AppHandle, shell: &Shell) -> Result<(), String> {
    shell
        .real
        .store()
        .write_async(|tx| tx.put_meta(DEMO_DISMISSED, crate::engine::time::now_ms()))
        .await
        .map_err(|e| e.to_string())?;
    let (stop, running, world) = {
        let mut c = shell.lock();
        if !c.demo {
            return Err("this window is not showing the demo".into());
        }
        #[cfg(feature = "demo")]
        let world = c.world.take();
        #[cfg(not(feature = "demo"))]
        let world: Option<()> = None;
        (c.stop.clone(), c.running.take(), world)
    };
    stop.notify_waiters();
    if let Some(task) = running {
        // The engine's parts stop within a few seconds; a stuck one is not waited for.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
    }
    // Dropping the demo stops its relay and fakes and removes its folder (blocking).
    tauri::async_runtime::spawn_blocking(move || drop(world))
        .await
        .map_err(|e| e.to_string())?;
    {
        let mut c = shell.lock();
        c.engine = shell.real.clone();
        c.demo = false;
        c.stop = Arc::new(Notify::new());
    }
    start(app, shell).map_err(|e| e.to_string())?;
    tracing::info!("left the demo: the real profile's engine runs");
    Ok(())
}
