import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLtServer } from '../../support/ltServer';
import type { LtServer } from '../../support/ltServer';
import { backoffDelay } from '../../../src/core/backoff';
import { TunnelSupervisor } from '../../../src/core/tunnel/tunnelSupervisor';
import type { TunnelSupervisorOptions } from '../../../src/core/tunnel/tunnelSupervisor';
import type { TunnelConnection, TunnelFactory } from '../../../src/core/tunnel/types';
import type { TestReceiver } from './helpers';
import { activeResources, freePort, rawRequest, record, sequence, settleResources, startReceiver, waitFor } from './helpers';

/** A hang becomes a failure, not a stuck run. It is a guard, never what a test checks. */
const LIMIT = { timeout: 60_000 };

const FAST = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };

interface Rig {
  lt: LtServer;
  receiver: TestReceiver;
  supervisor: TunnelSupervisor;
}

async function rig(
  t: { after(fn: () => Promise<void> | void): void },
  options: Partial<TunnelSupervisorOptions> = {},
  // Long by default: on a loaded machine a stalled event loop must not make the test server drop a
  // tunnel before its sockets arrive. Tests about the grace period pass a realistic one.
  graceMs = 10_000,
): Promise<Rig> {
  const lt = await startLtServer({ maxConnCount: 2, graceMs });
  const receiver = await startReceiver();
  const supervisor = new TunnelSupervisor({
    localPort: receiver.port,
    host: lt.url,
    selfTestIntervalMs: 100,
    selfTestTimeoutMs: 2000,
    openTimeoutMs: 5000,
    backoff: FAST,
    ...options,
  });
  t.after(async () => {
    await supervisor.stop();
    supervisor.dispose();
    await lt.close();
    await receiver.close();
  });
  return { lt, receiver, supervisor };
}

test('goes online through the real localtunnel client, proven by the self-test; status is JSON-ready', LIMIT, async (t) => {
  const { lt, receiver, supervisor } = await rig(t, { subdomain: 'first-hooks' });
  const rec = record(supervisor);
  assert.equal(supervisor.state, 'offline');
  supervisor.start();
  assert.equal(supervisor.state, 'starting');
  await waitFor(() => supervisor.state === 'online', 'online');
  const status = supervisor.status();
  assert.equal(status.mode, 'localtunnel');
  assert.equal(status.publicUrl, lt.publicUrlFor('first-hooks'));
  assert.equal(status.subdomain, 'first-hooks');
  assert.equal(status.preferredSubdomain, 'first-hooks');
  assert.equal(status.reason, undefined);
  assert.equal(status.lastSelfTest?.ok, true);
  assert.equal(typeof status.lastSelfTest?.ms, 'number');
  assert.ok(!Number.isNaN(Date.parse(status.lastSelfTest?.at ?? '')));
  assert.ok(receiver.canaries >= 1);
  assert.deepEqual(receiver.requests, [], 'canaries are not recorded as events');
  assert.deepEqual(JSON.parse(JSON.stringify(status)), status);
  assert.deepEqual(rec.states, ['offline', 'starting', 'online']);
  assert.deepEqual(lt.stats.requestedSubdomains, ['first-hooks']);

  // the periodic self-test keeps running
  const before = receiver.canaries;
  await waitFor(() => receiver.canaries >= before + 2, 'two more periodic canaries');
  assert.equal(supervisor.state, 'online');
  assert.equal(await supervisor.selfTestNow(), true);
});

