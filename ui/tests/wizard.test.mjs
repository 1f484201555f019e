// The setup wizard: validation, keyboard, secrets that never reach the page, a full first run.
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

const firstRun = (opts) => open(browser, server.url, "configured=0&entries=0", opts);
const step = (page, n) => seeText(page, "wizard-current", `Step ${n} of 8`);
const secretIs = (page, name, value) => page.evaluate(([n, v]) => window.__hw.engine.secretIs(n, v), [name, value]);

/** Presses Tab until the element with test id `id` has the focus (at most 40 times). */
async function tabTo(page, id) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((t) => document.activeElement?.getAttribute("data-testid") === t, id)) return;
  }
  throw new Error(`Tab never reached ${id}`);
}

test("a connection code without hwr1: is refused in the window, a damaged one with the engine's text", async () => {
  const page = await firstRun();
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-error", "Paste the connection code and connect first.");
  await page.getByTestId("relay-code").fill("https://relay.example.com/recruiting");
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "This is not a Hirewire connection code");
  assert.equal((await calls(page, "relay_connect")).length, 0, "refused before reaching the engine");
  await page.getByTestId("relay-code").fill("hwr1:!!!");
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "the connection code is damaged or incomplete; copy it again, in one piece");
  // Next is blocked until the relay is connected; the step keeps showing why.
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("wizard-next").isEnabled();
  await page.waitForFunction(() => !document.querySelector('[data-testid="wizard-next"]').disabled);
  await step(page, 1);
  await seeText(page, "relay-status", "the connection code is damaged");
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "Connected to https://relay.example.com (nothing waiting)");
  await seeText(page, "status-relay", "Relay connected");
  await close(page);
});

test("keyboard: Tab reaches the field with a visible focus, Enter advances, Escape goes back", async () => {
  const page = await firstRun();
  await tabTo(page, "relay-code");
  assert.equal(await page.evaluate(() => document.activeElement.matches(":focus-visible")), true);
  await page.keyboard.type(connectionCode());
  await page.keyboard.press("Enter");
  await step(page, 2);
  await page.keyboard.press("Escape");
  await step(page, 1);
  await seeText(page, "relay-status", "connected");
  await page.keyboard.press("Enter");
  await step(page, 2);
  // Enter with nothing saved does not advance: the key is required.
  await tabTo(page, "lever-key");
  await page.keyboard.press("Enter");
  await seeText(page, "wizard-error", "Paste the Lever API key and save it.");
  await step(page, 2);
  await page.keyboard.type("lever-permanent-key-123");
  await page.keyboard.press("Enter");
  await step(page, 3);
  assert.equal(await secretIs(page, "lever-api-key", "lever-permanent-key-123"), true);
  // Every control of a step is reachable by Tab, buttons included.
  await tabTo(page, "setup-key");
  await tabTo(page, "setup-key-load");
  await tabTo(page, "wizard-next");
  await page.keyboard.press("Escape");
  await step(page, 2);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the webhook step cannot be finished while a signing token is missing", async () => {
  const page = await firstRun();
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("lever-key").fill("k");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("wizard-next").click();
  await step(page, 4);
  await page.getByTestId("webhook-token-candidate-hired").fill("tok-hired");
  await page.getByTestId("webhook-save-candidate-hired").click();
  await seeText(page, "webhook-token-candidate-hired-state", "set");
  await page.getByTestId("webhook-token-stage-change").fill("tok-stage");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-error", "Paste the signing token for Candidate Archive State Change from Lever");
  await seeText(page, "wizard-error", "Paste the signing token for Candidate Deleted from Lever");
  const text = await page.getByTestId("wizard-error").textContent();
  assert.doesNotMatch(text, /Candidate Hired|Candidate Stage Change/);
  await step(page, 4);
  await seeText(page, "webhook-token-stage-change-state", "set");
  await page.getByTestId("webhook-token-archive-change").fill("tok-archive");
  await page.getByTestId("webhook-token-candidate-deleted").fill("tok-deleted");
  await page.getByTestId("wizard-next").click();
  await step(page, 5);
  assert.equal(await secretIs(page, "lever-signing-token/archive-change", "tok-archive"), true);
  await close(page);
});

