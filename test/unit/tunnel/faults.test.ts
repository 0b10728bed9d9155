/**
 * Tunnel faults, end to end: a Session (real receiver over a real store) with a localtunnel tunnel to
 * the loopback test server (test/support/ltServer.ts), whose faults are switched on and off. Every case
 * checks the states and reasons, the recovery, and that after stop() nothing is left behind: no
 * socket, server or timer above the baseline, and no uncaught exception or unhandled rejection.
 */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import type { TunnelStatus } from '../../../src/core/tunnel/types';
import { request } from '../../support/http';
import { type LtServer, type LtServerOptions, startLtServer } from '../../support/ltServer';
import { activeResources, settleResources, waitFor } from './helpers';

/** A hang becomes a failure, not a stuck run. It is a guard, never what a test checks. */
const LIMIT = { timeout: 60_000 };

/** Short enough that each case takes a few seconds, long enough for a loaded 2-core machine. */
const TUNNEL = {
  selfTestIntervalMs: 100,
  selfTestTimeoutMs: 1000,
  openTimeoutMs: 1000,
  backoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.5 },
  // no jitter: the backoff schedule is exact
  random: () => 0,
  subdomainRetries: 4,
  subdomainRetryDelayMs: 300,
};

interface Rig {
  lt: LtServer;
  session: Session;
  store: EventStore;
  /** Every tunnel status seen, in order. */
  statuses: TunnelStatus[];
  /** Tunnel states, consecutive repeats folded. */
  states: string[];
  tunnel(): TunnelStatus;
  /** Stops everything, then checks that nothing is left and that no error escaped. */
  finish(): Promise<void>;
}

/**
 * Builds the rig. The resource baseline is taken before anything is created, so only what the test
 * itself creates (and then closes) can be above it; errors escaping anywhere are recorded meanwhile.
 */
