// Tells the engine, once per window, that the first screen is painted. The engine logs
// it, so every launch records its start-up time (and the start-up benchmark reads it).
import { api } from "../api";

let reported = false;
let markPainted: () => void = () => {};
/** Resolves once the first screen is out: what is not part of it waits for this. */
export const painted = new Promise<void>((resolve) => (markPainted = resolve));

/** Call when `screen` has its content in the DOM; reports after the next paint. */
export function firstScreenPainted(screen: string): void {
  if (reported) return;
  reported = true;
  // rAF runs just before the paint; the timeout after it lands once the frame is out.
  requestAnimationFrame(() =>
    setTimeout(() => {
      markPainted();
      api.uiReady(screen, performance.now()).catch(() => {});
    }, 0),
  );
}
