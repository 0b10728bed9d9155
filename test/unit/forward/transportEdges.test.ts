/**
 * Guards the edges of the HTTP transport (transport.ts): a handler's `Keep-Alive: timeout=1` hint is
 * obeyed (no reuse), an already-cancelled request is never sent, a request Node cannot build fails
 * with Node's code and cause, a stale kept-alive connection drops only the idle connections to that
 * handler, a retry after a stale connection that fails too reports its own failure, an answer cut off
 * mid-body is a failure that says so, closeIdleConnections closes the idle connections, [::1] is
 * reached, requests sharing a signal leave no listener on it, and a kept-alive connection that answers
 * something that is not HTTP is not retried; an answer within the cap is whole, and a failure without
 * a sentence of its own keeps Node's message, code and cause.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { describe, test } from 'node:test';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { DeliveryError } from '../../../src/core/forward/types';
import { outgoing } from './outgoing';
import { deadPort, startHandler, until } from './support';

const opts = { maxResponseBytes: 1024 };

interface Raw {
  readonly url: string;
  readonly port: number;
  requests: number;
  connections: number;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 whose `onRequest` gets the request number on its connection (from 1). */
async function raw(onRequest: (res: http.ServerResponse, nth: number, socket: Socket) => void): Promise<Raw> {
  const perSocket = new WeakMap<Socket, number>();
  const server = http.createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    info.requests++;
    req.resume();
    req.on('end', () => onRequest(res, n, req.socket));
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => info.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const info: Raw = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return info;
}

