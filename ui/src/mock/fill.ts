// Test-only: the engine's sentences are generated as templates (../generated/facts.ts), with
// `{key}` where a value goes; the mock fills them in.

/** `template` with each `{key}` replaced by its value (an unknown key is left as it is). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? String(values[key]) : all));
}
