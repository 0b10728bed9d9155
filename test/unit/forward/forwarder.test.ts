import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import type { CapturedEvent } from '../../../src/core/model/event';
import { Emitter } from '../../../src/core/lifecycle';
import type { ForwardStateChange, ForwarderOptions, OutgoingRequest, RouteRule } from '../../../src/core/forward/index';
import { Forwarder, HostGuard, backoffDelay, deliveriesOf, eventType, routeTargets } from '../../../src/core/forward/index';
import type { Answer, TempStore } from './support';
import {
  FakeClock,
  FakeSleep,
  STRIPE_SECRET,
  capture,
  deadPort,
  gate,
  startHandler,
  strictGuard,
  stripeHandler,
  tempStore,
  until,
} from './support';

const T0 = new Date();
const T0_S = Math.floor(T0.getTime() / 1000);

function statesOf(changes: ForwardStateChange[], eventId: string): string[] {
  return changes.filter((c) => c.eventId === eventId).map((c) => c.state);
}

describe('Forwarder, immediate mode', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('a handler that is down gets retries with exponential backoff, then the failed state, all recorded', async () => {
    const clock = new FakeClock(T0.getTime());
    const sleep = new FakeSleep(true, clock);
    const { fwd, changes, event, port } = await forwardUntilFailed(ts.store, {
      maxAttempts: 5,
      now: clock.now,
      sleep: sleep.sleep,
      random: () => 0,
    });
    try {
      assert.deepEqual(sleep.delays, [1000, 2000, 4000, 8000]);
      assert.deepEqual(statesOf(changes, event.id), ['pending', 'retrying', 'retrying', 'retrying', 'retrying', 'failed']);
      assert.deepEqual(
        changes.filter((c) => c.state === 'retrying').map((c) => c.nextDelayMs),
        [1000, 2000, 4000, 8000],
      );
      assert.equal(fwd.stateOf(event.id).get(`http://localhost:${port}`), 'failed');
      const history = deliveriesOf(ts.store.get(event.id));
      assert.deepEqual(
        history.map((d) => [d.attempt, d.state, d.errorCode]),
        [
          [1, 'retrying', 'ECONNREFUSED'],
          [2, 'retrying', 'ECONNREFUSED'],
          [3, 'retrying', 'ECONNREFUSED'],
          [4, 'retrying', 'ECONNREFUSED'],
          [5, 'failed', 'ECONNREFUSED'],
        ],
      );
      assert.equal(history[4]!.startedAt, new Date(T0.getTime() + 15_000).toISOString(), 'the attempts follow the injected clock');
      assert.match(history[0]!.error!, /^Nothing is listening on localhost:\d+ — start your handler/);
    } finally {
      fwd.dispose();
    }
  });

  test('5xx is retried until the handler recovers; a 4xx is not retried', async () => {
    let calls = 0;
    const h = await startHandler((req) =>
      req.url === '/bad' ? { status: 400, body: 'no' } : ++calls <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' },
    );
    const sleep = new FakeSleep(true);
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      sleep: sleep.sleep,
      backoff: { initialMs: 500, factor: 3 },
      random: () => 0,
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/good', headers: [], body: 'a' });
      const { event: bad } = await capture(ts.store, { url: '/bad', headers: [], body: 'b' });
      fwd.forward(event);
      fwd.forward(bad);
      await until(() => changes.filter((c) => c.state === 'delivered' || c.state === 'failed').length === 2, 'both final');
      await fwd.whenIdle();
      assert.deepEqual(sleep.delays, [500, 1500]);
      assert.deepEqual(statesOf(changes, event.id), ['pending', 'retrying', 'retrying', 'delivered']);
      assert.deepEqual(statesOf(changes, bad.id), ['pending', 'failed']);
      assert.deepEqual(
        deliveriesOf(ts.store.get(event.id)).map((d) => d.status),
        [503, 503, 200],
      );
      assert.deepEqual(
        deliveriesOf(ts.store.get(bad.id)).map((d) => [d.status, d.state]),
        [[400, 'failed']],
      );
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('order is kept per target: the next event waits for the one before, retries included', async () => {
    let first = true;
    const h = await startHandler((req) => {
      if (req.url === '/e1' && first) {
        first = false;
        return { status: 500, body: 'crash' };
      }
      return { status: 200 };
    });
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), sleep: sleep.sleep });
    try {
      const events: CapturedEvent[] = [];
      for (const n of [1, 2, 3]) {
        events.push((await capture(ts.store, { url: `/e${n}`, headers: [], body: String(n) })).event);
      }
      for (const e of events) {
        fwd.forward(e);
      }
      await until(() => sleep.waiting.length === 1, 'the retry of e1 to be scheduled');
      assert.deepEqual(
        h.seen.map((s) => s.url),
        ['/e1'],
        'e2 and e3 wait while e1 is retrying',
      );
      sleep.fire();
      await until(() => h.seen.length === 4, 'all deliveries');
      await fwd.whenIdle();
      assert.deepEqual(
        h.seen.map((s) => s.url),
        ['/e1', '/e1', '/e2', '/e3'],
      );
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('a handler that answers after a long pause (a breakpoint) still delivers: no timeout in immediate mode', async () => {
    const clock = new FakeClock(T0.getTime());
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200, body: 'finally' };
    });
    const sleep = new FakeSleep(false, clock);
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      now: clock.now,
      sleep: sleep.sleep,
      timeoutMs: 1000,
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/slow', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => h.seen.length === 1, 'the handler to get the request');
      clock.advance(10 * 60_000); // ten minutes on a breakpoint
      assert.deepEqual(sleep.delays, [], 'no timer was started: nothing can time out');
      breakpoint.open();
      await until(() => changes.some((c) => c.state === 'delivered'), 'delivery');
      const d = deliveriesOf(ts.store.get(event.id))[0]!;
      assert.equal(d.status, 200);
      assert.equal(d.body, 'finally');
      assert.equal(d.durationMs, 600_000);
      assert.equal(d.kind, 'immediate');
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('re-signs live deliveries with a fresh timestamp: an event whose signature is 30 minutes old is accepted by the Stripe SDK (and refused without re-signing)', async () => {
    const h = await stripeHandler();
    const stripe = new Stripe('sk_test_not_used');
    const body = '{"id":"evt_live","object":"event","type":"invoice.paid"}';
    const sleep = new FakeSleep(true);
    const asked: Array<string | undefined> = [];
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      sleep: sleep.sleep,
      now: () => T0,
      signing: async (_event, provider) => {
        asked.push(provider);
        return { secrets: provider === 'stripe' ? [STRIPE_SECRET] : [] };
      },
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const sig = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET, timestamp: T0_S - 1800 });
      const { event } = await capture(ts.store, {
        url: '/stripe',
        headers: [
          ['Stripe-Signature', sig],
          ['Content-Type', 'application/json'],
        ],
        body,
      });
      fwd.forward(event);
      await until(() => changes.some((c) => c.state === 'delivered' || c.state === 'failed'), 'a final state');
      const d = deliveriesOf(ts.store.get(event.id))[0]!;
      assert.equal(d.status, 200, d.body);
      assert.equal(d.resigned, true);
      assert.deepEqual(asked, ['stripe'], 'the secret is looked up for the detected provider');

      const plain = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), sleep: sleep.sleep, maxAttempts: 1 });
      const { event: again } = await capture(ts.store, {
        url: '/stripe',
        headers: [
          ['Stripe-Signature', sig],
          ['Content-Type', 'application/json'],
        ],
        body,
      });
      plain.forward(again);
      await plain.whenIdle();
      plain.dispose();
      assert.deepEqual(
        deliveriesOf(ts.store.get(again.id)).map((x) => [x.status, x.resigned, x.state]),
        [[400, false, 'failed']],
      );
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('a non-loopback target is asked about; refused, the event fails without a request', async () => {
    const sent: OutgoingRequest[] = [];
    const asked: string[] = [];
    const fwd = new Forwarder({
      store: ts.store,
      target: 'https://hooks.example.net',
      guard: new HostGuard({ confirmHost: async (h) => (asked.push(h), false) }),
      transport: async (req) => {
        sent.push(req);
        return { status: 200, headers: [], body: Buffer.alloc(0), bodySize: 0, truncated: false };
      },
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/x', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => changes.some((c) => c.state === 'failed'), 'failed');
      assert.deepEqual(asked, ['hooks.example.net']);
      assert.equal(sent.length, 0);
      assert.equal(deliveriesOf(ts.store.get(event.id))[0]!.errorCode, 'REFUSED_HOST');
      assert.equal(deliveriesOf(ts.store.get(event.id)).length, 1, 'a refusal is not retried');
      const { event: next } = await capture(ts.store, { url: '/y', headers: [], body: '{}' });
      fwd.forward(next);
      await fwd.whenIdle();
      assert.deepEqual(asked, ['hooks.example.net'], 'live events do not ask again after a no');
      assert.equal(fwd.stateOf(next.id).get('https://hooks.example.net'), 'failed');
    } finally {
      fwd.dispose();
    }
  });

  test('refuses to forward to the receiver itself (a loop)', async () => {
    const h = await startHandler();
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), isSelf: (u) => u.port === String(h.port) });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/x', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => changes.some((c) => c.state === 'failed'), 'failed');
      assert.equal(h.seen.length, 0);
      assert.match(deliveriesOf(ts.store.get(event.id))[0]!.error!, /would loop/);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('attach() forwards what the receiver captures', async () => {
    const h = await startHandler();
    const captured = new Emitter<CapturedEvent>();
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard() });
    try {
      fwd.attach(captured.event);
      const { event } = await capture(ts.store, { url: '/attached', headers: [], body: 'x' });
      captured.fire(event);
      await until(() => h.seen.length === 1, 'delivery');
      assert.equal(h.seen[0]!.url, '/attached');
      const rejected = { ...event, id: 'evt_rejected', rejected: 'body-too-large' };
      captured.fire(rejected);
      await fwd.whenIdle();
      assert.equal(h.seen.length, 1, 'events without a body are not forwarded');
    } finally {
      fwd.dispose();
      captured.dispose();
      await h.close();
    }
  });
});

