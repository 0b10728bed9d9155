// Item 4's measuring child: a fresh process per sample, so the load is cold (for the process; the
// files are in the page cache for subject and baseline alike). Prints one JSON line with its figures.
//   mode "store": EventStore.open + list(0, 200), resident memory, then a search over every body:
//                 the store's own `searchBodies([needle])` when it has one (the Events filter's body
//                 search), else store.readBody of every event (`searchVia` says which).
//   mode "raw":   the same bytes with one fs.readFile each (index + body segments), then a linear
//                 scan of the segment bytes for the needle (the baselines).
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EventStore } from '../../../src/core/store';
import { childConfig } from '../lib/child';

const config = childConfig({ dir: '', mode: 'store' as 'store' | 'raw', needle: '', maxEvents: 1_000_000, concurrency: 16 });

const gc = (globalThis as { gc?: () => void }).gc;
function settledRss(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}

function countIn(buf: Buffer, needle: Buffer): number {
  let n = 0;
  let at = buf.indexOf(needle);
  while (at !== -1) {
    n++;
    at = buf.indexOf(needle, at + needle.length);
  }
  return n;
}

async function main(): Promise<void> {
  const needle = Buffer.from(config.needle);
  const rssBefore = settledRss();
  if (config.mode === 'store') {
    const t0 = performance.now();
    const store = await EventStore.open(config.dir, { maxEvents: config.maxEvents });
    const firstPage = store.list(0, 200).length;
    const loadMs = performance.now() - t0;
    const rssPeak = process.memoryUsage().rss;
    const rssAfter = settledRss();
    const heap = process.memoryUsage();
    const t1 = performance.now();
    let matches = 0;
    let bytes = 0;
    let searchVia: string;
    const search = (store as unknown as { searchBodies?: (words: readonly string[]) => Promise<Set<string>> }).searchBodies;
    if (typeof search === 'function') {
      searchVia = 'store.searchBodies';
      // One hit per event (the needle occurs once in each body that has it).
      matches = (await search.call(store, [config.needle])).size;
    } else {
      searchVia = `store.readBody ×${config.concurrency} in flight`;
      const events = store.list();
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const e = events[next++]!;
          const body = await store.readBody(e.id);
          bytes += body.length;
          matches += countIn(body, needle);
        }
      };
      await Promise.all(Array.from({ length: config.concurrency }, worker));
    }
    const searchMs = performance.now() - t1;
    const size = store.size;
    await store.close();
    process.stdout.write(
      `${JSON.stringify({ mode: 'store', loadMs, firstPage, size, rssBefore, rssPeak, rssAfter, heapUsed: heap.heapUsed, external: heap.external, arrayBuffers: heap.arrayBuffers, searchMs, searchVia, matches, bytes })}\n`,
    );
  } else {
    const bodiesDir = path.join(config.dir, 'bodies');
    const segs = (await readdir(bodiesDir)).filter((n) => n.endsWith('.seg')).sort();
    const t0 = performance.now();
    const index = await readFile(path.join(config.dir, 'index.jsonl'));
    let bytes = index.length;
    for (const s of segs) {
      bytes += (await readFile(path.join(bodiesDir, s))).length;
    }
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    let matches = 0;
    let scanned = 0;
    for (const s of segs) {
      const buf = await readFile(path.join(bodiesDir, s));
      scanned += buf.length;
      matches += countIn(buf, needle);
    }
    const searchMs = performance.now() - t1;
    process.stdout.write(
      `${JSON.stringify({ mode: 'raw', loadMs, bytes, indexBytes: index.length, rssBefore, searchMs, matches, scanned })}\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`storeProbe: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
