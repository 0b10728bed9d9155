import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryLog, deliveriesOf, loopbackOnlyGuard, resend } from '../../../src/core/forward';
import { EventStore } from '../../../src/core/store';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchItem } from '../lib/types';

const SENDS = 300;
const WARMUP = 3000;

/**
 * 5. A resend against a direct fetch POST of the same bytes to the same handler.
 *
 * - Handler: a bare node:http server in this process (127.0.0.1:0) that drains the body and answers
 *   200 `{"ok":true}`. Both sides send to it, so its work counts the same on both.
 * - Baseline: `fetch` (undici, Node's built-in) POSTs the 1 KB body with the event's two headers and
 *   reads the whole answer. undici keeps its connection alive between requests.
 * - Subject: `resend()` of a stored event, the product's full path: target parsing, preflight,
 *   the loopback guard, request preparation (hop-by-hop headers dropped, content-length recomputed;
 *   no re-signing, as the event has no provider signature), the default transport (node:http with
 *   its keep-alive agent for loopback handlers), the response read (64 KB cap), and the delivery
 *   recorded on the event through `DeliveryLog` into a real `EventStore` in a temp folder: `resend`
 *   resolves only after the index record is written. The history fills up to its 50 newest entries
 *   in the warm-up, so every measured resend appends to a full history.
 * - Per round, SENDS sequential requests of each side (one in flight at a time), the order
 *   alternating each round, after an unmeasured warm-up of WARMUP of each (JIT, first connections;
 *   undici keeps getting faster for a few thousand requests, and measuring before that would flatter
 *   the subject). Ratio: mean wall time per resend / mean wall time per fetch, paired within the
 *   round. The note adds the process's CPU time per request of each side, which a busy machine
 *   disturbs less than wall time.
 * - Every answer must be a 200, and every resend must have been recorded, or the item fails (a
 *   refused connection would otherwise look fast).
 */
const item: BenchItem = {
  name: 'resend',
  title: '5 resend overhead',
  order: 50,
  estimateSeconds: 10,
  async run(ctx) {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-bench-resend-'));
    const handler = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => handler.listen(0, '127.0.0.1', () => r()));
    const target = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;
    const store = await EventStore.open(dir, { maxEvents: 1_000_000 });
    ctx.onCleanup(async () => {
      await store.close();
      handler.closeAllConnections();
      await new Promise((r) => handler.close(r));
      await fsp.rm(dir, { recursive: true, force: true });
    });
    const body = Buffer.from(JSON.stringify({ id: 'evt_bench', type: 'bench.resend', pad: 'x'.repeat(1000) }));
    const event = await store.append(
      {
        method: 'POST',
        url: '/hooks/bench',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Request-Id', 'r1'],
        ],
        remoteAddress: '127.0.0.1',
        size: body.length,
        response: { status: 200, body: '', contentType: '' },
      },
      body,
    );
    const guard = loopbackOnlyGuard();
    const log = new DeliveryLog(store);
    const indexFile = path.join(dir, 'index.jsonl');

    const viaFetch = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${target}/hooks/bench`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-request-id': 'r1' },
        });
        await res.arrayBuffer();
        if (res.status !== 200) {
          throw new Error(`fetch got ${res.status}`);
        }
      }
    };
    let resends = 0;
    const viaResend = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const d = await resend(event, body, target, { guard, log, resign: 'never' });
        if (d.status !== 200) {
          throw new Error(`resend got ${d.status ?? d.errorCode}: ${d.error ?? ''}`);
        }
        resends++;
      }
    };
    const directCpu: number[] = [];
    const resentCpu: number[] = [];
    /** Mean wall time per request (ms); the process's CPU time per request (µs, all threads: client, handler, libuv pool) goes to `cpu`. */
    const timed = async (send: (n: number) => Promise<void>, cpu: number[]) => {
      const c = process.cpuUsage();
      const t = performance.now();
      await send(SENDS);
      const wall = (performance.now() - t) / SENDS;
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / SENDS);
      return wall;
    };

    await viaFetch(WARMUP);
    await viaResend(WARMUP);
    const indexBefore = (await fsp.stat(indexFile)).size;
    const resendsBefore = resends;
    const direct: number[] = [];
    const resent: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`resend round ${round + 1}/${ctx.rounds}`);
      if (round % 2 === 0) {
        direct.push(await timed(viaFetch, directCpu));
        resent.push(await timed(viaResend, resentCpu));
      } else {
        resent.push(await timed(viaResend, resentCpu));
        direct.push(await timed(viaFetch, directCpu));
      }
    }
    const recorded = deliveriesOf(store.get(event.id));
    if (recorded.length !== Math.min(50, resends) || recorded.at(-1)?.status !== 200) {
      throw new Error(`the deliveries were not recorded (${recorded.length} on the event after ${resends} resends)`);
    }
    const indexBytesPerResend = ((await fsp.stat(indexFile)).size - indexBefore) / (resends - resendsBefore);
    const ratio = summarize(pairedRatios(resent, direct));
    return {
      rows: [
        {
          label: '5 resend: time per resend (recorded on the event) vs direct fetch POST of the same bytes',
          subject: `${fmt(summarize(resent).median)} ms`,
          baseline: `fetch ${fmt(summarize(direct).median)} ms`,
          ratio,
          goal: '≤ 1.2',
          met: ratio.median <= 1.2,
          note:
            `resend: CPU time per request (this process: client, handler, libuv pool) ${fmt(summarize(resentCpu).median)} µs vs fetch ${fmt(summarize(directCpu).median)} µs ` +
            `(${fmt(summarize(pairedRatios(resentCpu, directCpu)).median)}×); each recorded delivery added ${fmt(indexBytesPerResend)} bytes to the store's index (history of ${recorded.length}).`,
        },
      ],
      raw: {
        direct,
        resent,
        directCpuMicros: directCpu,
        resentCpuMicros: resentCpu,
        sends: SENDS,
        warmup: WARMUP,
        indexBytesPerResend,
        historyLength: recorded.length,
      },
    };
  },
};

export default item;
