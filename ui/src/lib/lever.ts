// How to read the engine's Lever check items: a missing box (the list of boxes comes from
// the engine, `api.leverPermissions`), a key Lever refused, or no answer at all.
import type { CheckItem } from "../api";
import { CONFIDENTIAL_TOGGLE } from "../generated/facts";

/** The key's toggle (not a checkbox) for confidential candidates (generated from the engine). */
export { CONFIDENTIAL_TOGGLE };

/** What the Lever items of a check say, sorted out. */
export interface LeverCheck {
  /**
   * Lever gave no answer (nothing is known about permissions): why, without the engine's
   * "Lever could not be reached" that the screen's own sentence already says.
   */
  unreachable: string | null;
  /** The boxes the key lacks, by their labels. */
  missing: string[];
  /** Whether Lever answered for every box (then each box not in `missing` is there). */
  proven: boolean;
  /** Everything else the check said (a refused key, the confidential toggle, all good). */
  others: CheckItem[];
}

export function readLeverCheck(items: CheckItem[]): LeverCheck {
  const lever = items.filter((i) => i.area === "lever");
  const down = lever.find((i) => i.kind === "unreachable");
  if (down) {
    // The cause, without the engine's "Lever could not be reached" the screen already says.
    const cause = /^Lever could not be reached \((.*)\)(: .*)?$/s.exec(down.message)?.[1] ?? down.message;
    return { unreachable: cause, missing: [], proven: false, others: [] };
  }
  const missing: string[] = [];
  const others: CheckItem[] = [];
  for (const i of lever) {
    if (i.kind === "missing-permission" && i.permission && i.permission !== CONFIDENTIAL_TOGGLE) missing.push(i.permission);
    else others.push(i);
  }
  // The engine asks about every box unless Lever refuses the key itself (401, a key not
  // set): then one item says so, and nothing is known about the boxes.
  const proven = others.every((i) => i.ok || i.permission === CONFIDENTIAL_TOGGLE);
  return { unreachable: null, missing, proven, others };
}
