// Refusal paths: a host-confirmation prompt that throws or is dismissed refuses, with nothing sent;
// Retry-After from a handler is honoured and capped by the backoff maximum.
// "Nothing sent" is proven on loopback only: the target is a host NAME that is not loopback
// (hooks.example.test), mapped by the transport's injected `lookup` to a listener on 127.0.0.1 that
// counts connections. A positive control (a yes) shows that the name does reach the listener.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ForwardStateChange } from '../../../src/core/forward/index';
import { Forwarder, HostGuard, TargetError, createHttpTransport, resend } from '../../../src/core/forward/index';
import type { Handler, TempStore } from './support';
import { FakeClock, FakeSleep, capture, nameToLoopback, startHandler, strictGuard, tempStore, until } from './support';

const REMOTE_NAME = 'hooks.example.test';

const { lookup: loopbackLookup, lookups } = nameToLoopback(REMOTE_NAME);

describe('host confirmation refusals send nothing', () => {
  let ts: TempStore;
  let h: Handler;
  before(async () => {
    ts = await tempStore();
    h = await startHandler();
  });
  after(async () => {
    await h.close();
    await ts.close();
  });

  const transport = () => createHttpTransport({ lookup: loopbackLookup, keepAliveIdleMs: 0 });
  const target = () => `http://${REMOTE_NAME}:${h.port}/hooks`;

  const refusals: Array<[string, (host: string) => Promise<boolean>]> = [
    [
      'throws',
      async () => {
        throw new Error('the prompt failed');
      },
    ],
    ['is dismissed (no choice)', async () => undefined as unknown as boolean],
    ['answers no', async () => false],
  ];
  for (const [how, confirmHost] of refusals) {
    test(`resend: a prompt that ${how} is a refusal; no connection is made`, async () => {
      const asked: string[] = [];
      const guard = new HostGuard({ confirmHost: (host) => (asked.push(host), confirmHost(host)) });
      const { event, body } = await capture(ts.store, { url: '/x', headers: [], body: '{}' });
      const before = { connections: h.connections, lookups: lookups.length };
      await assert.rejects(
        resend(event, body, target(), { guard, transport: transport() }),
        (err: unknown) => err instanceof TargetError && err.code === 'REFUSED_HOST',
      );
      assert.deepEqual(asked, [REMOTE_NAME]);
      assert.equal(lookups.length, before.lookups, 'the name was not even resolved');
      assert.equal(h.connections, before.connections, 'nothing reached the listener');
      assert.equal(guard.isAllowed(new URL(target())), false, 'a refusal is not remembered as a yes');
    });

    test(`live forwarding: a prompt that ${how} fails the delivery without sending`, async () => {
      const guard = new HostGuard({ confirmHost });
      const sleep = new FakeSleep(true);
      const fwd = new Forwarder({ store: ts.store, target: target(), guard, transport: transport(), sleep: sleep.sleep, maxAttempts: 3 });
      const changes: ForwardStateChange[] = [];
      fwd.onDidChangeState((c) => changes.push(c));
      try {
        const before = h.connections;
        const { event } = await capture(ts.store, { url: '/live', headers: [], body: '{}' });
        fwd.forward(event);
        const done = () => changes.filter((c) => c.eventId === event.id && (c.state === 'failed' || c.state === 'delivered'));
        await until(() => done().length > 0, 'the delivery to end');
        await fwd.whenIdle();
        assert.equal(done()[0]!.state, 'failed');
        assert.equal(h.connections, before, 'nothing reached the listener');
        assert.deepEqual(sleep.delays, [], 'a refusal is not retried');
      } finally {
        fwd.dispose();
      }
    });
  }

  test('positive control: with a yes the same name reaches the loopback listener', async () => {
    const guard = new HostGuard({ confirmHost: async () => true });
    const { event, body } = await capture(ts.store, { url: '/yes', headers: [], body: '{}' });
    const before = h.connections;
    const d = await resend(event, body, target(), { guard, transport: transport() });
    assert.equal(d.status, 200);
    assert.equal(h.connections, before + 1);
    assert.equal(h.seen.at(-1)!.url, '/hooks');
    assert.ok(lookups.includes(REMOTE_NAME));
  });
});

describe('Retry-After from the handler', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  async function delaysFor(status: number, retryAfter: string | undefined, backoff?: { maxMs?: number }): Promise<number[]> {
    let calls = 0;
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'Retry-After': retryAfter };
    const h = await startHandler(() => (++calls === 1 ? { status, body: 'busy', headers } : { status: 200, body: 'ok' }));
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const sleep = new FakeSleep(true, clock);
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      sleep: sleep.sleep,
      now: clock.now,
      maxAttempts: 3,
      random: () => 0,
      ...(backoff ? { backoff } : {}),
    });
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/ra', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => changes.some((c) => c.eventId === event.id && c.state === 'delivered'), 'the delivery');
      await fwd.whenIdle();
      assert.deepEqual(
        changes.filter((c) => c.eventId === event.id && c.state === 'retrying').map((c) => c.nextDelayMs),
        sleep.delays,
        'the announced delay is the one slept',
      );
      return sleep.delays;
    } finally {
      fwd.dispose();
      await h.close();
    }
  }

  test('429 with Retry-After: 7 waits 7 s, not the 1 s backoff', async () => {
    assert.deepEqual(await delaysFor(429, '7'), [7000]);
  });

  test('503 with Retry-After: 3 waits 3 s', async () => {
    assert.deepEqual(await delaysFor(503, ' 3 '), [3000]);
  });

  test('Retry-After: 3600 is capped by the backoff maximum (60 s by default), not an hour', async () => {
    assert.deepEqual(await delaysFor(503, '3600'), [60_000]);
  });

  test('Retry-After: 3600 is capped by a configured backoff maximum', async () => {
    assert.deepEqual(await delaysFor(429, '3600', { maxMs: 5000 }), [5000]);
  });

  test('without Retry-After, or with one that is not a number of seconds, the backoff applies', async () => {
    assert.deepEqual(await delaysFor(503, undefined), [1000]);
    assert.deepEqual(await delaysFor(503, 'soon'), [1000]);
  });

  test('Retry-After on a 500 is not honoured (only 429 and 503 carry it)', async () => {
    assert.deepEqual(await delaysFor(500, '30'), [1000]);
  });
});
