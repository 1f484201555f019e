// Test-only: a deterministic history of N entries generated on demand (so 100 000 cost
// nothing until looked at), with details, filters and per-day counts like the engine's.
import type { DayCount, Entry, EntryDetail, Flow, HistoryFilter, HistoryPage, Source, Status, Step } from "../api";
import { ACTION_MESSAGES, ASSESSMENT_RESULT, LEVER_WEBHOOKS, type LeverEndpoint } from "../generated/facts";
import { fill } from "./fill";

const FIRST = ["Mia", "Noah", "Liam", "Emma", "Olivia", "Lucas", "Amara", "Kenji", "Sofia", "Omar", "Ines", "Tomas", "Priya", "Jonas", "Leila", "Mateo"];
const LAST = ["Hamilton", "Okafor", "Nguyen", "Schmidt", "Rossi", "Kowalski", "Haddad", "Tanaka", "Silva", "Larsen", "Dubois", "Moreau", "Patel", "Fischer", "Novak", "Costa"];

/** The three newest entries are fixed so tests can find them by name. */
export const FIXED = {
  failedHire: { name: "Ada Lovelace", error: "bob answered 422: work.startDate is required (the offer has no anticipated start date)" },
  waitingHire: { name: "Grace Hopper" },
  doneInvite: { name: "Alan Turing" },
};

function hash(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 2654435761) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** The Lever webhooks the history shows, each with the flow it starts (names generated from the engine). */
const EVENTS: { event: string; endpoint: string; flow: Flow }[] = [
  { ...hook("candidate-hired"), flow: "hire" },
  { ...hook("stage-change"), flow: "assessment" },
  { ...hook("archive-change"), flow: "outcome" },
];

function hook(endpoint: LeverEndpoint): { event: string; endpoint: string } {
  const h = LEVER_WEBHOOKS.find((w) => w.endpoint === endpoint) ?? LEVER_WEBHOOKS[0];
  return { event: h.event, endpoint: h.endpoint };
}

/** The partner's assessment result (the engine's own event name, on the partner's endpoint). */
const RESULT_EVENT = { ...ASSESSMENT_RESULT, flow: "assessment" as Flow };

/** A bob employee id the way bob makes them (13 digits). */
export function employeeId(id: number): string {
  return String(3332883000000 + id);
}

/** What a done entry did, in the engine's words (engine/src/jobs/summary.rs). */
function summaryFor(id: number, h: number, event: string): string {
  switch (event) {
    case EVENTS[0].event:
      return `employee ${employeeId(id)}, 2 documents`;
    case EVENTS[1].event:
      return "invite sent: Byteboard SWE";
    case RESULT_EVENT.event:
      return `result: ${60 + (h % 40)}, report`;
    default:
      return `outcome: ${h % 2 ? "Rejected" : "Offer accepted"}`;
  }
}

function statusFor(h: number): Status {
  const p = h % 100;
  if (p < 68) return "done";
  if (p < 78) return "skipped";
  if (p < 85) return "failed";
  if (p < 89) return "waiting";
  if (p < 93) return "retrying";
  if (p < 97) return "rejected";
  return "running";
}

const REASONS: Partial<Record<Status, string>> = {
  skipped: "No invite: the candidate has no tag naming an interview type (tags are exact and case-sensitive)",
  failed: "Lever answered 403: the key lacks «download candidate resume»",
  waiting: "Waiting for review before the employee is created in bob",
  retrying: "bob answered 503: Service Unavailable; trying again in 2 minutes",
  rejected: "The signature does not match the signing token for this webhook",
};

export class FakeHistory {
  private overrides = new Map<number, Partial<Entry>>();
  private filtered: { key: string; ids: number[] } | null = null;
  readonly spacing: number;

  constructor(
    public count: number,
    readonly now: number,
  ) {
    this.spacing = count > 0 ? Math.max(30_000, Math.floor((40 * 86_400_000) / count)) : 60_000;
  }