describe('transport edges', () => {
  test("a handler's Keep-Alive: timeout=1 hint: its connection is not kept for the next request", async () => {
    const h = await raw((res) => {
      res.writeHead(200, { 'keep-alive': 'timeout=1' });
      res.end('ok');
    });
    const transport = createHttpTransport({ keepAliveIdleMs: 5000 });
    try {
      assert.equal((await transport(outgoing(h.url), opts)).status, 200);
      assert.equal((await transport(outgoing(h.url), opts)).status, 200);
      assert.equal(h.connections, 2);
    } finally {
      transport.closeIdleConnections();
      await h.close();
    }
  });

  test('an already-cancelled request is not sent; the reason it was cancelled with is the error', async () => {
    const h = await startHandler();
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      const plain = new AbortController();
      plain.abort();
      await assert.rejects(transport(outgoing(h.url), { ...opts, signal: plain.signal }), {
        code: 'ABORTED',
        message: 'The request was cancelled.',
      });
      const why = new AbortController();
      why.abort(new DeliveryError('Stopped.', 'TIMEOUT'));
      await assert.rejects(transport(outgoing(h.url), { ...opts, signal: why.signal }), { code: 'TIMEOUT', message: 'Stopped.' });
      assert.equal(h.connections, 0);
    } finally {
      await h.close();
    }
  });

  test("a request Node refuses to build fails with Node's code, a message that says so and the cause", async () => {
    const h = await startHandler();
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      await assert.rejects(transport(outgoing(h.url, { headers: [['x-bad', 'a\nb']] }), opts), (err: unknown) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.code, 'ERR_INVALID_CHAR');
        assert.match(err.message, /^The request could not be built: /);
        assert.equal((err.cause as NodeJS.ErrnoException).code, 'ERR_INVALID_CHAR');
        return true;
      });
      assert.equal(h.connections, 0);
    } finally {
      await h.close();
    }
  });

  test('a stale kept-alive connection: the idle ones to that handler are dropped, those to another are kept', async () => {
    // `stale` drops any second request on a connection, as a handler that closed its idle connections.
    const stale = await raw((res, nth, socket) => {
      if (nth > 1) {
        socket.destroy();
        return;
      }
      res.end('ok');
    });
    const other = await raw((res) => res.end('ok'));
    const transport = createHttpTransport({ keepAliveIdleMs: 5000 });
    try {
      assert.equal((await transport(outgoing(other.url), opts)).status, 200);
      // Two idle connections to `stale`.
      await Promise.all([transport(outgoing(stale.url), opts), transport(outgoing(stale.url), opts)]);
      assert.equal(stale.connections, 2);
      // Goes out on one of them, is dropped, and is sent again on a fresh connection.
      assert.equal((await transport(outgoing(stale.url), opts)).status, 200);
      assert.equal(stale.requests, 4);
      // The other idle connection to `stale` was dropped with it: this one goes out on a new connection.
      assert.equal((await transport(outgoing(stale.url), opts)).status, 200);
      assert.equal(stale.requests, 5);
      // The idle connection to `other` was kept.
      assert.equal((await transport(outgoing(other.url), opts)).status, 200);
      assert.equal(other.connections, 1);
    } finally {
      transport.closeIdleConnections();
      await stale.close();
      await other.close();
    }
  });

  test('an answer cut off in the middle of its body: a failure that says the handler closed the connection', async () => {
    const h = await raw((res, _nth, socket) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => setTimeout(() => socket.destroy(), 20));
    });
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      await assert.rejects(transport(outgoing(h.url), opts), (err: unknown) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.code, 'ECONNRESET');
        assert.equal(err.message, `The handler on 127.0.0.1:${h.port} closed the connection in the middle of its answer.`);
        assert.ok(err.cause instanceof Error, "Node's report of the cut is kept as the cause");
        return true;
      });
    } finally {
      await h.close();
    }
  });

  test('closeIdleConnections closes the kept-alive connections now', async () => {
    const h = await startHandler();
    const transport = createHttpTransport({ keepAliveIdleMs: 60_000 });
    try {
      assert.equal((await transport(outgoing(h.url), opts)).status, 200);
      assert.equal(h.open, 1, 'kept alive');
      // Asked until the connection is back in the pool and closed.
      await until(() => (transport.closeIdleConnections(), h.open === 0), 'the idle connection closed');
    } finally {
      await h.close();
    }
  });

  test("a stale connection whose retry fails too: the retry's failure is reported, not the stale one's", async () => {
    let total = 0;
    const h = await raw((res, nth, socket) => {
      total++;
      if (nth > 1) {
        socket.destroy(); // the kept-alive connection was stale
      } else if (total === 3) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial', () => setTimeout(() => socket.destroy(), 20));
      } else {
        res.end('ok');
      }
    });
    const transport = createHttpTransport({ keepAliveIdleMs: 5000 });
    try {
      assert.equal((await transport(outgoing(h.url), opts)).status, 200);
      await assert.rejects(transport(outgoing(h.url), opts), (err: unknown) => {
        assert.ok(err instanceof DeliveryError);
        assert.equal(err.message, `The handler on 127.0.0.1:${h.port} closed the connection in the middle of its answer.`);
        return true;
      });
      assert.equal(total, 3);
    } finally {
      transport.closeIdleConnections();
      await h.close();
    }
  });

  test('an IPv6 loopback target ([::1]) is reached', async () => {
    const server = http.createServer((_req, res) => res.end('v6'));
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    const port = (server.address() as AddressInfo).port;
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      const res = await transport(outgoing(`http://[::1]:${port}`), opts);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'v6');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('requests that share one signal each take their abort listener away, answered or failed', async () => {
    const h = await startHandler();
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void (w.name === 'MaxListenersExceededWarning' && warnings.push(w));
    process.on('warning', onWarning);
    try {
      // Node warns past 10 listeners on one signal (the forwarder passes its stop signal to every delivery).
      const answered = new AbortController();
      const failed = new AbortController();
      for (let i = 0; i < 12; i++) {
        assert.equal((await transport(outgoing(h.url), { ...opts, signal: answered.signal })).status, 200);
        await assert.rejects(transport(outgoing(dead), { ...opts, signal: failed.signal }), { code: 'ECONNREFUSED' });
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await h.close();
    }
  });

  test('a kept-alive connection that answers something that is not HTTP is not retried: that is the failure', async () => {
    const h = await raw((res, nth, socket) => {
      if (nth === 1) {
        res.end('ok');
      } else {
        socket.end('NOT HTTP\r\n\r\n');
      }
    });
    const transport = createHttpTransport({ keepAliveIdleMs: 5000 });
    try {
      assert.equal((await transport(outgoing(h.url), opts)).status, 200);
      await assert.rejects(transport(outgoing(h.url), opts), DeliveryError);
      assert.equal(h.requests, 2, 'not sent again');
      assert.equal(h.connections, 1);
    } finally {
      transport.closeIdleConnections();
      await h.close();
    }
  });

  test('an answer within the cap is whole: not truncated, its size counted', async () => {
    const h = await startHandler(() => ({ status: 200, body: 'ok' }));
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      const res = await transport(outgoing(h.url), opts);
      assert.equal(res.truncated, false);
      assert.equal(res.bodySize, 2);
    } finally {
      await h.close();
    }
  });

  test("a failure the transport has no sentence for keeps Node's message, code and cause", async () => {
    const broken = Object.assign(new Error('the resolver broke'), { code: 'EBROKEN' });
    const lookup = ((_host: string, _options: unknown, callback: (err: Error) => void) => callback(broken)) as unknown as LookupFunction;
    const transport = createHttpTransport({ keepAliveIdleMs: 0, lookup });
    await assert.rejects(transport(outgoing('http://hooks.example.test:1'), opts), (err: unknown) => {
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.name, 'DeliveryError');
      assert.equal(err.code, 'EBROKEN');
      assert.equal(err.message, 'The request to hooks.example.test:1 failed: the resolver broke');
      assert.equal(err.cause, broken);
      return true;
    });
  });

  test("the answer's headers are recorded exactly as sent: order, spelling, duplicates, nothing else", async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 201 Created\r\nX-One: 1\r\nx-TWO: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      const res = await transport(outgoing(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), opts);
      assert.equal(res.status, 201);
      assert.deepEqual(res.headers, [
        ['X-One', '1'],
        ['x-TWO', '2'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Content-Length', '2'],
        ['Connection', 'close'],
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
