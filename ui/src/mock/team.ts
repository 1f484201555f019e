// Test-only: the team behind the `team_*` commands, as the engine answers them. Which side this
// profile is on comes from the page's query (`?team=none|engine|member|viewer`, the last two a
// seat with that role; `&engine=1` when a seat's engine is connected), and tests change it
// through `window.__hw.engine.team`.
import type { Invited, MemberLine, Role, TeamView } from "../api";
import { TEAM_MESSAGES } from "../generated/facts";
import { fill } from "./fill";

export type TeamSide = "none" | "engine" | "member" | "viewer";

/** The commands a seat sends to the engine instead of doing them. */
export const SEAT_COMMANDS = new Set(["history_approve", "history_dismiss", "history_retry", "team_catch_up"]);

const OWNER = "ana";
const HOUR = 3600;

export class FakeTeam {
  side: TeamView["side"];
  name: string | null;
  role: Role | null;
  owner: string | null;
  /** A seat: whether the engine is connected to the relay now. */
  engineConnected: boolean;
  members: MemberLine[];
  /** While set, a seat's commands wait for the engine's answer (see `release`). */
  private held: { promise: Promise<void>; open: () => void } | null = null;

  constructor(side: TeamSide, engineConnected: boolean, now = Date.now()) {
    const s = Math.floor(now / 1000);
    const iso = (secondsAgo: number) => new Date((s - secondsAgo) * 1000).toISOString();
    this.engineConnected = engineConnected;
    if (side === "none") {
      this.side = "none";
      this.name = this.role = this.owner = null;
      this.members = [];
      return;
    }
    this.side = side === "engine" ? "engine" : "seat";
    this.owner = OWNER;
    this.name = side === "engine" ? OWNER : side === "member" ? "dana" : "vic";
    this.role = side === "engine" ? "owner" : side;
    const engineSeen = side === "engine" || engineConnected ? 30 : 3 * HOUR + 120;
    this.members = [
      { device: "d-ana", name: OWNER, role: "owner", added_at: s - 90 * 24 * HOUR, removed_at: null, last_seen: iso(engineSeen) },
      { device: "d-dana", name: "dana", role: "member", added_at: s - 30 * 24 * HOUR, removed_at: null, last_seen: iso(5 * 60) },
      { device: "d-vic", name: "vic", role: "viewer", added_at: s - 2 * 24 * HOUR, removed_at: null, last_seen: null },
      { device: "d-sam", name: "sam", role: "member", added_at: s - 60 * 24 * HOUR, removed_at: s - 10 * 24 * HOUR, last_seen: iso(11 * 24 * HOUR) },
    ];
  }

  status(): TeamView {
    const seat = this.side === "seat";
    return {
      side: this.side,
      name: this.name,
      role: this.role,
      owner: this.owner,
      engine_line:
        seat && !this.engineConnected ? `The engine on ${this.owner}'s device: it was last seen 3h 2m ago; hires wait on the relay until it is back` : null,
      engine_connected: seat ? this.engineConnected : this.side === "engine",
    };
  }

  list(): MemberLine[] {
    return structuredClone(this.members);
  }

  invite(name: string, role: string, owner: string): Invited {
    // The engine checks the role first (the command parses it), then the side, then the name.
    if (role !== "member" && role !== "viewer") throw fill(TEAM_MESSAGES.notARole, { role: JSON.stringify(role) });
    if (this.side === "seat") throw TEAM_MESSAGES.onlyTheOwner;
    const who = name.trim();
    if (!who || who.length > 64) throw TEAM_MESSAGES.nameNeeded;
    if (this.members.some((m) => m.name === who && m.removed_at == null)) throw fill(TEAM_MESSAGES.nameTaken, { name: JSON.stringify(who) });
    if (this.side === "none") {
      // The engine calls an owner who gave no name "the owner" (the window asks for one).
      const me = owner.trim() || "the owner";
      this.side = "engine";
      this.name = this.owner = me;
      this.role = "owner";
      this.members = [{ device: "d-self", name: me, role: "owner", added_at: Math.floor(Date.now() / 1000), removed_at: null, last_seen: new Date().toISOString() }];
    }
    const bytes = crypto.getRandomValues(new Uint8Array(48));
    const code = "hwt1-" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    return { code, expires: new Date(Date.now() + 24 * HOUR * 1000).toISOString() };
  }

  remove(name: string): null {
    if (this.side === "seat") throw TEAM_MESSAGES.onlyTheOwner;
    // The owner is not among those a removal looks for.
    const m = this.members.find((x) => x.name === name && x.removed_at == null && x.role !== "owner");
    if (!m) throw fill(TEAM_MESSAGES.noSuchMember, { name: JSON.stringify(name) });
    m.removed_at = Math.floor(Date.now() / 1000);
    return null;
  }

  /** A seat's Approve, Dismiss, Retry or Catch up: refused for a viewer, else sent and (maybe) held. */
  async command(): Promise<void> {
    if (this.role === "viewer") {
      throw fill(TEAM_MESSAGES.onlyLooks, { name: this.name ?? "", role: "viewer" });
    }
    if (this.held) await this.held.promise;
  }

  /** A seat's Catch up, as the engine answers it once it compared with Lever. */
  catchUp(): string {
    if (this.side !== "seat") throw TEAM_MESSAGES.notASeat;
    return `caught up by ${this.name}: nothing the webhooks missed`;
  }

  /** The engine holds its answers from now on (a test sees the "sent" state). */
  hold(): void {
    let open = () => {};
    const promise = new Promise<void>((ok) => (open = ok));
    this.held = { promise, open };
  }

  /** The engine answers what it held. */
  release(): void {
    this.held?.open();
    this.held = null;
  }
}