describe('Forwarder, proxy mode', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test("the provider gets the handler's status and body; the delivery is recorded once the event is stored", async () => {
    const h = await startHandler(() => ({
      status: 422,
      body: '{"error":"unknown customer"}',
      headers: { 'content-type': 'application/json', 'x-request-id': 'r1' },
    }));
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard() });
    try {
      const reply = await fwd.proxy({
        id: 'evt_pending',
        method: 'POST',
        url: '/p?x=1',
        headers: [['Content-Type', 'application/json']],
        body: Buffer.from('{"a":1}'),
      });
      assert.equal(reply.status, 422);
      assert.equal(reply.body, '{"error":"unknown customer"}');
      assert.equal(reply.contentType, 'application/json');
      assert.equal(reply.headers?.['x-request-id'], 'r1');
      assert.equal(h.seen[0]!.url, '/p?x=1');
      assert.equal(fwd.stateOf('evt_pending').get(h.url), 'failed', 'a 4xx from the handler');
      // The receiver then stores the event under the same id and fires onDidCapture → forward().
      const { event } = await capture(ts.store, {
        id: 'evt_pending',
        url: '/p?x=1',
        headers: [['Content-Type', 'application/json']],
        body: '{"a":1}',
      });
      fwd.forward(event);
      await until(() => deliveriesOf(ts.store.get(event.id)).length === 1, 'the proxied delivery recorded');
      await fwd.whenIdle();
      const d = deliveriesOf(ts.store.get(event.id))[0]!;
      assert.equal(d.kind, 'proxy');
      assert.equal(d.status, 422);
      assert.equal(d.body, '{"error":"unknown customer"}');
      assert.equal(d.state, 'failed');
      assert.equal(h.seen.length, 1, 'forward() does not deliver a proxied event again');
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('the timeout applies in proxy mode: the provider gets 504, recorded as a TIMEOUT delivery', async () => {
    const breakpoint = gate();
    let closed = false;
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200 } satisfies Answer;
    });
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', timeoutMs: 9000, guard: strictGuard(), sleep: sleep.sleep });
    try {
      const pending = fwd.proxy({ id: 'evt_t', method: 'POST', url: '/slow', headers: [], body: Buffer.from('{}') });
      await until(() => h.seen.length === 1 && sleep.waiting.length === 1, 'request sent and timer started');
      assert.deepEqual(sleep.waiting, [9000]);
      sleep.fire();
      const reply = await pending;
      closed = true;
      assert.equal(reply.status, 504);
      assert.match(String(reply.body), /did not answer within 9 s/);
      breakpoint.open();
      const { event } = await capture(ts.store, { id: 'evt_t', url: '/slow', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => deliveriesOf(ts.store.get('evt_t')).length === 1, 'recorded');
      assert.equal(deliveriesOf(ts.store.get('evt_t'))[0]!.errorCode, 'TIMEOUT');
      assert.equal(deliveriesOf(ts.store.get('evt_t'))[0]!.status, undefined);
    } finally {
      if (!closed) {
        breakpoint.open();
      }
      fwd.dispose();
      await h.close();
    }
  });

  test('when the sender hangs up, the handler request is cancelled', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200 };
    });
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard(), sleep: new FakeSleep(false).sleep });
    try {
      const hangUp = new AbortController();
      const pending = fwd.proxy({ id: 'evt_h', method: 'POST', url: '/x', headers: [], body: Buffer.from('{}'), signal: hangUp.signal });
      await until(() => h.seen.length === 1, 'request sent');
      hangUp.abort();
      const reply = await pending;
      assert.equal(reply.status, 502);
      assert.match(String(reply.body), /sender hung up/);
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h.close();
    }
  });

  test('a handler that is down gives the provider 502 with the reason; a fast answer cancels the timer', async () => {
    const port = await deadPort();
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({
      store: ts.store,
      target: `http://127.0.0.1:${port}`,
      mode: 'proxy',
      guard: strictGuard(),
      sleep: sleep.sleep,
    });
    try {
      const reply = await fwd.proxy({ id: 'evt_d', method: 'POST', url: '/x', headers: [], body: Buffer.alloc(0) });
      assert.equal(reply.status, 502);
      assert.match(String(reply.body), /Nothing is listening on 127\.0\.0\.1:\d+/);
      assert.deepEqual(sleep.waiting, [], 'the timeout timer was cancelled');
    } finally {
      fwd.dispose();
    }
  });
});

