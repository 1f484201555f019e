// The one typed module through which the UI talks to the engine (Tauri commands and
// events). Every function maps to exactly one Rust command in src-tauri/src/desktop/commands.rs;
// the UI holds no business rule the engine does not also enforce.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Status = "running" | "waiting" | "retrying" | "done" | "skipped" | "failed" | "rejected";
export type Flow = "hire" | "assessment" | "outcome" | "none";
export type StepStatus = "done" | "failed" | "skipped";
export type Outcome = "rejected" | "withdrew" | "offer-accepted" | "offer-declined" | "not-applicable";

export interface Entry {
  id: number;
  received_at: number; // ms since epoch
  event: string;
  endpoint: string;
  opportunity_id: string | null;
  candidate: string | null;
  flow: Flow;
  status: Status;
  reason: string | null;
  updated_at: number;
}

export interface Step {
  action: string;
  target: string | null;
  status: StepStatus;
  http_status: number | null;
  ms: number;
  error: string | null;
  at: number;
}

export interface EntryDetail {
  entry: Entry;
  steps: Step[];
  /** The raw webhook body as received (no secrets: Lever bodies carry no key). */
  event_body: string | null;
  /** For hires waiting for review: the employee that would be created (editable). */
  proposal: Record<string, unknown> | null;
  /** Mapping remarks for hires. */
  notes: string[];
  /** Whether Retry is allowed. */
  can_retry: boolean;
  /** Whether Approve is allowed. */
  can_approve: boolean;
}

export interface HistoryFilter {
  statuses: Status[];
  flows: Flow[];
  since: number | null; // ms
  until: number | null; // ms
  search: string;
  offset: number;
  limit: number;
}

export interface HistoryPage {
  entries: Entry[];
  total: number;
}

export interface DayCount {
  day: string; // YYYY-MM-DD
  status: Status;
  count: number;
}

export interface AppStatus {
  profile: string;
  demo: boolean;
  configured: boolean; // the wizard was finished
  relay: { state: "connected" | "connecting" | "offline" | "not-configured"; detail: string | null; url: string | null; since: number | null };
  last_event_at: number | null;
  queue: number; // unfinished jobs + inbox
}

export interface SecretState {
  name: string;
  set: boolean;
}

export interface CheckItem {
  area: "relay" | "lever" | "webhooks" | "bob" | "assessment";
  ok: boolean;
  message: string;
}

export interface WebhookInfo {
  event: string; // "Candidate Hired"
  endpoint: string; // "candidate-hired"
  url: string;
  token_set: boolean;
  first_signed_at: number | null; // ms of the first event with a valid signature
}

export interface Settings {
  lever: { base_url: string; perform_as: string; max_event_age_minutes: number };
  bob: { base_url: string; review_before_create: boolean; default_site: string };
  assessment: {
    provider: string;
    list_tests_url: string;
    send_test_url: string;
    test_status_url: string;
    outcome_url: string;
    poll_minutes: number;
  };
  stages: { assessment: string; onsite: string; offer: string };
  archive_reasons: Record<string, Outcome>;
  interview_types: Record<string, string>; // Lever tag -> partner_test_id
  fields: { lever: string; bob: string }[];
}

export interface Named {
  id: string;
  text: string;
  type: string;
}

export interface LeverLists {
  stages: Named[];
  archive_reasons: Named[];
  tags: { text: string; count: number | null }[];
  tests: { partner_test_id: string; partner_test_name: string }[];
  proposed: Settings; // current settings with suggestions filled in
  unmapped_reasons: string[];
}

export interface BobField {
  id: string;
  name: string;
  category: string;
  categoryDisplayName: string;
  jsonPath: string;
  type: string;
  typeData: unknown;
}

export interface BobInfo {
  fields: BobField[];
  sites: string[];
}

export interface FieldPreviewRow {
  bob_id: string;
  bob_name: string;
  bob_type: string;
  source: string; // "offer field “Equity”" or "mapping custom_x"
  automatic: boolean;
  lever_value: unknown;
  converted: unknown | null;
  error: string | null;
}

export interface Candidate {
  opportunity_id: string;
  name: string;
  email: string | null;
}

export interface DryRun {
  candidate: string;
  employee: Record<string, unknown> | null; // what bob would get (null: already exists)
  existing_employee_id: string | null;
  documents: { name: string; size: number | null; already_uploaded: boolean }[];
  invite: string | null; // "Byteboard SWE (test 12345) to ada@example.com", or why none
  notes: string[];
}

export const api = {
  status: () => invoke<AppStatus>("status"),
  historyList: (filter: HistoryFilter) => invoke<HistoryPage>("history_list", { filter }),
  historyDetail: (id: number) => invoke<EntryDetail>("history_detail", { id }),
  historyChart: (days: number) => invoke<DayCount[]>("history_chart", { days }),
  historyRetry: (id: number) => invoke<void>("history_retry", { id }),
  historyApprove: (id: number, employee: Record<string, unknown> | null) => invoke<void>("history_approve", { id, employee }),
  /** Writes a CSV of the filtered history to the Downloads folder; returns its path. */
  historyExport: (filter: HistoryFilter) => invoke<string>("history_export", { filter }),
  secrets: () => invoke<SecretState[]>("secrets_status"),
  setSecret: (name: string, value: string) => invoke<void>("secret_set", { name, value }),
  connectRelay: (code: string) => invoke<CheckItem>("relay_connect", { code }),
  webhooks: () => invoke<WebhookInfo[]>("webhooks"),
  settings: () => invoke<Settings>("settings_get"),
  saveSettings: (settings: Settings) => invoke<void>("settings_save", { settings }),
  check: () => invoke<CheckItem[]>("check_all"),
  /** Uses a Lever setup key in memory only (never stored). */
  loadLever: (setupKey: string) => invoke<LeverLists>("lever_lists", { setupKey }),
  bobInfo: () => invoke<BobInfo>("bob_info"),
  partnerTests: () => invoke<{ partner_test_id: string; partner_test_name: string }[]>("partner_tests"),
  fieldPreview: (opportunityId: string | null) => invoke<FieldPreviewRow[]>("field_preview", { opportunityId }),
  searchCandidates: (query: string) => invoke<Candidate[]>("search_candidates", { query }),
  dryRun: (opportunityId: string) => invoke<DryRun>("dry_run", { opportunityId }),
  finishSetup: () => invoke<void>("finish_setup"),
  leaveDemo: () => invoke<void>("leave_demo"),
  /** The first screen is painted: the engine logs how long the start took. */
  uiReady: (screen: string, ms: number) => invoke<void>("ui_ready", { screen, ms }),
};

/** Engine events pushed to the UI. */
export type EngineEvent =
  | { type: "entry"; id: number }
  | { type: "relay"; state: string; detail: string | null }
  | { type: "notice"; summary: string; body: string; entry_id: number | null; kind: "done" | "attention" };

export function onEngineEvent(handler: (e: EngineEvent) => void): Promise<UnlistenFn> {
  return listen<EngineEvent>("engine", (e) => handler(e.payload));
}

/** The window was asked to show an entry (a notification was clicked). */
export function onOpenEntry(handler: (id: number) => void): Promise<UnlistenFn> {
  return listen<number>("open-entry", (e) => handler(e.payload));
}
