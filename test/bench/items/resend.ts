import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryLog, loopbackOnlyGuard, resend } from '../../../src/core/forward';
import { EventStore } from '../../../src/core/store';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchItem } from '../lib/types';

const SENDS = 300;

/** 5. A resend (headers cleaned, delivery recorded on the event) against a direct fetch POST of the same bytes. */
const item: BenchItem = {
  name: 'resend',
  title: '5 resend overhead',
  order: 50,
  estimateSeconds: 30,
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
      await new Promise((r) => handler.close(r));
      await fsp.rm(dir, { recursive: true, force: true });
    });
    const body = Buffer.from(JSON.stringify({ id: 'evt_bench', type: 'bench.resend', pad: 'x'.repeat(1000) }));
    const event = await store.append(
      { method: 'POST', url: '/hooks/bench', headers: [['Content-Type', 'application/json'], ['X-Request-Id', 'r1']], remoteAddress: '127.0.0.1', size: body.length, response: { status: 200, body: '', contentType: '' } },
      body,
    );
    const guard = loopbackOnlyGuard();
    const log = new DeliveryLog(store);
    const direct: number[] = [];
    const resent: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`resend round ${round + 1}/${ctx.rounds}`);
      let t = performance.now();
      for (let i = 0; i < SENDS; i++) {
        const res = await fetch(`${target}/hooks/bench`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-request-id': 'r1' } });
        await res.arrayBuffer();
      }
      direct.push((performance.now() - t) / SENDS);
      t = performance.now();
      for (let i = 0; i < SENDS; i++) {
        await resend(event, body, target, { guard, log, resign: 'never' });
      }
      resent.push((performance.now() - t) / SENDS);
    }
    return {
      rows: [
        {
          label: '5 resend: time per resend (recorded on the event) vs direct fetch POST of the same bytes',
          subject: `${fmt(summarize(resent).median)} ms`,
          baseline: `fetch ${fmt(summarize(direct).median)} ms`,
          ratio: summarize(pairedRatios(resent, direct)),
          goal: '≤ 1.2',
          met: summarize(pairedRatios(resent, direct)).median <= 1.2,
        },
      ],
      raw: { direct, resent, sends: SENDS },
    };
  },
};

export default item;