describe('routing and fan-out', () => {
  const stripeHeaders: Array<[string, string]> = [['Stripe-Signature', 't=1,v1=00']];
  const githubHeaders: Array<[string, string]> = [
    ['X-GitHub-Event', 'pull_request'],
    ['X-Hub-Signature-256', 'sha256=00'],
  ];
  const rules: RouteRule[] = [
    { provider: 'stripe', targets: ['http://localhost:4000', 'http://localhost:4001'] },
    { eventType: 'pull_request.opened', targets: ['http://localhost:5000'] },
    { path: '/api/**/hooks', targets: ['http://localhost:6000'] },
    { path: '/legacy', targets: ['http://localhost:7000', 'http://localhost:4000'] },
    { provider: 'github', eventType: 'push', targets: ['http://localhost:8000'] },
  ];
  const def = 'http://localhost:3000';
  const enc = (s: string) => Buffer.from(s);

  test('rules by provider, event type (from headers and body), glob and prefix path; fan-out without duplicates; default otherwise', () => {
    assert.deepEqual(routeTargets({ method: 'POST', url: '/s', headers: stripeHeaders }, rules, def), [
      'http://localhost:4000',
      'http://localhost:4001',
    ]);
    assert.deepEqual(routeTargets({ method: 'POST', url: '/gh', headers: githubHeaders }, rules, def, enc('{"action":"opened"}')), [
      'http://localhost:5000',
    ]);
    assert.deepEqual(routeTargets({ method: 'POST', url: '/gh', headers: githubHeaders }, rules, def, enc('{"action":"closed"}')), [def]);
    assert.deepEqual(routeTargets({ method: 'POST', url: '/api/v1/x/hooks?y=1', headers: [] }, rules, def), ['http://localhost:6000']);
    assert.deepEqual(routeTargets({ method: 'POST', url: '/api/hooks', headers: [] }, rules, def), [def], '** needs a segment between');
    assert.deepEqual(routeTargets({ method: 'POST', url: '/legacy/sub', headers: stripeHeaders }, rules, def), [
      'http://localhost:4000',
      'http://localhost:4001',
      'http://localhost:7000',
    ]);
    assert.deepEqual(routeTargets({ method: 'POST', url: '/legacyx', headers: [] }, rules, def), [def], 'a prefix matches whole segments');
    assert.deepEqual(
      routeTargets(
        {
          method: 'POST',
          url: '/x',
          headers: [
            ['X-GitHub-Event', 'push'],
            ['X-Hub-Signature-256', 'sha256=00'],
          ],
        },
        rules,
        def,
      ),
      ['http://localhost:8000'],
    );
    assert.deepEqual(routeTargets({ method: 'POST', url: '/x', headers: [] }, [], def), [def]);
  });

  test('event types', () => {
    assert.equal(eventType({ headers: [['X-Shopify-Topic', 'orders/create']] }), 'orders/create');
    assert.equal(eventType({ headers: [] }, enc('{"type":"payment_intent.succeeded"}')), 'payment_intent.succeeded');
    assert.equal(eventType({ headers: [['X-GitHub-Event', 'push']] }, enc('{"ref":"x"}')), 'push');
    assert.equal(eventType({ headers: [] }, enc('not json')), undefined);
    assert.deepEqual(
      routeTargets(
        { method: 'POST', url: '/', headers: [] },
        [{ eventType: 'payment_intent', targets: ['a'] }],
        def,
        enc('{"type":"payment_intent.succeeded"}'),
      ),
      ['a'],
    );
    assert.deepEqual(
      routeTargets(
        { method: 'POST', url: '/', headers: [] },
        [{ eventType: 'payment_intent.*', targets: ['a'] }],
        def,
        enc('{"type":"payment_intent.succeeded"}'),
      ),
      ['a'],
    );
    assert.deepEqual(
      routeTargets(
        { method: 'POST', url: '/', headers: [] },
        [{ eventType: 'payment_*', targets: ['a'] }],
        def,
        enc('{"type":"payment_intent.succeeded"}'),
      ),
      [def],
    );
  });

  test('the forwarder fans an event out to every routed target, keeping order per target', async () => {
    const ts = await tempStore();
    const a = await startHandler();
    const b = await startHandler();
    const c = await startHandler();
    const fwd = new Forwarder({
      store: ts.store,
      target: c.url,
      routes: [
        { path: '/both', targets: [a.url, b.url] },
        { path: '/both/dup', targets: [b.url] },
      ],
      guard: strictGuard(),
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((ch) => changes.push(ch));
    try {
      const events: CapturedEvent[] = [];
      for (const url of ['/both/1', '/other', '/both/dup', '/both/2']) {
        events.push((await capture(ts.store, { url, headers: [], body: url })).event);
      }
      for (const e of events) {
        fwd.forward(e);
      }
      await until(() => changes.filter((ch) => ch.state === 'delivered').length >= 7, 'seven deliveries');
      await fwd.whenIdle();
      assert.equal(
        changes.filter((ch) => ch.state === 'delivered').length,
        7,
        '3 to a, 3 to b (the second rule adds no duplicate), 1 to the default',
      );
      assert.deepEqual(
        a.seen.map((s) => s.url),
        ['/both/1', '/both/dup', '/both/2'],
      );
      assert.deepEqual(
        b.seen.map((s) => s.url),
        ['/both/1', '/both/dup', '/both/2'],
      );
      assert.deepEqual(
        c.seen.map((s) => s.url),
        ['/other'],
      );
      assert.deepEqual(
        [...fwd.stateOf(events[0]!.id).entries()],
        [
          [a.url, 'delivered'],
          [b.url, 'delivered'],
        ],
      );
      assert.equal(deliveriesOf(ts.store.get(events[0]!.id)).length, 2, 'both deliveries recorded, neither overwrote the other');
    } finally {
      fwd.dispose();
      await Promise.all([a.close(), b.close(), c.close()]);
      await ts.close();
    }
  });
});

test('backoffDelay grows exponentially up to the cap', () => {
  const noJitter = () => 0;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, {}, noJitter)),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000],
  );
  assert.deepEqual(
    [1, 2, 3].map((n) => backoffDelay(n, { initialMs: 100, factor: 10, maxMs: 5000 }, noJitter)),
    [100, 1000, 5000],
  );
});

