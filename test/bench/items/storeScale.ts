import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventStore, newEventId } from '../../../src/core/store';
import { profileArgs, runOnce } from '../lib/child';
import { fmt, mib, pairedRatios, summarize } from '../lib/stats';
import type { BenchContext, BenchItem } from '../lib/types';
import { githubHeaders, jsonBody } from '../lib/workload';

const NEEDLE = 'needle-7f3a9c51';

interface StoreSample {
  loadMs: number;
  firstPage: number;
  size: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  heapUsed: number;
  searchMs: number;
  searchVia: string;
  matches: number;
  bytes: number;
}
interface RawSample {
  loadMs: number;
  bytes: number;
  indexBytes: number;
  rssBefore: number;
  searchMs: number;
  matches: number;
  scanned: number;
}

/** Fills `dir` with `count` events with 1 KB JSON bodies through the store API, `batch` appends at a time. */
async function fill(dir: string, count: number, batch: number, needleEvery: number): Promise<number> {
  const store = await EventStore.open(dir, { maxEvents: count });
  let needles = 0;
  try {
    for (let start = 0; start < count; start += batch) {
      const pending: Array<Promise<unknown>> = [];
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const hasNeedle = i % needleEvery === needleEvery - 1;
        needles += hasNeedle ? 1 : 0;
        const body = jsonBody(1024, i, hasNeedle ? NEEDLE : undefined);
        const id = newEventId();
        const headers: Array<[string, string]> = [
          ['Host', '127.0.0.1:45123'],
          ...Object.entries(githubHeaders(body, `72d3162e-cc78-11e3-81ab-${String(i).padStart(12, '0')}`)),
          ['Content-Length', String(body.length)],
        ];
        pending.push(
          store.append(
            {
              id,
              method: 'POST',
              url: '/webhooks/github',
              headers,
              remoteAddress: '127.0.0.1',
              size: body.length,
              response: { status: 200, body: JSON.stringify({ ok: true, id }), contentType: 'application/json; charset=utf-8' },
            },
            body,
          ),
        );
      }
      await Promise.all(pending); // one group commit per batch
    }
  } finally {
    await store.close();
  }
  return needles;
}

/**
 * 4. Store at scale: 100,000 events with 1 KB bodies. Cold load to the first page, resident memory
 * and a full-text search, each in a fresh process, interleaved with the raw-read baselines.
 */
const item: BenchItem = {
  name: 'storeScale',
  title: 'Store at scale (100,000 events)',
  order: 40,
  estimateSeconds: 80,
  async run(ctx: BenchContext) {
    const count = Number(ctx.flags.get('events') ?? 100_000);
    // One store sample loads 100,000 events and reads every body (~15 s here): 3 rounds unless asked.
    const rounds = Number(ctx.flags.get('storeRounds') ?? Math.min(ctx.rounds, 3));
    const dir = await mkdtemp(path.join(tmpdir(), 'wi-bench-store-'));
    ctx.onCleanup(() => rm(dir, { recursive: true, force: true }));
    try {
      const t0 = performance.now();
      const needles = await fill(dir, count, 5000, 1000);
      const fillMs = performance.now() - t0;
      const indexBytes = (await stat(path.join(dir, 'index.jsonl'))).size;
      let segBytes = 0;
      for (const n of await readdir(path.join(dir, 'bodies'))) {
        segBytes += (await stat(path.join(dir, 'bodies', n))).size;
      }
      ctx.log(`storeScale: filled ${fmt(count)} events in ${fmt(fillMs)} ms (index ${mib(indexBytes)}, bodies ${mib(segBytes)})`);
      const store: StoreSample[] = [];
      const raw: RawSample[] = [];
      const cfg = { dir, needle: NEEDLE, maxEvents: count };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? ['store', 'raw'] : ['raw', 'store'];
        for (const mode of order) {
          if (mode === 'store') {
            const s = await runOnce<StoreSample>('storeProbe', { ...cfg, mode }, ['--expose-gc', ...profileArgs(ctx.flags, 'store-probe')]);
            store.push(s);
            ctx.log(
              `storeScale round ${round + 1}/${rounds} store: load ${fmt(s.loadMs)} ms, rss +${mib(s.rssAfter - s.rssBefore)}, search ${fmt(s.searchMs)} ms (${s.matches} hits)`,
            );
          } else {
            const r = await runOnce<RawSample>('storeProbe', { ...cfg, mode }, ['--expose-gc']);
            raw.push(r);
            ctx.log(
              `storeScale round ${round + 1}/${rounds} raw: read ${fmt(r.loadMs)} ms, scan ${fmt(r.searchMs)} ms (${r.matches} hits)`,
            );
          }
        }
      }
      const load = summarize(
        pairedRatios(
          store.map((s) => s.loadMs),
          raw.map((r) => r.loadMs),
        ),
      );
      const memDelta = store.map((s) => s.rssAfter - s.rssBefore);
      const mem = summarize(memDelta.map((d) => d / indexBytes));
      const search = summarize(
        pairedRatios(
          store.map((s) => s.searchMs),
          raw.map((r) => r.searchMs),
        ),
      );
      const hitsOk = store.every((s) => s.matches === needles) && raw.every((r) => r.matches === needles);
      const pagesOk = store.every((s) => s.firstPage === Math.min(200, count) && s.size === count);
      return {
        rows: [
          {
            label: `4 store ${fmt(count)}: cold load to first page`,
            subject: `${fmt(summarize(store.map((s) => s.loadMs)).median)} ms`,
            baseline: `readFile ${fmt(summarize(raw.map((r) => r.loadMs)).median)} ms`,
            ratio: load,
            goal: '≤ 1.5',
            met: load.median <= 1.5 && pagesOk,
          },
          {
            label: `4 store ${fmt(count)}: resident memory after load`,
            subject: `+${mib(summarize(memDelta).median)}`,
            baseline: `index ${mib(indexBytes)} (rss before ${mib(summarize(store.map((s) => s.rssBefore)).median)})`,
            ratio: mem,
            goal: '≤ 1.5 × index',
            met: mem.median <= 1.5,
          },
          {
            label: `4 store ${fmt(count)}: text search over all bodies`,
            subject: `${fmt(summarize(store.map((s) => s.searchMs)).median)} ms`,
            baseline: `scan ${fmt(summarize(raw.map((r) => r.searchMs)).median)} ms`,
            ratio: search,
            goal: '≤ 1.5',
            met: search.median <= 1.5 && hitsOk,
            note: `store at scale: filled in ${fmt(fillMs)} ms (${fmt(count / (fillMs / 1000))} events/s, batches of 5,000); index ${mib(indexBytes)}, body segments ${mib(segBytes)}; the search (${store[0]?.searchVia ?? '?'}) found ${store[0]?.matches ?? '?'} of ${needles} needles (raw scan ${raw[0]?.matches ?? '?'}).`,
          },
        ],
        raw: { count, fillMs, indexBytes, segBytes, needles, store, rawSamples: raw, ratios: { load, mem, search } },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default item;