test('a request to the public URL arrives byte-exact at the receiver (binary body, duplicate mixed-case headers)', LIMIT, async (t) => {
  const { receiver, supervisor } = await rig(t);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const publicUrl = new URL(supervisor.status().publicUrl ?? '');
  const body = randomBytes(48 * 1024 + 7);
  const head =
    `PUT ${publicUrl.pathname}/a/b?sig=1&sig=2 HTTP/1.1\r\n` +
    `Host: ${publicUrl.host}\r\n` +
    'X-Hub-Signature-256: sha256=abc\r\n' +
    'x-hub-signature-256: sha256=def\r\n' +
    'X-MiXeD: Value With  Spaces\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  const response = await rawRequest(Number(publicUrl.port), head, body);
  assert.match(response, /^HTTP\/1\.1 200 /);
  await waitFor(() => receiver.requests.length === 1, 'the request at the receiver');
  const got = receiver.requests[0];
  assert.equal(got.method, 'PUT');
  assert.equal(got.url, '/a/b?sig=1&sig=2');
  assert.ok(got.body.equals(body), 'body bytes unchanged');
  const sent = [
    'Host',
    publicUrl.host,
    'X-Hub-Signature-256',
    'sha256=abc',
    'x-hub-signature-256',
    'sha256=def',
    'X-MiXeD',
    'Value With  Spaces',
    'Content-Length',
    String(body.length),
    'Connection',
    'close',
  ];
  assert.deepEqual(got.rawHeaders.slice(0, sent.length), sent);
});

test(
  'server silently drops the tunnel: the self-test notices within two intervals and reconnects with the same subdomain',
  LIMIT,
  async (t) => {
    const { lt, supervisor } = await rig(t);
    const rec = record(supervisor);
    supervisor.start();
    await waitFor(() => supervisor.state === 'online', 'online');
    const first = supervisor.status();
    const subdomain = first.subdomain;
    assert.ok(subdomain);
    assert.equal(first.preferredSubdomain, subdomain, 'the assigned subdomain is remembered');
    const mark = rec.statuses.length;

    lt.dropAllSockets({ mode: 'silent' });
    await waitFor(() => supervisor.state === 'reconnecting', 'reconnecting');
    await waitFor(() => supervisor.state === 'online', 'online again');

    // self-test results between the drop and the reconnect: at most one good one (already in flight)
    const after = rec.statuses.slice(mark);
    const firstReconnecting = after.findIndex((s) => s.state === 'reconnecting');
    const tests: boolean[] = [];
    let last = first.lastSelfTest;
    for (const s of after.slice(0, firstReconnecting + 1)) {
      if (s.lastSelfTest && s.lastSelfTest !== last) {
        tests.push(s.lastSelfTest.ok);
        last = s.lastSelfTest;
      }
    }
    assert.ok(tests.length >= 1 && tests.length <= 2, `self-tests before reconnecting: ${JSON.stringify(tests)}`);
    assert.equal(tests.at(-1), false);
    assert.match(after[firstReconnecting].reason ?? '', /^Self-test failed: .*404/);

    const status = supervisor.status();
    assert.equal(status.subdomain, subdomain);
    assert.equal(status.publicUrl, first.publicUrl, 'same public URL');
    assert.deepEqual(lt.stats.requestedSubdomains, [null, subdomain]);
    const seq = rec.states.slice(rec.states.indexOf('online'));
    assert.deepEqual(seq.slice(0, 3), ['online', 'reconnecting', 'online']);
    assert.equal(status.lastSelfTest?.ok, true);
  },
);

test('server forgets the tunnel and closes its sockets: the client error triggers a reconnect', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { selfTestIntervalMs: 0 });
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const subdomain = supervisor.status().subdomain;
  lt.dropAllSockets({ mode: 'forget' });
  await waitFor(() => rec.states.includes('reconnecting'), 'reconnecting');
  assert.match(rec.statuses.find((s) => s.state === 'reconnecting')?.reason ?? '', /The tunnel broke: connection refused/);
  await waitFor(() => supervisor.state === 'online', 'online again');
  assert.equal(supervisor.status().subdomain, subdomain);
});

test('the tunnel server restarts on the same port: reconnects to the new process with the same subdomain', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { selfTestIntervalMs: 50 });
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const { subdomain, publicUrl } = supervisor.status();
  const port = lt.port;
  await lt.restart();
  assert.equal(lt.port, port);
  assert.deepEqual(lt.tunnels(), []);
  await waitFor(() => rec.states.includes('reconnecting'), 'reconnecting');
  await waitFor(() => supervisor.state === 'online', 'online again');
  assert.equal(supervisor.status().subdomain, subdomain);
  assert.equal(supervisor.status().publicUrl, publicUrl);
  assert.deepEqual(
    lt.tunnels().map((x) => x.id),
    [subdomain],
  );
});

