import type { PublicUrlChange } from '../core/tunnel';

/**
 * Collapses repeated identical lines: the first is written at once; later copies (also with other
 * lines in between, e.g. a warning and the state line it causes) are counted and summarised as
 * `<line> (repeated 6×, retrying every 30 s)` when a new line comes, on `flush()` (exit), or at most
 * once a minute while the repetition goes on.
 */
export class RepeatCollapser {
  private readonly seen = new Map<string, { repeats: number; firstAt: number; lastAt: number }>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly summaryEveryMs = 60_000,
  ) {}

  line(text: string): void {
    const t = this.now();
    const entry = this.seen.get(text);
    if (entry) {
      entry.repeats++;
      entry.lastAt = t;
      if (t - entry.firstAt >= this.summaryEveryMs) {
        this.summarise(text, entry);
        entry.firstAt = t;
      }
      return;
    }
    // Another line: say how often the pending ones repeated, so the log keeps its order; forget stale ones.
    for (const [other, e] of this.seen) {
      if (e.repeats > 0) {
        this.summarise(other, e);
      }
      if (t - e.lastAt > 10 * this.summaryEveryMs) {
        this.seen.delete(other);
      }
    }
    this.write(text);
    this.seen.set(text, { repeats: 0, firstAt: t, lastAt: t });
  }

  /** Writes the summaries of pending repeats; the next copy of a line is written in full again. */
  flush(): void {
    for (const [text, entry] of this.seen) {
      if (entry.repeats > 0) {
        this.summarise(text, entry);
      }
    }
    this.seen.clear();
  }

  private summarise(text: string, entry: { repeats: number; firstAt: number; lastAt: number }): void {
    const every = Math.max(1, Math.round((entry.lastAt - entry.firstAt) / entry.repeats / 1000));
    this.write(`${text} (repeated ${entry.repeats}×, retrying every ${every} s)`);
    entry.repeats = 0;
    entry.firstAt = entry.lastAt;
  }
}

/** Reasons that mean "no network" rather than a server that refuses. */
const UNREACHABLE_RE = /Cannot reach|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|fetch failed/;

export function looksUnreachable(reason: string | undefined): boolean {
  return !!reason && UNREACHABLE_RE.test(reason);
}

/** Said once when `listen` runs with the default tunnel and the network is not there. */
export function noNetworkHint(localUrl: string): string {
  return (
    `No public URL yet (the tunnel server cannot be reached). The local receiver works: send requests to ${localUrl}.\n` +
    '  For a public URL: connect to the internet (retries go on quietly), or use --tunnel cloudflared (needs cloudflared installed),\n' +
    '  or --tunnel external --public-url URL for your own tunnel. --tunnel none stops the retries.'
  );
}

/** The CLI line for a changed public URL. */
export function publicUrlChangedLine(change: PublicUrlChange): string {
  return `Public URL changed: ${change.previousUrl} -> ${change.publicUrl}. Update it in your providers' webhook settings: deliveries to the old URL are lost.`;
}
