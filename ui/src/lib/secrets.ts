// The secrets by the names the engine gives them (generated: ../generated/facts.ts), so that
// a name the engine does not know fails the type check instead of saving nothing.
import type { SecretState } from "../api";
import { LEVER_WEBHOOKS, type SecretName } from "../generated/facts";

export type { SecretName };

/** Whether the engine's answer says `name` is set. */
export function isSet(states: SecretState[], name: SecretName): boolean {
  return states.some((s) => s.name === name && s.set);
}

/** The keychain name of the signing token of the webhook posted to `endpoint`, if it is Lever's. */
export function tokenName(endpoint: string): SecretName | null {
  return LEVER_WEBHOOKS.find((h) => h.endpoint === endpoint)?.tokenName ?? null;
}