test('server closes the sockets but keeps the tunnel: the client heals itself, the self-test stays good', LIMIT, async (t) => {
  const { lt, receiver, supervisor } = await rig(t);
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const accepted = lt.stats.socketsAccepted;
  lt.dropAllSockets({ mode: 'close' });
  await waitFor(() => lt.stats.socketsAccepted >= accepted + 2, 'the client reopening its sockets');
  const canaries = receiver.canaries;
  assert.equal(await supervisor.selfTestNow(), true);
  assert.ok(receiver.canaries > canaries);
  assert.deepEqual(rec.states, ['offline', 'starting', 'online']);
  assert.equal(lt.stats.tunnelsCreated, 1);
});

test('selfTestNow after a resume finds a dead tunnel at once and reconnects', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { selfTestIntervalMs: 0 });
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const subdomain = supervisor.status().subdomain;
  lt.dropAllSockets({ mode: 'silent' });
  assert.equal(await supervisor.selfTestNow(), false);
  assert.equal(supervisor.state, 'reconnecting');
  assert.equal(supervisor.status().lastSelfTest?.ok, false);
  await waitFor(() => supervisor.state === 'online', 'online again');
  assert.equal(supervisor.status().subdomain, subdomain);
});

test(
  'tunnel server down at start: reconnecting with a reason, backoff delays grow with jitter and are capped, then online',
  LIMIT,
  async (t) => {
    const port = await freePort();
    const receiver = await startReceiver();
    const jitter = [0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0];
    const supervisor = new TunnelSupervisor({
      localPort: receiver.port,
      host: `http://127.0.0.1:${port}`,
      selfTestIntervalMs: 0,
      backoff: { initialMs: 10, maxMs: 80, factor: 2, jitter: 0.5 },
      random: sequence(jitter),
    });
    const later: { lt?: LtServer } = {};
    t.after(async () => {
      await supervisor.stop();
      supervisor.dispose();
      await later.lt?.close();
      await receiver.close();
    });
    const rec = record(supervisor);
    supervisor.start();
    await waitFor(() => rec.statuses.filter((s) => s.retry).length >= 7, 'seven scheduled retries');

    const retries = rec.statuses.filter((s) => s.retry).map((s) => s.retry!);
    const expected = retries.map((_, i) => backoffDelay(i + 1, { initialMs: 10, maxMs: 80, factor: 2, jitter: 0.5 }, () => jitter[i]));
    assert.deepEqual(
      retries.map((r) => r.attempt),
      retries.map((_, i) => i + 1),
    );
    assert.deepEqual(
      retries.map((r) => r.delayMs),
      expected,
    );
    assert.deepEqual(expected.slice(0, 7), [10, 11, 30, 68, 52, 72, 48]);
    assert.ok(
      retries.every((r) => r.delayMs <= 80),
      'capped',
    );
    const reconnecting = rec.statuses.find((s) => s.state === 'reconnecting');
    assert.match(reconnecting?.reason ?? '', /Cannot reach the localtunnel server http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    assert.equal(supervisor.state, 'reconnecting');
    assert.equal(supervisor.status().publicUrl, undefined);

    later.lt = await startLtServer({ port, maxConnCount: 2, graceMs: 10_000 });
    await waitFor(() => supervisor.state === 'online', 'online once the server is up');
    assert.deepEqual(rec.states.slice(0, 3), ['offline', 'starting', 'reconnecting']);
    assert.equal(rec.states.at(-1), 'online');
  },
);

test('a server that refuses (503) is retried; one that rejects the subdomain (403) stops with the reason', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t);
  lt.refuseNewTunnels = true;
  supervisor.start();
  await waitFor(() => lt.stats.requestedSubdomains.length >= 3, 'three tries');
  assert.equal(supervisor.state, 'reconnecting');
  assert.match(supervisor.status().reason ?? '', /HTTP 503/);
  lt.refuseNewTunnels = false;
  await waitFor(() => supervisor.state === 'online', 'online');

  const bad = new TunnelSupervisor({ localPort: 1, host: lt.url, subdomain: 'Not_Valid', backoff: FAST });
  t.after(() => bad.dispose());
  bad.start();
  await waitFor(() => bad.state === 'offline' && bad.status().reason !== 'Not started.', 'offline');
  assert.match(bad.status().reason ?? '', /HTTP 403\): Invalid subdomain/);
});

