// The history screen: empty and error states, 100 000 entries, filters, detail, actions, chart.
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

const rowCount = (page) => page.locator('[data-testid^="history-row-"]').count();

test("an empty history says so", async () => {
  const page = await open(browser, server.url, "entries=0");
  await seeText(page, "history-empty", "No events yet. When Lever sends a webhook it appears here.");
  assert.equal(await rowCount(page), 0);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the status and the first page of history are asked for together at start, not one after the other", async () => {
  const page = await open(browser, server.url, "entries=30&delay=150");
  await page.getByTestId("history-row-30").waitFor();
  const timeline = await page.evaluate(() => window.__hw.engine.timeline);
  const at = (what) => timeline.indexOf(what);
  assert.ok(at("asked history_list") >= 0 && at("asked history_list") < at("answered status"), timeline.join(", "));
  // The early page is the list's own first question: it is not asked twice.
  const pages = (await calls(page, "history_list")).filter((c) => c.args.filter.offset === 0);
  assert.equal(pages.length, 1, JSON.stringify(pages));
  assert.deepEqual(await problems(page), []);
  await close(page);
});

// Runs in the page before its scripts: records every read of an element's size, and whether it
// came from a ResizeObserver (told after the browser's own layout) or forced a layout of its own.
function recordSizeReads() {
  const reads = (window.__sizeReads = []);
  let observed = 0;
  const Observer = window.ResizeObserver;
  window.ResizeObserver = class extends Observer {
    constructor(callback) {
      super((entries, o) => {
        observed++;
        try {
          callback(entries, o);
        } finally {
          observed--;
        }
      });
    }
  };
  const watch = (proto, name) => {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    const record = () => reads.push({ name, observed: observed > 0, painted: (window.__hw?.engine?.readyScreens?.length ?? 0) > 0 });
    if (d.get) Object.defineProperty(proto, name, { ...d, get() { record(); return d.get.call(this); } });
    else Object.defineProperty(proto, name, { ...d, value(...a) { record(); return d.value.apply(this, a); } });
  };
  for (const n of ["clientWidth", "clientHeight", "getBoundingClientRect"]) watch(Element.prototype, n);
  for (const n of ["offsetWidth", "offsetHeight"]) watch(HTMLElement.prototype, n);
}

test("the first screen is laid out by the browser once: nothing reads a size before it is painted", async () => {
  const page = await open(browser, server.url, "entries=300", { init: recordSizeReads });
  await page.getByTestId("history-row-300").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  // A size read while the screen is being built lays it all out there and then, before the
  // rows are in, and the frame lays it out again with them.
  const forced = await page.evaluate(() => window.__sizeReads.filter((r) => !r.observed && !r.painted).map((r) => r.name));
  assert.deepEqual(forced, []);
  // The list was told its height after that layout, all the same.
  assert.ok(await page.evaluate(() => window.__sizeReads.some((r) => r.observed && r.name === "clientHeight")));
  assert.deepEqual(await problems(page), []);
  await close(page);
});

