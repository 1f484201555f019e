// Team mode: the Team screen (members, invite, remove) and the shell of a seat (only History
// and Team, the engine's line, a viewer that only looks, a member whose Approve waits for the
// engine). `team=` picks the fake engine's side (src/mock/team.ts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, close, problems, seeText, calls, axe } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const navIds = (page) => page.locator('nav [data-testid^="nav-"]').evaluateAll((bs) => bs.map((b) => b.dataset.testid));

test("the Team screen lists the members with their role and when they were last seen, the removed one as removed", async () => {
  const page = await open(browser, server.url, "entries=5&team=engine");
  await page.getByTestId("nav-team").click();
  await page.getByTestId("team-members").waitFor();
  await seeText(page, "member-ana", "owner");
  await seeText(page, "member-dana", "member");
  await seeText(page, "member-seen-dana", "last seen 5 minutes ago");
  await seeText(page, "member-seen-vic", "not seen yet");
  await seeText(page, "member-vic", "viewer");
  await seeText(page, "member-seen-sam", "removed");
  // The owner and a removed member cannot be removed; the others can.
  assert.equal(await page.getByTestId("remove-ana").count(), 0);
  assert.equal(await page.getByTestId("remove-sam").count(), 0);
  await page.getByTestId("remove-dana").waitFor();
  // On the engine the owner's name is known: the invite does not ask for it.
  assert.equal(await page.getByTestId("invite-owner").count(), 0);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("inviting shows the code once, with Copy and the command to run on their device", async () => {
  const page = await open(browser, server.url, "entries=5&team=engine");
  await page.getByTestId("nav-team").click();
  await page.getByTestId("invite-name").fill("lee");
  await page.getByTestId("invite-role").selectOption("viewer");
  await page.getByTestId("invite-send").click();
  await page.getByTestId("invite-code").waitFor();
  const code = await page.getByTestId("invite-code-text").inputValue();
  assert.match(code, /^hwt1-[A-Za-z0-9_-]+$/);
  await seeText(page, "invite-how", `On their device: hirewire team join ${code} --name lee; the pairing completes while this app runs.`);
  assert.deepEqual((await calls(page, "team_invite")).map((c) => c.args), [{ name: "lee", role: "viewer", owner: "" }]);
  // The code is focused and selected, ready to copy; Copy copies it.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "invite-code-text");
  await page.getByTestId("invite-copy").click();
  await seeText(page, "toast", "Copied the invite code");
  assert.deepEqual(await axe(page), []);
  // Done hides it: it is not shown again.
  await page.getByTestId("invite-done").click();
  assert.equal(await page.getByTestId("invite-code").count(), 0);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("outside a team the invite asks for the owner's name, and the first invite makes this app the engine", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("nav-team").click();
  await seeText(page, "team-empty", "No team yet");
  await page.getByTestId("invite-name").fill("dana");
  await page.getByTestId("invite-send").click();
  await seeText(page, "invite-error", "Type your own name");
  assert.equal((await calls(page, "team_invite")).length, 0);
  await page.getByTestId("invite-owner").fill("ana");
  await page.getByTestId("invite-send").click();
  await page.getByTestId("invite-code").waitFor();
  assert.deepEqual((await calls(page, "team_invite")).map((c) => c.args), [{ name: "dana", role: "member", owner: "ana" }]);
  // The team exists now: the owner is listed and the next invite no longer asks.
  await seeText(page, "member-ana", "owner");
  await page.getByTestId("invite-owner").waitFor({ state: "detached" });
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("an invite the engine refuses shows its sentence", async () => {
  const page = await open(browser, server.url, "entries=5&team=engine");
  await page.getByTestId("nav-team").click();
  await page.getByTestId("invite-name").fill("dana");
  await page.getByTestId("invite-send").click();
  // The engine's own sentence (TEAM_MESSAGES.nameTaken, generated from team::manage).
  await seeText(page, "invite-error", '"dana" is already a member or has an open invite: choose another name');
  assert.equal(await page.getByTestId("invite-code").count(), 0);
  await close(page);
});

test("Remove asks for confirmation; Cancel keeps the member, confirming shows them removed", async () => {
  const page = await open(browser, server.url, "entries=5&team=engine");
  await page.getByTestId("nav-team").click();
  await page.getByTestId("remove-dana").click();
  await seeText(page, "remove-confirm", "Remove dana?");
  assert.equal((await calls(page, "team_remove")).length, 0);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "remove-yes");
  assert.deepEqual(await axe(page), []);
  // Escape cancels, and the focus goes back to the Remove button.
  await page.keyboard.press("Escape");
  await page.getByTestId("remove-confirm").waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "remove-dana");
  assert.equal((await calls(page, "team_remove")).length, 0);
  await page.getByTestId("remove-dana").click();
  await page.getByTestId("remove-yes").click();
  await seeText(page, "member-seen-dana", "removed");
  assert.deepEqual((await calls(page, "team_remove")).map((c) => c.args), [{ name: "dana" }]);
  assert.equal(await page.getByTestId("remove-dana").count(), 0);
  await seeText(page, "toast", "dana was removed from the team");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a team list that cannot be read says so and can be asked again", async () => {
  const page = await open(browser, server.url, "entries=5&team=engine&fail=team_list");
  await page.getByTestId("nav-team").click();
  await seeText(page, "team-error", "team_list failed");
  await page.evaluate(() => window.__hw.engine.heal("team_list"));
  await page.getByTestId("team-reload").click();
  await seeText(page, "member-ana", "owner");
  await close(page);
});

test("a seat shows only History and Team, opens on History though not set up, and shows the engine's line", async () => {
  const page = await open(browser, server.url, "entries=30&configured=0&team=member");
  await page.getByTestId("history-row-30").waitFor();
  assert.deepEqual(await navIds(page), ["nav-history", "nav-team"]);
  await seeText(page, "engine-line", "The engine on ana's device: it was last seen 3h 2m ago; hires wait on the relay until it is back");
  // Catching up asks Lever, which only the engine can: a member's seat asks the engine
  // (no dialog with a dry run and a date: that is the engine's own window).
  assert.equal(await page.getByTestId("open-catchup").count(), 0);
  await page.getByTestId("seat-catchup").waitFor();
  // The Team screen is read-only: who this seat is, no invite and no Remove.
  await page.getByTestId("nav-team").click();
  await seeText(page, "team-you", "You are dana (member");
  await page.getByTestId("team-members").waitFor();
  assert.equal(await page.getByTestId("invite-form").count(), 0);
  assert.equal(await page.locator('[data-testid^="remove-"]').count(), 0);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the engine's line goes when the engine is back, at the next status refresh", async () => {
  const page = await open(browser, server.url, "entries=30&team=member");
  await page.getByTestId("engine-line").waitFor();
  await page.evaluate(() => (window.__hw.engine.team.engineConnected = true));
  // A new entry refreshes the status (at most once a second), the team's with it.
  await page.evaluate(() => window.__hw.emit("engine", { type: "entry", id: 30 }));
  await page.getByTestId("engine-line").waitFor({ state: "detached" });
  await close(page);
});

test("a viewer's seat offers no Approve, Dismiss nor Retry: a line says viewers can only look", async () => {
  const page = await open(browser, server.url, "entries=60&team=viewer");
  await page.getByTestId("history-row-59").click();
  await seeText(page, "detail-panel", "Grace Hopper");
  await seeText(page, "detail-viewer-only", "Viewers can only look");
  assert.equal(await page.getByTestId("detail-approve").count(), 0);
  assert.equal(await page.getByTestId("detail-dismiss").count(), 0);
  // The proposal is shown, read-only.
  assert.ok(await page.getByTestId("proposal-field-work.site").isDisabled());
  assert.deepEqual(await axe(page), []);
  await page.getByTestId("history-row-60").click();
  await seeText(page, "detail-steps", "bob answered 422");
  await seeText(page, "detail-viewer-only", "Viewers can only look");
  assert.equal(await page.getByTestId("detail-retry").count(), 0);
  // Nor a Catch up: the engine would refuse it.
  assert.equal(await page.getByTestId("seat-catchup").count(), 0);
  assert.equal(await page.getByTestId("open-catchup").count(), 0);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a member seat's Catch up asks the engine, waits for its answer and shows it", async () => {
  const page = await open(browser, server.url, "entries=30&team=member");
  await page.evaluate(() => window.__hw.engine.team.hold());
  await page.getByTestId("seat-catchup").click();
  await seeText(page, "seat-catchup", "Asking the engine…");
  assert.ok(await page.getByTestId("seat-catchup").isDisabled());
  await page.evaluate(() => window.__hw.engine.team.release());
  await seeText(page, "toast", "caught up by dana: nothing the webhooks missed");
  await seeText(page, "seat-catchup", "Catch up");
  assert.equal((await calls(page, "team_catch_up")).length, 1);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a seat's Catch up the engine did not answer in time shows the engine's sentence", async () => {
  const text = "the engine on ana's device has not answered within 2m; the command waits on the relay and is carried out once the engine is back";
  const page = await open(browser, server.url, "entries=30&team=member");
  await page.evaluate((t) => window.__hw.engine.fail("team_catch_up", t), text);
  await page.getByTestId("seat-catchup").click();
  await seeText(page, "toast", text);
  assert.ok(!(await page.getByTestId("seat-catchup").isDisabled()));
  await close(page);
});

test("a member seat's Approve shows that it was sent to the engine until the engine answers", async () => {
  const page = await open(browser, server.url, "entries=60&team=member");
  await page.getByTestId("history-row-59").click();
  await seeText(page, "detail-panel", "Grace Hopper");
  await page.evaluate(() => window.__hw.engine.team.hold());
  await page.getByTestId("detail-approve").click();
  await seeText(page, "detail-sent", "Approve: sent to the engine");
  await seeText(page, "detail-approve", "Sent to the engine…");
  assert.ok(await page.getByTestId("detail-approve").isDisabled());
  await page.evaluate(() => window.__hw.engine.team.release());
  await seeText(page, "toast", "Approved");
  await page.getByTestId("detail-sent").waitFor({ state: "detached" });
  assert.equal((await calls(page, "history_approve")).length, 1);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a seat's command the engine did not answer in time shows the engine's sentence", async () => {
  const text = "the engine on ana's device has not answered within 30s (it was last seen 3h 2m ago); the command waits on the relay and is carried out once the engine is back";
  const page = await open(browser, server.url, "entries=60&team=member");
  await page.evaluate((t) => window.__hw.engine.fail("history_retry", t), text);
  await page.getByTestId("history-row-60").click();
  await page.getByTestId("detail-retry").click();
  await seeText(page, "detail-action-error", text);
  await page.getByTestId("detail-sent").waitFor({ state: "detached" });
  await close(page);
});
