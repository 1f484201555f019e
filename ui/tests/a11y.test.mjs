// Accessibility: axe-core audits every screen, light and dark, and fails on any violation of
// impact "serious" or "critical" (contrast, names, labels, roles, landmarks…).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, close, problems, seeText, axe, connectionCode } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const chartDrawn = (page) => page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chart-day"]')].some((g) => Number(g.getAttribute("data-total")) > 0));
const step = (page, n) => seeText(page, "wizard-current", `Step ${n} of 8`);

/** Each screen: the fake engine's query, and how to bring the screen up once the app started. */
const SCREENS = [
  {
    name: "the history with entries",
    query: "entries=60",
    show: async (page) => {
      await page.getByTestId("history-row-60").waitFor();
      await chartDrawn(page);
    },
  },
  {
    name: "the history with a failed entry's detail open",
    query: "entries=60",
    show: async (page) => {
      await page.getByTestId("history-row-60").click();
      await seeText(page, "detail-steps", "bob answered 422");
      await page.getByTestId("detail-panel").getByText("Event as received from Lever").click();
      await page.getByTestId("detail-body").waitFor();
    },
  },
  {
    name: "the history with a hire waiting for review open",
    query: "entries=60",
    show: async (page) => {
      await page.getByTestId("history-row-59").click();
      await page.getByTestId("proposal").waitFor();
    },
  },
  {
    name: "the empty history",
    query: "entries=0",
    show: (page) => seeText(page, "history-empty", "No events yet"),
  },
  {
    name: "Mappings",
    query: "entries=5",
    show: async (page) => {
      await page.getByTestId("nav-mappings").click();
      await page.getByTestId("archive-reasons").waitFor();
      await seeText(page, "preview-row-custom.field_1", "is not an item of bob's list");
      await page.getByTestId("keeping").getByTestId("keep-save").waitFor();
    },
  },
  {
    name: "Dry run with a result",
    query: "entries=5",
    show: async (page) => {
      await page.getByTestId("nav-dryrun").click();
      await page.getByTestId("dryrun-search").fill("a");
      await page.getByTestId("dryrun-candidate-opp-grace").click();
      await seeText(page, "dryrun-result", "already in bob");
    },
  },
  {
    name: "the Catch up dialog",
    query: "entries=30",
    show: async (page) => {
      await page.getByTestId("open-catchup").click();
      await page.getByTestId("catchup-found").waitFor();
    },
  },
  {
    name: "Setup on a configured profile",
    query: "entries=5",
    show: async (page) => {
      await page.getByTestId("nav-setup").click();
      await seeText(page, "relay-status", "Connected to");
    },
  },
  {
    name: "the history with toasts shown",
    query: "entries=60",
    show: async (page) => {
      await page.getByTestId("history-row-60").waitFor();
      await page.evaluate(() => window.__hw.emit("engine", { type: "notice", summary: "Ada Lovelace: needs attention", body: "bob answered 422", entry_id: 60, kind: "attention" }));
      await page.getByTestId("history-row-60").click();
      await page.getByTestId("detail-retry").click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="toast"]').length === 2);
    },
  },
  {
    name: "the demo banner",
    query: "demo=1&entries=20",
    show: async (page) => {
      await page.getByTestId("demo-banner").waitFor();
      await page.getByTestId("history-row-20").waitFor();
    },
  },
  {
    name: "Team on the engine, with an invite code shown and a Remove to confirm",
    query: "entries=5&team=engine",
    show: async (page) => {
      await page.getByTestId("nav-team").click();
      await page.getByTestId("invite-name").fill("lee");
      await page.getByTestId("invite-send").click();
      await page.getByTestId("invite-code").waitFor();
      await page.getByTestId("remove-dana").click();
      await page.getByTestId("remove-confirm").waitFor();
    },
  },
  {
    name: "a viewer's seat: the engine's line and a waiting hire that can only be looked at",
    query: "entries=60&team=viewer",
    show: async (page) => {
      await page.getByTestId("engine-line").waitFor();
      await page.getByTestId("history-row-59").click();
      await page.getByTestId("detail-viewer-only").waitFor();
    },
  },
  {
    name: "the health banner",
    query: "entries=30",
    show: async (page) => {
      await page.getByTestId("open-catchup").click();
      await page.getByTestId("catchup-found").waitFor();
      await page.getByTestId("catchup-run").click();
      await page.getByTestId("catchup").waitFor({ state: "detached" });
      await seeText(page, "health-banner", "reached Hirewire only by catching up", 8000);
    },
  },
];

