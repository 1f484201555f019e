//! The floor for the window benchmark: an empty Tauri v2 window (an empty page, no IPC,
//! no engine), built with the same Tauri, WebKitGTK and release profile as the app. It
//! prints `floor: page loaded` when its page has loaded, as the app logs `window ready`.
//!
//! `cargo build --release -p hirewire --example empty_window` (with the default features)

fn main() {
    let mut context = tauri::generate_context!();
    // The app's own window (and its UI) is not wanted: one blank window instead.
    context.config_mut().app.windows.clear();
    let built = tauri::Builder::default()
        .register_uri_scheme_protocol("floor", |_, _| {
            tauri::http::Response::builder()
                .header("content-type", "text/html")
                .body(b"<!doctype html><title>Empty</title>".to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            // A page with nothing on it, served by the process itself like the app's UI
            // (about:blank reports no page load in WebKitGTK).
            let blank = "floor://localhost/"
                .parse()
                .map_err(|e| format!("blank page: {e}"))?;
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::External(blank))
                .title("Empty")
                .inner_size(1200.0, 780.0)
                .on_page_load(|_, payload| {
                    if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                        println!("floor: page loaded");
                    }
                })
                .build()?;
            Ok(())
        })
        .build(context);
    match built {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("empty_window: {e}");
            std::process::exit(1);
        }
    }
}
