/**
 * Test helpers for the forward core: real handler servers on 127.0.0.1 that check signatures with the
 * providers' official SDKs, a temporary event store, and a fake clock/sleep (no test ever sleeps).
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isValidSlackRequest } from '@slack/bolt';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import type { Delivery } from '../../../src/core/model/delivery';
import type { CapturedEvent } from '../../../src/core/model/event';
import type { Sleep } from '../../../src/core/forward/index';
import type { Logger } from '../../../src/core/logger';
import { HostGuard } from '../../../src/core/forward/index';
import { EventStore } from '../../../src/core/store';

export const STRIPE_SECRET = 'whsec_test_forward_5f2c8a';
export const GITHUB_SECRET = "It's a Secret to Everybody";
export const SHOPIFY_SECRET = 'shpss_0123456789abcdef';
export const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What a handler saw. */
export interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  /** Text (sent as UTF-8) or exact bytes. */
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Handler {
  readonly url: string;
  readonly port: number;
  readonly seen: Seen[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0: any); `answer` decides the response (it may wait on a promise). */
export async function startHandler(
  answer: (req: Seen) => Answer | Promise<Answer> = () => ({ status: 200, body: 'ok' }),
  listenPort = 0,
): Promise<Handler> {
  const seen: Seen[] = [];
  let connections = 0;
  let open = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(s);
      void Promise.resolve(answer(s)).then((a) => {
        if (res.destroyed) {
          return;
        }
        res.writeHead(a.status, { 'content-type': 'text/plain; charset=utf-8', ...(a.headers ?? {}) });
        res.end(a.body ?? '');
      });
    });
  });
  // Node closes idle server connections after 5 s; a minute here, so that only the client closes them
  // in the tests of the transport's own idle timeout.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    connections++;
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    get connections() {
      return connections;
    },
    get open() {
      return open;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const h = await startHandler();
  await h.close();
  return h.port;
}

function reject(message: string): Answer {
  return { status: 400, body: `rejected: ${message}` };
}

const stripe = new Stripe('sk_test_not_used');

/** Stripe's SDK: `webhooks.constructEvent` with the real clock (300 s tolerance). */
export function stripeHandler(secret = STRIPE_SECRET): Promise<Handler> {
  return startHandler((req) => {
    try {
      const event = stripe.webhooks.constructEvent(req.body, String(req.headers['stripe-signature'] ?? ''), secret);
      return { status: 200, body: `ok ${event.type}` };
    } catch (err) {
      return reject((err as Error).message);
    }
  });
}

/** GitHub: `@octokit/webhooks-methods` `verify` on X-Hub-Signature-256. */
export function githubHandler(secret = GITHUB_SECRET): Promise<Handler> {
  return startHandler(async (req) => {
    const { verify } = await import('@octokit/webhooks-methods'); // ESM-only package
    const ok = await verify(secret, req.body.toString('utf8'), String(req.headers['x-hub-signature-256'] ?? ''));
    return ok ? { status: 200, body: `ok ${String(req.headers['x-github-event'])}` } : reject('bad signature');
  });
}

