/**
 * Guards proxy mode's promises (forwarder.ts `proxy`): the request goes to its route's first target;
 * states go pending → delivered or failed; a sender that hangs up cuts the request with ABORTED; the
 * signing hook sees when the request was received; while debugging (hold), the sender gets a JSON 200,
 * the log says how long it waited, and the sender hanging up after that no longer cuts the handler
 * request; every proxied request takes its listeners away again; more than 1000 held deliveries (the
 * oldest no longer tracked) all settle without an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder } from '../../../src/core/forward/forwarder';
import type { ForwardStateChange, ProxyRequest } from '../../../src/core/forward/forwarder';
import { deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { HostGuard } from '../../../src/core/forward/target';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { TempStore } from './support';
import { FakeClock, FakeSleep, capture, deadPort, gate, recordingLogger, startHandler, strictGuard, tempStore, until } from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });

function request(id: string, more: Partial<ProxyRequest> = {}): ProxyRequest {
  return { id, method: 'POST', url: '/hook', headers: [], body: Buffer.from('{}'), ...more };
}

describe('proxy mode answers', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test("a route's target gets the request; its state goes pending, then delivered", async () => {
    const fallback = await startHandler();
    const routed = await startHandler(() => ({ status: 202, body: 'routed' }));
    const fwd = new Forwarder({
      store: ts.store,
      target: fallback.url,
      routes: [{ path: '/routed', targets: [routed.url] }],
      mode: 'proxy',
      guard: strictGuard(),
      transport,
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const reply = await fwd.proxy(request('evt_routed', { url: '/routed' }));
      assert.equal(reply.status, 202);
      assert.equal(routed.seen.length, 1);
      assert.equal(fallback.seen.length, 0);
      assert.deepEqual(
        changes.map((c) => [c.target, c.state, c.attempt]),
        [
          [routed.url, 'pending', 0],
          [routed.url, 'delivered', 1],
        ],
      );
    } finally {
      fwd.dispose();
      await fallback.close();
      await routed.close();
    }
  });

  test('a handler that cannot be reached: 502, state failed, and the stored event records a failed delivery', async () => {
    const target = `http://127.0.0.1:${await deadPort()}`;
    const fwd = new Forwarder({ store: ts.store, target, mode: 'proxy', guard: strictGuard(), transport });
    const states: string[] = [];
    fwd.onDidChangeState((c) => states.push(c.state));
    try {
      const reply = await fwd.proxy(request('evt_unreachable'));
      assert.equal(reply.status, 502);
      assert.deepEqual(states, ['pending', 'failed']);
      assert.equal(fwd.stateOf('evt_unreachable').get(target), 'failed');
      const { event } = await capture(ts.store, { id: 'evt_unreachable', url: '/hook', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => deliveriesOf(ts.store.get(event.id)).length === 1, 'the delivery recorded');
      const [d] = deliveriesOf(ts.store.get(event.id));
      assert.equal(d?.state, 'failed');
      assert.equal(d?.errorCode, 'ECONNREFUSED');
    } finally {
      fwd.dispose();
    }
  });

  test('a sender that hangs up while the handler works: the delivery ends ABORTED', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200, body: 'late' };
    });
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      mode: 'proxy',
      guard: strictGuard(),
      sleep: new FakeSleep(false).sleep,
      transport,
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const sender = new AbortController();
      const pending = fwd.proxy(request('evt_hangup', { signal: sender.signal }));
      await until(() => h.seen.length === 1, 'request sent');
      sender.abort();
      const reply = await pending;
      assert.equal(reply.status, 502);
      const last = changes.at(-1)!;
      assert.equal(last.state, 'failed');
      assert.equal(last.delivery?.errorCode, 'ABORTED');
      assert.equal(last.delivery?.error, 'The sender hung up before the handler answered.');
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h.close();
    }
  });

  test('the signing hook sees when the request was received (the clock when the receiver gives no time)', async () => {
    const h = await startHandler();
    const clock = new FakeClock(Date.parse('2026-12-05T01:00:00.000Z'));
    const seen: Array<string | undefined> = [];
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      mode: 'proxy',
      guard: strictGuard(),
      transport,
      now: clock.now,
      signing: (ev) => {
        seen.push(ev.receivedAt);
        return {};
      },
    });
    try {
      await fwd.proxy(request('evt_at', { receivedAt: '2026-12-04T23:59:00.000Z' }));
      await fwd.proxy(request('evt_now'));
      assert.deepEqual(seen, ['2026-12-04T23:59:00.000Z', '2026-12-05T01:00:00.000Z']);
      assert.equal(h.seen.length, 2);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('hold (debugging): a JSON 200 and a log line at the timeout; the sender hanging up after that does not cut the handler request', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 201, body: 'after the breakpoint' };
    });
    const sleep = new FakeSleep(false);
    const logger = recordingLogger();
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      mode: 'proxy',
      timeoutMs: 2500,
      noTimeout: () => true,
      guard: strictGuard(),
      sleep: sleep.sleep,
      logger,
      transport,
    });
    try {
      const sender = new AbortController();
      const pending = fwd.proxy(request('evt_hold', { signal: sender.signal }));
      await until(() => h.seen.length === 1 && sleep.waiting.length === 1, 'request sent and timer started');
      sleep.fire();
      const reply = await pending;
      assert.deepEqual(reply, {
        status: 200,
        body: JSON.stringify({ ok: true, id: 'evt_hold' }),
        contentType: 'application/json; charset=utf-8',
      });
      assert.ok(
        logger.lines.includes(
          `info Forward: evt_hold → ${h.url}: still waiting on the handler after 2.5 s (debugging: no timeout); the sender got the receiver's 2xx.`,
        ),
        logger.lines.join('\n'),
      );
      sender.abort(); // the sender closes its connection once it has its answer
      breakpoint.open();
      await until(() => fwd.stateOf('evt_hold').get(h.url) !== 'pending', 'the handler answered');
      assert.equal(fwd.stateOf('evt_hold').get(h.url), 'delivered');
      const { event } = await capture(ts.store, { id: 'evt_hold', url: '/hook', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => deliveriesOf(ts.store.get(event.id)).length === 1, 'the held delivery recorded');
      assert.equal(deliveriesOf(ts.store.get(event.id))[0]?.status, 201);
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h.close();
    }
  });

  test("proxied requests one after another leave no listener behind (on the forwarder's stop, or on a sender's signal)", async () => {
    const h = await startHandler();
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard(), transport });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void (w.name === 'MaxListenersExceededWarning' && warnings.push(w));
    process.on('warning', onWarning);
    try {
      // One signal for all (a caller may tie every request to one session): Node warns past 10 listeners.
      const session = new AbortController();
      for (let i = 0; i < 12; i++) {
        assert.equal((await fwd.proxy(request(`evt_seq_${i}`, { signal: session.signal }))).status, 200);
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
      assert.equal(h.seen.length, 12);
    } finally {
      process.off('warning', onWarning);
      fwd.dispose();
      await h.close();
    }
  });

  test('more than 1000 deliveries held at once: each one that ends, tracked or not, settles without an error', async () => {
    const answer = gate();
    // A host to confirm: every request waits on the one question, so no connection is opened.
    const guard = new HostGuard({ confirmHost: () => answer.promise.then(() => false) });
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({
      store: ts.store,
      target: 'http://hooks.example.test:1',
      mode: 'proxy',
      noTimeout: () => true,
      guard,
      sleep: sleep.sleep,
      transport,
    });
    const ended = new Set<string>();
    fwd.onDidChangeState((c) => c.state === 'failed' && ended.add(c.eventId));
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const replies: Array<Promise<unknown>> = [];
      for (let i = 0; i <= 1000; i++) {
        replies.push(fwd.proxy(request(`evt_held_${i}`)));
      }
      await until(() => sleep.waiting.length === 1001, 'every timer started');
      for (let i = 0; i <= 1000; i++) {
        sleep.fire();
      }
      await Promise.all(replies);
      answer.open();
      await until(() => ended.size === 1001, 'every held delivery ended');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(rejections, []);
      // The newest is kept for its event, as any held delivery that ends before the event is stored.
      const { event } = await capture(ts.store, { id: 'evt_held_1000', url: '/hook', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => deliveriesOf(ts.store.get(event.id)).length === 1, 'the newest held delivery recorded');
      assert.equal(deliveriesOf(ts.store.get(event.id))[0]?.errorCode, 'REFUSED_HOST');
    } finally {
      process.off('unhandledRejection', onRejection);
      answer.open();
      fwd.dispose();
    }
  });
});
