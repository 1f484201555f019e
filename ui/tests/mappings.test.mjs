// Mappings speak Lever's names: the names a setup key loaded once are kept in the settings,
// and an archive reason an event met unmapped is a row to map, with that event's entry.
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

/** The text of the option a select shows. */
const shown = (page, id) => page.getByTestId(id).evaluate((el) => el.selectedOptions[0]?.textContent?.trim());

test("Mappings show Lever's stage and reason names kept in the settings, without a setup key in this window", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("archive-reasons").waitFor();
  assert.equal(await shown(page, "stage-assessment"), "Byteboard assessment");
  assert.equal(await shown(page, "stage-onsite"), "Onsite interview");
  await seeText(page, "stages-partial", "setup key");
  await seeText(page, "reason-reason-rejected", "Underqualified");
  const table = await page.getByTestId("archive-reasons").textContent();
  assert.ok(!/reason-(rejected|withdrew|odd)/.test(table), `no reason id on the screen: ${table}`);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a reason an archive met unmapped is a row to map that opens the entry it failed, and leaves the list once mapped", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  await seeText(page, "reason-reason-odd", "Moved to talent pool");
  await seeText(page, "reason-seen-reason-odd", "open entry #3");
  await page.getByTestId("reason-entry-reason-odd").click();
  await page.getByRole("complementary", { name: "Entry 3" }).waitFor();

  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("reason-select-reason-odd").selectOption("not-applicable");
  await page.getByTestId("mappings-save").click();
  await seeText(page, "toast", "Mappings saved");
  const saves = await calls(page, "settings_save");
  assert.equal(saves.at(-1).args.settings.archive_reasons["reason-odd"], "not-applicable");
  // Opened again: mapped, so no longer flagged as met unmapped.
  await page.getByTestId("nav-history").click();
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("archive-reasons").waitFor();
  assert.equal(await page.getByTestId("reason-seen-reason-odd").count(), 0);
  assert.equal(await shown(page, "reason-select-reason-odd"), "Not applicable");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("loading Lever's lists with a setup key keeps their names in the settings", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-setup").click();
  await page.getByTestId("wizard-step-3").click();
  await page.getByTestId("setup-key").fill("setup-key");
  await page.getByTestId("setup-key-load").click();
  await page.getByTestId("setup-key-result").waitFor();
  const names = await page.evaluate(() => window.__hw.engine.settings.names);
  assert.equal(names.stages["stage-screen"], "Phone screen", "a stage no mapping uses is named too");
  assert.equal(names.archive_reasons["reason-position"], "Position filled");
  assert.equal(names.unmapped_seen["reason-odd"], 3, "what was met is kept");
  await close(page);
});

test("score rules show Lever's names, save what is changed, and a rule with nothing to do is refused", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("score-rules").waitFor();
  assert.equal(await shown(page, "rule-move-0"), "Onsite interview", "the stage by its Lever name");
  assert.equal(await shown(page, "rule-archive-0"), "Underqualified", "the archive reason by its Lever name");
  await page.getByTestId("rule-at-least-0").fill("75");
  await page.getByTestId("rule-only-0").check();
  await page.getByTestId("mappings-save").click();
  await seeText(page, "toast", "Mappings saved");
  const saved = (await calls(page, "settings_save")).at(-1).args.settings.score_rules;
  assert.equal(saved.length, 1);
  assert.equal(saved[0].at_least, 75);
  assert.equal(saved[0].propose_only, true);
  assert.equal(saved[0].move_to, "stage-onsite");

  await page.getByTestId("rule-move-0").selectOption("");
  await page.getByTestId("rule-tag-0").fill("");
  await page.getByTestId("mappings-save").click();
  await seeText(page, "mappings-error", "nothing to do");
  assert.deepEqual(await problems(page), []);
  await close(page);
});
