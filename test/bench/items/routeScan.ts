import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { discoverRoutes, scanFiles } from '../../../src/core/routes';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchContext, BenchItem } from '../lib/types';

/** Folders the extension never scans (as DEFAULT_EXCLUDES): the bench's lister skips them the same way. */
const SKIP = new Set([
  'node_modules',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.git',
  'dist',
  'build',
  'out',
  '.next',
  'target',
  'coverage',
]);
const SOURCE = /\.(?:[cm]?[jt]sx?|py|rb|php|go)$/;

/** A source file of about 3 KB; every 50th defines a POST route, every 3rd mentions "post" (so the prefilter lets it through). */
function sourceFile(i: number): { name: string; text: string } {
  const kind = i % 4;
  const filler = Array.from(
    { length: 40 },
    (_, k) => `  const v${k} = compute(${k}, 'value ${i}-${k}', { key: "x${k}" }); // step ${k}`,
  ).join('\n');
  const mention = i % 3 === 0 ? `// TODO: post the result to the queue (app.post('/not/a/route') stays a comment)\n` : '';
  const route = i % 50 === 0;
  if (kind === 3) {
    return {
      name: `mod${i}.py`,
      text: `${mention.replace('//', '#')}from flask import Flask\napp = Flask(__name__)\n${route ? `@app.route('/webhooks/py${i}', methods=['POST'])\n` : ''}def handler_${i}():\n${filler
        .replace(/const /g, '')
        .replace(/\/\//g, '#')
        .replace(/[;{}]/g, '')}\n    return 'ok'\n`,
    };
  }
  if (kind === 2) {
    return {
      name: `mod${i}.go`,
      text: `package main\n\nimport "net/http"\n${mention}\nfunc f${i}() {\n${route ? `\thttp.HandleFunc("/webhooks/go${i}", h)\n` : ''}${filler.replace(/const /g, '').replace(/[;{}]/g, '')}\n}\n`,
    };
  }
  const ext = kind === 1 ? 'ts' : 'js';
  return {
    name: `mod${i}.${ext}`,
    text: `import express from 'express';\n${mention}const app = express();\n${route ? `app.post('/webhooks/js${i}', (req, res) => res.sendStatus(200));\n` : ''}export function f${i}() {\n${filler}\n  return \`template \${v0}\`;\n}\n`,
  };
}

/** A workspace of `count` source files in 100 folders, plus a node_modules folder the scan must skip. */
async function generate(dir: string, count: number): Promise<number> {
  let routes = 0;
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, async (_, k) => {
        const i = start + k;
        const folder = path.join(dir, 'src', `pkg${i % 100}`);
        await mkdir(folder, { recursive: true });
        const f = sourceFile(i);
        if (i % 50 === 0) {
          routes++;
        }
        await writeFile(path.join(folder, f.name), f.text);
      }),
    );
  }
  const nm = path.join(dir, 'node_modules', 'dep', 'lib');
  await mkdir(nm, { recursive: true });
  await Promise.all(Array.from({ length: 2000 }, (_, i) => writeFile(path.join(nm, `m${i}.js`), "app.post('/in/node_modules', h);\n")));
  return routes;
}

/** What `workspace.findFiles` does for the extension: source files, excluded folders skipped. */
async function list(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) {
        await list(path.join(dir, e.name), out);
      }
    } else if (SOURCE.test(e.name)) {
      out.push(path.join(dir, e.name));
    }
  }
  return out;
}

interface Sample {
  ms: number;
  /** The largest event-loop delay seen while it ran: the longest main-thread task. */
  longestTaskMs: number;
  files: number;
  routes: number;
  /** The scanner's own longest synchronous slice (its largest main-thread task), when it is the scanner. */
  sliceMs?: number;
}

/** Runs `fn` and measures its wall time and the longest event-loop stall (1 ms resolution). */
async function measure(fn: () => Promise<{ files: number; routes: number; sliceMs?: number }>): Promise<Sample> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  // One more turn so a stall at the very end is recorded.
  await new Promise((resolve) => setTimeout(resolve, 5));
  h.disable();
  return { ms, longestTaskMs: Math.max(0, h.max / 1e6 - 1), ...r };
}

const read = (f: string) => readFile(f, 'utf8');

/**
 * Route discovery on a generated 20,000-file workspace: the real scanner (`scanFiles`, the same code
 * the extension runs), against reading the same files and nothing else; and the longest main-thread
 * task during the scan against that of plain reading and of an unsliced scan (read all, then parse
 * all in one go).
 */
