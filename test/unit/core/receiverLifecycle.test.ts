// The receiver's life cycle and the requests that never reach a handler (receiver.ts `start`, `stop`, the
// `clientError` answers), with short timeouts so each case takes milliseconds:
// - the URL exists only while running; a second start is the same server; a start while starting is refused;
//   a port in use is a PortInUseError naming the port;
// - a connection that never sent a byte is closed without an answer (the tunnel client opens connections
//   ahead of requests: a 408 there would become the answer to the next public request);
// - a malformed request gets 400, oversized headers 431, headers that never finish 408, each with
//   Connection: close and an empty body, and nothing is stored;
// - a new body limit applies to the next request; listeners read the captured body while they run;
// - a sender that aborts mid-body is logged; a store failure that is not a write error is logged with
//   its reason and answered 503.
import assert from 'node:assert/strict';
import { promises as fsp, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { Receiver } from '../../../src/core/receiver';
import { PortInUseError } from '../../../src/core/receiverDefaults';
import { EventStore } from '../../../src/core/store';
import { rawRequest, request, untilClosed } from '../../support/http';
import { recordingLogger } from '../../support/store';
import { asNonRoot } from '../../support/users';

// A bound on each test, so a receiver that never answers fails the test instead of hanging the file.
describe('Receiver: life cycle and requests refused before a handler', { timeout: 20_000 }, () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  const log = recordingLogger();
  const debug: string[] = [];
  const info: string[] = [];
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-lifecycle-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
    receiver = new Receiver({
      store,
      port: 0,
      maxBodySize: 1000,
      logger: { ...log, debug: (m: string) => debug.push(m), info: (m: string) => info.push(m) },
      timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 50 },
    });
  });
  after(async () => {
    await receiver.stop();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('start: a URL only while running; a second start is the same server; a start while starting is refused', async () => {
    assert.equal(receiver.url, undefined, 'stopped: no URL');
    const starting = receiver.start();
    assert.equal(receiver.state, 'starting');
    await assert.rejects(receiver.start(), /The receiver is starting\./);
    const url = await starting;
    assert.equal(url, `http://127.0.0.1:${receiver.port}`);
    assert.equal(receiver.url, url);
    assert.equal(await receiver.start(), url, 'already running: the same URL');
    assert.equal((await request(`${url}/ping`)).status, 200);
  });

  test('answers name no framework and carry no ETag; a request without Host is taken; start is logged', async () => {
    const res = await request(`${receiver.url}/plain`, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers.etag, undefined);
    const reply = await rawRequest(receiver.port, 'POST /no-host HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi');
    assert.match(reply, /^HTTP\/1\.1 200 /, 'HTTP/1.1 without Host: captured, not refused (senders and tunnels vary)');
    assert.ok(
      store.list().some((e) => e.url === '/no-host'),
      'stored',
    );
    assert.ok(info.includes(`Receiver listening on http://127.0.0.1:${receiver.port}`), info.join('\n'));
  });

  test('a port in use is a PortInUseError naming the port, and the receiver is stopped again', async () => {
    const other = new Receiver({ store, port: receiver.port, logger: log });
    const states: string[] = [];
    other.onDidChangeState((s) => states.push(s));
    try {
      await assert.rejects(other.start(), (err: Error) => {
        assert.ok(err instanceof PortInUseError, err.message);
        assert.match(err.message, new RegExp(`Port ${receiver.port} is already in use on 127\\.0\\.0\\.1`));
        return true;
      });
      assert.deepEqual(states, ['starting', 'stopped']);
      assert.equal(other.url, undefined);
    } finally {
      await other.stop();
    }
  });

  test('another listen error (a port this user may not bind) is passed on as it is, not called "in use"', async (t) => {
    // Ports below this one need privilege (Linux's default: 1024); root has it, so as root the start runs with
    // nobody's effective user id, which has no capabilities. Where every port is unprivileged there is no such
    // error to provoke, and the test says so.
    const firstFree = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    if (firstFree < 2) {
      t.diagnostic(`every port is unprivileged here (ip_unprivileged_port_start=${firstFree}): no EACCES to provoke`);
      return;
    }
    const port = firstFree - 1;
    const other = new Receiver({ store, port, logger: log });
    try {
      await asNonRoot(() =>
        assert.rejects(other.start(), (err: NodeJS.ErrnoException) => {
          assert.equal(err instanceof PortInUseError, false, err.message);
          assert.equal(err.code, 'EACCES');
          assert.match(err.message, new RegExp(`listen EACCES: permission denied 127\\.0\\.0\\.1:${port}`));
          return true;
        }),
      );
    } finally {
      await other.stop();
    }
    assert.equal(other.state, 'stopped');
  });

  test('a connection that never sends a byte is closed without an answer; nothing is stored', async () => {
    const before = store.size;
    const reply = await untilClosed(receiver.port, [], 10_000);
    assert.equal(reply, '', 'no 408 on a connection that carried no request');
    assert.equal(store.size, before);
  });

  test('headers that never finish get 408; a malformed request 400; oversized headers 431; each closes', async () => {
    const before = store.size;
    const slow = await untilClosed(receiver.port, ['POST /slow HTTP/1.1\r\nHost: x\r\n'], 10_000);
    assert.equal(slow, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const bad = await untilClosed(receiver.port, ['NOT HTTP AT ALL\r\n\r\n'], 10_000);
    assert.equal(bad, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const big = await untilClosed(receiver.port, [`POST /big HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], 10_000);
    assert.equal(big, 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    assert.equal(store.size, before, 'none of them is an event');
    assert.ok(
      debug.some((m) => m === 'Receiver: rejected a malformed request (HPE_HEADER_OVERFLOW).'),
      debug.join('\n'),
    );
    assert.ok(debug.some((m) => m === 'Receiver: rejected a malformed request (ERR_HTTP_REQUEST_TIMEOUT).'));
  });

  test('a body that never finishes gets 408 once the request time is up, and nothing is stored', async () => {
    const before = store.size;
    const reply = await untilClosed(receiver.port, ['POST /stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npart of it'], 10_000);
    assert.match(reply, /^HTTP\/1\.1 408 /, reply);
    assert.equal(store.size, before);
  });

  test('a new body limit applies to the next request; listeners read the body while they run', async () => {
    const seen: Array<{ event: CapturedEvent; body: string | undefined }> = [];
    const sub = receiver.onDidCapture((event) => seen.push({ event, body: receiver.bodyOf(event)?.toString() }));
    try {
      receiver.setMaxBodySize(10);
      assert.equal((await request(`${receiver.url}/eleven`, { body: '12345678901' })).status, 413);
      assert.ok(log.warnings.includes('Receiver: POST /eleven rejected, body 11 bytes over the 10-byte limit.'), log.warnings.join('\n'));
      assert.equal((await request(`${receiver.url}/ten`, { body: '1234567890' })).status, 200);
      receiver.setMaxBodySize(1000);
      assert.equal((await request(`${receiver.url}/eleven`, { body: '12345678901' })).status, 200);
    } finally {
      sub.dispose();
    }
    assert.deepEqual(
      seen.map((s) => [s.event.url, s.body]),
      [
        ['/eleven', undefined],
        ['/ten', '1234567890'],
        ['/eleven', '12345678901'],
      ],
    );
    assert.equal(receiver.bodyOf(seen[1]!.event), undefined, 'not kept after the listeners ran');
  });

  test('a sender that aborts mid-body is logged, and nothing is stored', async () => {
    const before = store.size;
    const socket = net.connect(receiver.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part');
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    for (let i = 0; i < 100 && !debug.some((m) => m.startsWith('Receiver: POST /cut')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(
      debug.some((m) => /^Receiver: POST \/cut aborted by the sender \(.+\)\.$/.test(m)),
      debug.join('\n'),
    );
    assert.equal(store.size, before);
  });

  test('a store failure that is not a write error is logged with its reason and answered 503', async () => {
    const closedDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-lifecycle-closed-'));
    const closed = await EventStore.open(closedDir, { maxEvents: 10 });
    const failing = new Receiver({ store: closed, port: 0, logger: log });
    await failing.start();
    try {
      await closed.close();
      const res = await request(`${failing.url}/x`, { body: 'x' });
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '5');
      assert.ok(
        log.warnings.some((m) => m.startsWith('Receiver: could not store the event: ') && m.length > 40),
        log.warnings.join('\n'),
      );
    } finally {
      await failing.stop();
      await fsp.rm(closedDir, { recursive: true, force: true });
    }
  });

  test('stop frees the port, is logged and idempotent; the URL is gone', async () => {
    const port = receiver.port;
    const states: string[] = [];
    const sub = receiver.onDidChangeState((st) => states.push(st));
    await Promise.all([receiver.stop(), receiver.stop()]);
    await receiver.stop();
    sub.dispose();
    assert.deepEqual(states, ['stopping', 'stopped']);
    assert.equal(receiver.url, undefined);
    assert.equal(info.at(-1), 'Receiver stopped.');
    await listenOnce(port);
  });

  test('dispose stops the receiver: its port is free again', async () => {
    const other = new Receiver({ store, port: 0, logger: log });
    await other.start();
    const port = other.port;
    other.dispose();
    // Bounded retries: the port is released once the server has closed.
    let lastError: unknown;
    for (let i = 0; i < 200; i++) {
      try {
        await listenOnce(port);
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    assert.fail(`the port stayed taken after dispose: ${String(lastError)}`);
  });
});

/** Listens on `port` and closes again; rejects when the port is taken. */
async function listenOnce(port: number): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((r) => probe.close(() => r()));
}
