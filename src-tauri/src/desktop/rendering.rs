//! How the window is drawn. Hirewire's UI is forms and a virtual list of plain rows, which
//! WebKit's software renderer draws without help. WebKitGTK's GL compositing, on by
//! default, costs the web process about 100 MB more here (layers and tiles for every
//! scroll area, and the GL stack), measured in `docs/perf.md`; so on Linux the window
//! draws in software. Nothing in the UI needs WebGL or 3D transforms.

/// Applies the rendering settings to the window's web view.
pub fn configure(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|view| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&view.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = applied {
            tracing::warn!("window rendering settings not applied: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
