// App-wide state shared by the screens: the current view, the engine's status, toasts,
// and the Lever lists loaded with a setup key (memory only, for this window's lifetime).
import { api, type AppStatus, type LeverLists, type Settings, type TeamView, type WebhooksMade } from "../api";
import { takeStatus, takeTeam } from "./early";

export type View = "history" | "mappings" | "dryrun" | "setup" | "team";

export const app = $state({
  view: "history" as View,
  status: null as AppStatus | null,
  /** This profile's place in a team (null until first read). */
  team: null as TeamView | null,
  /** An entry the History screen should open (a notification was clicked). */
  openEntry: null as number | null,
  /** Bumped on every engine `entry` event; screens that show entries refresh on it. */
  entryTick: 0,
  lastEntryId: null as number | null,
  /** The setup step to open on (the health banner asks for the webhooks). */
  setupStep: null as number | null,
  /** The catch-up dialog is open. */
  catchUp: false,
});

/** Lever stages, archive reasons, tags and tests read with the setup key; never stored. */
export const lever = $state({
  lists: null as LeverLists | null,
  /** What creating the webhooks with the setup key did (this window only). */
  webhooks: null as WebhooksMade | null,
});

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error" | "attention";
  entryId: number | null;
}

export const toasts = $state({ list: [] as Toast[] });
let nextToast = 1;

export function toast(text: string, kind: Toast["kind"] = "info", entryId: number | null = null): void {
  const id = nextToast++;
  toasts.list = [...toasts.list.slice(-3), { id, text, kind, entryId }];
  setTimeout(() => dismiss(id), kind === "info" ? 6000 : 12000);
}

export function dismiss(id: number): void {
  toasts.list = toasts.list.filter((t) => t.id !== id);
}

/** The engine's status and the profile's place in a team, asked together. */
export async function refreshStatus(): Promise<void> {
  const [status, team] = await Promise.all([takeStatus() ?? api.status(), (takeTeam() ?? api.teamStatus()).catch(teamUnknown)]);
  // A newer entry than the screens were told of (an event sent before this window
  // listened, as a seat's first catch-up can be): the screens read again.
  const before = app.status;
  app.status = status;
  if (before && status.last_event_at !== before.last_event_at) app.entryTick++;
  if (team) app.team = team;
}

/**
 * A team status that cannot be read leaves the window as it was (outside a team at start):
 * the status bar and the history still work, and the next refresh asks again.
 */
function teamUnknown(): null {
  return null;
}

/** A seat: another recruiter's app, reading the engine's history and sending it commands. */
export function isSeat(): boolean {
  return app.team?.side === "seat";
}

/** A viewer's seat: it may only look. */
export function isViewer(): boolean {
  return app.team?.side === "seat" && app.team.role === "viewer";
}

/**
 * Saves one part of the settings: reads the engine's current settings first so that
 * screens editing different parts never overwrite each other. Rejects with the engine's text.
 */
export async function saveSettingsPart(apply: (s: Settings) => void): Promise<Settings> {
  const current = await api.settings();
  apply(current);
  await api.saveSettings(current);
  return current;
}
