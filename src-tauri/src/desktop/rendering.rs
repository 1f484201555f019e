//! How the window is drawn. Hirewire's UI is forms and a virtual list of plain rows, which
//! WebKit's software renderer draws without help. WebKitGTK's GL compositing, on by
//! default, costs the web process about 100 MB more here (layers and tiles for every
//! scroll area, and the GL stack), measured in `docs/perf.md`; so on Linux the window
//! draws in software. Nothing in the UI needs WebGL or 3D transforms.

/// Settings WebKitGTK reads from the environment when it starts: call before GTK is
/// initialised, while the process still has one thread (setting a variable is only safe then).
///
/// WebKitGTK's DMA-BUF renderer, on by default, sets up EGL for the window before its page
/// can start (about 50 ms of every start here, `docs/perf.md`), for GPU buffers that a window
/// drawn in software never uses. Without it the view takes its frames through shared memory;
/// the one catch, a first draw that waits for the web process, is handled in
/// [`super::showing`]. A value the user set wins (`WEBKIT_DISABLE_DMABUF_RENDERER=0` keeps
/// the renderer).
pub fn before_webkit() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

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