test('an open that hangs times out and is retried', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { openTimeoutMs: 50 });
  lt.hang = true;
  supervisor.start();
  await waitFor(() => supervisor.status().retry !== undefined, 'a scheduled retry');
  assert.equal(supervisor.state, 'reconnecting');
  assert.match(supervisor.status().reason ?? '', /timed out after 50 ms/);
  lt.hang = false;
  await waitFor(() => supervisor.state === 'online', 'online');
});

test('Stop during connecting cancels cleanly: no sockets, servers or timers left', LIMIT, async (t) => {
  const baseline = activeResources();
  const lt = await startLtServer();
  const receiver = await startReceiver();
  t.after(async () => {
    await lt.close();
    await receiver.close();
  });
  lt.hang = true;
  const supervisor = new TunnelSupervisor({ localPort: receiver.port, host: lt.url, openTimeoutMs: 60_000, selfTestIntervalMs: 30_000 });
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => lt.stats.requestedSubdomains.length === 1, 'the handshake at the server');
  assert.equal(supervisor.state, 'starting');
  await supervisor.stop();
  assert.equal(supervisor.state, 'offline');
  assert.equal(supervisor.status().reason, 'Stopped.');
  assert.deepEqual(rec.states, ['offline', 'starting', 'offline']);
  supervisor.dispose();
  await lt.close();
  await receiver.close();
  assert.deepEqual(await settleResources(baseline), {}, 'nothing left running');
});

test('Stop while online and during a backoff wait releases everything too', LIMIT, async (t) => {
  const baseline = activeResources();
  const lt = await startLtServer({ maxConnCount: 2, graceMs: 10_000 });
  const receiver = await startReceiver();
  t.after(async () => {
    await lt.close();
    await receiver.close();
  });
  const supervisor = new TunnelSupervisor({
    localPort: receiver.port,
    host: lt.url,
    selfTestIntervalMs: 50,
    backoff: { initialMs: 60_000, maxMs: 60_000 },
  });
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  await supervisor.stop();
  assert.equal(supervisor.state, 'offline');
  assert.equal(supervisor.status().publicUrl, undefined);
  await waitFor(() => lt.tunnels().every((x) => x.sockets === 0), 'the server seeing the sockets go');

  lt.refuseNewTunnels = true;
  supervisor.start();
  await waitFor(() => supervisor.status().retry !== undefined, 'a long backoff wait');
  await supervisor.stop();
  supervisor.dispose();
  await lt.close();
  await receiver.close();
  assert.deepEqual(await settleResources(baseline), {}, 'nothing left running');
});

test('a subdomain still held by the server (grace period) is asked for again and got back', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { subdomain: 'wanted-name', subdomainRetries: 2, subdomainRetryDelayMs: 300 }, 200);
  // someone else holds it: a handshake whose sockets never come keeps the id for the 200 ms grace period
  await fetch(`${lt.url}/wanted-name`);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const status = supervisor.status();
  assert.equal(status.subdomain, 'wanted-name');
  assert.equal(status.preferredSubdomain, 'wanted-name');
  assert.ok(
    lt.stats.requestedSubdomains.every((x) => x === 'wanted-name'),
    JSON.stringify(lt.stats.requestedSubdomains),
  );
});

