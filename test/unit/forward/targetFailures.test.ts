/**
 * Guards one live attempt's checks and options (forwardAttempt.ts): a target that cannot be used (other
 * scheme, credentials in the URL, this receiver itself) is a failed record coded REFUSED_HOST, sent
 * nowhere and never retried; a host the user refused fails the next event at once, naming the host;
 * a guard failure that is not a refusal (the allow-list could not be saved) does not count as one;
 * fixed signing options and the response cap apply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder } from '../../../src/core/forward/forwarder';
import { deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { HostGuard } from '../../../src/core/forward/target';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { TempStore } from './support';
import { FakeClock, FakeSleep, capture, nameToLoopback, startHandler, strictGuard, tempStore } from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });

describe('a live attempt: target checks and options', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('a target that cannot be used is one failed record coded REFUSED_HOST with an empty answer, and nothing is sent', async () => {
    const h = await startHandler();
    const clock = new FakeClock(Date.parse('2026-12-05T00:00:00.000Z'));
    const sleep = new FakeSleep(true, clock);
    const self = `http://127.0.0.1:${h.port}`;
    const fwd = new Forwarder({
      store: ts.store,
      guard: strictGuard(),
      transport,
      maxAttempts: 3,
      now: clock.now,
      sleep: sleep.sleep,
      isSelf: (url) => url.host === `127.0.0.1:${h.port}`,
    });
    const cases = [
      { target: 'ftp://127.0.0.1/hooks', error: 'Only http: and https: targets are allowed, not ftp: ("ftp://127.0.0.1/hooks").' },
      { target: 'http://me:pw@127.0.0.1:9/x', error: 'The target "127.0.0.1:9" must not carry a user name or password in its URL.' },
      { target: self, error: `The target 127.0.0.1:${h.port} is this receiver itself: forwarding there would loop. Change the target.` },
    ];
    try {
      for (const c of cases) {
        fwd.configure({ target: c.target });
        const { event } = await capture(ts.store, { url: '/t', headers: [], body: '{}' });
        fwd.forward(event);
        await fwd.whenIdle();
        const ds = deliveriesOf(ts.store.get(event.id));
        assert.equal(ds.length, 1, `${c.target}: one attempt, not retried`);
        const { id, ...record } = ds[0]!;
        assert.match(id, /^dlv_/);
        assert.deepEqual(record, {
          kind: 'immediate',
          target: c.target,
          startedAt: '2026-12-05T00:00:00.000Z',
          durationMs: 0,
          attempt: 1,
          resigned: false,
          headers: [],
          body: '',
          bodySize: 0,
          truncated: false,
          error: c.error,
          errorCode: 'REFUSED_HOST',
          state: 'failed',
        });
        assert.equal(fwd.stateOf(event.id).get(c.target), 'failed');
      }
      assert.equal(h.seen.length, 0);
      assert.deepEqual(sleep.delays, []);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('a host the user refused: the next event fails without asking, naming the host in lower case', async () => {
    const asked: string[] = [];
    const fwd = new Forwarder({
      store: ts.store,
      target: 'http://Hooks.Example.TEST:1/in',
      guard: new HostGuard({ confirmHost: async (host) => (asked.push(host), false) }),
      transport,
      maxAttempts: 1,
    });
    try {
      const errors: Array<string | undefined> = [];
      for (let i = 0; i < 2; i++) {
        const { event } = await capture(ts.store, { url: '/r', headers: [], body: '{}' });
        fwd.forward(event);
        await fwd.whenIdle();
        const [d] = deliveriesOf(ts.store.get(event.id));
        assert.equal(d?.errorCode, 'REFUSED_HOST');
        errors.push(d?.error);
      }
      assert.deepEqual(asked, ['hooks.example.test']);
      assert.deepEqual(errors, [
        'Sending to hooks.example.test was not confirmed. Only localhost is allowed without asking; confirm the host to send there.',
        'Forwarding to hooks.example.test was not confirmed; change the target or forward again to be asked again.',
      ]);
    } finally {
      fwd.dispose();
    }
  });

  test('the user said yes but the allow-list could not be saved: that attempt fails, the retry goes out', async () => {
    const h = await startHandler();
    const { lookup } = nameToLoopback('hooks.example.test');
    const asked: string[] = [];
    const fwd = new Forwarder({
      store: ts.store,
      target: `http://hooks.example.test:${h.port}`,
      guard: new HostGuard({
        confirmHost: async (host) => (asked.push(host), true),
        onDidAllow: () => {
          throw new Error('The allowed hosts could not be saved.');
        },
      }),
      transport: createHttpTransport({ keepAliveIdleMs: 0, lookup }),
      sleep: new FakeSleep(true).sleep,
      maxAttempts: 2,
    });
    try {
      const { event } = await capture(ts.store, { url: '/yes', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      const ds = deliveriesOf(ts.store.get(event.id));
      assert.deepEqual(
        ds.map((d) => [d.state, d.errorCode ?? d.status, d.error]),
        [
          ['retrying', 'ERROR', 'The allowed hosts could not be saved.'],
          ['delivered', 200, undefined],
        ],
      );
      assert.equal(h.seen.length, 1);
      assert.deepEqual(asked, ['hooks.example.test']);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('fixed signing options apply: resign "always" on an unsigned event is CANNOT_RESIGN, nothing sent', async () => {
    const h = await startHandler();
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      transport,
      maxAttempts: 1,
      signing: { resign: 'always' },
    });
    try {
      const { event } = await capture(ts.store, { url: '/unsigned', headers: [['Content-Type', 'application/json']], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      const [d] = deliveriesOf(ts.store.get(event.id));
      assert.equal(d?.errorCode, 'CANNOT_RESIGN');
      assert.equal(h.seen.length, 0);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('maxResponseBytes caps the answer kept on the record', async () => {
    const h = await startHandler(() => ({ status: 200, body: 'a long answer' }));
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), transport, maxAttempts: 1, maxResponseBytes: 6 });
    try {
      const { event } = await capture(ts.store, { url: '/cap', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      const [d] = deliveriesOf(ts.store.get(event.id));
      assert.equal(d?.body, 'a long');
      assert.equal(d?.truncated, true);
      assert.equal(d?.bodySize, 13);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });
});
