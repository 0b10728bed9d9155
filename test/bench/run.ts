// The benchmark suite: `npm run bench` (builds, then runs every item in test/bench/items).
//   npm run bench -- --only capture[,burst]   run only these items
//   npm run bench -- --rounds 3                rounds per subject and baseline (default 5)
//   npm run bench -- --signatures off          capture without verification on arrival
//   npm run bench -- --list                    list the items
// More flags (per item): --duration S, --connections 50,200, --burst N, --rate N, --rateDuration S, --events N.
// Prints a table and writes bench-results.json at the repository root. Exit code 0 unless the bench
// itself broke: goals are reported, not asserted.
import { readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmt, fmtSpread } from './lib/stats';
import type { BenchContext, BenchItem, BenchResult, BenchRow } from './lib/types';

const ROOT = path.resolve(__dirname, '..', '..');
const ITEMS_DIR = path.join(__dirname, 'items');
const RESULTS = path.join(ROOT, 'bench-results.json');
/** Whole run limit: everything is stopped and cleaned up past it. */
const WATCHDOG_MS = 9.5 * 60 * 1000;

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      continue;
    }
    const eq = a.indexOf('=');
    if (eq !== -1) {
      flags.set(a.slice(2, eq), a.slice(eq + 1));
    } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
      flags.set(a.slice(2), argv[++i]!);
    } else {
      flags.set(a.slice(2), 'true');
    }
  }
  return flags;
}

/** Every file in items/ that default-exports a BenchItem, in `order`. */
async function discover(): Promise<BenchItem[]> {
  const items: BenchItem[] = [];
  for (const file of readdirSync(ITEMS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    // Under tsx the module may come back as ESM ({ default: item }) or CJS-wrapped ({ default: { default: item } }).
    const mod = (await import(path.join(ITEMS_DIR, file))) as { default?: Partial<BenchItem> & { default?: BenchItem } };
    const d = mod.default;
    const item = (d && typeof d.run === 'function' ? d : d?.default) as BenchItem | undefined;
    if (!item || typeof item.run !== 'function') {
      throw new Error(`${file} does not default-export a bench item`);
    }
    items.push(item);
  }
  return items.sort((a, b) => a.order - b.order);
}

function table(rows: readonly BenchRow[]): string {
  const head = ['item', 'subject', 'baseline', 'ratio (median)', 'spread (min–max)', 'goal', 'met?'];
  const body = rows.map((r) => [
    r.label,
    r.subject,
    r.baseline,
    r.ratio ? `${fmt(r.ratio.median)}${r.ratioUnit ?? '×'}` : '—',
    r.ratio ? `${fmtSpread(r.ratio)} (n=${r.ratio.n})` : '—',
    r.goal,
    r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const items = await discover();
  if (flags.has('list')) {
    for (const it of items) {
      console.log(`${it.name.padEnd(16)} ${it.title} (~${it.estimateSeconds} s)`);
    }
    return;
  }
  const only = flags
    .get('only')
    ?.split(',')
    .map((s) => s.trim().toLowerCase());
  const selected = only ? items.filter((it) => only.includes(it.name.toLowerCase())) : items;
  if (only && selected.length !== only.length) {
    throw new Error(`--only ${flags.get('only')}: known items are ${items.map((i) => i.name).join(', ')}`);
  }
  const rounds = Number(flags.get('rounds') ?? 5);
  const cleanups: Array<() => Promise<void> | void> = [];
  const runCleanups = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    }
  };
  const abort = (why: string) => {
    process.stderr.write(`\nbench: ${why}; stopping children and removing temp folders…\n`);
    void runCleanups().finally(() => process.exit(2));
  };
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  const watchdog = setTimeout(() => abort(`over the ${WATCHDOG_MS / 60000}-minute limit`), WATCHDOG_MS);
  watchdog.unref();

  const ctx: BenchContext = {
    rounds,
    root: ROOT,
    flags,
    log: (m) => process.stderr.write(`  ${m}\n`),
    onCleanup: (fn) => cleanups.push(fn),
  };
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  const results: Array<{
    name: string;
    title: string;
    seconds: number;
    /** 1-minute load average when the item ended: above the core count, other work competed for the CPU. */
    loadAverage: number;
    rows: readonly BenchRow[];
    raw: BenchResult['raw'];
    error?: string;
  }> = [];
  const estimate = selected.reduce((a, it) => a + it.estimateSeconds, 0);
  process.stderr.write(
    `bench: ${selected.length} items, ${rounds} rounds each, about ${Math.round(estimate / 60)}–${Math.ceil((estimate * 1.5) / 60)} min\n`,
  );
  for (const it of selected) {
    process.stderr.write(`bench: ${it.name} — ${it.title}\n`);
    const t0 = performance.now();
    try {
      const r = await it.run(ctx);
      results.push({
        name: it.name,
        title: it.title,
        seconds: (performance.now() - t0) / 1000,
        loadAverage: os.loadavg()[0]!,
        rows: r.rows,
        raw: r.raw,
      });
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      process.stderr.write(`bench: ${it.name} failed: ${message}\n`);
      results.push({
        name: it.name,
        title: it.title,
        seconds: (performance.now() - t0) / 1000,
        loadAverage: os.loadavg()[0]!,
        rows: [
          {
            label: it.title,
            subject: `not measured: the bench item failed (${(err as Error).message})`,
            baseline: '—',
            goal: '—',
            met: false,
          },
        ],
        raw: {},
        error: message,
      });
    }
    await runCleanups();
  }
  clearTimeout(watchdog);

  const rows = results.flatMap((r) => r.rows);
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.note}`);
  console.log('');
  console.log(table(rows));
  const cpus = os.cpus();
  const busiest = Math.max(loadAverageAtStart[0]!, ...results.map((r) => r.loadAverage));
  if (busiest > cpus.length) {
    notes.push(
      `- machine: 1-minute load average reached ${busiest.toFixed(1)} on ${cpus.length} cores during the run: other work competed for the CPU, so absolute figures are low and spreads wide; read the per-round ratios.`,
    );
  }
  if (notes.length) {
    console.log('');
    console.log(notes.join('\n'));
  }
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      node: process.version,
      v8: process.versions.v8,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      totalMemory: os.totalmem(),
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    settings: { rounds, flags: Object.fromEntries(flags) },
    items: results,
  };
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS) || RESULTS} (${fmt(report.seconds)} s).`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
