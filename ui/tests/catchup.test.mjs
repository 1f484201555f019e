// Catching up with Lever from the window: a preview first (nothing written), then the
// catch-up; what the webhooks missed becomes a banner that leads to the webhook setup.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, close, problems, seeText, calls } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the first catch-up suggests 90 days, previews without writing, then queues and shows the health banner", async () => {
  const page = await open(browser, server.url, "entries=30");
  await page.getByTestId("history-row-30").waitFor();
  assert.equal(await page.getByTestId("health-banner").count(), 0);
  await page.getByTestId("open-catchup").click();
  const found = page.getByTestId("catchup-found");
  await found.waitFor();
  assert.match(await found.innerText(), /Kenji Tanaka/);
  const since = await page.getByTestId("catchup-since").inputValue();
  const expected = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  assert.equal(since, expected, "the first catch-up looks back 90 days");
  const previews = await calls(page, "reconcile");
  assert.ok(previews.length >= 1 && previews.every((c) => c.args.dryRun === true), "only previews so far");

  await page.getByTestId("catchup-run").click();
  await page.getByTestId("catchup").waitFor({ state: "detached" });
  const runs = (await calls(page, "reconcile")).filter((c) => c.args.dryRun === false);
  assert.equal(runs.length, 1, "one catch-up");
  assert.equal(runs[0].args.since, expected);
  await seeText(page, "health-banner", "1 hire since 12 Nov 2026 reached Hirewire only by catching up", 8000);
  await page.getByTestId("health-setup").click();
  await page.getByTestId("wizard-step-4").waitFor();
  assert.equal(await page.getByTestId("wizard-step-4").getAttribute("aria-current"), "step");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the source filter asks the engine for entries found by catching up", async () => {
  const page = await open(browser, server.url, "entries=200");
  await page.getByTestId("history-row-200").waitFor();
  await page.getByTestId("filter-source").selectOption("reconcile");
  await page.waitForFunction(() => window.__hw.engine.calls.some((c) => c.cmd === "history_list" && c.args.filter.sources?.includes("reconcile")));
  const rows = page.locator('[data-testid^="history-row-"]');
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.ok(texts.length > 0 && texts.every((t) => t.includes("caught up")), texts.slice(0, 3).join(" | "));
  // The mark reads as its own words after the event's name, not glued to it ("hired· caught up").
  const event = await page.locator('[data-testid^="history-row-"] .c-event').first().textContent();
  assert.equal(event, "Candidate hired · caught up");
  await close(page);
});

test("how long personal data stays is set in Mappings and saved with the rest of the settings", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("keep-retention").fill("30");
  await page.getByTestId("keep-reconcile").fill("12");
  await page.getByTestId("keep-save").click();
  await page.waitForFunction(() => window.__hw.engine.calls.some((c) => c.cmd === "settings_save"));
  const saved = (await calls(page, "settings_save")).at(-1).args.settings;
  assert.equal(saved.privacy.history_retention_days, 30);
  assert.equal(saved.lever.reconcile_hours, 12);
  assert.ok(saved.stages, "the other settings are kept");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("an entry's candidate record can be exported from its detail", async () => {
  const page = await open(browser, server.url, "entries=30");
  await page.getByTestId("history-row-30").click();
  await page.getByTestId("detail-person-export").click();
  await page.waitForFunction(() => window.__hw.engine.calls.some((c) => c.cmd === "person_export"));
  const call = (await calls(page, "person_export"))[0];
  assert.match(call.args.opportunityId, /-30$/);
  await close(page);
});
