// Test harness: serves the built test UI (dist-test/) on 127.0.0.1:0 with the app's CSP,
// and drives Debian's Chromium through playwright-core (no browser download).
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const UI = resolve(here, "..");
export const DIST_TEST = join(UI, "dist-test");
export const DIST = join(UI, "dist");
/** axe-core, served to the test pages from the same origin (the CSP refuses inline scripts). */
const AXE = join(UI, "node_modules", "axe-core", "axe.min.js");
const AXE_PATH = "/__test/axe.min.js";
/** Where the tests leave their screenshots (the ones in docs/screenshots are copied from here). */
export const SCREENSHOTS = resolve(UI, "..", "target", "ui-shots");

/** The window's CSP from src-tauri/tauri.conf.json: inline scripts and styles are refused. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src ipc: http://ipc.localhost; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** A static file server for `root` on a free loopback port. */
export async function serve(root = DIST_TEST) {
  if (!existsSync(join(root, "test.html"))) throw new Error(`${root}/test.html is missing: run \`npm run build:test\` first`);
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    if (path === "/favicon.ico") {
      res.writeHead(204).end(); // a browser asks; a Tauri window does not
      return;
    }
    const file = path === AXE_PATH ? AXE : join(root, path === "/" ? "test.html" : path);
    if (file !== AXE && !file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP, "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function launch() {
  // Playwright gives every launch a fresh temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens the app with the fake engine configured by `query` (see src/mock/install.ts) and
 * waits until it has started. Page errors and CSP violations are collected on `page.problems`.
 */
export async function open(browser, base, query = "", { width = 1280, height = 800, dark = false, userAgent, init } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? "dark" : "light", reducedMotion: "reduce", userAgent });
  // A script run in the page before its own (a probe a test installs).
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") page.problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${base}/test.html${query ? `?${query}` : ""}`);
  await page.getByTestId("status-relay").waitFor();
  await page.waitForFunction(() => !document.body.textContent.includes("Starting…"));
  return page;
}

/** The page's own problems plus CSP violations; a test ends by asserting this is empty. */
export async function problems(page) {
  const violations = await page.evaluate(() => window.__hw.violations);
  return [...page.problems, ...violations.map((v) => `CSP violation: ${v}`)];
}

export async function close(page) {
  await page.context().close();
}

/** Waits until the element with test id `id` contains `text`. */
export async function seeText(page, id, text, timeout = 5000) {
  await page.getByTestId(id).filter({ hasText: text }).first().waitFor({ timeout });
}

/** The fake engine's call log (secret values already redacted by the fake). */
export function calls(page, cmd) {
  return page.evaluate((c) => window.__hw.engine.calls.filter((x) => !c || x.cmd === c), cmd);
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

/** A valid connection code, as `hirewire-relay channel add` prints it. */
export function connectionCode(url = "https://relay.example.com", channel = "recruiting", secret = "s3cr3t-relay-channel-key") {
  return "hwr1:" + Buffer.from(JSON.stringify({ url, channel, secret })).toString("base64url");
}

/**
 * Runs axe-core on the page as it stands and returns the violations of impact `serious` or
 * `critical`, each as one readable line per element ("rule (impact): help — selector: why").
 * axe is injected as a file of the page's own origin: the window's CSP (kept on here, so the
 * audit sees what the app really shows) refuses `addScriptTag({content})`'s inline script.
 */
export async function axe(page, { impacts = ["serious", "critical"] } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    if (!existsSync(AXE)) throw new Error(`${AXE} is missing: run \`npm ci\` first`);
    await page.addScriptTag({ url: AXE_PATH });
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(" "), why: n.failureSummary })) }));
  });
  return violations
    .filter((v) => impacts.includes(v.impact))
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target}: ${n.why.replace(/\s+/g, " ")}`));
}
