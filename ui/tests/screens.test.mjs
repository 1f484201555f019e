// Every screen renders against the fake engine, under the app's CSP, without page errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { serve, launch, open, close, problems, seeText, calls, screenshot, DIST } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("a first start opens the setup wizard at step 1, and its screenshot is saved", async () => {
  const page = await open(browser, server.url, "configured=0&entries=0");
  await page.getByTestId("relay-code").waitFor();
  await seeText(page, "wizard-current", "Step 1 of 8");
  await seeText(page, "status-relay", "Relay not set up");
  await screenshot(page, "ui-wizard.png");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("every wizard step 1 to 8 renders its own controls", async () => {
  const page = await open(browser, server.url, "configured=1");
  await page.getByTestId("nav-setup").click();
  const expect = {
    1: "relay-code",
    2: "lever-key",
    3: "setup-key",
    4: "webhook-row-candidate-hired",
    5: "bob-user",
    6: "partner-provider",
    7: "stage-assessment",
    8: "dryrun-search",
  };
  for (const [n, id] of Object.entries(expect)) {
    await page.getByTestId(`wizard-step-${n}`).click();
    await seeText(page, "wizard-current", `Step ${n} of 8`);
    await page.getByTestId(id).first().waitFor();
  }
  await page.getByTestId("finish-setup").waitFor();
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the history screen renders rows, the chart and the status bar", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-60").waitFor();
  await seeText(page, "status-relay", "Relay connected");
  await seeText(page, "status-queue", "Queue: 2");
  await page.getByTestId("chart").waitFor();
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the history screen with a failed entry open is saved as a screenshot", async () => {
  const page = await open(browser, server.url, "entries=1200");
  await page.getByTestId("history-row-1200").click();
  await seeText(page, "detail-steps", "bob answered 422");
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chart-day"]')].some((g) => Number(g.getAttribute("data-total")) > 0));
  await screenshot(page, "ui-history.png");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the mappings screen renders stages, archive reasons, interview types and fields", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  assert.equal(await page.getByTestId("stage-assessment").inputValue(), "stage-assess");
  await page.getByTestId("archive-reasons").waitFor();
  await page.getByTestId("interview-tag-0").waitFor();
  assert.equal(await page.getByTestId("interview-tag-0").inputValue(), "Byteboard SWE");
  await seeText(page, "preview-row-payroll.employment.equity", "automatic");
  await seeText(page, "preview-row-custom.field_1", "is not an item of bob's list");
  await seeText(page, "field-mapping-0", "custom_equity");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the mappings screen adds and removes a field mapping and saves it", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("field-add-lever").fill("custom_laptop");
  await page.getByTestId("field-add-bob").selectOption("custom.field_1");
  await page.getByTestId("field-add").click();
  await seeText(page, "field-mapping-1", "custom_laptop");
  await page.getByTestId("field-remove-0").click();
  await page.getByTestId("mappings-save").click();
  await seeText(page, "toast", "Mappings saved");
  const [save] = await calls(page, "settings_save");
  assert.deepEqual(save.args.settings.fields, [{ lever: "custom_laptop", bob: "custom.field_1" }]);
  await close(page);
});

