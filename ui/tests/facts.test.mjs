// The mock engine against the engine's own answers: the settings the engine refuses (and
// one it takes), the connection codes it reads or refuses and the names a save keeps, generated with what it says of
// each into src/generated/facts.ts, go through the mock, which must say the same. The mock's
// order of checks is hand-written (the engine's code cannot run in the page); this is what
// holds it to the engine's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, close, problems } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the mock refuses the settings the engine refuses, each with the engine's sentence, and takes what it takes", async () => {
  const page = await open(browser, server.url, "entries=0");
  const answers = await page.evaluate(async () => {
    const out = [];
    for (const c of window.__hw.settingsCases) {
      let said = null;
      try {
        await window.__hw.engine.handle("settings_save", { settings: structuredClone(c.settings) });
      } catch (e) {
        said = String(e);
      }
      out.push({ engine: c.message, mock: said });
    }
    return out;
  });
  assert.ok(answers.length >= 20, `the generated cases are there (${answers.length})`);
  assert.ok(answers.some((a) => a.engine === null), "one case is settings the engine takes");
  for (const a of answers) assert.equal(a.mock, a.engine);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("the mock reads the connection codes the engine reads and refuses the others with the engine's sentence", async () => {
  const page = await open(browser, server.url, "entries=0&configured=0");
  const answers = await page.evaluate(async () => {
    const out = [];
    for (const c of window.__hw.codeCases) {
      let said = null;
      try {
        await window.__hw.engine.handle("relay_connect", { code: c.code });
      } catch (e) {
        said = String(e);
      }
      out.push({ code: c.code, engine: c.message, mock: said });
    }
    return out;
  });
  assert.ok(answers.length >= 5, `the generated cases are there (${answers.length})`);
  assert.ok(answers.some((a) => a.engine === null), "one case is a code the engine reads");
  for (const a of answers) assert.equal(a.mock, a.engine, a.code);
  assert.deepEqual(await problems(page), []);
  await close(page);
});

test("a save keeps Lever's names as the engine does: new names over the kept ones, a mapped reason no longer unmapped", async () => {
  const count = await (async () => {
    const page = await open(browser, server.url, "entries=0&configured=0");
    const n = await page.evaluate(() => window.__hw.namesCases.length);
    await close(page);
    return n;
  })();
  assert.ok(count >= 2, `the generated cases are there (${count})`);
  for (let i = 0; i < count; i++) {
    // A fresh profile each time: the kept names saved first, then the new ones over them.
    const page = await open(browser, server.url, "entries=0&configured=0");
    const { engine, mock } = await page.evaluate(async (i) => {
      const c = window.__hw.namesCases[i];
      const fake = window.__hw.engine;
      const base = await fake.handle("settings_get", {});
      await fake.handle("settings_save", { settings: { ...base, archive_reasons: {}, names: structuredClone(c.kept) } });
      const first = await fake.handle("settings_get", {});
      await fake.handle("settings_save", { settings: { ...first, archive_reasons: structuredClone(c.mapped), names: structuredClone(c.next) } });
      return { engine: c.merged, mock: (await fake.handle("settings_get", {})).names };
    }, i);
    assert.deepEqual(mock, engine, `case ${i}`);
    assert.deepEqual(await problems(page), []);
    await close(page);
  }
});