  entry(id: number): Entry {
    const h = hash(id);
    const kind = EVENTS[(h >>> 8) % 3];
    let status = statusFor(h);
    let name = `${FIRST[(h >>> 4) % 16]} ${LAST[(h >>> 12) % 16]}`;
    let flow = kind.flow;
    if (kind.flow === "hire" && (status === "skipped" || status === "rejected")) status = "done";
    if (kind.flow !== "hire" && status === "waiting") status = "done";
    if (id === this.count) {
      name = FIXED.failedHire.name;
      status = "failed";
      flow = "hire";
    } else if (id === this.count - 1) {
      name = FIXED.waitingHire.name;
      status = "waiting";
      flow = "hire";
    } else if (id === this.count - 2) {
      name = FIXED.doneInvite.name;
      status = "done";
      flow = "assessment";
    }
    let ev = EVENTS.find((e) => e.flow === flow) ?? kind;
    // One assessment entry in three is the partner's result coming back, not an invite.
    if (flow === "assessment" && id !== this.count - 2 && (h >>> 20) % 3 === 0) ev = RESULT_EVENT;
    const received = this.now - (this.count - id) * this.spacing;
    let reason = id === this.count ? FIXED.failedHire.error : (REASONS[status] ?? null);
    if (status === "skipped" && flow === "outcome") reason = "The partner never assessed this candidate: no offer status to send";
    if (status === "skipped" && flow === "none") reason = "Lever's test event: the signature checks out";
    const base: Entry = {
      id,
      received_at: received,
      event: ev.event,
      endpoint: ev.endpoint,
      opportunity_id: `opp-${(h % 0xfffff).toString(16).padStart(5, "0")}-${id}`,
      candidate: name,
      flow,
      status,
      reason,
      updated_at: received + 1500,
      // One hire in nine came by catching up with Lever (its webhook never did).
      source: flow === "hire" && h % 9 === 0 ? "reconcile" : "webhook",
      summary: status === "done" ? summaryFor(id, h, ev.event) : null,
    };
    return { ...base, ...this.overrides.get(id) };
  }

  update(id: number, patch: Partial<Entry>): void {
    this.overrides.set(id, { ...this.overrides.get(id), ...patch, updated_at: Date.now() });
    this.filtered = null;
  }

  /** Newest first, like the engine. */
  list(f: HistoryFilter): HistoryPage {
    const limit = f.limit || 100;
    const plain = !f.statuses.length && !f.flows.length && !f.sources.length && f.since == null && f.until == null && !f.search.trim();
    if (plain) {
      const entries: Entry[] = [];
      for (let i = f.offset; i < Math.min(this.count, f.offset + limit); i++) entries.push(this.entry(this.count - i));
      return { entries, total: this.count };
    }
    const ids = this.matching(f);
    return { entries: ids.slice(f.offset, f.offset + limit).map((id) => this.entry(id)), total: ids.length };
  }

  private matching(f: HistoryFilter): number[] {
    const key = JSON.stringify({ ...f, offset: 0, limit: 0 });
    if (this.filtered?.key === key) return this.filtered.ids;
    const needle = f.search.trim().toLowerCase();
    const ids: number[] = [];
    for (let id = this.count; id >= 1; id--) {
      const e = this.entry(id);
      if (f.statuses.length && !f.statuses.includes(e.status)) continue;
      if (f.flows.length && !f.flows.includes(e.flow)) continue;
      if (f.sources.length && !f.sources.includes(e.source)) continue;
      if (f.since != null && e.received_at < f.since) continue;
      if (f.until != null && e.received_at >= f.until) continue;
      if (needle && !`${e.candidate ?? ""} ${e.opportunity_id ?? ""} ${e.event}`.toLowerCase().includes(needle)) continue;
      ids.push(id);
    }
    this.filtered = { key, ids };
    return ids;
  }

