// Which desktop the window runs on, as far as the look needs to know: the font stack differs
// (app.css). Read from the web view's user agent, which names the OS on every engine Tauri
// uses (WebKitGTK, WKWebView, WebView2).
export type Platform = "linux" | "mac" | "windows" | "other";

export function platform(userAgent: string): Platform {
  if (/Android/i.test(userAgent)) return "other";
  if (/Linux|X11|CrOS/i.test(userAgent)) return "linux";
  if (/Macintosh|Mac OS X/i.test(userAgent)) return "mac";
  if (/Windows/i.test(userAgent)) return "windows";
  return "other";
}
