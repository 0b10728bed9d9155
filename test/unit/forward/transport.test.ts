/**
 * The default transport's connections: kept alive for loopback handlers, a stale kept-alive
 * connection retried once on a fresh one, no timeout on a request in flight, and no idle connection
 * that keeps the process alive. Real sockets throughout (node:http handlers and a raw one that
 * resets connections on cue).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpTransport } from '../../../src/core/forward/index';
import { HostGuard, createHttpTransport, resend } from '../../../src/core/forward/index';
import type { TempStore } from './support';
import { capture, gate, nameToLoopback, startHandler, strictGuard, tempStore, until } from './support';

interface RawServer {
  readonly url: string;
  /** Connections accepted. */
  readonly connections: number;
  /** Requests answered `200 ok`. */
  readonly answered: number;
  /** Requests whose connection was reset (RST) instead. */
  readonly resets: number;
  close(): Promise<void>;
}

/**
 * A minimal keep-alive HTTP/1.1 server on raw sockets. When a complete request has arrived, `reset`
 * decides whether it is answered or its connection reset without handling it, as happens when a
 * handler drops an idle connection (restart, its own keep-alive timeout) just as a request goes out
 * on it. `onConnection` counts the requests of that connection from 1.
 */
async function rawServer(reset: (r: { connection: number; onConnection: number; server: net.Server }) => boolean): Promise<RawServer> {
  let connections = 0;
  let answered = 0;
  let resets = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const connection = ++connections;
    let onConnection = 0;
    let buf = Buffer.alloc(0);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          return;
        }
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        if (buf.length < end + 4 + length) {
          return;
        }
        buf = buf.subarray(end + 4 + length);
        onConnection++;
        if (reset({ connection, onConnection, server })) {
          resets++;
          socket.resetAndDestroy();
          return;
        }
        answered++;
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nok',
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get answered() {
      return answered;
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
      }),
  };
}

