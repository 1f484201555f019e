// Conversions between the settings' maps and the editable rows the screens use.
import type { Settings } from "../api";

export interface TypeRow {
  tag: string;
  test: string;
}

export function typeRows(types: Settings["interview_types"]): TypeRow[] {
  return Object.entries(types).map(([tag, test]) => ({ tag, test }));
}

/** Rows → map; returns an error sentence when a tag is empty or repeated. */
export function typeMap(rows: TypeRow[]): { map: Record<string, string>; error: string | null } {
  const map: Record<string, string> = {};
  for (const r of rows) {
    if (!r.tag && !r.test.trim()) continue;
    if (!r.tag) return { map, error: "Each interview type needs a Lever tag" };
    if (!r.test.trim()) return { map, error: `Choose a test for the tag “${r.tag}”` };
    if (r.tag in map) return { map, error: `The tag “${r.tag}” is listed twice` };
    map[r.tag] = r.test.trim();
  }
  return { map, error: null };
}