// Each size of each face is one more font for the window to load and rasterize during its first
// layout (docs/perf.md: near-identical sizes cost History's first layout about 15 ms).
test("the first screen's text comes in three sizes (14, 12 and 11 px), hidden heading included", async () => {
  const page = await open(browser, server.url, "entries=300");
  await page.getByTestId("history-row-300").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  const sizes = await page.evaluate(() => {
    const seen = new Set();
    for (const el of document.querySelectorAll("body *")) {
      // The chart's axis is drawn after the first paint, in its own small size.
      if (el.closest("svg")) continue;
      const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (text) seen.add(getComputedStyle(el).fontSize);
    }
    return [...seen].sort();
  });
  assert.deepEqual(sizes, ["11px", "12px", "14px"]);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the first frame builds only the rows in view; the rows around them come after it", async () => {
  const page = await open(browser, server.url, "entries=300");
  await page.getByTestId("history-row-300").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  const inView = await page.evaluate(() => Math.ceil(document.querySelector('[data-testid="history-list"]').clientHeight / 36));
  const atReady = await page.evaluate(() => window.__hw.engine.rowsAtReady);
  // Every row in view is in the first frame (no blank list), and at most one more.
  assert.ok(atReady >= inView && atReady <= inView + 1, `${atReady} rows in the first frame, ${inView} in view`);
  // Scrolling then finds the rows below the view already built.
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="history-row-"]').length > n + 4, inView);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the wizard, mappings, dry run, detail and catch-up are scripts of their own, fetched once History is painted", async () => {
  const page = await open(browser, server.url, "entries=30");
  await page.getByTestId("history-row-30").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyAt != null);
  const later = ["Wizard", "Mappings", "DryRun", "DetailPanel", "CatchUp"];
  await page.waitForFunction((names) => names.every((n) => performance.getEntriesByType("resource").some((r) => r.name.includes(`/${n}-`))), later);
  const fetched = await page.evaluate((names) => {
    const ready = window.__hw.engine.readyAt;
    return names.map((n) => {
      const r = performance.getEntriesByType("resource").find((e) => e.name.includes(`/${n}-`) && e.name.endsWith(".js"));
      return `${n}: ${r ? (r.startTime >= ready ? "after" : "before") : "missing"}`;
    });
  }, later);
  assert.deepEqual(fetched, later.map((n) => `${n}: after`));
  // Opening one then needs no wait for its script.
  await page.getByTestId("nav-mappings").click();
  await page.getByTestId("nav-history").click();
  await page.getByTestId("history-row-30").click();
  await page.getByTestId("detail-panel").waitFor();
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the list is built with the first page asked for at start, not empty and then filled", async () => {
  const page = await open(browser, server.url, "entries=300", {
    init: () => {
      window.__totals = [];
      new MutationObserver((records) => {
        for (const r of records) if (r.target.dataset.testid === "history-list") window.__totals.push(`${r.oldValue}->${r.target.getAttribute("data-total")}`);
      }).observe(document, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-total"] });
    },
  });
  await page.getByTestId("history-row-300").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  assert.equal(await page.getByTestId("history-list").getAttribute("data-total"), "300");
  assert.deepEqual(await page.evaluate(() => window.__totals), []);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a first page asked for at start is not shown later: the wizard's user opens History on fresh rows", async () => {
  const page = await open(browser, server.url, "configured=0&entries=3");
  await page.getByTestId("relay-code").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  const before = (await calls(page, "history_list")).length;
  await page.getByTestId("nav-history").click();
  await page.getByTestId("history-list").waitFor({ state: "attached" });
  await page.waitForFunction((n) => window.__hw.engine.calls.filter((c) => c.cmd === "history_list").length > n, before);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the first painted history is reported to the engine once, for its start-up log", async () => {
  const page = await open(browser, server.url, "entries=30");
  await page.getByTestId("history-row-30").waitFor();
  await page.waitForFunction(() => window.__hw.engine.readyScreens.length > 0);
  // A later refresh of the list does not report again.
  await page.evaluate(() => window.__hw.emit("engine", { type: "entry", id: 30 }));
  await page.getByTestId("history-row-30").waitFor();
  assert.deepEqual(await page.evaluate(() => window.__hw.engine.readyScreens), ["history"]);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("an engine error shows the engine's text, and Retry loads the history", async () => {
  const page = await open(browser, server.url, "entries=30&fail=history_list");
  await seeText(page, "history-error", "cannot read the history: the database file is locked by another process");
  await page.evaluate(() => window.__hw.engine.heal("history_list"));
  await page.getByTestId("history-retry").click();
  await page.getByTestId("history-row-30").waitFor();
  assert.equal(await page.getByTestId("history-error").count(), 0);
  await close(page);
});

test("100 000 entries: fewer than 200 rows in the DOM, the end shows entry 1, pages of 200", async () => {
  const page = await open(browser, server.url, "entries=100000");
  await page.getByTestId("history-row-100000").waitFor();
  assert.ok((await rowCount(page)) < 200, `${await rowCount(page)} rows in the DOM`);
  const list = page.getByTestId("history-list");
  assert.equal(await list.getAttribute("data-total"), "100000");
  // The scroll area is sized for every entry.
  const height = await list.evaluate((el) => el.scrollHeight);
  assert.ok(height >= 100000 * 36, `scroll height ${height}`);
  // Scroll to the very end: the oldest entry, id 1.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.getByTestId("history-row-1").waitFor();
  assert.ok((await rowCount(page)) < 200);
  // Only the pages looked at were fetched, 200 at a time.
  const fetched = await calls(page, "history_list");
  assert.ok(fetched.every((c) => c.args.filter.limit === 200));
  assert.ok(fetched.some((c) => c.args.filter.offset === 99800), "the last page was fetched");
  assert.ok(fetched.length < 10, `${fetched.length} pages fetched`);
  // Scroll back to the middle: rows there appear too.
  await list.evaluate((el) => (el.scrollTop = 50000 * 36));
  await page.getByTestId("history-row-50000").waitFor();
  assert.ok((await rowCount(page)) < 200);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("search filters the list (debounced) and asks the engine from offset 0", async () => {
  const page = await open(browser, server.url, "entries=100000");
  await page.getByTestId("history-row-100000").waitFor();
  await page.getByTestId("history-list").evaluate((el) => (el.scrollTop = 2000 * 36));
  await page.getByTestId("history-row-98000").waitFor();
  const before = (await calls(page, "history_list")).length;
  await page.getByTestId("history-search").pressSequentially("Lovelace", { delay: 20 });
  await page.waitForFunction(() => document.querySelector('[data-testid="history-list"]')?.getAttribute("data-total") === "1");
  await page.getByTestId("history-row-100000").waitFor();
  assert.equal(await rowCount(page), 1);
  const searches = (await calls(page, "history_list")).slice(before);
  const asked = JSON.stringify(searches.map((c) => c.args.filter.search));
  // Debounced: fewer calls than keystrokes (usually one; a loaded machine may pause longer
  // than the debounce between two keys), the last for the whole word, each from the top.
  assert.ok(searches.length >= 1 && searches.length < "Lovelace".length, asked);
  assert.equal(searches.at(-1).args.filter.search, "Lovelace", asked);
  assert.ok(searches.every((c) => c.args.filter.offset === 0), asked);
  await close(page);
});

test("status chips and the flow select filter the list", async () => {
  const page = await open(browser, server.url, "entries=2000");
  await page.getByTestId("history-row-2000").waitFor();
  await page.getByTestId("filter-status-failed").click();
  await page.getByTestId("filter-status-rejected").click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="history-list"]')?.getAttribute("data-total")) < 2000);
  const last = (await calls(page, "history_list")).at(-1);
  assert.deepEqual([...last.args.filter.statuses].sort(), ["failed", "rejected"]);
  assert.equal(last.args.filter.offset, 0);
  const badges = await page.locator('[data-testid^="history-row-"] .badge').allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === "Failed" || b === "Rejected"), badges.join(","));
  await page.getByTestId("filter-flow").selectOption("hire");
  await page.waitForFunction(() => true);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^="history-row-"]')].every((r) => r.textContent.includes("hire")));
  assert.deepEqual((await calls(page, "history_list")).at(-1).args.filter.flows, ["hire"]);
  await close(page);
});