test("stages: two the same and a missing one are refused before saving", async () => {
  const page = await open(browser, server.url, "entries=3");
  await page.getByTestId("nav-mappings").click();
  // The stages are chosen by the names kept in the settings.
  await page.getByTestId("stage-onsite").selectOption("stage-assess");
  await page.getByTestId("mappings-save").click();
  await seeText(page, "mappings-error", "Each step needs a different Lever stage");
  await page.getByTestId("stage-onsite").selectOption("stage-onsite");
  await page.getByTestId("stage-offer").selectOption("");
  await page.getByTestId("mappings-save").click();
  await seeText(page, "mappings-error", "Choose a Lever stage for each of the three steps");
  assert.equal((await calls(page, "settings_save")).length, 0);
  await page.getByTestId("stage-offer").selectOption("stage-offer");
  await page.getByTestId("mappings-save").click();
  await seeText(page, "toast", "Mappings saved");
  assert.equal(await page.getByTestId("mappings-error").count(), 0);
  await close(page);
});

test("an engine validation error is shown verbatim", async () => {
  const page = await open(browser, server.url, "entries=3");
  await page.getByTestId("nav-setup").click();
  await page.getByTestId("wizard-step-6").click();
  await page.getByTestId("partner-list-url").fill("tests.example");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-error", 'assessment.list_tests_url must be an http(s) URL, got "tests.example"');
  await step(page, 6);
  await close(page);
});