/** Shopify: base64 HMAC-SHA256 of the raw body, compared by hand in constant time. */
export function shopifyHandler(secret = SHOPIFY_SECRET): Promise<Handler> {
  return startHandler((req) => {
    const expected = createHmac('sha256', secret).update(req.body).digest();
    const given = Buffer.from(String(req.headers['x-shopify-hmac-sha256'] ?? ''), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? { status: 200, body: `ok ${String(req.headers['x-shopify-topic'])}` }
      : reject('bad hmac');
  });
}

/** Standard Webhooks: `new Webhook(secret).verify` with the real clock. */
export function standardHandler(secret = STANDARD_SECRET): Promise<Handler> {
  const wh = new StandardWebhook(secret);
  return startHandler((req) => {
    try {
      wh.verify(req.body.toString('utf8'), {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      });
      return { status: 200, body: `ok ${String(req.headers['webhook-id'])}` };
    } catch (err) {
      return reject((err as Error).message);
    }
  });
}

/** Slack: `isValidSlackRequest` from @slack/bolt with the real clock. */
export function slackHandler(secret = SLACK_SECRET): Promise<Handler> {
  return startHandler((req) => {
    const ok = isValidSlackRequest({
      signingSecret: secret,
      body: req.body.toString('utf8'),
      headers: {
        'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
        'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
      },
    });
    return ok ? { status: 200, body: 'ok slack' } : reject('bad slack signature');
  });
}

export interface TempStore {
  store: EventStore;
  close(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-fwd-'));
  const store = await EventStore.open(dir, { maxEvents: 1000 });
  return {
    store,
    close: async () => {
      await store.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stores a captured request as the receiver would. */
export async function capture(
  store: EventStore,
  req: { id?: string; method?: string; url: string; headers: Array<[string, string]>; body: Uint8Array | string; receivedAt?: Date },
): Promise<{ event: CapturedEvent; body: Buffer }> {
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : Buffer.from(req.body);
  const event = await store.append(
    {
      method: req.method ?? 'POST',
      url: req.url,
      headers: req.headers,
      remoteAddress: '127.0.0.1',
      size: body.length,
      response: { status: 200, body: '{"ok":true}', contentType: 'application/json' },
      ...(req.receivedAt ? { receivedAt: req.receivedAt.toISOString() } : {}),
      ...(req.id ? { id: req.id } : {}),
    },
    body,
  );
  return { event, body };
}

/** A clock the test moves. */
export class FakeClock {
  constructor(private t: number) {}
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * A sleep that records every requested delay. `auto`: resolves at once (advancing the clock when one
 * is given); otherwise the test resolves pending sleeps with `fire()`.
 */
export class FakeSleep {
  readonly delays: number[] = [];
  private readonly pending: Array<{ ms: number; resolve: () => void }> = [];
  constructor(
    private readonly auto: boolean,
    private readonly clock?: FakeClock,
  ) {}

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      this.delays.push(ms);
      if (this.auto) {
        this.clock?.advance(ms);
        resolve();
        return;
      }
      const entry = { ms, resolve };
      this.pending.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.pending.indexOf(entry);
          if (i >= 0) {
            this.pending.splice(i, 1);
          }
          resolve();
        },
        { once: true },
      );
    });

  get waiting(): number[] {
    return this.pending.map((p) => p.ms);
  }

  /** Lets the oldest pending sleep finish (after advancing the clock by its delay). */
  fire(): void {
    const p = this.pending.shift();
    assert.ok(p, 'a sleep is pending');
    this.clock?.advance(p.ms);
    p.resolve();
  }
}

/** A guard for loopback-only tests that fails the test if it ever asks. */
export function strictGuard(): HostGuard {
  return new HostGuard({
    confirmHost: async (host) => {
      assert.fail(`unexpected confirmation request for ${host}`);
    },
  });
}

/** `[name, value]` pairs from rawHeaders. */
export function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

/** Resolves once `predicate` holds, polling (a wait for I/O, never a timing assertion). */
export async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 4000; i++) {
    if (predicate()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`gave up waiting for ${what}`);
}

/**
 * A `lookup` for the transport that resolves `name` (a host name that is NOT loopback by name) to
 * 127.0.0.1 and refuses every other name, so a test can send "to another host" without any traffic
 * leaving loopback. `lookups` records every name asked for.
 */
export function nameToLoopback(name: string): { lookup: LookupFunction; lookups: string[] } {
  const lookups: string[] = [];
  const lookup = ((
    hostname: string,
    options: unknown,
    callback: (err: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void,
  ) => {
    lookups.push(hostname);
    if (hostname !== name) {
      callback(Object.assign(new Error(`lookup refused for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
    } else if ((options as { all?: boolean } | undefined)?.all) {
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    } else {
      callback(null, '127.0.0.1', 4);
    }
  }) as LookupFunction;
  return { lookup, lookups };
}

/** A promise the test resolves by hand: a handler "sitting on a breakpoint". */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** A logger that keeps every line as `level message`. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

/**
 * Whether the object behind `ref` can be garbage-collected now, i.e. nothing keeps it alive (bounded
 * memory: what a component is done with, it lets go of). Runs full collections with V8's `gc`.
 */
export async function released(ref: WeakRef<object>): Promise<boolean> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 10; i++) {
    // A WeakRef keeps its target until the current job ends: let it end first.
    await new Promise((r) => setImmediate(r));
    gc();
    if (ref.deref() === undefined) {
      return true;
    }
  }
  return false;
}

/** A delivery record numbered `n` (id `dlv_n`, header X-N: n), with `extra` over it, for the delivery log's tests. */
export function delivery(n: number, extra: Partial<Delivery> = {}): Delivery {
  return {
    id: `dlv_${n}`,
    kind: 'resend',
    target: 'http://localhost:3000/x',
    startedAt: new Date(n * 1000).toISOString(),
    durationMs: n,
    attempt: 1,
    resigned: false,
    status: 200,
    headers: [['X-N', String(n)]],
    body: `answer ${n}`,
    bodySize: 8,
    truncated: false,
    ...extra,
  };
}