test("keyboard: Down moves the selection and Enter opens the detail", async () => {
  const page = await open(browser, server.url, "entries=500");
  await page.getByTestId("history-row-500").waitFor();
  await page.getByTestId("history-list").focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.getByTestId("history-row-499").getAttribute("aria-selected"), "true");
  await page.keyboard.press("Enter");
  await seeText(page, "detail-panel", "#499");
  // Far down by keyboard: the list scrolls with the selection.
  for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.getByTestId("history-row-459").getAttribute("aria-selected"), "true");
  await close(page);
});

test("new entries arriving on top leave the selection and the open detail on the clicked entry", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-58").click();
  await seeText(page, "detail-panel", "#58");
  assert.equal(await page.getByTestId("history-row-58").getAttribute("aria-selected"), "true");
  // Two new entries: entry 58 moves from the third row to the fifth.
  await page.evaluate(() => {
    window.__hw.engine.history.count = 62;
    return window.__hw.emit("engine", { type: "entry", id: 62 });
  });
  await page.getByTestId("history-row-62").waitFor();
  assert.equal(await page.getByTestId("history-row-58").getAttribute("aria-selected"), "true");
  assert.equal(await page.getByTestId("history-row-60").getAttribute("aria-selected"), "false");
  await seeText(page, "detail-panel", "#58");
  // The keyboard goes on from the selected entry, wherever it now stands.
  await page.getByTestId("history-list").focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getByTestId("history-row-57").getAttribute("aria-selected"), "true");
  await close(page);
});

