import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { startLtServer } from '../../support/ltServer';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchItem } from '../lib/types';

const REQUESTS = 400;
const CONCURRENCY = 10;

/** Fires REQUESTS POSTs of 1 KB at `base` with CONCURRENCY keep-alive connections; returns req/s. */
async function load(base: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = Buffer.from(JSON.stringify({ type: 'bench.tunnel', pad: 'x'.repeat(1000) }));
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          `${base}/bench/tunnel`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return REQUESTS / ((performance.now() - started) / 1000);
}

/** 6. Requests through the loopback localtunnel server against the same requests straight to the receiver. */
const item: BenchItem = {
  name: 'tunnel',
  title: '6 tunnel overhead',
  order: 60,
  estimateSeconds: 40,
  async run(ctx) {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-bench-tunnel-'));
    const lt = await startLtServer();
    const store = await EventStore.open(dir, { maxEvents: 1_000_000 });
    const session = new Session({ store, port: 0, tunnel: { mode: 'localtunnel', host: lt.url, selfTestIntervalMs: 0 } });
    ctx.onCleanup(async () => {
      await session.stop();
      await store.close();
      await lt.close();
      await fsp.rm(dir, { recursive: true, force: true });
    });
    await session.start();
    for (let i = 0; i < 300 && session.status().tunnel?.state !== 'online'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const publicUrl = session.status().publicUrl;
    if (!publicUrl) {
      throw new Error(`the tunnel did not come online: ${session.status().tunnel?.reason}`);
    }
    const direct: number[] = [];
    const tunneled: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`tunnel round ${round + 1}/${ctx.rounds}`);
      direct.push(await load(session.status().url!));
      tunneled.push(await load(publicUrl));
    }
    const ratio = summarize(pairedRatios(tunneled, direct));
    return {
      rows: [
        {
          label: `6 tunnel: req/s through the loopback localtunnel server vs direct (${CONCURRENCY} conns)`,
          subject: `${fmt(summarize(tunneled).median)} req/s`,
          baseline: `direct ${fmt(summarize(direct).median)} req/s`,
          ratio,
          goal: 'report (no goal)',
          note: 'the tunnel server, its client and the receiver share this machine; real tunnels add network latency on top',
        },
      ],
      raw: { direct, tunneled, requests: REQUESTS, concurrency: CONCURRENCY },
    };
  },
};

export default item;