test('a subdomain that stays taken: after the retries another one is used, the preferred one is kept', LIMIT, async (t) => {
  const { lt, supervisor } = await rig(t, { subdomain: 'taken-name', subdomainRetries: 2, subdomainRetryDelayMs: 10 }, 60_000);
  await fetch(`${lt.url}/taken-name`);
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const status = supervisor.status();
  assert.notEqual(status.subdomain, 'taken-name');
  assert.equal(status.preferredSubdomain, 'taken-name');
  assert.deepEqual(lt.stats.requestedSubdomains, ['taken-name', 'taken-name', 'taken-name', 'taken-name']);
  const holds = rec.statuses.filter((s) => s.retry).map((s) => s.retry!);
  assert.deepEqual(
    holds.map((r) => [r.attempt, r.delayMs]),
    [
      [1, 10],
      [2, 10],
    ],
  );
  assert.match(rec.statuses.find((s) => s.retry)?.reason ?? '', /"taken-name" is still taken/);
  assert.deepEqual(rec.states, ['offline', 'starting', 'online']);
});

test('external mode: the self-test runs against the given URL', LIMIT, async (t) => {
  const receiver = await startReceiver();
  const supervisor = new TunnelSupervisor({
    mode: 'external',
    localPort: receiver.port,
    externalUrl: `${receiver.url}/`,
    selfTestIntervalMs: 50,
  });
  t.after(async () => {
    await supervisor.stop();
    supervisor.dispose();
    await receiver.close();
  });
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  assert.equal(supervisor.status().publicUrl, receiver.url);
  assert.equal(supervisor.status().lastSelfTest?.ok, true);

  // the user's tunnel now points somewhere else: the canary is not answered by us
  receiver.answerCanaries = false;
  await waitFor(() => supervisor.state === 'offline', 'offline');
  assert.match(supervisor.status().reason ?? '', /Self-test failed: .*not with the canary JSON/);
  assert.equal(supervisor.status().publicUrl, receiver.url, 'the URL stays shown');
  receiver.answerCanaries = true;
  assert.equal(await supervisor.selfTestNow(), true);
  assert.equal(supervisor.state, 'online');
  assert.deepEqual(rec.states.slice(0, 5), ['offline', 'starting', 'online', 'offline', 'online']);
});

test('external mode without a usable URL is offline with the reason', LIMIT, async (t) => {
  for (const [externalUrl, reason] of [
    [undefined, /no public URL is set/],
    ['not a url', /not a valid URL/],
    ['ftp://x.test', /http: or https:/],
  ] as const) {
    const supervisor = new TunnelSupervisor({ mode: 'external', localPort: 1, externalUrl });
    t.after(() => supervisor.dispose());
    supervisor.start();
    await waitFor(() => supervisor.status().reason !== 'Not started.', 'a reason');
    assert.equal(supervisor.state, 'offline');
    assert.match(supervisor.status().reason ?? '', reason);
    assert.equal(await supervisor.selfTestNow(), false);
    await supervisor.stop();
  }
});

test('none mode: local only, no public URL, no network', LIMIT, async (t) => {
  let opened = 0;
  let fetched = 0;
  const supervisor = new TunnelSupervisor({
    mode: 'none',
    localPort: 1,
    openTunnel: async () => {
      opened++;
      throw new Error('unexpected');
    },
    fetch: async () => {
      fetched++;
      throw new Error('unexpected');
    },
  });
  t.after(() => supervisor.dispose());
  supervisor.start();
  await waitFor(() => supervisor.status().reason !== 'Not started.', 'a reason');
  const status = supervisor.status();
  assert.equal(status.state, 'offline');
  assert.equal(status.mode, 'none');
  assert.equal(status.publicUrl, undefined);
  assert.match(status.reason ?? '', /Local only/);
  assert.equal(await supervisor.selfTestNow(), false);
  await supervisor.stop();
  assert.equal(opened + fetched, 0);
});

