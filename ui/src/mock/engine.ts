// Test-only: an in-page fake of the engine behind the Tauri commands in api.ts. It mirrors
// the engine's answers and error sentences closely enough for the UI tests; secrets live
// only in this closure, and the call log never holds a secret value.
import { emit } from "@tauri-apps/api/event";
import type { AppStatus, Entry, BobInfo, CheckItem, DryRun, FieldPreviewRow, Found, HistoryFilter, LeverLists, Report, Settings, WebhookInfo, WebhooksMade, HookMade } from "../api";
import { fill } from "./fill";
import { FakeHistory } from "./history";
import { FakeTeam, SEAT_COMMANDS, type TeamSide } from "./team";
import { BOB_FIELDS, CANDIDATES, FIELD_PREVIEW, LEVER_LISTS, PARTNER_TESTS, dryRunFor } from "./samples";
import {
  ACTION_MESSAGES,
  BOB_EDIT_WORK,
  CHECK_SAID,
  CONNECTION_CODE,
  DEFAULT_SETTINGS,
  FIRST_CATCH_UP,
  LEVER_PERMISSIONS,
  LEVER_WEBHOOKS,
  MISSING_CHECKBOX,
  SECRET_MESSAGES,
  SECRET_NAMES,
  SETTINGS_BOUNDS,
  SETTINGS_REFUSALS,
  SETTINGS_URLS,
  WEBHOOK_MESSAGES,
  WINDOW_EVENTS,
  type LeverEndpoint,
  type LeverPermission,
  type SecretName,
} from "../generated/facts";

/** The mock's webhooks as the `webhooks` command names them (`event` is Lever's label). */
const HOOKS = LEVER_WEBHOOKS.map((h) => ({ event: h.label, endpoint: h.endpoint, token: h.tokenName }));

/** What a key with "limited" in it lacks: two of the generated boxes (a renamed one fails the type check). */
const LIMITED_KEY_LACKS: LeverPermission[] = ["Download a candidate resume file", "Create an opportunity note"];

/** The generated webhook posted to `endpoint`. */
function webhook(endpoint: LeverEndpoint): (typeof LEVER_WEBHOOKS)[number] {
  return LEVER_WEBHOOKS.find((h) => h.endpoint === endpoint) ?? LEVER_WEBHOOKS[0];
}


export interface Options {
  entries: number;
  configured: boolean;
  demo: boolean;
  /** Commands that reject with `failText` until healed. */
  fail: string[];
  /** Outside a team, its engine, or a seat with that role. */
  team?: TeamSide;
  /** A seat: whether its engine is connected. */
  engineConnected?: boolean;
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

/** The engine's defaults (generated), with the sample profile's own choices when configured. */
function defaultSettings(configured: boolean): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.bob.default_site = "London";
  s.assessment.provider = configured ? "Byteboard" : "";
  if (!configured) return s;
  s.assessment = { ...s.assessment, list_tests_url: "https://partner.example/tests", send_test_url: "https://partner.example/send", test_status_url: "https://partner.example/status" };
  s.stages = { assessment: "stage-assess", onsite: "stage-onsite", offer: "stage-offer" };
  s.archive_reasons = { "reason-rejected": "rejected", "reason-withdrew": "withdrew" };
  s.interview_types = { "Byteboard SWE": "12345" };
  s.score_rules = [{ test: "12345", at_least: 70, move_to: "stage-onsite", tag: "Passed assessment", below: 40, below_tag: "", propose_archive: "reason-rejected", propose_only: false }];
  s.fields = [{ lever: "custom_equity", bob: "payroll.employment.equity" }];
  // As a setup key loaded them once, and one reason an archive met unmapped (entry 3).
  s.names = {
    stages: { "stage-assess": "Byteboard assessment", "stage-onsite": "Onsite interview", "stage-offer": "Offer" },
    archive_reasons: { "reason-rejected": "Underqualified", "reason-withdrew": "Withdrew", "reason-odd": "Moved to talent pool" },
    unmapped_seen: { "reason-odd": 3 },
  };
  return s;
}

/** A check item as the engine makes one (`check::item`, `failed`, `missing_perm`). */
function item(area: string, ok: boolean, message: string, kind?: CheckItem["kind"]): CheckItem {
  return { area, ok, message, kind: kind ?? (ok ? "ok" : "other"), permission: null };
}

