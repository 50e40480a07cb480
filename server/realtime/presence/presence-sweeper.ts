// Expired presence rows are deleted (and their "gone" notices sent) by every
// web process that has live streams open, so a tab that vanished without
// closing its stream — its web process killed, say — still disappears.
import { sweepExpiredPresence } from "./clear-presence.ts";
import { PRESENCE_SWEEP_MS } from "./presence-timing.ts";

const KEY = Symbol.for("yubin.presenceSweeper");
type WithSweeper = typeof globalThis & { [KEY]?: { holders: number; timer: ReturnType<typeof setInterval> | null } };

/** Keeps the sweeper running until the returned release is called (counted per process). */
export function holdPresenceSweeper(): () => void {
  const scope = globalThis as WithSweeper;
  scope[KEY] ??= { holders: 0, timer: null };
  const state = scope[KEY];
  state.holders++;
  if (!state.timer) {
    state.timer = setInterval(() => {
      sweepExpiredPresence().catch(() => {});
    }, PRESENCE_SWEEP_MS);
    state.timer.unref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.holders--;
    if (state.holders === 0 && state.timer) {
      clearInterval(state.timer);
      state.timer = null;
    }
  };
}
