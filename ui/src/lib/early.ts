// What the first screen needs is asked for as the page starts, before the UI is built: the
// engine's status with the profile's place in a team, and the first page of the unfiltered
// history (the screen a configured app opens on). The answers then travel while the page lays itself out, instead of one
// after the other once each screen is up. Each is handed out once, and only until the first
// screen is painted (after that it may be stale); anything else is asked for by its screen.
import { api, type AppStatus, type HistoryFilter, type HistoryPage, type TeamView } from "../api";
import { PAGE_SIZE } from "./pages";
import { painted } from "./ready";

/** The history with no filter: where `HistoryList` starts. */
export const UNFILTERED: Omit<HistoryFilter, "offset" | "limit"> = { statuses: [], flows: [], sources: [], since: null, until: null, search: "" };
/** Its first page: what `HistoryList` asks for first. */
const FIRST: HistoryFilter = { ...UNFILTERED, offset: 0, limit: PAGE_SIZE };

let status: Promise<AppStatus> | null = null;
/** Whether this profile is a seat decides the first screen and the nav, so it travels with the status. */
let team: Promise<TeamView> | null = null;
/** The first page's question, and its answer once in (the list can then be built with it). */
let firstPage: { asked: Promise<HistoryPage>; answer: HistoryPage | null } | null = null;

/** Marks a promise as handled: an answer nobody takes (the wizard opened) is no page error. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Sends both questions; main.ts calls it once, before mounting the app. */
export function askEarly(): void {
  status = quiet(api.status());
  team = quiet(api.teamStatus());
  const page = { asked: quiet(api.historyList(FIRST)), answer: null as HistoryPage | null };
  page.asked.then((p) => (page.answer = p), () => {});
  firstPage = page;
  // The first screen did not want one of them (the wizard): it would be stale later.
  painted.then(() => {
    status = null;
    team = null;
    firstPage = null;
  });
}

/**
 * Resolves once both answers are in (or failed), or after `ms`: main.ts mounts the app then,
 * so the first frame is the screen itself rather than "Starting…" followed by it. The bound
 * keeps a slow engine from holding a blank window.
 */
export function earlyAnswers(ms: number): Promise<void> {
  const both = Promise.allSettled([status, team, firstPage?.asked].filter((p) => p != null)).then(() => undefined);
  return Promise.race([both, new Promise<void>((ok) => setTimeout(ok, ms))]);
}

/** The status asked for at start, once; null afterwards. */
export function takeStatus(): Promise<AppStatus> | null {
  const s = status;
  status = null;
  return s;
}

/** The team status asked for at start, once; null afterwards. */
export function takeTeam(): Promise<TeamView> | null {
  const t = team;
  team = null;
  return t;
}

/** The first page asked for at start when `filter` is exactly that question, once. */
export function takeFirstPage(filter: HistoryFilter): Promise<HistoryPage> | null {
  const p = firstPage;
  firstPage = null;
  return p && key(filter) === key(FIRST) ? p.asked : null;
}

/**
 * That first page itself when its answer is already in (it usually is by the time the app is
 * mounted) and `filter` is exactly that question, once; null otherwise.
 */
export function takeFirstPageIfIn(filter: HistoryFilter): HistoryPage | null {
  const p = firstPage?.answer;
  if (!p || key(filter) !== key(FIRST)) return null;
  firstPage = null;
  return p;
}

/** A filter as one comparable value, field by field (key order in an object is not). */
function key(f: HistoryFilter): string {
  return JSON.stringify([f.statuses, f.flows, f.sources, f.since, f.until, f.search, f.offset, f.limit]);
}
