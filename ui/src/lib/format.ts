// Small pure helpers shared by the screens: error text, times, sizes, statuses.
import type { Flow, Status } from "../api";
import { ASSESSMENT_RESULT, LEVER_WEBHOOKS, OWN_EVENTS } from "../generated/facts";

/** The engine rejects with its own sentence (a string); show it verbatim. */
export function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

const timeFmt = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** A moment in the user's local time. */
export function localTime(ms: number | null | undefined): string {
  return ms == null ? "—" : timeFmt.format(new Date(ms));
}

const shortFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const shortYearFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** A compact local time for list rows: the year only when it is not this year. */
export function shortTime(ms: number): string {
  const d = new Date(ms);
  return d.getFullYear() === new Date().getFullYear() ? shortFmt.format(d) : shortYearFmt.format(d);
}

/** "YYYY-MM-DD" of a `<input type=date>` → local midnight in ms (null when empty). */
export function dayStart(value: string): number | null {
  if (!value) return null;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d).getTime();
}

/** The first moment after that local day (the engine's `until` is exclusive). */
export function dayEnd(value: string): number | null {
  if (!value) return null;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + 1).getTime();
}

export function fileSize(n: number | null): string {
  if (n == null) return "size unknown";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Every history status, in the order the filters and the chart show them. */
export const STATUSES: Status[] = ["done", "waiting", "running", "retrying", "skipped", "failed", "rejected"];

export const STATUS_LABEL: Record<Status, string> = {
  done: "Done",
  waiting: "Waiting",
  running: "Running",
  retrying: "Retrying",
  skipped: "Skipped",
  failed: "Failed",
  rejected: "Rejected",
};

/** Pretty JSON for read-only blocks; a non-JSON string is shown as it is. */
export function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? "null";
}

/** Calls `fn` once the calls stop for `ms`. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number): ((...a: A) => void) & { cancel(): void } {
  let t: ReturnType<typeof setTimeout> | undefined;
  const d = (...a: A) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

/** Every event a history row can name: Lever's webhooks' and Hirewire's own (generated). */
type EventName = (typeof LEVER_WEBHOOKS)[number]["event"] | (typeof OWN_EVENTS)[keyof typeof OWN_EVENTS];

/**
 * The events in words. Keyed by the engine's generated names, so a new event the engine
 * can write fails the type check until it has words here.
 */
const EVENT_WORDS: Record<EventName, string> = {
  candidateHired: "Candidate hired",
  candidateStageChange: "Stage change",
  candidateArchiveChange: "Archive change",
  candidateDeleted: "Candidate deleted",
  [OWN_EVENTS.assessmentResult]: "Assessment result",
  [OWN_EVENTS.assessmentCompleted]: "Assessment result",
  [OWN_EVENTS.scoreRule]: "Score rule",
  [OWN_EVENTS.offerChanged]: "Offer changed",
  [OWN_EVENTS.catchUp]: "Catch-up",
  [OWN_EVENTS.relayRewound]: "Relay rewound",
};

/** The words, with the partner's old shared endpoint and an unknown post besides. */
const EVENT_LABEL: Record<string, string> = {
  ...EVENT_WORDS,
  [ASSESSMENT_RESULT.endpoint]: "Assessment result",
  unknown: "Unknown event",
};

const FLOW_LABEL: Record<Flow, string> = {
  hire: "Hire → bob",
  assessment: "Assessment",
  outcome: "Outcome",
  privacy: "Privacy",
  none: "Other",
};

/** A flow in words, as the flow filter names it. */
export function flowLabel(flow: Flow): string {
  return FLOW_LABEL[flow] ?? flow;
}

const dayFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** A day in the user's local calendar ("12 Nov 2026"). */
export function localDay(ms: number): string {
  return dayFmt.format(new Date(ms));
}

/**
 * An event name in words. One the list above does not know is still never shown as an id:
 * `someNewEvent` reads "Some new event", and "unknown (endpoint)" keeps its words.
 */
export function eventLabel(event: string): string {
  const known = EVENT_LABEL[event];
  if (known) return known;
  const words = event
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[-_]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : "Event";
}

/** A sentence from the engine's lower-case phrase ("no invite: …" → "No invite: …"). */
export function sentence(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * How long ago `then` was, in words ("just now", "5 minutes ago", "3 hours ago", "2 days
 * ago"); `now` is given by tests.
 */
export function ago(then: number, now = Date.now()): string {
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return minutes === 1 ? "a minute ago" : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? "an hour ago" : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/** A time the engine gives in seconds or in milliseconds since the epoch, as milliseconds. */
export function epochMs(t: number): number {
  // 1e12 ms is 2001; 1e12 s is 33 658 AD: a value below it is seconds.
  return t < 1e12 ? t * 1000 : t;
}