  detail(id: number): EntryDetail {
    if (id < 1 || id > this.count) throw fill(ACTION_MESSAGES.notFound, { id });
    const e = this.entry(id);
    const at = e.received_at + 200;
    const step = (action: string, status: Step["status"], http: number | null, target: string | null = null, error: string | null = null): Step => ({
      action,
      target,
      status,
      http_status: http,
      ms: 40 + (hash(id + action.length) % 400),
      error,
      at,
    });
    let steps: Step[] = [];
    let proposal: Record<string, unknown> | null = null;
    if (e.flow === "hire") {
      steps = [step("read opportunity from Lever", "done", 200, e.opportunity_id), step("find employee by email in bob", "done", 200)];
      if (e.status === "failed") steps.push(step("create employee in bob", "failed", 422, null, e.reason));
      else if (e.status === "retrying") steps.push(step("create employee in bob", "failed", 503, null, "bob answered 503: Service Unavailable"));
      else if (e.status === "waiting") proposal = proposalFor(e);
      else if (e.status === "done") {
        steps.push(step("create employee in bob", "done", 201, employeeId(id)));
        steps.push(step("upload resume “CV.pdf”", "done", 200, `doc-${id}-1`));
        steps.push(step("upload offer letter", "done", 200, `doc-${id}-2`));
      }
    } else if (e.flow === "assessment" && e.event === RESULT_EVENT.event) {
      if (e.status === "done") steps = [step("read the result from the partner", "done", 200, `interview-${id}`), step("add Lever note", "done", 201, `note-${id}`)];
      else if (e.status === "failed" || e.status === "retrying") steps = [step("read the result from the partner", "failed", e.status === "failed" ? 403 : 503, null, e.reason)];
    } else if (e.flow === "assessment") {
      if (e.status === "done") steps = [step("send invite (Byteboard SWE)", "done", 200, `invite-${id}`), step("add Lever note", "done", 201, `note-${id}`)];
      else if (e.status === "skipped") steps = [step("choose the interview type from tags", "skipped", null, null, e.reason)];
      else if (e.status === "failed" || e.status === "retrying") steps = [step("send invite (Byteboard SWE)", "failed", e.status === "failed" ? 403 : 503, null, e.reason)];
    } else if (e.flow === "outcome" && e.status === "done") {
      steps = [step("send offer status to the partner", "done", 200, e.opportunity_id)];
    } else if (e.status === "failed" || e.status === "retrying") {
      steps = [step("tell the partner", "failed", 500, null, e.reason)];
    }
    const body = JSON.stringify({
      triggeredAt: e.received_at - 800,
      event: e.event,
      signature: "5f1c…",
      token: `evt-token-${id}`,
      data: { opportunityId: e.opportunity_id, candidateId: `cand-${id}`, contactId: `contact-${id}` },
    });
    return {
      entry: e,
      steps,
      event_body: body,
      proposal,
      notes: e.flow === "hire" ? ["Offer field “Equity” maps automatically to bob field “Equity”"] : [],
      can_retry: e.status === "failed" || e.status === "rejected" || e.status === "retrying" || (e.status === "done" && steps.some((s) => s.status === "failed")),
      can_approve: e.status === "waiting",
      approve_label: e.status === "waiting" ? "Create the employee in bob" : null,
      can_dismiss: false,
      dismiss_label: null,
      job_error: null,
      changes: [],
    };
  }

  /** Events per UTC day and status since `days` ago, like the engine's chart query. */
  perDay(days: number): DayCount[] {
    const since = Date.now() - days * 86_400_000;
    const counts = new Map<string, number>();
    for (let id = this.count; id >= 1; id--) {
      const e = this.entry(id);
      if (e.received_at < since) break;
      const key = `${new Date(e.received_at).toISOString().slice(0, 10)}|${e.status}|${e.source}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].sort().map(([k, count]) => {
      const [day, status, source] = k.split("|");
      return { day, status: status as Status, source: source as Source, count };
    });
  }
}

function proposalFor(e: Entry): Record<string, unknown> {
  const [first, ...rest] = (e.candidate ?? "New Hire").split(" ");
  return {
    firstName: first,
    surname: rest.join(" "),
    email: `${first.toLowerCase()}@example.com`,
    work: { startDate: "2025-12-01", site: "London", title: "Software Engineer", department: "Engineering" },
    payroll: { employment: { equity: 1200, fullTime: true } },
  };
}