test("secrets never appear in the DOM, localStorage or sessionStorage", async () => {
  const page = await firstRun();
  const values = {
    relay: "relay-channel-secret-XYZ",
    lever: "lever-key-SECRET-1",
    setup: "lever-setup-key-SECRET-2",
    hired: "signing-SECRET-hired",
    stage: "signing-SECRET-stage",
    archive: "signing-SECRET-archive",
    deleted: "signing-SECRET-deleted",
    user: "bob-user-SECRET-3",
    token: "bob-token-SECRET-4",
    partner: "partner-key-SECRET-5",
  };
  const leaks = () =>
    page.evaluate((vals) => {
      const places = [
        document.documentElement.outerHTML,
        [...document.querySelectorAll("input, textarea")].map((i) => i.value).join("\n"),
        JSON.stringify({ ...localStorage }),
        JSON.stringify({ ...sessionStorage }),
        location.href,
        document.cookie,
      ].join("\n");
      return Object.values(vals).filter((v) => places.includes(v));
    }, values);

  await page.getByTestId("relay-code").fill(connectionCode("https://relay.example.com", "recruiting", values.relay));
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "connected");
  assert.deepEqual(await leaks(), []);
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("lever-key").fill(values.lever);
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-key-state", "set");
  assert.deepEqual(await leaks(), []);
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("setup-key").fill(values.setup);
  await page.getByTestId("setup-key-load").click();
  await seeText(page, "setup-key-result", "The setup key was used in memory only and was not stored: you can delete it in Lever now.");
  assert.deepEqual(await leaks(), []);
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("webhook-token-candidate-hired").fill(values.hired);
  await page.getByTestId("webhook-token-stage-change").fill(values.stage);
  await page.getByTestId("webhook-token-archive-change").fill(values.archive);
  await page.getByTestId("webhook-token-candidate-deleted").fill(values.deleted);
  await page.getByTestId("wizard-next").click();
  await step(page, 5);
  assert.deepEqual(await leaks(), []);
  await page.getByTestId("bob-user").fill(values.user);
  await page.getByTestId("bob-token").fill(values.token);
  await page.getByTestId("bob-test").click();
  await seeText(page, "bob-status", "the service user may search people");
  assert.deepEqual(await leaks(), []);
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("partner-key").fill(values.partner);
  await page.getByTestId("partner-key-save").click();
  await seeText(page, "partner-key-state", "set");
  assert.deepEqual(await leaks(), []);
  // Every secret reached the engine, the setup key was never stored, and all are write-only.
  for (const [name, v] of [
    ["relay-secret", values.relay],
    ["lever-api-key", values.lever],
    ["lever-signing-token/candidate-hired", values.hired],
    ["lever-signing-token/stage-change", values.stage],
    ["lever-signing-token/archive-change", values.archive],
    ["lever-signing-token/candidate-deleted", values.deleted],
    ["bob-service-user", values.user],
    ["bob-token", values.token],
    ["assessment-api-key", values.partner],
  ]) {
    assert.equal(await secretIs(page, name, v), true, name);
  }
  const status = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("secrets_status"));
  assert.ok(status.every((s) => Object.keys(s).sort().join() === "name,set"));
  assert.equal((await calls(page, "secret_set")).some((c) => c.args.name.includes("setup")), false);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a full first run: every step, then Finish opens the history", async () => {
  const page = await firstRun();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  // 1 relay
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("wizard-next").click();
  // 2 Lever key with missing permissions: each one named
  await step(page, 2);
  await page.getByTestId("lever-key").fill("limited-key");
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-missing", "The key lacks 2 permissions: «Download a candidate resume file», «Create an opportunity note».");
  await page.getByTestId("wizard-next").click();
  // 3 setup key: loaded, field cleared
  await step(page, 3);
  await page.getByTestId("setup-key").fill("setup-key");
  await page.getByTestId("setup-key-load").click();
  await seeText(page, "setup-key-result", "Loaded 5 stages, 6 archive reasons");
  assert.equal(await page.getByTestId("setup-key").inputValue(), "");
  await page.getByTestId("wizard-next").click();
  // 4 webhooks: copy, tokens, first signed event arrives live
  await step(page, 4);
  await page.getByTestId("webhook-copy-stage-change").click();
  await seeText(page, "toast", "Copied the Candidate Stage Change URL");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "https://relay.example.com/hooks/recruiting/stage-change");
  await seeText(page, "webhook-first-candidate-hired", "No signed event yet");
  for (const ep of ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"]) await page.getByTestId(`webhook-token-${ep}`).fill(`tok-${ep}`);
  await page.evaluate(() => {
    window.__hw.engine.signed("candidate-hired");
    return window.__hw.emit("engine", { type: "entry", id: 1 });
  });
  await seeText(page, "webhook-first-candidate-hired", "first signed event arrived at");
  await page.getByTestId("wizard-next").click();
  // 5 bob: test shows sites and field count; default site and review saved
  await step(page, 5);
  await page.getByTestId("bob-user").fill("svc-1");
  await page.getByTestId("bob-token").fill("tok");
  await page.getByTestId("bob-test").click();
  await seeText(page, "bob-sites", "4 sites: London, New York, Berlin, Remote.");
  await page.getByTestId("bob-site").selectOption("Berlin");
  await page.getByTestId("bob-review").uncheck();
  await page.getByTestId("wizard-next").click();
  // 6 partner: settings, key, tests, an interview type
  await step(page, 6);
  await page.getByTestId("partner-provider").fill("Byteboard");
  await page.getByTestId("partner-list-url").fill("https://byteboard.example/tests");
  await page.getByTestId("partner-send-url").fill("https://byteboard.example/send");
  await page.getByTestId("partner-status-url").fill("https://byteboard.example/status");
  await page.getByTestId("partner-key").fill("pk");
  await page.getByTestId("partner-load").click();
  await seeText(page, "partner-tests", "3 test(s) available");
  await page.getByTestId("interview-add").click();
  await page.getByTestId("interview-tag-0").fill("Byteboard Data");
  await page.getByTestId("interview-test-0").selectOption("23456");
  await page.getByTestId("wizard-next").click();
  // 7 mappings: Lever's lists as selects with suggestions; the unmapped reason stands out
  await step(page, 7);
  assert.equal(await page.getByTestId("stage-assessment").inputValue(), "stage-assess");
  await seeText(page, "reason-reason-odd", "no suggestion: choose one");
  await page.getByTestId("stage-offer").selectOption("stage-onsite");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "mappings-error", "Each step needs a different Lever stage");
  await step(page, 7);
  await page.getByTestId("stage-offer").selectOption("stage-offer");
  await page.getByTestId("reason-select-reason-odd").selectOption("not-applicable");
  await page.getByTestId("wizard-next").click();
  // 8 dry run, then Finish
  await step(page, 8);
  await page.getByTestId("dryrun-search").fill("ada");
  await page.getByTestId("dryrun-candidate-opp-ada").click();
  await page.getByTestId("dryrun-result").waitFor();
  await page.getByTestId("finish-setup").click();
  await seeText(page, "history-empty", "No events yet");
  assert.equal((await calls(page, "finish_setup")).length, 1);

  const saved = (await calls(page, "settings_save")).at(-1).args.settings;
  assert.equal(saved.bob.default_site, "Berlin");
  assert.equal(saved.bob.review_before_create, false);
  assert.equal(saved.assessment.list_tests_url, "https://byteboard.example/tests");
  assert.deepEqual(saved.interview_types, { "Byteboard Data": "23456" });
  assert.deepEqual(saved.stages, { assessment: "stage-assess", onsite: "stage-onsite", offer: "stage-offer" });
  assert.equal(saved.archive_reasons["reason-odd"], "not-applicable");
  assert.equal(saved.archive_reasons["reason-hired"], "offer-accepted");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