test("the detail panel shows every step with its error text, and Retry calls history_retry", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-60").click();
  const panel = page.getByTestId("detail-panel");
  await seeText(page, "detail-panel", "Ada Lovelace");
  await seeText(page, "detail-steps", "create employee in bob");
  await seeText(page, "detail-steps", "422");
  await seeText(page, "detail-steps", "bob answered 422: work.startDate is required");
  await seeText(page, "detail-reason", "work.startDate is required");
  const rows = await page.getByTestId("detail-steps").locator("tbody tr").count();
  assert.ok(rows >= 3);
  await panel.getByText("Event as received from Lever").click();
  await seeText(page, "detail-body", '"event": "candidateHired"');
  await page.getByTestId("detail-retry").click();
  await seeText(page, "toast", "queued to run again");
  assert.deepEqual((await calls(page, "history_retry")).map((c) => c.args), [{ id: 60 }]);
  // The entry is running now: the list shows it and Retry is gone.
  await page.getByTestId("history-row-60").filter({ hasText: "Running" }).waitFor();
  assert.equal(await page.getByTestId("detail-retry").count(), 0);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("Approve sends the edited proposal, from the form and from raw JSON", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-59").click();
  await seeText(page, "detail-panel", "Grace Hopper");
  await page.getByTestId("proposal-field-work.site").fill("Berlin");
  await page.getByTestId("proposal-field-payroll.employment.equity").fill("1500");
  // Through the raw JSON view and back keeps the edits.
  await page.getByTestId("proposal-raw-toggle").click();
  const raw = JSON.parse(await page.getByTestId("proposal-raw").inputValue());
  assert.equal(raw.work.site, "Berlin");
  raw.work.title = "Staff Engineer";
  await page.getByTestId("proposal-raw").fill(JSON.stringify(raw, null, 2));
  await page.getByTestId("detail-approve").click();
  await seeText(page, "toast", "Approved");
  const [approve] = await calls(page, "history_approve");
  assert.equal(approve.args.id, 59);
  assert.equal(approve.args.employee.work.site, "Berlin");
  assert.equal(approve.args.employee.work.title, "Staff Engineer");
  assert.equal(approve.args.employee.payroll.employment.equity, 1500);
  assert.equal(approve.args.employee.payroll.employment.fullTime, true);
  assert.equal(approve.args.employee.firstName, "Grace");
  await close(page);
});

test("the chart renders one group per day for the last 30 days, in the badges' colours", async () => {
  const page = await open(browser, server.url, "entries=3000");
  await page.getByTestId("chart").waitFor();
  const days = await page.locator('[data-testid="chart-day"]').evaluateAll((gs) => gs.map((g) => g.getAttribute("data-day")));
  assert.equal(days.length, 30);
  assert.equal(new Set(days).size, 30);
  assert.equal(days.at(-1), new Date().toISOString().slice(0, 10));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chart-day"]')].some((g) => Number(g.getAttribute("data-total")) > 0));
  const chart = await calls(page, "history_chart");
  assert.deepEqual(chart[0].args, { days: 30 });
  // Bar and badge of the same status share a colour.
  const colours = await page.evaluate(() => {
    const bar = document.querySelector(".bar.st-done");
    const badge = document.querySelector(".badge.st-done");
    return [getComputedStyle(bar).fill, badge ? getComputedStyle(badge).color : null];
  });
  assert.equal(colours[0], colours[1]);
  await close(page);
});

test("Export CSV saves the filtered history and says where", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("filter-status-done").click();
  await page.getByTestId("export-csv").click();
  await seeText(page, "toast", "Saved to /home/recruiter/Downloads/hirewire-history-");
  const [exp] = await calls(page, "history_export");
  assert.deepEqual(exp.args.filter.statuses, ["done"]);
  await close(page);
});

test("engine events: a new entry refreshes the list, a notice shows a toast, open-entry opens it", async () => {
  const page = await open(browser, server.url, "entries=60");
  await page.getByTestId("history-row-60").waitFor();
  const before = (await calls(page, "history_list")).length;
  await page.evaluate(() => window.__hw.emit("engine", { type: "entry", id: 60 }));
  await page.waitForFunction((n) => window.__hw.engine.calls.filter((c) => c.cmd === "history_list").length > n, before);
  await page.evaluate(() =>
    window.__hw.emit("engine", { type: "notice", summary: "Ada Lovelace → bob", body: "employee created", entry_id: 58, kind: "done" }),
  );
  await seeText(page, "toast", "Ada Lovelace → bob");
  await page.evaluate(() => window.__hw.emit("engine", { type: "relay", state: "offline", detail: "connection refused" }));
  await seeText(page, "status-relay", "Relay offline");
  await seeText(page, "status-relay", "connection refused");
  await page.getByTestId("nav-mappings").click();
  await page.evaluate(() => window.__hw.emit("open-entry", 57));
  await seeText(page, "detail-panel", "#57");
  await close(page);
});
