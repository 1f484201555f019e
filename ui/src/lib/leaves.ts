// A proposal (the employee bob would get) as a list of editable leaf fields, and back.

export type Path = (string | number)[];
export interface Leaf {
  path: Path;
  label: string;
  kind: "string" | "number" | "boolean" | "null";
  value: string | number | boolean | null;
}

/** Every primitive value in the object, depth first, with its path. */
export function leaves(obj: unknown, path: Path = []): Leaf[] {
  if (obj !== null && typeof obj === "object") {
    const entries: [string | number, unknown][] = Array.isArray(obj) ? obj.map((v, i) => [i, v]) : Object.entries(obj);
    return entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  const kind = obj === null ? "null" : typeof obj === "number" ? "number" : typeof obj === "boolean" ? "boolean" : "string";
  const value = obj === null || typeof obj === "number" || typeof obj === "boolean" ? obj : String(obj);
  return [{ path, label: path.join("."), kind, value }];
}

/** A copy of `base` with each leaf's value set at its path. */
export function withLeaves(base: unknown, edited: Leaf[]): Record<string, unknown> {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const leaf of edited) {
    let node = out as Record<string | number, unknown>;
    for (const key of leaf.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[leaf.path[leaf.path.length - 1]] = leaf.value;
  }
  return out;
}