/** The engine's `Names::merge` then `tidy`: names only grow; a mapped reason is not listed as unmapped. */
function mergeNames(kept: Settings["names"], next: Settings["names"], mapped: Settings["archive_reasons"]): Settings["names"] {
  const unmapped_seen = { ...next.unmapped_seen, ...kept.unmapped_seen };
  for (const id of Object.keys(mapped)) delete unmapped_seen[id];
  return { stages: { ...kept.stages, ...next.stages }, archive_reasons: { ...kept.archive_reasons, ...next.archive_reasons }, unmapped_seen };
}

/** A setting by its dotted name (`lever.base_url`), as the generated facts name them. */
function setting(s: Settings, name: string): unknown {
  return name.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], s);
}

/**
 * The engine's `Settings::validate`: its order of checks is written here (the engine's code
 * cannot run in the page), its fields, ranges and sentences come from the generated facts.
 */
export function validateSettings(s: Settings): string | null {
  const R = SETTINGS_REFUSALS;
  for (const { name, required } of SETTINGS_URLS) {
    const v = String(setting(s, name) ?? "");
    if ((v || required) && !/^https?:\/\/[^/\s]+/.test(v)) return fill(R.url, { name, value: JSON.stringify(v) });
  }
  for (const { name, min, max } of SETTINGS_BOUNDS) {
    const value = Number(setting(s, name));
    if (!(value >= min && value <= max)) return fill(R.bound, { name, min, max, value });
  }
  const st = [s.stages.assessment, s.stages.onsite, s.stages.offer];
  const set = st.filter((v) => v).length;
  if (set > 0 && set < 3) return R.stagesPartial;
  if (set === 3 && new Set(st).size < 3) return R.stagesSame;
  for (const [tag, test] of Object.entries(s.interview_types)) {
    if (!tag || !test.trim()) return fill(R.interviewType, { tag: JSON.stringify(tag) });
  }
  if (s.fields.some((f) => !f.lever.trim() || !f.bob.trim())) return R.field;
  const seen = new Set<string>();
  for (const r of s.score_rules) {
    const t = r.test.trim();
    if (!t) return R.ruleTest;
    const test = JSON.stringify(t);
    if (seen.has(t)) return fill(R.ruleTwice, { test });
    seen.add(t);
    const a = r.at_least, b = r.below;
    if (a !== undefined && b !== undefined && b > a) return fill(R.ruleBelowAbove, { test, below: b, at_least: a });
    if (a !== undefined && !r.move_to && !r.tag) return fill(R.ruleAtLeastIdle, { test });
    if (b !== undefined && !r.below_tag && !r.propose_archive) return fill(R.ruleBelowIdle, { test });
    if (a === undefined && b === undefined) return fill(R.ruleNeither, { test });
  }
  return null;
}