test("the dry run reads as sentences (employee, documents, invite), says what is already done, and that nothing is written", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-dryrun").click();
  await page.getByText("Nothing is written.").waitFor();
  await page.getByTestId("dryrun-search").fill("ada");
  await page.getByTestId("dryrun-candidate-opp-ada").click();
  await seeText(page, "dryrun-result", "Ada Lovelace");
  const employee = JSON.parse(await page.getByTestId("dryrun-employee").textContent());
  assert.equal(employee.email, "ada@example.com");
  const lines = (id) => page.getByTestId(id).locator("li").allInnerTexts();
  const text = async (id) => (await page.getByTestId(id).innerText()).trim();
  // Sentences, with their spaces, each word once.
  assert.equal(await text("dryrun-invite"), "A move into the assessment stage would send an invite: Byteboard SWE (test 12345) to ada@example.com.");
  assert.deepEqual(await lines("dryrun-documents"), ["CV.pdf (178.9 KB) would be uploaded.", "Offer letter (signed).pdf (90.0 KB) would be uploaded."]);
  // A candidate bob already has: what is done already is said, and not done again.
  await page.getByTestId("dryrun-search").fill("grace");
  await page.getByTestId("dryrun-candidate-opp-grace").click();
  await seeText(page, "dryrun-result", "Grace Hopper");
  assert.equal(await text("dryrun-existing"), "bob already has Grace Hopper as employee 3332883000042: no new employee would be created.");
  assert.deepEqual(await lines("dryrun-documents"), [
    "CV.pdf (178.9 KB) is already in bob from an earlier hire: it would not be uploaded again.",
    "Offer letter (signed).pdf (90.0 KB) would be uploaded.",
  ]);
  assert.equal(await page.getByTestId("dryrun-employee").count(), 0);
  // Invited before: said with its day, and that no second invite would go.
  const sent = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" }).format(new Date(Date.UTC(2026, 11, 1, 9, 30)));
  assert.equal(await text("dryrun-invite"), `Invite already sent on ${sent}: a move into the assessment stage would not send another.`);
  // No email, no interview-type tag: the engine's reasons as sentences.
  await page.getByTestId("dryrun-search").fill("alan");
  await page.getByTestId("dryrun-candidate-opp-alan").click();
  await seeText(page, "dryrun-result", "Alan Turing");
  assert.equal(await text("dryrun-existing"), "No employee would be created.");
  assert.equal(await text("dryrun-invite"), "No invite: the candidate has no interview-type tag.");
  await seeText(page, "dryrun-notes", "the candidate has no email address in Lever: bob needs one");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the demo banner shows in the demo, and leaving it opens the setup wizard", async () => {
  const page = await open(browser, server.url, "demo=1&entries=20");
  await seeText(page, "demo-banner", "You are looking at a demo with fake Lever, bob and Byteboard.");
  await page.getByTestId("leave-demo").click();
  await page.getByTestId("relay-code").waitFor();
  assert.equal(await page.getByTestId("demo-banner").count(), 0);
  assert.equal((await calls(page, "leave_demo")).length, 1);
  await close(page);
});

test("the screens work in dark mode and at 1000x700", async () => {
  const page = await open(browser, server.url, "entries=200", { width: 1000, height: 700, dark: true });
  await page.getByTestId("history-row-200").click();
  await page.getByTestId("detail-panel").waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.notEqual(bg, "rgb(246, 247, 249)");
  // Nothing spills sideways at the smallest supported window.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px too wide`);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the production build has no fake engine and no inline script or style", async () => {
  const html = await readFile(join(DIST, "index.html"), "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|style=/);
  for (const f of await readdir(join(DIST, "assets"))) {
    const text = await readFile(join(DIST, "assets", f), "utf8");
    assert.doesNotMatch(text, /mockIPC|__hw|FakeEngine/, `${f} contains test code`);
  }
});

// The font stack follows the desktop the window runs on (app.css, src/lib/platform.ts): on
// Linux one generic family per stack, which fontconfig resolves to the desktop's own fonts
// without a lookup for each family the machine lacks (about 100 ms of the window's start-up,
// docs/perf.md); elsewhere the OS's system font by name.
// The user agents of the web views Tauri uses.
const WEBKITGTK = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
const WKWEBVIEW = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const WEBVIEW2 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

/** The platform the page decided on, and the families its text and ids are drawn with. */
async function fonts(page) {
  return page.evaluate(() => ({
    platform: document.documentElement.dataset.platform,
    text: getComputedStyle(document.body).fontFamily,
    mono: getComputedStyle(document.documentElement).getPropertyValue("--mono").trim(),
  }));
}

test("on Linux (WebKitGTK) the window draws with the desktop's generic fonts, one family per stack", async () => {
  const page = await open(browser, server.url, "configured=1", { userAgent: WEBKITGTK });
  assert.deepEqual(await fonts(page), { platform: "linux", text: "sans-serif", mono: "monospace" });
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("on macOS and Windows the window asks for the system font by name", async () => {
  for (const [ua, platform] of [
    [WKWEBVIEW, "mac"],
    [WEBVIEW2, "windows"],
  ]) {
    const page = await open(browser, server.url, "configured=1", { userAgent: ua });
    const f = await fonts(page);
    assert.equal(f.platform, platform);
    assert.match(f.text, /^system-ui\b/, `${platform}: ${f.text}`);
    assert.match(f.mono, /^ui-monospace\b/, `${platform}: ${f.mono}`);
    assert.deepEqual(await problems(page), []);
    await close(page);
  }
});
