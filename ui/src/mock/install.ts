// Test-only: stands in for Tauri before the app starts. Options come from the page's query:
//   ?entries=N&configured=0|1&demo=0|1&fail=cmd1,cmd2&delay=ms&team=none|engine|member|viewer&engine=0|1
// and tests steer it through `window.__hw` (the call log, faults, events to emit).
import { emit } from "@tauri-apps/api/event";
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { FakeEngine } from "./engine";
import { CODE_CASES, NAMES_CASES, SETTINGS_CASES } from "../generated/facts";
import type { TeamSide } from "./team";

const q = new URLSearchParams(location.search);
const engine = new FakeEngine({
  entries: Number(q.get("entries") ?? 60),
  configured: q.get("configured") !== "0",
  demo: q.get("demo") === "1",
  fail: (q.get("fail") ?? "").split(",").filter(Boolean),
  team: teamSide(q.get("team")),
  engineConnected: q.get("engine") === "1",
});

function teamSide(v: string | null): TeamSide {
  return v === "engine" || v === "member" || v === "viewer" ? v : "none";
}

const violations: string[] = [];
document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));

// ?delay=N: every answer takes N ms (what a busy engine or a slow IPC looks like).
engine.delayMs = Number(q.get("delay") ?? 0);

mockWindows("main");
mockIPC((cmd, payload) => engine.handle(cmd, (payload ?? {}) as Record<string, unknown>), { shouldMockEvents: true });

declare global {
  interface Window {
    __hw: {
      engine: FakeEngine;
      violations: string[];
      emit: (event: string, payload: unknown) => Promise<void>;
      /** Settings and what the engine's validation says of them (generated), for the mock's test. */
      settingsCases: typeof SETTINGS_CASES;
      /** Connection codes and what the engine says of them (generated), for the mock's test. */
      codeCases: typeof CODE_CASES;
      /** Names kept and saved over them, and what the engine keeps (generated), for the mock's test. */
      namesCases: typeof NAMES_CASES;
    };
  }
}

window.__hw = { engine, violations, emit: (event, payload) => emit(event, payload), settingsCases: SETTINGS_CASES, codeCases: CODE_CASES, namesCases: NAMES_CASES };

// Like Tauri's `freezePrototype`: the app must not depend on changing Object.prototype.
if (q.get("freeze") !== "0") Object.freeze(Object.prototype);