describe('transport connections', () => {
  let ts: TempStore;
  const transports: HttpTransport[] = [];
  const transport = (options?: Parameters<typeof createHttpTransport>[0]): HttpTransport => {
    const t = createHttpTransport(options);
    transports.push(t);
    return t;
  };
  before(async () => {
    ts = await tempStore();
  });
  after(async () => {
    for (const t of transports) {
      t.closeIdleConnections();
    }
    await ts.close();
  });

  test('sequential resends to a loopback handler share one kept-alive connection; keepAliveIdleMs 0 opens one per request', async () => {
    const h = await startHandler();
    try {
      const { event, body } = await capture(ts.store, { url: '/ka', headers: [['Content-Type', 'text/plain']], body: 'hello' });
      const kept = transport();
      for (let i = 0; i < 5; i++) {
        const d = await resend(event, body, h.url, { guard: strictGuard(), transport: kept });
        assert.equal(d.status, 200);
      }
      assert.equal(h.connections, 1);
      assert.ok(h.seen.every((s) => s.headers.connection === 'keep-alive' && s.body.equals(body)));
      const each = transport({ keepAliveIdleMs: 0 });
      for (let i = 0; i < 3; i++) {
        await resend(event, body, h.url, { guard: strictGuard(), transport: each });
      }
      assert.equal(h.connections, 4);
      assert.ok(h.seen.slice(5).every((s) => s.headers.connection === 'close'));
    } finally {
      await h.close();
    }
  });

  test('a host that is not loopback by name gets a connection per request, as before', async () => {
    // The name resolves to 127.0.0.1 through the injected lookup: no traffic leaves loopback, but the
    // transport sees a host that is not loopback by name (so no keep-alive pool).
    const remote = nameToLoopback('handler.example.test');
    let connections = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://handler.example.test:${(server.address() as AddressInfo).port}`;
      const guard = new HostGuard({ confirmHost: async () => true });
      const { event, body } = await capture(ts.store, { url: '/remote', headers: [], body: 'x' });
      const t = createHttpTransport({ lookup: remote.lookup });
      for (let i = 0; i < 3; i++) {
        assert.equal((await resend(event, body, target, { guard, transport: t })).status, 200);
      }
      assert.equal(connections, 3);
      assert.equal(remote.lookups.length, 3, 'each request resolved the name through the injected lookup');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('an idle connection is closed after keepAliveIdleMs', async () => {
    const h = await startHandler();
    try {
      const { event, body } = await capture(ts.store, { url: '/idle', headers: [], body: 'x' });
      await resend(event, body, h.url, { guard: strictGuard(), transport: transport({ keepAliveIdleMs: 30 }) });
      assert.equal(h.connections, 1);
      await until(() => h.open === 0, 'the idle connection to close');
    } finally {
      await h.close();
    }
  });

  test('a request in flight on a reused connection has no timeout (hold mode), however long the handler takes', async () => {
    const hold = gate();
    let n = 0;
    const h = await startHandler(async () => {
      if (++n === 2) {
        await hold.promise;
      }
      return { status: 200, body: `answer ${n}` };
    });
    try {
      const { event, body } = await capture(ts.store, { url: '/hold', headers: [], body: 'x' });
      const t = transport({ keepAliveIdleMs: 20 });
      await resend(event, body, h.url, { guard: strictGuard(), transport: t });
      const held = resend(event, body, h.url, { guard: strictGuard(), transport: t });
      await until(() => h.seen.length === 2, 'the second request to arrive');
      // Ten idle periods on the breakpoint: a wait for time to pass, not a timing assertion.
      await new Promise((r) => setTimeout(r, 200));
      hold.open();
      const d = await held;
      assert.equal(d.status, 200);
      assert.equal(d.body, 'answer 2');
      assert.equal(h.connections, 1, 'the same connection, not a retry');
    } finally {
      hold.open();
      await h.close();
    }
  });

  test('a reset on a reused connection (the handler dropped it as the request went out) is sent once more on a fresh connection', async () => {
    // The second request on the first connection finds it reset; everything else is answered.
    const s = await rawServer(({ connection, onConnection }) => connection === 1 && onConnection === 2);
    try {
      const { event, body } = await capture(ts.store, { url: '/stale', headers: [], body: '{"n":1}' });
      const t = transport();
      assert.equal((await resend(event, body, s.url, { guard: strictGuard(), transport: t })).status, 200);
      const d = await resend(event, body, s.url, { guard: strictGuard(), transport: t });
      assert.equal(d.status, 200);
      assert.equal(d.body, 'ok');
      assert.equal(d.error, undefined);
      assert.deepEqual({ connections: s.connections, answered: s.answered, resets: s.resets }, { connections: 2, answered: 2, resets: 1 });
      // The retry's connection was a one-off; the next resends share a new kept-alive one.
      assert.equal((await resend(event, body, s.url, { guard: strictGuard(), transport: t })).status, 200);
      assert.equal((await resend(event, body, s.url, { guard: strictGuard(), transport: t })).status, 200);
      assert.deepEqual({ connections: s.connections, answered: s.answered, resets: s.resets }, { connections: 3, answered: 4, resets: 1 });
    } finally {
      await s.close();
    }
  });

  test('only one retry: a connection reset again on the fresh connection is the delivery error', async () => {
    const s = await rawServer(({ connection }) => connection > 1 || s.answered > 0);
    try {
      const { event, body } = await capture(ts.store, { url: '/resets', headers: [], body: 'x' });
      const t = transport();
      assert.equal((await resend(event, body, s.url, { guard: strictGuard(), transport: t })).status, 200);
      const d = await resend(event, body, s.url, { guard: strictGuard(), transport: t });
      assert.equal(d.status, undefined);
      assert.equal(d.errorCode, 'ECONNRESET');
      assert.match(d.error ?? '', /closed the connection without answering \(ECONNRESET\)/);
      assert.deepEqual({ connections: s.connections, resets: s.resets }, { connections: 2, resets: 2 });
    } finally {
      await s.close();
    }
  });

  test('a reset whose retry is refused (the handler died on the request) reports the reset, not the refusal', async () => {
    const s = await rawServer(({ connection, onConnection, server }) => {
      if (connection === 1 && onConnection === 2) {
        server.close(); // stops listening: the retry is refused
        return true;
      }
      return false;
    });
    try {
      const { event, body } = await capture(ts.store, { url: '/died', headers: [], body: 'x' });
      const t = transport();
      assert.equal((await resend(event, body, s.url, { guard: strictGuard(), transport: t })).status, 200);
      const d = await resend(event, body, s.url, { guard: strictGuard(), transport: t });
      assert.equal(d.errorCode, 'ECONNRESET');
      assert.match(d.error ?? '', /Did it crash\?/);
    } finally {
      await s.close();
    }
  });

  test('a handler restarted between resends: the next resend reaches the new process', async () => {
    const first = await startHandler(() => ({ status: 200, body: 'first' }));
    const port = first.port;
    const { event, body } = await capture(ts.store, { url: '/restart', headers: [], body: 'x' });
    const t = transport({ keepAliveIdleMs: 60_000 });
    assert.equal((await resend(event, body, first.url, { guard: strictGuard(), transport: t })).body, 'first');
    await first.close();
    const second = await startHandler(() => ({ status: 200, body: 'second' }), port);
    try {
      const d = await resend(event, body, second.url, { guard: strictGuard(), transport: t });
      assert.equal(d.status, 200);
      assert.equal(d.body, 'second');
      assert.equal(second.seen.length, 1);
    } finally {
      await second.close();
    }
  });

  test('a cancelled request on a reused connection is not sent again', async () => {
    const hold = gate();
    let n = 0;
    const h = await startHandler(async () => {
      if (++n >= 2) {
        await hold.promise;
      }
      return { status: 200 };
    });
    try {
      const { event, body } = await capture(ts.store, { url: '/cancel', headers: [], body: 'x' });
      const t = transport();
      await resend(event, body, h.url, { guard: strictGuard(), transport: t });
      const ac = new AbortController();
      const pending = resend(event, body, h.url, { guard: strictGuard(), transport: t, signal: ac.signal });
      await until(() => h.seen.length === 2, 'the second request to arrive');
      ac.abort();
      const d = await pending;
      assert.equal(d.errorCode, 'ABORTED');
      assert.equal(h.seen.length, 2);
      assert.equal(h.connections, 1);
    } finally {
      hold.open();
      await h.close();
    }
  });

  test('an idle kept-alive connection does not keep the process alive', async () => {
    const h = await startHandler();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'exitAfterResend.ts'), h.url], {
        cwd: path.join(__dirname, '..', '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        // The child's idle connection would live a minute: exiting at all before then is the point.
        const guard = setTimeout(() => {
          child.kill();
          reject(new Error('the child process was still running after 30 s'));
        }, 30_000);
        guard.unref();
        child.on('exit', (c) => {
          clearTimeout(guard);
          resolve(c);
        });
      });
      assert.equal(code, 0, err);
      assert.equal(out.trim(), '200');
      assert.equal(h.connections, 1);
    } finally {
      await h.close();
    }
  });
});
