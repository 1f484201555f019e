// Client-side checks that mirror the engine's (which checks again on save): they only
// let the user see the problem before a round trip.
import type { Settings } from "../api";

import { CONNECTION_CODE } from "../generated/facts";

/** The prefix every connection code starts with (the relay's `CODE_PREFIX`). */
export const CODE_PREFIX = CONNECTION_CODE.prefix;

/** A connection code must start with the prefix; everything else the engine checks. */
export function connectionCodeError(code: string): string | null {
  const c = code.trim();
  if (!c) return "Paste the connection code that `hirewire-relay channel add` printed.";
  if (!c.startsWith(CODE_PREFIX)) {
    return `This is not a Hirewire connection code: it starts with “${CODE_PREFIX}”. Copy the whole code that \`hirewire-relay channel add\` printed.`;
  }
  return null;
}

/** All three stages required, all different. */
export function stagesError(s: Settings["stages"]): string | null {
  const v = [s.assessment, s.onsite, s.offer].map((x) => x.trim());
  if (v.some((x) => !x)) return "Choose a Lever stage for each of the three steps";
  if (new Set(v).size !== 3) return "Each step needs a different Lever stage";
  return null;
}
