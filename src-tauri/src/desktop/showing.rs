//! When the window appears. It is created hidden (`tauri.conf.json`) and shown once its page
//! has loaded. Drawing through shared memory ([`super::rendering::before_webkit`]), a view's
//! first draw waits, up to half a second, for a frame from its web process; a window shown
//! at once draws while that page still waits for its HTML and scripts, which this process
//! serves from the thread the draw is blocking: about one start in four paid the full half
//! second (`docs/perf.md`). Once the page has loaded, the frame comes within a few ms.

use std::time::Duration;

use tauri::webview::PageLoadEvent;

/// If the page has not loaded by then (a stuck load), the window is shown anyway.
const AT_THE_LATEST: Duration = Duration::from_secs(3);

/// The `on_page_load` hook: shows the window when its page has loaded.
pub fn on_page_load(window: &tauri::Window, event: PageLoadEvent) {
    if matches!(event, PageLoadEvent::Finished) {
        show(window);
    }
}

/// Shows the window after [`AT_THE_LATEST`] if its page has not loaded by then.
pub fn at_the_latest(window: tauri::Window) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(AT_THE_LATEST).await;
        if !window.is_visible().unwrap_or(true) {
            tracing::warn!(
                "the window's page has not loaded within {AT_THE_LATEST:?}: showing it anyway"
            );
            show(&window);
        }
    });
}

fn show(window: &tauri::Window) {
    match window.show() {
        Ok(()) => tracing::debug!("window shown"),
        Err(e) => tracing::warn!("cannot show the window: {e}"),
    }
}
