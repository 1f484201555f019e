// The one typed module through which the UI talks to the engine (Tauri commands and
// events). Every function maps to exactly one Rust command in src-tauri/src/desktop/commands.rs;
// the UI holds no business rule the engine does not also enforce.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { WINDOW_EVENTS, type SecretName } from "./generated/facts";

// Every shape the engine sends or takes is generated from its Rust type
// (engine/src/bindings.rs → ./generated): a renamed or retyped field fails svelte-check.
import type { BobField } from "./generated/BobField";
import type { BobInfo } from "./generated/BobInfo";
import type { Candidate } from "./generated/Candidate";
import type { DayCount } from "./generated/DayCount";
import type { DocPreview } from "./generated/DocPreview";
import type { DryRun } from "./generated/DryRun";
import type { EngineEvent } from "./generated/EngineEvent";
import type { EngineStatus } from "./generated/EngineStatus";
import type { Entry } from "./generated/Entry";
import type { EntryView } from "./generated/EntryView";
import type { FieldRow } from "./generated/FieldRow";
import type { Filter } from "./generated/Filter";
import type { Flow } from "./generated/Flow";
import type { Item } from "./generated/Item";
import type { Named } from "./generated/Named";
import type { Notice } from "./generated/Notice";
import type { Outcome } from "./generated/Outcome";
import type { Page } from "./generated/Page";
import type { PartnerTest } from "./generated/PartnerTest";
import type { Report } from "./generated/Report";
import type { Found } from "./generated/Found";
import type { FieldChange } from "./generated/FieldChange";
import type { Source } from "./generated/Source";
import type { ScoreRule } from "./generated/ScoreRule";
import type { SecretState } from "./generated/SecretState";
import type { Settings } from "./generated/Settings";
import type { Status } from "./generated/Status";
import type { Step } from "./generated/Step";
import type { StepStatus } from "./generated/StepStatus";
import type { Suggestion } from "./generated/Suggestion";
import type { WebhookInfo } from "./generated/WebhookInfo";
import type { WebhooksMade } from "./generated/WebhooksMade";
import type { HookMade } from "./generated/HookMade";
import type { JsonValue } from "./generated/serde_json/JsonValue";
import type { Invited } from "./generated/Invited";
import type { MemberLine } from "./generated/MemberLine";
import type { Role } from "./generated/Role";
import type { TeamView } from "./generated/TeamView";

export type {
  BobField,
  BobInfo,
  Candidate,
  DayCount,
  DocPreview,
  DryRun,
  EngineEvent,
  Entry,
  Flow,
  JsonValue,
  Named,
  Notice,
  Outcome,
  PartnerTest,
  Report,
  Found,
  FieldChange,
  ScoreRule,
  Source,
  SecretState,
  Settings,
  Status,
  Step,
  StepStatus,
  WebhookInfo,
  WebhooksMade,
  HookMade,
  Invited,
  MemberLine,
  Role,
  TeamView,
};

/** An entry with what the detail panel shows. */
export type EntryDetail = EntryView;
/** What to list. */
export type HistoryFilter = Filter;
/** One page of history. */
export type HistoryPage = Page;
/** One checked thing. */
export type CheckItem = Item;
/** What a setup key showed, and the settings proposed from it. */
export type LeverLists = Suggestion;
/** One row of the field preview. */
export type FieldPreviewRow = FieldRow;
/** The status bar: the engine's state, and whether the window shows the demo. */
export type AppStatus = EngineStatus & { demo: boolean };

export const api = {
  status: () => invoke<AppStatus>("status"),
  historyList: (filter: HistoryFilter) => invoke<HistoryPage>("history_list", { filter }),
  historyDetail: (id: number) => invoke<EntryDetail>("history_detail", { id }),
  historyChart: (days: number) => invoke<DayCount[]>("history_chart", { days }),
  historyRetry: (id: number) => invoke<void>("history_retry", { id }),
  historyApprove: (id: number, employee: Record<string, unknown> | null) => invoke<void>("history_approve", { id, employee }),
  historyDismiss: (id: number) => invoke<void>("history_dismiss", { id }),
  /** Writes a CSV of the filtered history to the Downloads folder; returns its path. */
  historyExport: (filter: HistoryFilter) => invoke<string>("history_export", { filter }),
  secrets: () => invoke<SecretState[]>("secrets_status"),
  setSecret: (name: SecretName, value: string) => invoke<void>("secret_set", { name, value }),
  connectRelay: (code: string) => invoke<CheckItem>("relay_connect", { code }),
  webhooks: () => invoke<WebhookInfo[]>("webhooks"),
  settings: () => invoke<Settings>("settings_get"),
  saveSettings: (settings: Settings) => invoke<void>("settings_save", { settings }),
  check: () => invoke<CheckItem[]>("check_all"),
  /** The checkboxes the permanent Lever key needs, in Lever's words. */
  leverPermissions: () => invoke<string[]>("lever_permissions"),
  /** Uses a Lever setup key in memory only (never stored). */
  loadLever: (setupKey: string) => invoke<LeverLists>("lever_lists", { setupKey }),
  createWebhooks: (setupKey: string) => invoke<WebhooksMade>("lever_webhooks_create", { setupKey }),
  bobInfo: () => invoke<BobInfo>("bob_info"),
  partnerTests: () => invoke<PartnerTest[]>("partner_tests"),
  fieldPreview: (opportunityId: string | null) => invoke<FieldPreviewRow[]>("field_preview", { opportunityId }),
  searchCandidates: (query: string) => invoke<Candidate[]>("search_candidates", { query }),
  dryRun: (opportunityId: string) => invoke<DryRun>("dry_run", { opportunityId }),
  finishSetup: () => invoke<void>("finish_setup"),
  /** Writes everything Hirewire holds about the entry's candidate as JSON to Downloads; returns its path. */
  personExport: (opportunityId: string) => invoke<string>("person_export", { opportunityId }),
  /** Catch up with Lever from `since` (YYYY-MM-DD; null: from the last catch-up); `dryRun` writes nothing. */
  reconcile: (since: string | null, dryRun: boolean) => invoke<Report>("reconcile", { since, dryRun }),
  leaveDemo: () => invoke<void>("leave_demo"),
  /** Outside a team, the team's engine, or a seat (and, on a seat, whether the engine is there). */
  teamStatus: () => invoke<TeamView>("team_status"),
  /** Every member, removed ones included. */
  teamList: () => invoke<MemberLine[]>("team_list"),
  /** Invites `name`; `owner` (this profile's member name) is asked only when it starts the team. */
  teamInvite: (name: string, role: "member" | "viewer", owner: string) => invoke<Invited>("team_invite", { name, role, owner }),
  /** Removes a member: a new team key its device cannot open. */
  teamRemove: (name: string) => invoke<null>("team_remove", { name }),
  /** A seat's Catch up: the engine compares with Lever; its answer in words. */
  teamCatchUp: () => invoke<string>("team_catch_up"),
  /** The first screen is painted: the engine logs how long the start took. */
  uiReady: (screen: string, ms: number) => invoke<void>("ui_ready", { screen, ms }),
};

export function onEngineEvent(handler: (e: EngineEvent) => void): Promise<UnlistenFn> {
  return listen<EngineEvent>(WINDOW_EVENTS.Engine, (e) => handler(e.payload));
}

/** The window was asked to show an entry (a notification was clicked). */
export function onOpenEntry(handler: (id: number) => void): Promise<UnlistenFn> {
  return listen<number>(WINDOW_EVENTS.OpenEntry, (e) => handler(e.payload));
}