test('retries to one handler are jittered (the shared backoff), so they do not run in lockstep', async () => {
  const ts = await tempStore();
  const draws = [0.9, 0.1, 0.5];
  const sleep = new FakeSleep(true);
  const { fwd } = await forwardUntilFailed(ts.store, { maxAttempts: 4, sleep: sleep.sleep, random: () => draws.shift() ?? 0 });
  try {
    // base 1000, 2000, 4000 less jitter (0.5 x base x draw): never above the base, never below half of it.
    assert.deepEqual(sleep.delays, [550, 1900, 3000]);
  } finally {
    fwd.dispose();
    await ts.close();
  }
});

/** Forwards one event to a port nothing listens on and waits until it has failed (the caller disposes `fwd`). */
async function forwardUntilFailed(
  store: TempStore['store'],
  options: Partial<ForwarderOptions>,
): Promise<{ fwd: Forwarder; changes: ForwardStateChange[]; event: CapturedEvent; port: number }> {
  const port = await deadPort();
  const fwd = new Forwarder({ store, target: `http://localhost:${port}`, guard: strictGuard(), ...options });
  const changes: ForwardStateChange[] = [];
  fwd.onDidChangeState((c) => changes.push(c));
  try {
    const { event } = await capture(store, { url: '/hook', headers: [], body: '{}' });
    fwd.forward(event);
    await until(() => changes.some((c) => c.state === 'failed'), 'the failed state');
    await fwd.whenIdle();
    return { fwd, changes, event, port };
  } catch (err) {
    fwd.dispose();
    throw err;
  }
}
