// Keyboard only: the whole first-run wizard (8 steps) and the history (rows, detail, Retry,
// Approve) with Tab, Shift+Tab, Enter, Space, arrows and Escape, and a visible focus on every
// control the keyboard lands on. No mouse call anywhere in this file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, close, problems, seeText, calls, connectionCode } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const step = (page, n) => seeText(page, "wizard-current", `Step ${n} of 8`);
const focusedId = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);

/** Whether the focused element shows the focus ring (`:focus-visible` with a real outline). */
const focusShows = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const cs = getComputedStyle(el);
    return el.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 1;
  });

/**
 * Presses Tab (or Shift+Tab) until the element with test id `id` has the focus, then checks
 * that the focus ring shows on it.
 */
async function tabTo(page, id, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    if ((await focusedId(page)) === id) {
      assert.equal(await focusShows(page), true, `${id} has the focus but shows no focus ring`);
      return;
    }
  }
  throw new Error(`${back ? "Shift+Tab" : "Tab"} never reached ${id}`);
}

test("keyboard: the whole first-run wizard, 8 steps to Finish, with Tab, Enter, Space and arrows only", async () => {
  const page = await open(browser, server.url, "configured=0&entries=0");
  // 1 relay: type the code, Space on Connect, Enter on Next.
  await step(page, 1);
  await tabTo(page, "relay-code");
  await page.keyboard.type(connectionCode());
  await tabTo(page, "relay-connect");
  await page.keyboard.press("Space");
  await seeText(page, "relay-status", "Connected to https://relay.example.com");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  // 2 Lever key: the focus moved to the step's heading; save with Enter on the button.
  await step(page, 2);
  assert.equal(await focusedId(page), "wizard-current", "a new step puts the focus on its heading");
  await tabTo(page, "lever-key");
  await page.keyboard.type("lever-permanent-key");
  await tabTo(page, "lever-key-save");
  await page.keyboard.press("Enter");
  await seeText(page, "lever-checks", "every permission Hirewire needs");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  // 3 setup key: load Lever's lists with Enter, then Space on Next.
  await step(page, 3);
  await tabTo(page, "setup-key");
  await page.keyboard.type("setup-key");
  await tabTo(page, "setup-key-load");
  await page.keyboard.press("Enter");
  await page.getByTestId("setup-key-result").waitFor();
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Space");
  // 4 webhooks: each signing token typed; Enter in the last field goes on.
  await step(page, 4);
  for (const ep of ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"]) {
    await tabTo(page, `webhook-token-${ep}`);
    await page.keyboard.type(`tok-${ep}`);
  }
  await page.keyboard.press("Enter");
  // 5 bob: id, token, Test; the default site chosen with the arrow keys.
  await step(page, 5);
  await tabTo(page, "bob-user");
  await page.keyboard.type("svc-1");
  await tabTo(page, "bob-token");
  await page.keyboard.type("tok");
  await tabTo(page, "bob-test");
  await page.keyboard.press("Enter");
  await seeText(page, "bob-sites", "4 sites: London, New York, Berlin, Remote.");
  await tabTo(page, "bob-site");
  const site = await page.getByTestId("bob-site").inputValue();
  await page.keyboard.press("ArrowDown");
  assert.notEqual(await page.getByTestId("bob-site").inputValue(), site, "ArrowDown picks another site");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  // 6 partner (optional): Skip by keyboard.
  await step(page, 6);
  await tabTo(page, "wizard-skip");
  await page.keyboard.press("Enter");
  // 7 mappings: the unmapped reason gets an outcome from the keyboard (End: the last one).
  await step(page, 7);
  await tabTo(page, "reason-select-reason-odd");
  await page.keyboard.press("End");
  assert.equal(await page.getByTestId("reason-select-reason-odd").inputValue(), "not-applicable");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Enter");
  // 8 dry run: search with Enter, pick with Space, then Finish with Enter.
  await step(page, 8);
  await tabTo(page, "dryrun-search");
  await page.keyboard.type("ada");
  await page.keyboard.press("Enter");
  await tabTo(page, "dryrun-candidate-opp-ada");
  await page.keyboard.press("Space");
  await page.getByTestId("dryrun-result").waitFor();
  // Shift+Tab goes back through the same controls.
  await tabTo(page, "dryrun-search", { back: true });
  await tabTo(page, "finish-setup");
  await page.keyboard.press("Enter");
  await seeText(page, "history-empty", "No events yet");
  assert.equal((await calls(page, "finish_setup")).length, 1);
  const saved = (await calls(page, "settings_save")).at(-1).args.settings;
  assert.equal(saved.archive_reasons["reason-odd"], "not-applicable");
  assert.notEqual(saved.bob.default_site, site);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("keyboard: the history's rows by arrows, the detail by Enter, Retry and Approve by Tab, Escape back to the list", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-60").waitFor();
  await tabTo(page, "history-list");
  // Down selects the newest row; the selection is what a screen reader hears and it shows.
  await page.keyboard.press("ArrowDown");
  const active = () => page.getByTestId("history-list").getAttribute("aria-activedescendant");
  assert.equal(await active(), "hrow-60");
  assert.equal(await page.getByTestId("history-row-60").getAttribute("aria-selected"), "true");
  const bg = (id) => page.getByTestId(`history-row-${id}`).evaluate((r) => getComputedStyle(r).backgroundColor);
  assert.notEqual(await bg(60), await bg(58), "the selected row looks selected");
  // Enter opens the failed hire; Tab reaches its Retry, Enter runs it.
  await page.keyboard.press("Enter");
  await seeText(page, "detail-panel", "#60");
  await tabTo(page, "detail-retry");
  await page.keyboard.press("Enter");
  await seeText(page, "toast", "Entry 60 queued to run again");
  assert.deepEqual((await calls(page, "history_retry")).map((c) => c.args.id), [60]);
  // Escape closes the detail and gives the list the keyboard again, on the same row.
  await page.keyboard.press("Escape");
  await page.getByTestId("detail-panel").waitFor({ state: "detached" });
  assert.equal(await focusedId(page), "history-list");
  assert.equal(await focusShows(page), true);
  // Down to the hire waiting for review, Enter opens it, Tab reaches Approve.
  await page.keyboard.press("ArrowDown");
  assert.equal(await active(), "hrow-59");
  await page.keyboard.press("Enter");
  await page.getByTestId("proposal").waitFor();
  await tabTo(page, "detail-approve");
  await page.keyboard.press("Enter");
  await seeText(page, "toast", "Approved: Grace Hopper goes on to bob");
  assert.deepEqual((await calls(page, "history_approve")).map((c) => c.args.id), [59]);
  // The close button is a keyboard stop too.
  await tabTo(page, "detail-close", { back: true });
  await page.keyboard.press("Enter");
  await page.getByTestId("detail-panel").waitFor({ state: "detached" });
  assert.equal(await focusedId(page), "history-list");
  // Home and End reach both ends of the list.
  await page.keyboard.press("End");
  assert.equal(await active(), "hrow-1");
  await page.keyboard.press("Home");
  assert.equal(await active(), "hrow-60");
  assert.deepEqual(await problems(page), []);
  await close(page);
});