function decodeCode(code: string): { url: string; channel: string; secret: string } {
  const c = code.trim();
  if (!c.startsWith(CONNECTION_CODE.prefix)) throw CONNECTION_CODE.prefixError;
  let parsed: { url?: unknown; channel?: unknown; secret?: unknown };
  try {
    const b64 = c.slice(CONNECTION_CODE.prefix.length).replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
    parsed = JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
  } catch {
    throw CONNECTION_CODE.payloadError;
  }
  // Like the engine's `ConnectCode::decode`: three strings or a damaged code; then an
  // http(s) URL, a channel and a secret.
  const { url, channel, secret } = parsed ?? {};
  if (typeof url !== "string" || typeof channel !== "string" || typeof secret !== "string") throw CONNECTION_CODE.payloadError;
  if (!/^https?:\/\//.test(url) || !channel || !secret) throw CONNECTION_CODE.fieldsError;
  return { url, channel, secret };
}

export class FakeEngine {
  readonly calls: Call[] = [];
  /** "asked status", "answered status", …: which questions were in flight together. */
  readonly timeline: string[] = [];
  readonly history: FakeHistory;
  readonly team: FakeTeam;
  private secrets = new Map<SecretName, string>();
  private settings: Settings;
  private relay: AppStatus["relay"];
  private conn: { url: string; channel: string } | null;
  private firstSigned = new Map<string, number>();
  private failing = new Map<string, string>();
  private caughtUp = false;
  private health: string[] = [];
  configured: boolean;
  demo: boolean;
  /** Lets tests hold a command's answer (to see "loading" states). */
  delayMs = 0;
  /** Screens reported painted through `ui_ready`. */
  readonly readyScreens: string[] = [];
  /** History rows in the DOM when the first screen was reported painted (its first frame). */
  rowsAtReady: number | null = null;
  /** When (performance.now()) the first screen was reported painted. */
  readyAt: number | null = null;

  constructor(opts: Options) {
    this.configured = opts.configured;
    this.demo = opts.demo;
    this.history = new FakeHistory(opts.entries, Date.now());
    this.team = new FakeTeam(opts.team ?? "none", opts.engineConnected ?? false);
    this.settings = defaultSettings(opts.configured);
    for (const c of opts.fail) this.failing.set(c, failText(c));
    if (opts.configured) {
      this.conn = { url: "https://relay.example.com", channel: "recruiting" };
      this.relay = { state: "connected", detail: null, url: this.conn.url, since: Date.now() - 3_600_000, stalls: 0 };
      for (const n of SECRET_NAMES.filter((n) => n !== "assessment-api-key")) this.secrets.set(n, "configured-before");
      this.firstSigned.set(webhook("candidate-hired").endpoint, Date.now() - 86_400_000);
    } else {
      this.conn = null;
      this.relay = { state: "not-configured", detail: null, url: null, since: null, stalls: 0 };
    }
  }

  fail(cmd: string, text?: string): void {
    this.failing.set(cmd, text ?? failText(cmd));
  }
  heal(cmd: string): void {
    this.failing.delete(cmd);
  }
  secretIs(name: SecretName, value: string): boolean {
    return this.secrets.get(name) === value;
  }
  signed(endpoint: string): void {
    this.firstSigned.set(endpoint, Date.now());
  }

  /** Lever's Send test on `endpoint`, signed: a ping entry; returns its id (emit it). */
  signedPing(endpoint: string): number {
    this.signed(endpoint);
    return this.addEntry({ event: webhook("candidate-hired").event, endpoint, flow: "none", status: "skipped", candidate: null, opportunity_id: null, reason: "Lever's test event: the signature checks out", summary: null });
  }

  /** A real hire of `name`, done; returns its id (emit it). */
  realEventDone(name: string): number {
    const hired = webhook("candidate-hired");
    return this.addEntry({ event: hired.event, endpoint: hired.endpoint, flow: "hire", status: "done", candidate: name, reason: null, summary: "employee 3332883000001, 3 documents" });
  }

  private addEntry(patch: Partial<Entry>): number {
    const id = ++this.history.count;
    this.history.update(id, { received_at: Date.now(), source: "webhook", ...patch });
    void emit(WINDOW_EVENTS.Engine, { type: "entry", id });
    return id;
  }

  async handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ cmd, args: redact(cmd, args) });
    this.timeline.push(`asked ${cmd}`);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const failing = this.failing.get(cmd);
      if (failing) throw failing;
      // A seat sends these to the engine and waits for its answer.
      if (this.team.side === "seat" && SEAT_COMMANDS.has(cmd)) await this.team.command();
      return this.run(cmd, args);
    } finally {
      this.timeline.push(`answered ${cmd}`);
    }
  }

  private run(cmd: string, a: Record<string, unknown>): unknown {
    switch (cmd) {
      case "status":
        return this.status();
      case "history_list":
        return this.history.list(a.filter as HistoryFilter);
      case "history_detail":
        return this.history.detail(a.id as number);
      case "history_chart":
        return this.history.perDay(Math.min(366, Math.max(1, a.days as number)));
      case "history_retry":
        return this.retry(a.id as number);
      case "history_approve":
        return this.approve(a.id as number);
      case "person_export":
        return `/home/recruiter/Downloads/hirewire-person-${a.opportunityId as string}-${new Date().toISOString().slice(0, 10)}.json`;
      case "reconcile":
        return this.reconcile(a.since as string | null, a.dryRun as boolean);
      case "history_dismiss":
        throw new Error(`Entry ${a.id as number} has nothing to dismiss.`);
      case "history_export":
        return `/home/recruiter/Downloads/hirewire-history-${new Date().toISOString().slice(0, 10)}.csv`;
      case "secrets_status":
        return SECRET_NAMES.map((name) => ({ name, set: this.secrets.has(name) }));
      case "secret_set":
        return this.setSecret(a.name as string, a.value as string);
      case "relay_connect":
        return this.connect(a.code as string);
      case "webhooks":
        return this.webhooks();
      case "settings_get":
        return structuredClone(this.settings);
      case "settings_save": {
        const s = structuredClone(a.settings as Settings);
        const bad = validateSettings(s);
        if (bad) throw bad;
        s.names = mergeNames(this.settings.names, s.names, s.archive_reasons);
        this.settings = s;
        return null;
      }
      case "check_all":
        return this.check();
      case "lever_permissions":
        return [...LEVER_PERMISSIONS];
      case "lever_lists":
        return this.leverLists(a.setupKey as string);
      case "lever_webhooks_create":
        return this.createWebhooks(a.setupKey as string);
      case "bob_info":
        return this.bobInfo();
      case "partner_tests":
        if (!this.secrets.has("assessment-api-key")) throw notSet("assessment-api-key");
        if (!this.settings.assessment.list_tests_url) throw "assessment.list_tests_url is not set";
        return PARTNER_TESTS;
      case "field_preview":
        return this.fieldPreview();
      case "search_candidates": {
        const q = String(a.query).trim().toLowerCase();
        return CANDIDATES.filter((c) => `${c.name} ${c.email ?? ""}`.toLowerCase().includes(q));
      }
      case "dry_run":
        return this.dryRun(a.opportunityId as string);
      case "finish_setup":
        this.configured = true;
        return null;
      case "team_status":
        return this.team.status();
      case "team_list":
        return this.team.list();
      case "team_invite":
        return this.team.invite(String(a.name ?? ""), String(a.role ?? ""), String(a.owner ?? ""));
      case "team_remove":
        return this.team.remove(String(a.name ?? ""));
      case "team_catch_up":
        return this.team.catchUp();
      case "ui_ready":
        this.readyScreens.push(String(a.screen));
        this.rowsAtReady ??= document.querySelectorAll('[data-testid^="history-row-"]').length;
        this.readyAt ??= performance.now();
        return null;
      case "leave_demo":
        if (!this.demo) throw "this window is not showing the demo";
        this.demo = false;
        this.configured = false;
        this.history.count = 0;
        return null;
      default:
        throw `unknown command ${cmd}`;
    }
  }

  private status(): AppStatus {
    return {
      profile: this.demo ? "demo" : "default",
      demo: this.demo,
      configured: this.configured,
      relay: { ...this.relay },
      last_event_at: this.history.count ? this.history.entry(this.history.count).received_at : null,
      queue: this.history.count ? 2 : 0,
      health: this.health,
    };
  }

  /** What catching up finds in the mock: one hire whose webhook never came. */
  private reconcile(since: string | null, dryRun: boolean): Report {
    if (!since && !this.caughtUp) {
      const suggested = new Date(Date.now() - FIRST_CATCH_UP.days * 86_400_000).toISOString().slice(0, 10);
      throw fill(FIRST_CATCH_UP.said, { since: suggested });
    }
    const sinceMs = since ? Date.parse(`${since}T00:00:00Z`) : Date.now() - 6 * 3_600_000;
    if (Number.isNaN(sinceMs)) throw `${JSON.stringify(since)} is not a date: pick a day`;
    const found: Found[] = this.caughtUp
      ? []
      : [{ kind: "hire", action: dryRun ? "would-queue" : "queued", opportunity_id: "opp-missed-1", candidate: "Kenji Tanaka", what: "hired in Lever on 12 Nov 2026 and no webhook came: the hire goes to bob", entry_id: null }];
    if (!dryRun) {
      this.caughtUp = true;
      if (found.length) this.health = ["1 hire since 12 Nov 2026 reached Hirewire only by catching up: Lever's “Candidate Hired” webhook may be off or pointing elsewhere (Setup → Webhooks)"];
    }
    return { since_ms: sinceMs, until_ms: Date.now(), dry_run: dryRun, found, lever_calls: 4, listed: 12, notes: [], unread: [], health: this.health, entry_id: null };
  }

  private retry(id: number): null {
    const d = this.history.detail(id);
    if (!d.can_retry) throw fill(ACTION_MESSAGES.notRetryable, { id, status: d.entry.status });
    this.history.update(id, { status: "running", reason: null });
    return null;
  }

  private approve(id: number): null {
    const d = this.history.detail(id);
    if (!d.can_approve) throw fill(ACTION_MESSAGES.notWaiting, { id, status: d.entry.status });
    this.history.update(id, { status: "running", reason: null });
    return null;
  }

  private setSecret(name: string, value: string): null {
    if (!isSecretName(name)) throw fill(SECRET_MESSAGES.unknownName, { name: JSON.stringify(name) });
    const v = value.replace(/[\r\n]+$/, "");
    if (!v.trim()) throw fill(SECRET_MESSAGES.empty, { name });
    this.secrets.set(name, v);
    return null;
  }

  private connect(code: string): CheckItem {
    const c = decodeCode(code);
    this.secrets.set("relay-secret", c.secret);
    this.conn = { url: c.url.replace(/\/+$/, ""), channel: c.channel };
    if (c.url.includes("unreachable")) {
      this.relay = { state: "offline", detail: "connection refused", url: this.conn.url, since: null, stalls: 0 };
      return item("relay", false, fill(CHECK_SAID.relayUnreachable, { url: this.conn.url, why: "connection refused" }));
    }
    this.relay = { state: "connected", detail: null, url: this.conn.url, since: Date.now(), stalls: 0 };
    return item("relay", true, fill(CHECK_SAID.relayConnected, { url: this.conn.url }));
  }

  /** The engine's `lever_webhooks::create`: a key with "no-webhooks" in it is refused. */
  private createWebhooks(setupKey: string): WebhooksMade {
    if (!this.conn) throw WEBHOOK_MESSAGES.noRelay;
    if (setupKey.includes("no-webhooks"))
      return {
        hooks: [],
        refused: WEBHOOK_MESSAGES.refused,
      };
    const hooks = HOOKS.map((h) => {
      const kept = this.secrets.has(h.token);
      if (!kept) this.secrets.set(h.token, `tok-made-${h.endpoint}`);
      return {
        endpoint: h.endpoint,
        event: h.event,
        made: (kept ? "already-there" : "created") as HookMade["made"],
        message: kept ? WEBHOOK_MESSAGES.alreadyThere : WEBHOOK_MESSAGES.created,
      };
    });
    return { hooks, refused: null };
  }

  private webhooks(): WebhookInfo[] {
    return HOOKS.map((h) => ({
      event: h.event,
      endpoint: h.endpoint,
      url: this.conn ? `${this.conn.url}/hooks/${this.conn.channel}/${h.endpoint}` : "",
      token_set: this.secrets.has(h.token),
      first_signed_at: this.firstSigned.get(h.endpoint) ?? null,
      warning: null,
    }));
  }

  private check(): CheckItem[] {
    const items: CheckItem[] = [];
    items.push(
      this.conn
        ? item("relay", true, fill(CHECK_SAID.relayConnected, { url: this.conn.url }))
        : item("relay", false, CHECK_SAID.relayNotConnected),
    );
    const key = this.secrets.get("lever-api-key");
    if (!key) items.push(item("lever", false, notSet("lever-api-key")));
    else if (key.includes("offline")) {
      // No answer from Lever: the engine stops asking and says only that (ApiError::transport).
      items.push(
        item(
          "lever",
          false,
          "Lever could not be reached (error sending request for url (https://api.lever.co/v1/opportunities/hirewire-permission-check): dns error: failed to lookup address information: Temporary failure in name resolution)",
          "unreachable",
        ),
      );
    } else if (key.includes("limited")) {
      for (const m of LIMITED_KEY_LACKS) items.push({ ...item("lever", false, missingCheckbox(m), "missing-permission"), permission: m });
    } else items.push(item("lever", true, CHECK_SAID.leverAllGood));
    for (const h of HOOKS) {
      const set = this.secrets.has(h.token);
      items.push(item("webhooks", set, fill(set ? CHECK_SAID.tokenSet : CHECK_SAID.tokenMissing, { endpoint: h.endpoint })));
    }
    const user = this.secrets.get("bob-service-user");
    const token = this.secrets.get("bob-token");
    if (!user) items.push(item("bob", false, notSet("bob-service-user")));
    else if (!token) items.push(item("bob", false, notSet("bob-token")));
    else if (token.includes("wrong")) items.push(item("bob", false, "bob answered 401: the service user id or token is wrong", "refused"));
    else {
      items.push(item("bob", true, fill(CHECK_SAID.bobSees, { fields: BOB_FIELDS.length })));
      // `check::bob_work`: the Work table Approve of a change after the hire needs.
      const edit = BOB_EDIT_WORK;
      items.push(
        token.includes("nowork")
          ? { ...item("bob", false, fill(CHECK_SAID.bobWorkMissing, { perm: edit }), "missing-permission"), permission: edit }
          : item("bob", true, CHECK_SAID.bobWorkAllowed),
      );
    }
    // Like the engine: a partner is configured when either of its URLs is.
    const a = this.settings.assessment;
    items.push(
      a.list_tests_url || a.send_test_url
        ? item("assessment", true, fill(CHECK_SAID.partnerOffers, { provider: a.provider, tests: PARTNER_TESTS.length }))
        : item("assessment", true, CHECK_SAID.noPartner),
    );
    return items;
  }

  private leverLists(setupKey: string): LeverLists {
    if (!setupKey.trim()) throw "the setup key is empty";
    if (setupKey.includes("refused")) throw "Lever answered 401: the setup key was refused";
    const lists = structuredClone(LEVER_LISTS);
    const proposed = structuredClone(this.settings);
    if (!proposed.stages.assessment) proposed.stages = { assessment: "stage-assess", onsite: "stage-onsite", offer: "stage-offer" };
    proposed.archive_reasons = { ...lists.proposed.archive_reasons, ...proposed.archive_reasons };
    // Like the engine: the names are kept in the settings at once.
    const names = {
      stages: Object.fromEntries(lists.stages.map((x) => [x.id, x.text])),
      archive_reasons: Object.fromEntries(lists.archive_reasons.map((x) => [x.id, x.text])),
      unmapped_seen: {},
    };
    this.settings.names = mergeNames(this.settings.names, names, this.settings.archive_reasons);
    proposed.names = this.settings.names;
    return { ...lists, proposed };
  }

  private bobInfo(): BobInfo {
    if (!this.secrets.has("bob-service-user")) throw notSet("bob-service-user");
    if (!this.secrets.has("bob-token")) throw notSet("bob-token");
    return { fields: BOB_FIELDS, sites: ["London", "New York", "Berlin", "Remote"] };
  }

  private fieldPreview(): FieldPreviewRow[] {
    const rows = structuredClone(FIELD_PREVIEW);
    for (const f of this.settings.fields) {
      if (rows.some((r) => r.bob_id === f.bob)) continue;
      const b = BOB_FIELDS.find((x) => x.id === f.bob);
      rows.push({
        bob_id: f.bob,
        bob_name: b?.name ?? f.bob,
        bob_type: b?.type ?? "text",
        source: `mapping ${f.lever}`,
        automatic: false,
        lever_value: null,
        converted: null,
        error: `the sample offer has no field ${f.lever}`,
      });
    }
    return rows;
  }

  private dryRun(id: string): DryRun {
    const c = CANDIDATES.find((x) => x.opportunity_id === id);
    if (!c) throw `Lever answered 404: there is no opportunity ${id}`;
    return dryRunFor(c);
  }
}

function notSet(name: SecretName): string {
  return fill(SECRET_MESSAGES.notSet, { name });
}

function isSecretName(name: string): name is SecretName {
  return (SECRET_NAMES as readonly string[]).includes(name);
}

/** `missing_checkbox` in engine/src/clients/lever_perm.rs, word for word. */
function missingCheckbox(label: string): string {
  return fill(MISSING_CHECKBOX, { label });
}

function failText(cmd: string): string {
  return cmd === "history_list" ? "cannot read the history: the database file is locked by another process" : `${cmd} failed (test)`;
}

/** The call log never keeps a secret: values become their length. */
function redact(cmd: string, args: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(args ?? {});
  if (cmd === "secret_set") copy.value = `<${String(args.value).length} chars>`;
  if (cmd === "relay_connect") copy.code = "<code>";
  if (cmd === "lever_lists") copy.setupKey = "<key>";
  return copy;
}
