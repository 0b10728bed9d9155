/**
 * Guards the live forwarder's less travelled paths (forwarder.ts, forwardAttempt.ts): a host the user
 * refused is asked about again only after the target, routes or guard change; proxy mode does not
 * forward an event it did not proxy, and sends the other fan-out targets once the proxied event is
 * stored (also after a held delivery); a sender that already hung up, or a stop, cuts the proxied
 * request; a stop does not record the delivery it cut and lets go of the queued events; unreadable bodies and signing failures are
 * reported; the per-event state is bounded; the mode defaults to immediate, and the delivery log
 * reports through the forwarder's logger.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder } from '../../../src/core/forward/forwarder';
import { deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { HostGuard } from '../../../src/core/forward/target';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { CapturedEvent } from '../../../src/core/model/event';
import type { TempStore } from './support';
import {
  FakeSleep,
  capture,
  deadPort,
  gate,
  nameToLoopback,
  recordingLogger,
  released,
  startHandler,
  strictGuard,
  tempStore,
  until,
} from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });

describe('forwarder edges', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('a refused host is asked about again only after the target, the routes or the guard change', async () => {
    const asked: string[] = [];
    const guard = () => new HostGuard({ confirmHost: async (host) => (asked.push(host), false) });
    const { lookup } = nameToLoopback('hooks.example.test');
    const far = 'http://hooks.example.test:1';
    const fwd = new Forwarder({
      store: ts.store,
      target: far,
      guard: guard(),
      maxAttempts: 1,
      transport: createHttpTransport({ keepAliveIdleMs: 0, lookup }),
    });
    const { event } = await capture(ts.store, { url: '/r', headers: [], body: '{}' });
    const send = async () => {
      fwd.forward(event);
      await fwd.whenIdle();
    };
    try {
      await send();
      assert.equal(asked.length, 1);
      fwd.configure({ maxAttempts: 1 });
      await send();
      assert.equal(asked.length, 1, 'not asked again after an unrelated change');
      assert.equal(deliveriesOf(ts.store.get(event.id)).at(-1)?.errorCode, 'REFUSED_HOST');
      fwd.configure({ target: far });
      await send();
      assert.equal(asked.length, 2, 'asked again after the target changed');
      fwd.configure({ routes: [] });
      await send();
      assert.equal(asked.length, 3, 'asked again after the routes changed');
      fwd.configure({ guard: guard() });
      await send();
      assert.equal(asked.length, 4, 'asked again after the guard changed');
    } finally {
      fwd.dispose();
    }
  });

  test('proxy mode: an event that was not proxied is not forwarded, and the log says why', async () => {
    const h = await startHandler();
    const logger = recordingLogger();
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard(), logger, transport });
    try {
      const { event } = await capture(ts.store, { url: '/np', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      assert.equal(h.seen.length, 0);
      assert.ok(logger.lines.includes(`debug Forward: ${event.id} was not proxied (proxy mode); not forwarded.`), logger.lines.join('\n'));
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('proxy mode fan-out: the other targets get the event once it is stored; without its body, the failure is logged', async () => {
    const h1 = await startHandler();
    const h2 = await startHandler();
    const logger = recordingLogger();
    const fwd = new Forwarder({
      store: ts.store,
      target: h1.url,
      routes: [{ path: '/fan', targets: [h1.url, h2.url] }],
      mode: 'proxy',
      guard: strictGuard(),
      logger,
      transport,
      maxAttempts: 1,
    });
    try {
      const reply = await fwd.proxy({ id: 'evt_fan', method: 'POST', url: '/fan', headers: [], body: Buffer.from('{"f":1}') });
      assert.equal(reply.status, 200);
      assert.equal(h2.seen.length, 0);
      const { event } = await capture(ts.store, { id: 'evt_fan', url: '/fan', headers: [], body: '{"f":1}' });
      fwd.forward(event);
      await fwd.whenIdle();
      assert.equal(h2.seen.length, 1);
      assert.equal(h2.seen[0]!.body.toString(), '{"f":1}');

      // The event "stored" under an id the store does not have: the fan-out target cannot read its body.
      await fwd.proxy({ id: 'evt_fan_gone', method: 'POST', url: '/fan', headers: [], body: Buffer.from('{}') });
      fwd.forward({ ...event, id: 'evt_fan_gone' });
      await fwd.whenIdle();
      assert.equal(h2.seen.length, 1);
      assert.equal(fwd.stateOf('evt_fan_gone').get(h2.url), 'failed');
      assert.ok(
        logger.lines.some((l) => l.startsWith(`error Forward: evt_fan_gone → ${h2.url}: `)),
        logger.lines.join('\n'),
      );
    } finally {
      fwd.dispose();
      await h1.close();
      await h2.close();
    }
  });

  test('held proxy delivery (debugging): a failure is recorded as failed, and the other targets follow', async () => {
    const breakpoint = gate();
    const h1 = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 500, body: 'crashed' };
    });
    const h2 = await startHandler();
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({
      store: ts.store,
      target: h1.url,
      routes: [{ path: '/held', targets: [h1.url, h2.url] }],
      mode: 'proxy',
      guard: strictGuard(),
      sleep: sleep.sleep,
      noTimeout: () => true,
      transport,
      maxAttempts: 1,
    });
    try {
      const pending = fwd.proxy({ id: 'evt_held_fail', method: 'POST', url: '/held', headers: [], body: Buffer.from('{}') });
      await until(() => h1.seen.length === 1 && sleep.waiting.length === 1, 'request sent and timer started');
      sleep.fire();
      assert.equal((await pending).status, 200);
      const { event } = await capture(ts.store, { id: 'evt_held_fail', url: '/held', headers: [], body: '{}' });
      fwd.forward(event);
      breakpoint.open();
      await until(() => deliveriesOf(ts.store.get(event.id)).length === 2, 'both deliveries recorded');
      await fwd.whenIdle();
      const ds = deliveriesOf(ts.store.get(event.id));
      const first = ds.find((d) => d.target.startsWith(h1.url))!;
      assert.equal(first.status, 500);
      assert.equal(first.state, 'failed');
      assert.equal(h2.seen.length, 1);
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h1.close();
      await h2.close();
    }
  });

  test('proxy mode: a sender that already hung up is not forwarded; a stop cuts the request and says so', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200, body: 'late' };
    });
    const quick = await startHandler();
    const sleep = new FakeSleep(false);
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard(), sleep: sleep.sleep, transport });
    try {
      // First to a handler that answers at once: a request sent anyway would end (200) instead of waiting.
      fwd.configure({ target: quick.url });
      const gone = new AbortController();
      gone.abort();
      const hungUp = await fwd.proxy({
        id: 'evt_gone',
        method: 'POST',
        url: '/x',
        headers: [],
        body: Buffer.from('{}'),
        signal: gone.signal,
      });
      assert.equal(hungUp.status, 502);
      assert.equal(JSON.parse(String(hungUp.body)).message, 'The sender hung up before the handler answered.');
      assert.equal(quick.seen.length, 0);

      fwd.configure({ target: h.url });
      const pending = fwd.proxy({ id: 'evt_stop', method: 'POST', url: '/x', headers: [], body: Buffer.from('{}') });
      await until(() => h.seen.length === 1, 'request sent');
      fwd.dispose();
      const stopped = await pending;
      assert.equal(stopped.status, 502);
      assert.equal(JSON.parse(String(stopped.body)).message, 'The forwarder was stopped.');
    } finally {
      breakpoint.open();
      fwd.dispose();
      await h.close();
      await quick.close();
    }
  });

  test('proxy mode after a stop: nothing is sent, and the reply says the forwarder was stopped', async () => {
    const h = await startHandler();
    const fwd = new Forwarder({ store: ts.store, target: h.url, mode: 'proxy', guard: strictGuard(), transport });
    try {
      fwd.dispose();
      const reply = await fwd.proxy({ id: 'evt_late', method: 'POST', url: '/x', headers: [], body: Buffer.from('{}') });
      assert.equal(reply.status, 502);
      assert.equal(JSON.parse(String(reply.body)).message, 'The forwarder was stopped.');
      assert.equal(h.seen.length, 0);
    } finally {
      await h.close();
    }
  });

  test('a stop during an immediate delivery: the cut delivery is not recorded, the events still queued are let go', async () => {
    const breakpoint = gate();
    const h = await startHandler(async () => {
      await breakpoint.promise;
      return { status: 200, body: 'late' };
    });
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), transport });
    try {
      const { event } = await capture(ts.store, { url: '/stop', headers: [], body: '{}' });
      const second = (await capture(ts.store, { url: '/stop2', headers: [], body: '{}' })).event;
      // The queue takes its next job before it sees the stop: the third event is the one left queued.
      const last = await (async () => {
        // A copy of its own, so only the forwarder can keep it alive.
        const copy: CapturedEvent = { ...(await capture(ts.store, { url: '/stop3', headers: [], body: '{}' })).event };
        fwd.forward(event);
        fwd.forward(second);
        fwd.forward(copy);
        return { id: copy.id, ref: new WeakRef(copy) };
      })();
      await until(() => h.seen.length === 1 && fwd.stateOf(last.id).get(h.url) === 'pending', 'request sent, the last event queued');
      fwd.dispose();
      await fwd.whenIdle();
      assert.deepEqual(deliveriesOf(ts.store.get(event.id)), []);
      assert.equal(h.seen.length, 1);
      assert.equal(await released(last.ref), true);
    } finally {
      breakpoint.open();
      await h.close();
    }
  });

  test('immediate mode: an unreadable body is a warning; signing failures keep their code, or ERROR; ids come from newId', async () => {
    const h = await startHandler();
    const logger = recordingLogger();
    let n = 0;
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      logger,
      transport,
      maxAttempts: 1,
      newId: () => `dlv_test_${++n}`,
      signing: (ev) => {
        if (ev.url === '/sent') {
          return { resign: 'never' };
        }
        if (ev.url === '/plain-error') {
          throw new Error('no secret for this endpoint');
        }
        return { resign: 'always' };
      },
    });
    try {
      const { event } = await capture(ts.store, { url: '/always', headers: [], body: '{}' });
      fwd.forward({ ...event, id: 'evt_not_stored' });
      await fwd.whenIdle();
      assert.ok(
        logger.lines.some((l) => l.startsWith('warn Forward: cannot read the body of evt_not_stored: ')),
        logger.lines.join('\n'),
      );

      fwd.forward(event);
      await fwd.whenIdle();
      const [resign] = deliveriesOf(ts.store.get(event.id));
      assert.equal(resign?.errorCode, 'CANNOT_RESIGN');
      assert.equal(resign?.id, 'dlv_test_1');

      const plain = (await capture(ts.store, { url: '/plain-error', headers: [], body: '{}' })).event;
      fwd.forward(plain);
      await fwd.whenIdle();
      const [failed] = deliveriesOf(ts.store.get(plain.id));
      assert.equal(failed?.errorCode, 'ERROR');
      assert.equal(failed?.error, 'no secret for this endpoint');
      assert.equal(h.seen.length, 0);

      const sent = (await capture(ts.store, { url: '/sent', headers: [], body: '{}' })).event;
      fwd.forward(sent);
      await fwd.whenIdle();
      const [delivered] = deliveriesOf(ts.store.get(sent.id));
      assert.equal(delivered?.status, 200);
      assert.equal(delivered?.id, 'dlv_test_3');
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test("defaults: immediate mode; the delivery log's messages go to the forwarder's logger", async () => {
    const h = await startHandler();
    const logger = recordingLogger();
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), logger, transport, newId: () => 'dlv_gone' });
    try {
      assert.equal(fwd.mode, 'immediate');
      fwd.configure({ mode: 'proxy' });
      assert.equal(fwd.mode, 'proxy');
      await fwd.proxy({ id: 'evt_never_stored', method: 'POST', url: '/g', headers: [], body: Buffer.from('{}') });
      // The receiver says it stored the event, but the store does not have it (deleted meanwhile).
      const { event } = await capture(ts.store, { url: '/g', headers: [], body: '{}' });
      fwd.forward({ ...event, id: 'evt_never_stored' });
      await until(() => logger.lines.some((l) => l.includes('is gone')), 'the log says the event is gone');
      assert.ok(
        logger.lines.includes('debug Forward: event evt_never_stored is gone; delivery dlv_gone not recorded.'),
        logger.lines.join('\n'),
      );
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('the state of at most 1000 events is kept: the oldest is forgotten first', async () => {
    const port = await deadPort();
    const fwd = new Forwarder({ store: ts.store, target: `http://127.0.0.1:${port}`, mode: 'proxy', guard: strictGuard(), transport });
    try {
      for (let i = 0; i <= 1000; i++) {
        await fwd.proxy({ id: `evt_many_${i}`, method: 'POST', url: '/m', headers: [], body: Buffer.from('{}') });
      }
      assert.equal(fwd.stateOf('evt_many_0').size, 0);
      assert.equal(fwd.stateOf('evt_many_1').size, 1);
      assert.equal(fwd.stateOf('evt_many_1000').size, 1);
    } finally {
      fwd.dispose();
    }
  });
});
