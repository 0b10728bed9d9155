/**
 * Deliveries that wait for the debugger: with `noTimeout()` true (a debug session is active), proxy mode
 * never cuts the handler request; the provider gets the receiver's own 2xx (hold mode) at the timeout,
 * and the delivery is recorded when the handler answers. The in-flight tracker sees the waiting request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder, InFlightDeliveries, deliveriesOf, httpTransport } from '../../../src/core/forward/index';
import { Session } from '../../../src/core/session';
import type { TempStore } from './support';
import { FakeSleep, capture, gate, startHandler, strictGuard, tempStore, until } from './support';

describe('deliveries while debugging (noTimeout)', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  for (const order of ['stored before the handler answers', 'handler answers before the event is stored'] as const) {
    test(`proxy mode: the sender gets 200 at the timeout, the handler keeps the request, the delivery is recorded (${order})`, async () => {
      const breakpoint = gate();
      const h = await startHandler(async () => {
        await breakpoint.promise;
        return { status: 201, body: 'handled after the breakpoint' };
      });
      const sleep = new FakeSleep(false);
      let clock = 0;
      const inFlight = new InFlightDeliveries(() => clock);
      const debugging = true;
      const fwd = new Forwarder({
        store: ts.store,
        target: h.url,
        mode: 'proxy',
        timeoutMs: 9000,
        guard: strictGuard(),
        sleep: sleep.sleep,
        noTimeout: () => debugging,
        transport: inFlight.wrap(httpTransport),
      });
      const id = order === 'stored before the handler answers' ? 'evt_held_a' : 'evt_held_b';
      try {
        const pending = fwd.proxy({
          id,
          method: 'POST',
          url: '/hook',
          headers: [['Content-Type', 'application/json']],
          body: Buffer.from('{"n":1}'),
        });
        await until(() => h.seen.length === 1 && sleep.waiting.length === 1, 'request sent and timer started');
        clock = 2500;
        assert.equal(inFlight.waitingLongerThan(2000).length, 1, 'one delivery waiting on the handler for over 2 s');
        sleep.fire();
        const reply = await pending;
        assert.equal(reply.status, 200);
        assert.deepEqual(JSON.parse(String(reply.body)), { ok: true, id }, 'what the receiver answers in hold mode');
        assert.equal(inFlight.count, 1, 'the handler request is still open: no timeout');
        const stored = capture(ts.store, { id, url: '/hook', headers: [['Content-Type', 'application/json']], body: '{"n":1}' });
        if (order === 'stored before the handler answers') {
          fwd.forward((await stored).event);
          breakpoint.open();
        } else {
          breakpoint.open();
          await until(() => inFlight.count === 0, 'the handler answered');
          fwd.forward((await stored).event);
        }
        await until(() => deliveriesOf(ts.store.get(id)).length === 1, 'the held delivery recorded');
        const d = deliveriesOf(ts.store.get(id))[0]!;
        assert.equal(d.status, 201);
        assert.equal(d.body, 'handled after the breakpoint');
        assert.equal(d.errorCode, undefined);
        assert.equal(d.state, 'delivered');
        assert.equal(h.seen.length, 1, 'delivered once');
        assert.equal(inFlight.count, 0);
      } finally {
        breakpoint.open();
        fwd.dispose();
        await h.close();
      }
    });
  }

  test('without a debug session the timeout still applies (504)', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200 };
    });
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      mode: 'proxy',
      timeoutMs: 9000,
      guard: strictGuard(),
      sleep: sleep.sleep,
      noTimeout: () => false,
    });
    try {
      const pending = fwd.proxy({ id: 'evt_nohold', method: 'POST', url: '/x', headers: [], body: Buffer.from('{}') });
      await until(() => h.seen.length === 1 && sleep.waiting.length === 1, 'timer started');
      sleep.fire();
      assert.equal((await pending).status, 504);
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h.close();
    }
  });

  test('a real Session in proxy mode records proxied deliveries on the event (held or not)', async () => {
    const breakpoint = gate();
    const h = await startHandler(async (req) => {
      if (req.url === '/slow') {
        await breakpoint.promise;
      }
      return { status: 202, body: `ok ${req.url}` };
    });
    const sleep = new FakeSleep(false);
    const session = new Session({
      store: ts.store,
      port: 0,
      forward: { target: h.url, mode: 'proxy', timeoutMs: 9000, guard: strictGuard(), sleep: sleep.sleep, noTimeout: () => true },
    });
    try {
      const url = (await session.start()).url!;
      const fast = await fetch(`${url}/fast`, { method: 'POST', body: '{"a":1}' });
      assert.equal(fast.status, 202, "proxy mode: the handler's answer");
      const fastId = ts.store.list().find((e) => e.url === '/fast')!.id;
      await until(() => deliveriesOf(ts.store.get(fastId)).length === 1, 'the proxied delivery recorded');
      const slow = fetch(`${url}/slow`, { method: 'POST', body: '{"a":2}' });
      await until(() => sleep.waiting.length === 1, 'the proxy timer started');
      sleep.fire();
      const res = await slow;
      assert.equal(res.status, 200);
      const slowId = ((await res.json()) as { id: string }).id;
      breakpoint.open();
      await until(() => deliveriesOf(ts.store.get(slowId)).length === 1, 'the held delivery recorded');
      assert.equal(deliveriesOf(ts.store.get(slowId))[0]!.status, 202);
    } finally {
      breakpoint.open();
      await session.stop();
      session.dispose();
      await h.close();
    }
  });
});
