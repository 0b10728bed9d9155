/**
 * The workspace scan: a bounded number of files, a time budget, and short synchronous slices (the
 * scan yields to the event loop whenever a slice has run `sliceMs`), so a 20,000-file workspace never
 * blocks the extension host. Listing and reading files are injected (VS Code's `workspace.fs`, or
 * `node:fs` in the bench and tests).
 */
import type { KnobWording } from '../knobs';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { RouteDefinition } from './discover';
import { discoverRoutes } from './discover';
import { routesForPath, type LocatedRoute } from './match';

export { SOURCE_GLOB } from './sourceGlob';

/** Folders never scanned, on top of what the front door's own exclude lists leave out. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/.venv/**',
  '**/venv/**',
  '**/__pycache__/**',
  '**/.git/**',
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.svelte-kit/**',
  '**/target/**',
  '**/coverage/**',
  '**/*.min.js',
  '**/*.d.ts',
];

export interface ScanOptions {
  /** The files to scan, as far as the lister got (it may list `maxFiles + 1` to tell a cut). */
  readonly files: readonly string[];
  /** The text of a file; undefined when unreadable or larger than `MAX_SOURCE_BYTES`. */
  readFile(file: string): Promise<string | undefined>;
  /** Default 5,000. */
  readonly maxFiles?: number;
  /** The whole scan stops after this long. Default 20 s. */
  readonly timeBudgetMs?: number;
  /** The longest synchronous run before yielding to the event loop. Default 8 ms. */
  readonly sliceMs?: number;
  /** Files read at once. Default 8. */
  readonly concurrency?: number;
  /** Called with each file's routes (also with none, so an edited file loses its old ones). */
  onFile?(file: string, routes: RouteDefinition[]): void;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  /** Default: `setImmediate`. */
  readonly yieldNow?: () => Promise<void>;
  readonly logger?: Logger;
  /** Words the `routeScanLimit` knob in the message about a scan cut at `maxFiles` (the front door names its own). */
  readonly wording?: KnobWording;
}

export interface ScanResult {
  readonly scanned: number;
  readonly routes: number;
  readonly durationMs: number;
  /** The longest synchronous slice the scan itself ran, in ms. */
  readonly longestSliceMs: number;
  /** Why the scan stopped early: too many files, out of time, or cancelled. */
  readonly cut?: 'files' | 'time' | 'cancelled';
  /** The log line about a cut (also logged). */
  readonly message?: string;
}

const immediate = () => new Promise<void>((r) => setImmediate(r));

export async function scanFiles(options: ScanOptions): Promise<ScanResult> {
  const now = options.now ?? (() => performance.now());
  const yieldNow = options.yieldNow ?? immediate;
  const logger = options.logger ?? nullLogger;
  const maxFiles = options.maxFiles ?? 5000;
  const budget = options.timeBudgetMs ?? 20_000;
  const sliceMs = options.sliceMs ?? 8;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const started = now();
  const files = options.files.slice(0, maxFiles);
  let cut: ScanResult['cut'] = options.files.length > maxFiles ? 'files' : undefined;
  let scanned = 0;
  let routes = 0;
  let longest = 0;
  let sliceStart: number;

  for (let i = 0; i < files.length; i += concurrency) {
    if (options.signal?.aborted) {
      cut = 'cancelled';
      break;
    }
    if (now() - started > budget) {
      cut = 'time';
      break;
    }
    const batch = files.slice(i, i + concurrency);
    const texts = await Promise.all(batch.map((f) => options.readFile(f).catch(() => undefined)));
    sliceStart = now();
    for (const [k, file] of batch.entries()) {
      const text = texts[k];
      const found = text === undefined ? [] : discoverRoutes(file, text);
      routes += found.length;
      scanned++;
      options.onFile?.(file, found);
      const t = now();
      if (t - sliceStart >= sliceMs) {
        longest = Math.max(longest, t - sliceStart);
        await yieldNow();
        sliceStart = now();
      }
    }
    longest = Math.max(longest, now() - sliceStart);
  }
  const durationMs = now() - started;
  let message: string | undefined;
  if (cut === 'files') {
    message = `Route scan stopped at ${maxFiles} files (the workspace has more): routes in the others are not shown.${options.wording ? ` ${options.wording({ knob: 'routeScanLimit' })}` : ''}`;
  } else if (cut === 'time') {
    message = `Route scan stopped after ${Math.round(budget / 1000)} s with ${scanned} of ${files.length} files read: routes in the others are not shown.`;
  }
  if (message) {
    logger.warn(message);
  }
  logger.info(
    `Route scan: ${scanned} files, ${routes} POST routes in ${Math.round(durationMs)} ms (longest slice ${longest.toFixed(1)} ms).`,
  );
  return { scanned, routes, durationMs, longestSliceMs: longest, ...(cut ? { cut } : {}), ...(message ? { message } : {}) };
}

/** The routes of the workspace by file; files are replaced whole when they change. */
export class RouteIndex {
  private readonly byFile = new Map<string, LocatedRoute[]>();
  private _version = 0;

  get version(): number {
    return this._version;
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  set(file: string, routes: readonly RouteDefinition[]): void {
    const had = this.byFile.has(file);
    if (routes.length === 0) {
      if (had) {
        this.byFile.delete(file);
        this._version++;
      }
      return;
    }
    this.byFile.set(
      file,
      routes.map((r) => ({ ...r, file })),
    );
    this._version++;
  }

  delete(file: string): void {
    if (this.byFile.delete(file)) {
      this._version++;
    }
  }

  clear(): void {
    this.byFile.clear();
    this._version++;
  }

  routesIn(file: string): readonly LocatedRoute[] {
    return this.byFile.get(file) ?? [];
  }

  *all(): Iterable<LocatedRoute> {
    for (const list of this.byFile.values()) {
      yield* list;
    }
  }

  /** The routes serving a path, most specific first (see `routesForPath`). */
  forPath(path: string, publicUrl?: string): { lookedFor: string; matches: LocatedRoute[] } {
    return routesForPath(this.all(), path, publicUrl);
  }
}
