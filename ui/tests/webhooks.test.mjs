// Setup without copy and paste: the setup key of step 3 also creates Lever's webhooks and
// keeps their signing tokens; a key that may not manage webhooks falls back to copying,
// and says which permission would allow it.
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

const ENDPOINTS = ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"];

/** A first run up to step 3 with the relay connected. */
async function toStep3(page) {
  await seeText(page, "wizard-current", "Step 1 of 8");
  await page.getByTestId("relay-code").fill(connectionCode());
  await page.getByTestId("relay-connect").click();
  await seeText(page, "relay-status", "connected to");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-current", "Step 2 of 8");
  await page.getByTestId("lever-key").fill("limited-key");
  await page.getByTestId("lever-key-save").click();
  await page.getByTestId("lever-checks").waitFor();
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-current", "Step 3 of 8");
}

test("a setup key creates the four Lever webhooks and keeps their tokens, so step 4 needs no pasting", async () => {
  const page = await open(browser, server.url, "configured=0&entries=0");
  await toStep3(page);
  assert.equal(await page.getByTestId("setup-key-webhooks").isChecked(), true, "on by default once the relay is connected");
  await page.getByTestId("setup-key").fill("setup-key");
  await page.getByTestId("setup-key-load").click();
  await seeText(page, "setup-key-webhooks-result", "4 of 4 webhooks are in Lever");
  const [made] = await calls(page, "lever_webhooks_create");
  assert.equal(made.args.setupKey, "setup-key");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-current", "Step 4 of 8");
  await seeText(page, "webhooks-made", "switch each of these events on");
  for (const ep of ENDPOINTS) await seeText(page, `webhook-made-${ep}`, "created in Lever");
  // No token typed: the step lets go.
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-current", "Step 5 of 8");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a setup key that may not manage webhooks says which permission is missing and leaves the copy buttons", async () => {
  const page = await open(browser, server.url, "configured=0&entries=0");
  await toStep3(page);
  await page.getByTestId("setup-key").fill("setup-no-webhooks");
  await page.getByTestId("setup-key-load").click();
  await seeText(page, "setup-key-webhooks-refused", "«Find all webhooks»");
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-current", "Step 4 of 8");
  await seeText(page, "webhooks-refused", "«Create a webhook»");
  await page.getByTestId("webhook-copy-candidate-hired").waitFor();
  await page.getByTestId("wizard-next").click();
  await seeText(page, "wizard-error", "Paste the signing token for Candidate Hired");
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the setup shows live progress up to the first real event processed", async () => {
  const page = await open(browser, server.url, "configured=0&entries=0");
  await toStep3(page);
  await page.getByTestId("setup-key").fill("setup-key");
  await page.getByTestId("setup-key-load").click();
  await seeText(page, "setup-key-webhooks-result", "4 of 4");
  const next = async (id, n) => {
    await page.getByTestId(id).click();
    await seeText(page, "wizard-current", `Step ${n} of 8`);
  };
  await next("wizard-next", 4); // the webhooks were made: nothing to paste
  await next("wizard-next", 5);
  await page.getByTestId("bob-user").fill("svc-1");
  await page.getByTestId("bob-token").fill("tok");
  await next("wizard-next", 6);
  await next("wizard-skip", 7);
  await next("wizard-next", 8);
  await seeText(page, "wizard-current", "Step 8 of 8");
  const done = (id) => page.getByTestId(`progress-${id}`).getAttribute("data-done");
  await page.getByTestId("setup-progress").waitFor();
  for (const id of ["relay", "lever", "tokens", "bob"]) assert.equal(await done(id), "true", id);
  assert.equal(await done("signed"), "false");
  assert.equal(await done("real"), "false");
  // Lever's test ping, then a real hire done: each line turns as its event arrives.
  await page.evaluate(() => window.__hw.engine.signedPing("candidate-hired"));
  await page.waitForFunction(() => document.querySelector('[data-testid="progress-signed"]')?.getAttribute("data-done") === "true");
  assert.equal(await done("real"), "false", "a ping is not a real event");
  await page.evaluate(() => window.__hw.engine.realEventDone("Ada Lovelace"));
  await page.waitForFunction(() => document.querySelector('[data-testid="progress-real"]')?.getAttribute("data-done") === "true");
  await seeText(page, "progress-real", "Ada Lovelace");
  assert.deepEqual(await problems(page), []);
  await close(page);
});
