// The parts of the window that are not the first screen, each its own script: History is the
// first screen of every configured user, and parsing and running the wizard's, the mappings',
// the dry run's, the team's and the detail panel's code before it was part of its start-up (docs/perf.md).
// They are fetched as soon as the first screen is painted, so opening one later does not wait.
import { painted } from "./ready";

/** Loads a module once; every later call answers the same promise. */
function once<T>(load: () => Promise<{ default: T }>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => (loading ??= load().then((m) => m.default));
}

export const screens = {
  wizard: once(() => import("../setup/Wizard.svelte")),
  mappings: once(() => import("../mappings/Mappings.svelte")),
  dryRun: once(() => import("../dryrun/DryRun.svelte")),
  detail: once(() => import("../history/DetailPanel.svelte")),
  catchUp: once(() => import("../history/CatchUp.svelte")),
  team: once(() => import("../team/Team.svelte")),
};

painted.then(() => {
  // A failure shows where the screen would be, when it is opened.
  for (const load of Object.values(screens)) load().catch(() => {});
});