test("a11y: the audit itself finds a serious violation when there is one (an unnamed button, text without contrast)", async () => {
  const page = await open(browser, server.url, "entries=5");
  await page.getByTestId("history-row-5").waitFor();
  assert.deepEqual(await axe(page), []);
  await page.evaluate(() => {
    const b = document.createElement("button");
    b.setAttribute("data-testid", "bad");
    document.querySelector("main").append(b);
    document.querySelector("h1").style.cssText = "position: static; width: auto; height: auto; clip: auto; color: #eee; background: #fff";
  });
  const found = await axe(page);
  assert.ok(found.some((v) => v.startsWith("button-name (critical)")), found.join("\n"));
  assert.ok(found.some((v) => v.startsWith("color-contrast (serious)")), found.join("\n"));
  await close(page);
});

for (const dark of [false, true]) {
  const mode = dark ? "dark" : "light";
  for (const s of SCREENS) {
    test(`a11y (${mode}): ${s.name} has no serious or critical axe violation`, async () => {
      const page = await open(browser, server.url, s.query, { dark });
      await s.show(page);
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(await problems(page), []);
      await close(page);
    });
  }

  test(`a11y (${mode}): each of the 8 Setup wizard steps, on a first run, has no serious or critical axe violation`, async () => {
    const page = await open(browser, server.url, "configured=0&entries=0", { dark });
    const audit = async (what) => assert.deepEqual(await axe(page), [], what);
    // 1 relay: before and after connecting.
    await step(page, 1);
    await audit("step 1");
    await page.getByTestId("relay-code").fill(connectionCode());
    await page.getByTestId("relay-connect").click();
    await seeText(page, "relay-status", "connected to");
    await audit("step 1, connected");
    await page.getByTestId("wizard-next").click();
    // 2 Lever key, with a failed permission check shown.
    await step(page, 2);
    await page.getByTestId("lever-key").fill("limited-key");
    await page.getByTestId("lever-key-save").click();
    await seeText(page, "lever-missing", "lacks");
    await audit("step 2");
    await page.getByTestId("lever-key").fill("offline-key");
    await page.getByTestId("lever-key-save").click();
    await page.getByTestId("lever-unreachable").waitFor();
    await audit("step 2, Lever unreachable");
    await page.getByTestId("wizard-next").click();
    // 3 setup key (optional), loaded.
    await step(page, 3);
    await audit("step 3");
    await page.getByTestId("setup-key").fill("setup-key");
    await page.getByTestId("setup-key-load").click();
    await page.getByTestId("setup-key-result").waitFor();
    await audit("step 3, loaded");
    await page.getByTestId("wizard-next").click();
    // 4 webhooks.
    await step(page, 4);
    await page.getByTestId("webhook-row-candidate-deleted").waitFor();
    await audit("step 4");
    for (const ep of ["candidate-hired", "stage-change", "archive-change", "candidate-deleted"]) await page.getByTestId(`webhook-token-${ep}`).fill(`tok-${ep}`);
    await page.getByTestId("wizard-next").click();
    // 5 bob, tested.
    await step(page, 5);
    await page.getByTestId("bob-user").fill("svc-1");
    await page.getByTestId("bob-token").fill("tok");
    await page.getByTestId("bob-test").click();
    await seeText(page, "bob-sites", "4 sites");
    await audit("step 5");
    await page.getByTestId("wizard-next").click();
    // 6 partner (optional): skipped, so the nav shows a skipped step from here on.
    await step(page, 6);
    await page.getByTestId("partner-provider").waitFor();
    await audit("step 6");
    await page.getByTestId("wizard-skip").click();
    await step(page, 7);
    await audit("step 7, with step 6 skipped in the nav");
    // 7 mappings with Lever's lists.
    await step(page, 7);
    await page.getByTestId("archive-reasons").waitFor();
    await audit("step 7");
    await page.getByTestId("reason-select-reason-odd").selectOption("not-applicable");
    await page.getByTestId("wizard-next").click();
    // 8 dry run with a result.
    await step(page, 8);
    await page.getByTestId("dryrun-search").fill("ada");
    await page.getByTestId("dryrun-candidate-opp-ada").click();
    await page.getByTestId("dryrun-result").waitFor();
    await audit("step 8");
    assert.deepEqual(await problems(page), []);
    await close(page);
  });
}