/** The Lever key's boxes as the (fake) engine answers them; engine/src/check.rs checks
 *  that the fake's list is the engine's. */
const leverBoxes = (page) => page.evaluate(() => window.__hw.engine.handle("lever_permissions", {}));
const boxes = (page) => page.$$eval('[data-testid="lever-perm"]', (els) => els.map((e) => ({ label: e.textContent.replace(/^[✓✗☐]/, "").replace(/: missing$/, "").trim(), state: e.dataset.state })));
/** How many times `re` occurs in the text of the element with test id `id`. */
const count = async (page, id, re) => ((await page.getByTestId(id).innerText()).match(re) ?? []).length;

async function toStep2(page) {
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("wizard-next").click();
  await step(page, 2);
}

test("step 2 lists the key's Lever permissions in Lever's words before the key is made, then marks the missing ones", async () => {
  const page = await firstRun();
  await toStep2(page);
  assert.deepEqual(await boxes(page), (await leverBoxes(page)).map((label) => ({ label, state: "unknown" })));
  await seeText(page, "wizard-current", "Step 2"); // the list is there before any key or check
  assert.equal((await calls(page, "check_all")).length, 0);
  // The list comes before the field the key is pasted in, with the confidential toggle.
  const before = await page.evaluate(() => {
    const list = document.querySelector('[data-testid="lever-permissions"]');
    return !!(list.compareDocumentPosition(document.querySelector('[data-testid="lever-key"]')) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.equal(before, true);
  await page.getByText("Allow access to confidential data").first().waitFor();
  // A key missing two boxes: both named once, the advice said once.
  await page.getByTestId("lever-key").fill("limited-key");
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-missing", "The key lacks 2 permissions: «Download a candidate resume file», «Create an opportunity note».");
  const missing = ["Download a candidate resume file", "Create an opportunity note"];
  assert.deepEqual(await boxes(page), (await leverBoxes(page)).map((label) => ({ label, state: missing.includes(label) ? "missing" : "ok" })));
  assert.equal(await count(page, "lever-checks", /cannot be edited/g), 1);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a network failure is never reported as a missing permission: the step says Lever could not be reached", async () => {
  const page = await firstRun();
  await toStep2(page);
  await page.getByTestId("lever-key").fill("offline-key");
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-unreachable", "Could not reach Lever — check the connection");
  await seeText(page, "lever-unreachable", "dns error");
  const text = await page.getByTestId("lever-checks").innerText();
  assert.doesNotMatch(text, /lacks|missing|not permitted|tick/i);
  assert.equal((text.match(/reach/gi) ?? []).length, 1, `said once: ${text}`);
  assert.deepEqual(await boxes(page), (await leverBoxes(page)).map((label) => ({ label, state: "unknown" })), "no box is marked missing (or present)");
  assert.equal(await page.getByTestId("lever-missing").count(), 0);
  // The connection back: the check again, and the answer is about the boxes.
  await page.evaluate(() => window.__hw.engine.handle("secret_set", { name: "lever-api-key", value: "good-key" }));
  await page.getByTestId("lever-check").click();
  await seeText(page, "lever-checks", "every permission Hirewire needs");
  assert.equal(await page.getByTestId("lever-unreachable").count(), 0);
  await close(page);
});

test("no message repeats itself: the relay says connected once, bob counts its fields once", async () => {
  const page = await firstRun();
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "Connected to https://relay.example.com");
  assert.equal(await count(page, "relay-status", /connected/gi), 1, await page.getByTestId("relay-status").innerText());
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("lever-key").fill("good-key");
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-checks", "every permission");
  assert.equal(await count(page, "lever-checks", /permission/gi), 1);
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("wizard-skip").click();
  await step(page, 4);
  for (const ep of ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"]) await page.getByTestId(`webhook-token-${ep}`).fill(`tok-${ep}`);
  await page.getByTestId("wizard-next").click();
  await step(page, 5);
  await page.getByTestId("bob-user").fill("svc-1");
  await page.getByTestId("bob-token").fill("tok");
  await page.getByTestId("bob-test").click();
  await seeText(page, "bob-sites", "4 sites");
  assert.equal(await count(page, "bob-status", /11 fields/g), 1, await page.getByTestId("bob-status").innerText());
  await close(page);
});

test("bob's step shows a missing Work permission, which Approve of a change after the hire needs", async () => {
  const page = await firstRun();
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "Connected to https://relay.example.com");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("lever-key").fill("good-key");
  await page.getByTestId("lever-key-save").click();
  await seeText(page, "lever-checks", "every permission");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("wizard-skip").click();
  await step(page, 4);
  for (const ep of ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"]) await page.getByTestId(`webhook-token-${ep}`).fill(`tok-${ep}`);
  await page.getByTestId("wizard-next").click();
  await step(page, 5);
  await page.getByTestId("bob-user").fill("svc-1");
  await page.getByTestId("bob-token").fill("tok-nowork");
  await page.getByTestId("bob-test").click();
  await seeText(page, "bob-status", "lacks «Edit selected employees' Work sections»");
  await close(page);
});

test("a skipped optional step shows as skipped in the step nav, not done, until it is finished", async () => {
  const page = await firstRun();
  await toStep2(page);
  await page.getByTestId("lever-key").fill("good-key");
  await page.getByTestId("wizard-next").click();
  await step(page, 3);
  await page.getByTestId("wizard-skip").click();
  await step(page, 4);
  const nav = (n) => page.getByTestId(`wizard-step-${n}`);
  const state = async (n) => ({ state: await nav(n).getAttribute("data-state"), text: (await nav(n).innerText()).replace(/\s+/g, " ").trim() });
  assert.deepEqual(await state(3), { state: "skipped", text: "– Lever setup key skipped" });
  assert.equal((await nav(3).textContent()).includes("✓"), false);
  assert.equal((await nav(3).textContent()).includes("done"), false);
  assert.deepEqual(await state(2), { state: "done", text: "✓ Lever API key done" });
  // Back on it and on with Next: now it is done.
  await nav(3).click();
  await step(page, 3);
  await page.getByTestId("wizard-next").click();
  await step(page, 4);
  assert.equal((await state(3)).state, "done");
  assert.deepEqual(await problems(page), []);
  await close(page);
});