async function rig(t: TestContext, ltOptions: LtServerOptions = {}): Promise<Rig> {
  const baseline = activeResources();
  const escaped: string[] = [];
  const onUncaught = (err: unknown) => escaped.push(`uncaughtException: ${(err as Error)?.stack ?? String(err)}`);
  const onRejection = (err: unknown) => escaped.push(`unhandledRejection: ${(err as Error)?.stack ?? String(err)}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-faults-'));
  const lt = await startLtServer({ maxConnCount: 2, graceMs: 10_000, ...ltOptions });
  const store = await EventStore.open(dir, { maxEvents: 1000 });
  const session = new Session({ store, port: 0, tunnel: { mode: 'localtunnel', host: lt.url, ...TUNNEL } });
  const statuses: TunnelStatus[] = [];
  const states: string[] = [];
  session.onDidChangeStatus((s) => {
    if (s.tunnel) {
      statuses.push(s.tunnel);
      if (states.at(-1) !== s.tunnel.state) {
        states.push(s.tunnel.state);
      }
    }
  });
  let finished = false;
  const cleanup = async () => {
    await session.stop();
    session.dispose();
    await store.close();
    await lt.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
    await fsp.rm(dir, { recursive: true, force: true });
  };
  t.after(async () => {
    if (!finished) {
      await cleanup();
    }
  });
  await session.start();
  return {
    lt,
    session,
    store,
    statuses,
    states,
    tunnel: () => session.status().tunnel ?? assert.fail('the session has a tunnel'),
    async finish() {
      finished = true;
      await session.stop();
      assert.equal(session.status().tunnel, undefined, 'no tunnel after stop');
      // The server sees the client's sockets go: the client kept none open.
      await waitFor(() => lt.tunnels().every((x) => x.sockets === 0), 'the server seeing every tunnel socket closed');
      session.dispose();
      await store.close();
      await lt.close();
      const left = await settleResources(baseline);
      // Give a late error (a socket error after close, a rejected promise) the chance to surface.
      await new Promise((resolve) => setImmediate(resolve));
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onRejection);
      await fsp.rm(dir, { recursive: true, force: true });
      assert.deepEqual(left, {}, 'no socket, server or timer left after stop()');
      assert.deepEqual(escaped, [], 'no uncaught exception or unhandled rejection');
    },
  };
}

async function online(r: Rig, label: string): Promise<TunnelStatus> {
  await waitFor(() => r.tunnel().state === 'online', label, 30_000);
  return r.tunnel();
}

/** A webhook sent to the public URL is captured by the receiver, byte for byte. */
async function deliverThroughTunnel(r: Rig, what: string): Promise<void> {
  const publicUrl = r.session.status().publicUrl;
  assert.ok(publicUrl, 'a public URL while online');
  const body = Buffer.from(JSON.stringify({ what, at: Date.now() }));
  const res = await request(`${publicUrl}/hooks/${what}`, { body, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200);
  const id = (JSON.parse(res.body.toString()) as { id: string }).id;
  await waitFor(() => r.store.get(id) !== undefined, 'the event in the store');
  assert.equal(r.store.get(id)?.url, `/hooks/${what}`);
  assert.ok((await r.store.readBody(id)).equals(body));
}

test('the tunnel server dies and comes back on the same port: online again, same URL, events flow', LIMIT, async (t) => {
  const r = await rig(t);
  const first = await online(r, 'online');
  await deliverThroughTunnel(r, 'before');
  const port = r.lt.port;

  await r.lt.close();
  await waitFor(() => r.tunnel().state === 'reconnecting', 'reconnecting once the server is gone');
  assert.ok(r.tunnel().reason, 'reconnecting says why');
  assert.equal(r.session.status().publicUrl, undefined, 'no public URL while the server is down');
  // retries are scheduled while the server stays down
  await waitFor(() => r.statuses.filter((s) => s.retry).length >= 3, 'three scheduled retries');
  assert.match(r.tunnel().reason ?? '', /ECONNREFUSED|Cannot reach/);

  await r.lt.restart();
  assert.equal(r.lt.port, port);
  const again = await online(r, 'online after the restart');
  assert.equal(again.subdomain, first.subdomain, 'the same subdomain is asked for and got');
  assert.equal(again.publicUrl, first.publicUrl, 'the URL pasted into a provider keeps working');
  await deliverThroughTunnel(r, 'after');
  assert.deepEqual(r.states.slice(0, 2), ['starting', 'online']);
  assert.deepEqual(r.states.slice(2), ['reconnecting', 'online']);
  await r.finish();
});

test('the server refuses new tunnels (503): reconnecting with growing backoff, online once it accepts', LIMIT, async (t) => {
  const r = await rig(t);
  const first = await online(r, 'online');
  r.lt.refuseNewTunnels = true;
  const mark = r.statuses.length;
  r.lt.dropAllSockets({ mode: 'forget' }); // the client has to ask for a new tunnel
  await waitFor(() => r.statuses.slice(mark).filter((s) => s.retry).length >= 4, 'four scheduled retries');
  assert.equal(r.tunnel().state, 'reconnecting');
  assert.match(r.tunnel().reason ?? '', /HTTP 503/);
  const retries = r.statuses
    .slice(mark)
    .filter((s) => s.retry)
    .map((s) => [s.retry!.attempt, s.retry!.delayMs]);
  assert.deepEqual(
    retries.slice(0, 4),
    [
      [1, 50],
      [2, 100],
      [3, 200],
      [4, 400],
    ],
    'exponential backoff (no jitter), capped at maxMs',
  );
  const refusedSoFar = r.lt.stats.requestedSubdomains.length;

  r.lt.refuseNewTunnels = false;
  const again = await online(r, 'online once the server accepts');
  assert.equal(again.subdomain, first.subdomain);
  assert.ok(r.lt.stats.requestedSubdomains.length > refusedSoFar);
  assert.ok(
    r.lt.stats.requestedSubdomains.slice(1).every((x) => x === first.subdomain),
    'every retry asks for the same subdomain',
  );
  await deliverThroughTunnel(r, 'after-refusal');
  assert.deepEqual(r.states, ['starting', 'online', 'reconnecting', 'online']);
  await r.finish();
});

test(
  'handshakes hang without an answer: the open timeout leads to reconnecting with the reason; recovery once answered',
  LIMIT,
  async (t) => {
    const r = await rig(t);
    const first = await online(r, 'online');
    r.lt.hang = true;
    const mark = r.statuses.length;
    r.lt.dropAllSockets({ mode: 'forget' });
    await waitFor(
      () => r.statuses.slice(mark).some((s) => s.state === 'reconnecting' && /timed out after 1000 ms/.test(s.reason ?? '')),
      'reconnecting with the open timeout as the reason',
    );
    await waitFor(() => r.lt.stats.requestedSubdomains.length >= 3, 'a retry after the timeout');
    assert.equal(r.tunnel().state, 'reconnecting');
    assert.equal(r.session.status().publicUrl, undefined);

    r.lt.hang = false;
    const again = await online(r, 'online once handshakes are answered');
    assert.equal(again.subdomain, first.subdomain);
    await deliverThroughTunnel(r, 'after-hang');
    assert.deepEqual(r.states, ['starting', 'online', 'reconnecting', 'online']);
    await r.finish();
  },
);

test('handshakes hang at the very start: stop() while the open is pending leaves nothing behind', LIMIT, async (t) => {
  const r = await rig(t);
  r.lt.hang = true;
  await waitFor(() => r.lt.stats.requestedSubdomains.length >= 1, 'the handshake at the server');
  assert.equal(r.tunnel().state, 'starting');
  await r.finish();
  assert.deepEqual(r.states, ['starting']);
});

test(
  'public requests hang (the tunnel is up but answers nothing): the self-test timeout reconnects; recovery keeps the URL',
  LIMIT,
  async (t) => {
    // a realistic grace period, so that the subdomain is freed and got back after the reconnect
    const r = await rig(t, { graceMs: 500 });
    const first = await online(r, 'online');
    r.lt.hangPublic = true;
    const mark = r.statuses.length;
    await waitFor(
      () =>
        r.statuses
          .slice(mark)
          .some((s) => s.state === 'reconnecting' && /^Self-test failed: no answer within 1000 ms/.test(s.reason ?? '')),
      'reconnecting because the canary got no answer',
    );
    const failed = r.statuses.slice(mark).find((s) => s.lastSelfTest && !s.lastSelfTest.ok)?.lastSelfTest;
    assert.match(failed?.error ?? '', /no answer within 1000 ms/);
    assert.equal(r.session.status().publicUrl, undefined, 'no public URL is offered while it does not work');
    // it keeps trying while the public side hangs, and never claims to be online
    const opened = r.lt.stats.tunnelsCreated;
    await waitFor(() => r.lt.stats.tunnelsCreated >= opened + 1, 'a new tunnel opened while hanging');
    assert.notEqual(r.tunnel().state, 'online');

    r.lt.hangPublic = false;
    const again = await online(r, 'online once the public side answers');
    assert.equal(again.subdomain, first.subdomain, 'the same subdomain is got back after the grace period');
    assert.equal(again.lastSelfTest?.ok, true);
    await deliverThroughTunnel(r, 'after-hang-public');
    assert.equal(r.states[0], 'starting');
    assert.equal(r.states[1], 'online');
    assert.equal(r.states.at(-1), 'online');
    assert.ok(!r.states.slice(2, -1).includes('online'), `never online while hanging: ${r.states.join(' → ')}`);
    await r.finish();
  },
);

test('the server drops every tunnel socket (close, forget, silent) in turn: back online each time, nothing leaks', LIMIT, async (t) => {
  const r = await rig(t, { graceMs: 500 });
  const first = await online(r, 'online');
  for (const mode of ['close', 'forget', 'silent'] as const) {
    const before = r.lt.stats.socketsAccepted;
    r.lt.dropAllSockets({ mode });
    await waitFor(() => r.lt.stats.socketsAccepted > before, `the client reconnecting its sockets after "${mode}"`);
    await waitFor(
      () => r.tunnel().state === 'online' && r.tunnel().lastSelfTest?.ok === true && r.lt.tunnels().length > 0,
      `online after "${mode}"`,
      30_000,
    );
    assert.equal(r.tunnel().subdomain, first.subdomain, `same subdomain after "${mode}"`);
    await deliverThroughTunnel(r, `after-${mode}`);
  }
  await r.finish();
});

test('stop() while a self-test hangs on the public side leaves nothing behind', LIMIT, async (t) => {
  const r = await rig(t);
  await online(r, 'online');
  r.lt.hangPublic = true;
  const seen = r.lt.stats.publicRequests;
  await waitFor(() => r.lt.stats.publicRequests > seen, 'a canary hanging at the server');
  await r.finish();
  assert.equal(r.states.at(-1), 'online', 'stopped before the self-test timed out');
});