test('with an injected factory: client error and close reconnect; a factory ignoring the abort cannot block stop', LIMIT, async (t) => {
  const receiver = await startReceiver();
  const connections: Array<{ conn: TunnelConnection; error?: (e: Error) => void; close?: () => void; closed: boolean }> = [];
  const factory: TunnelFactory = async (o) => {
    const entry: (typeof connections)[number] = { closed: false, conn: undefined as unknown as TunnelConnection };
    entry.conn = {
      url: receiver.url,
      subdomain: o.subdomain ?? 'given-one',
      onError: (l) => ((entry.error = l), { dispose: () => (entry.error = undefined) }),
      onClose: (l) => ((entry.close = l), { dispose: () => (entry.close = undefined) }),
      close: () => (entry.closed = true),
    };
    connections.push(entry);
    return entry.conn;
  };
  const supervisor = new TunnelSupervisor({ localPort: receiver.port, openTunnel: factory, selfTestIntervalMs: 0, backoff: FAST });
  t.after(async () => {
    supervisor.dispose();
    await receiver.close();
  });
  const rec = record(supervisor);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  connections[0].error?.(new Error('boom'));
  await waitFor(() => connections.length === 2 && supervisor.state === 'online', 'online on a second connection');
  assert.equal(connections[0].closed, true);
  assert.equal(connections[1].conn.subdomain, 'given-one', 'asked for the remembered subdomain');
  connections[1].close?.();
  await waitFor(() => connections.length === 3 && supervisor.state === 'online', 'online on a third connection');
  const reasons = rec.statuses.filter((s) => s.state === 'reconnecting').map((s) => s.reason);
  assert.ok(reasons.includes('The tunnel broke: boom'));
  assert.ok(reasons.includes('The tunnel client closed.'));

  // a factory that never settles and ignores its signal
  const stuck = new TunnelSupervisor({
    localPort: 1,
    openTunnel: () => new Promise<TunnelConnection>(() => undefined),
    openTimeoutMs: 60_000,
  });
  t.after(() => stuck.dispose());
  stuck.start();
  await stuck.stop();
  assert.equal(stuck.state, 'offline');
});

test('self-test timeout counts as a failure and reports the time limit', LIMIT, async (t) => {
  const server = http.createServer(() => undefined); // never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const supervisor = new TunnelSupervisor({
    mode: 'external',
    localPort: 1,
    externalUrl: url,
    selfTestIntervalMs: 0,
    selfTestTimeoutMs: 50,
  });
  t.after(async () => {
    await supervisor.stop();
    supervisor.dispose();
  });
  supervisor.start();
  await waitFor(() => supervisor.status().lastSelfTest !== undefined, 'a self-test result');
  assert.equal(supervisor.state, 'offline');
  assert.equal(supervisor.status().lastSelfTest?.ok, false);
  assert.match(supervisor.status().lastSelfTest?.error ?? '', /no answer within 50 ms/);
});

test('restart drops the connection and comes back at once with the same subdomain, without passing through offline', LIMIT, async (t) => {
  // the real server's grace period (1 s) and our default wait before asking again (1.5 s)
  const { lt, supervisor } = await rig(t, { selfTestIntervalMs: 0 }, 1000);
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  const subdomain = supervisor.status().subdomain;
  const rec = record(supervisor);
  await supervisor.restart();
  assert.equal(supervisor.state, 'starting');
  await waitFor(() => supervisor.state === 'online', 'online again');
  assert.deepEqual(rec.states, ['online', 'starting', 'online']);
  assert.equal(supervisor.status().subdomain, subdomain);
  // the server held the subdomain for its grace period: it was asked for again until it came back
  const asked = lt.stats.requestedSubdomains.slice(lt.stats.requestedSubdomains.lastIndexOf(null) + 1);
  assert.ok(asked.length >= 1 && asked.every((x) => x === subdomain), JSON.stringify(asked));
});

test('dispose while online releases the tunnel', LIMIT, async (t) => {
  const baseline = activeResources();
  const lt = await startLtServer({ maxConnCount: 2, graceMs: 10_000 });
  const receiver = await startReceiver();
  t.after(async () => {
    await lt.close();
    await receiver.close();
  });
  const supervisor = new TunnelSupervisor({ localPort: receiver.port, host: lt.url, selfTestIntervalMs: 20 });
  supervisor.start();
  await waitFor(() => supervisor.state === 'online', 'online');
  supervisor.dispose();
  assert.throws(() => supervisor.start(), /disposed/);
  await waitFor(() => lt.tunnels().every((x) => x.sockets === 0), 'the server seeing the sockets go');
  await lt.close();
  await receiver.close();
  assert.deepEqual(await settleResources(baseline), {}, 'nothing left running');
});
