import type { Summary } from './stats';

/** One line of the printed table. Every number behind it also goes to bench-results.json. */
export interface BenchRow {
  /** What is measured, e.g. "capture throughput, 50 conns". */
  readonly label: string;
  /** The subject's median, formatted (e.g. "4,120 req/s"), or "not measured yet: <why>". */
  readonly subject: string;
  /** The baseline's median, formatted. */
  readonly baseline: string;
  /** Per-round ratios subject/baseline (or the figure that the goal is about), summarised. */
  readonly ratio?: Summary;
  /** Unit of the ratio column when it is not a plain ratio, e.g. "/s". */
  readonly ratioUnit?: string;
  /** The goal in words, e.g. "≥ 0.5". */
  readonly goal: string;
  /** True/false when the goal was judged, undefined when the row only reports. */
  readonly met?: boolean;
  /** A short note printed under the table. */
  readonly note?: string;
}

export interface BenchContext {
  /** Rounds per subject and per baseline (interleaved). */
  readonly rounds: number;
  /** Absolute path of the repository root. */
  readonly root: string;
  /** Flags after `--`, e.g. `--signatures off`. */
  readonly flags: ReadonlyMap<string, string>;
  /** Progress line on stderr. */
  log(message: string): void;
  /** Registers a cleanup that runs even when the run is interrupted (children, temp folders). */
  onCleanup(fn: () => Promise<void> | void): void;
}

export interface BenchResult {
  readonly rows: readonly BenchRow[];
  /** Everything measured: raw samples per round, settings, counters. */
  readonly raw: Record<string, unknown>;
}

/**
 * A bench item: one file in test/bench/items that default-exports this. `run.ts` finds the files by
 * itself, orders them by `order` and runs the ones `--only` selects.
 */
export interface BenchItem {
  /** Short name for `--only`, e.g. "capture". */
  readonly name: string;
  readonly title: string;
  readonly order: number;
  /** Rough wall time in seconds with the default rounds, shown before it starts. */
  readonly estimateSeconds: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}
