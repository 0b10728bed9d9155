import autocannon from 'autocannon';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { epochMs } from './child';
import { WORKLOAD } from './workload';

export interface LoadResult {
  /** 2xx responses seen by the load generator. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Wall time of the run as the load generator saw it, ms. */
  readonly ms: number;
  /** 2xx per second over `ms`. */
  readonly rps: number;
  /** Client-measured latency (autocannon's histogram), ms. */
  readonly latency: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Wall clock (epochMs) when the run started and ended. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * One closed-loop run of autocannon against `url` with the shared workload (1 KB JSON POST):
 * either for `durationSec` or for exactly `amount` requests. Same generator and settings for every
 * server, so their figures can be divided.
 */
export async function runLoad(url: string, opts: { connections: number; durationSec?: number; amount?: number }): Promise<LoadResult> {
  const startedAt = epochMs();
  const t0 = performance.now();
  // autocannon settles a run of `amount` requests on its once-a-second tick, so the wall time around it
  // moves in whole seconds; the time of the last response is the run's real end.
  let lastResponseAt = t0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${WORKLOAD.path}`,
        method: WORKLOAD.method,
        headers: WORKLOAD.headers,
        body: WORKLOAD.body,
        connections: opts.connections,
        pipelining: 1,
        timeout: 10,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationSec ?? 3 }),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', () => {
      lastResponseAt = performance.now();
    });
  });
  const ms = (opts.amount ? lastResponseAt : performance.now()) - t0;
  const ok = result['2xx'];
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ms,
    rps: ok / (ms / 1000),
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    startedAt,
    endedAt: startedAt + ms,
  };
}

export interface RateResult {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Per-request client latency (request start → response end), ms, in send order. */
  readonly latencies: number[];
  readonly ms: number;
  readonly achievedRps: number;
}

/**
 * An open-loop generator: sends `rate` requests a second for `durationSec` over at most
 * `connections` keep-alive sockets, each with a unique `x-bench-seq` header (so the server can
 * match arrival and capture), and measures every request's latency. Used where per-request
 * latencies are needed (autocannon reports no p95).
 */
export async function runRate(
  url: string,
  opts: { rate: number; durationSec: number; connections: number; seqBase: number },
): Promise<RateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.durationSec);
  const latencies: number[] = new Array(total).fill(Number.NaN);
  const target = new URL(`${url}${WORKLOAD.path}`);
  let sent = 0;
  let done = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    await new Promise<void>((resolve) => {
      const fireOne = (i: number) => {
        const start = performance.now();
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: WORKLOAD.method,
            agent,
            timeout: 10_000,
            headers: { ...WORKLOAD.headers, 'content-length': String(WORKLOAD.body.length), 'x-bench-seq': String(opts.seqBase + i) },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              latencies[i] = performance.now() - start;
              if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
                ok++;
              } else {
                failed++;
              }
              finish();
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => {
          failed++;
          finish();
        });
        req.end(WORKLOAD.body);
      };
      const finish = () => {
        done++;
        if (done === total) {
          resolve();
        }
      };
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) * opts.rate) / 1000) + 1);
        while (sent < due) {
          fireOne(sent++);
        }
        if (sent < total) {
          setTimeout(tick, 1);
        }
      };
      tick();
    });
  } finally {
    agent.destroy();
  }
  const ms = performance.now() - t0;
  return { sent, ok, failed, latencies, ms, achievedRps: ok / (ms / 1000) };
}
