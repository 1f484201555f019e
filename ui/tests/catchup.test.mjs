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
  await close(page);
});