const item: BenchItem = {
  name: 'routeScan',
  title: 'Route scan of a 20,000-file workspace',
  order: 45,
  estimateSeconds: 60,
  async run(ctx: BenchContext) {
    const count = Number(ctx.flags.get('files') ?? 20_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'wi-bench-routes-'));
    ctx.onCleanup(() => rm(dir, { recursive: true, force: true }));
    try {
      const routesWritten = await generate(dir, count);
      const bounded = { scan: [] as Sample[], raw: [] as Sample[], unsliced: [] as Sample[] };
      const full = { scan: [] as Sample[], raw: [] as Sample[] };
      const bound = 5000;
      for (let round = 0; round < ctx.rounds; round++) {
        const runs: Array<[string, () => Promise<void>]> = [
          [
            'scan',
            async () =>
              void bounded.scan.push(
                await measure(async () => {
                  const files = await list(dir);
                  const r = await scanFiles({ files, readFile: read, maxFiles: bound });
                  return { files: r.scanned, routes: r.routes, sliceMs: r.longestSliceMs };
                }),
              ),
          ],
          [
            'raw',
            async () =>
              void bounded.raw.push(
                await measure(async () => {
                  const files = (await list(dir)).slice(0, bound);
                  for (let i = 0; i < files.length; i += 8) {
                    await Promise.all(files.slice(i, i + 8).map(read));
                  }
                  return { files: files.length, routes: 0 };
                }),
              ),
          ],
          [
            'unsliced',
            async () =>
              void bounded.unsliced.push(
                await measure(async () => {
                  const files = (await list(dir)).slice(0, bound);
                  const texts: string[] = [];
                  for (let i = 0; i < files.length; i += 8) {
                    texts.push(...(await Promise.all(files.slice(i, i + 8).map(read))));
                  }
                  let routes = 0;
                  texts.forEach((t, k) => (routes += discoverRoutes(files[k]!, t).length));
                  return { files: files.length, routes };
                }),
              ),
          ],
          [
            'scanAll',
            async () =>
              void full.scan.push(
                await measure(async () => {
                  const files = await list(dir);
                  const r = await scanFiles({ files, readFile: read, maxFiles: count, timeBudgetMs: 600_000 });
                  return { files: r.scanned, routes: r.routes, sliceMs: r.longestSliceMs };
                }),
              ),
          ],
          [
            'rawAll',
            async () =>
              void full.raw.push(
                await measure(async () => {
                  const files = await list(dir);
                  for (let i = 0; i < files.length; i += 8) {
                    await Promise.all(files.slice(i, i + 8).map(read));
                  }
                  return { files: files.length, routes: 0 };
                }),
              ),
          ],
        ];
        const order = round % 2 === 0 ? runs : [...runs].reverse();
        for (const [name, run] of order) {
          await run();
          ctx.log(`routeScan round ${round + 1}/${ctx.rounds}: ${name} done`);
        }
      }
      const med = (s: Sample[], k: keyof Sample) => summarize(s.map((x) => x[k] ?? 0)).median;
      const scanRatio = summarize(
        pairedRatios(
          bounded.scan.map((s) => s.ms),
          bounded.raw.map((s) => s.ms),
        ),
      );
      const fullRatio = summarize(
        pairedRatios(
          full.scan.map((s) => s.ms),
          full.raw.map((s) => s.ms),
        ),
      );
      const taskVsRead = summarize(
        pairedRatios(
          bounded.scan.map((s) => s.longestTaskMs),
          bounded.raw.map((s) => Math.max(1, s.longestTaskMs)),
        ),
      );
      const taskVsUnsliced = summarize(
        pairedRatios(
          bounded.scan.map((s) => s.longestTaskMs),
          bounded.unsliced.map((s) => s.longestTaskMs),
        ),
      );
      const longest = Math.max(...bounded.scan.map((s) => s.longestTaskMs), ...full.scan.map((s) => s.longestTaskMs));
      const longestSlice = Math.max(...[...bounded.scan, ...full.scan].map((s) => s.sliceMs ?? 0));
      // Each scan's longest slice, median over the scans: the wall-clock slices also count time a busy machine left the process unscheduled.
      const sliceMedian = summarize([...bounded.scan, ...full.scan].map((s) => s.sliceMs ?? 0)).median;
      const foundAll = full.scan.every((s) => s.routes === routesWritten);
      return {
        rows: [
          {
            label: `routes: scan ${fmt(count)} files, bound ${fmt(bound)} (default)`,
            subject: `${fmt(med(bounded.scan, 'ms'))} ms, ${fmt(med(bounded.scan, 'routes'))} routes`,
            baseline: `read only ${fmt(med(bounded.raw, 'ms'))} ms`,
            ratio: scanRatio,
            goal: 'report',
          },
          {
            label: `routes: scan all ${fmt(count)} files`,
            subject: `${fmt(med(full.scan, 'ms'))} ms, ${fmt(med(full.scan, 'routes'))} routes`,
            baseline: `read only ${fmt(med(full.raw, 'ms'))} ms`,
            ratio: fullRatio,
            goal: 'report',
            met: undefined,
            note: `route scan: ${fmt(routesWritten)} routes written; the full scan found ${foundAll ? 'all of them' : 'NOT all of them'} and none of the 2,000 node_modules files or the commented-out routes.`,
          },
          {
            label: 'routes: longest main-thread task during the scan vs plain reading',
            subject: `${fmt(med(bounded.scan, 'longestTaskMs'))} ms (own slices ${fmt(med(bounded.scan, 'sliceMs'))} ms)`,
            baseline: `read only ${fmt(med(bounded.raw, 'longestTaskMs'))} ms`,
            ratio: taskVsRead,
            goal: 'longest slice per scan, median < 50 ms',
            met: sliceMedian < 50,
            note: `longest synchronous slice per scan: median ${fmt(sliceMedian)} ms, worst ${fmt(longestSlice)} ms (its largest main-thread task; the event-loop delay, which also counts time the busy machine did not schedule the process, peaked at ${fmt(longest)} ms). An unsliced scan (parse everything in one go) blocks for ${fmt(med(bounded.unsliced, 'longestTaskMs'))} ms: sliced/unsliced ${fmt(taskVsUnsliced.median)}.`,
          },
        ],
        raw: { count, bound, routesWritten, bounded, full, ratios: { scanRatio, fullRatio, taskVsRead, taskVsUnsliced } },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default item;
