/**
 * A copy of the Events tree's refresh throttle (src/vscode/eventsTree.ts, `scheduleRefresh` with a
 * visible view): the first change arms a 200 ms timer, changes while it is armed are folded into
 * it, and when it fires the tree refreshes once. The tree imports `vscode`, so the bench replicates
 * the logic here; if the throttle moves to src/core, import it instead and delete this file.
 */
export const REFRESH_DELAY_MS = 200;

export class RefreshThrottle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  refreshCount = 0;

  constructor(
    private readonly onRefresh: () => void,
    private readonly delayMs = REFRESH_DELAY_MS,
  ) {}

  /** What the tree does on every `store.onDidChange`. */
  schedule(): void {
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.refreshCount++;
        this.onRefresh();
      }, this.delayMs);
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/** Most events inside any window of `windowMs` (sliding), for "at most N refreshes a second". */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) {
      lo++;
    }
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
