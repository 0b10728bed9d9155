import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { decodeForDisplay } from '../../../src/core/bodyDecode';
import type { CapturedEvent } from '../../../src/core/model/event';
import { PortInUseError, Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { rawRequest, request } from '../../support/http';

describe('Receiver', () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  let url: string;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-recv-'));
    store = await EventStore.open(dir, { maxEvents: 1000 });
    receiver = new Receiver({ store, port: 0, maxBodySize: 1024 * 1024 });
    url = await receiver.start();
  });
  afterEach(async () => {
    await receiver.stop();
    receiver.dispose();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function only(): CapturedEvent {
    assert.equal(store.size, 1, 'exactly one event stored');
    return store.list()[0]!;
  }

  test('binds 127.0.0.1 only and answers 200 with the event id', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await request(`${url}/hooks/stripe`, { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    const reply = JSON.parse(res.body.toString());
    assert.equal(reply.ok, true);
    assert.equal(reply.id, only().id);
    assert.equal(only().response.status, 200);
    assert.equal(only().response.body, res.body.toString(), 'the response it gave is recorded');
  });

  test('a random binary body round-trips byte for byte', async () => {
    const body = randomBytes(64 * 1024);
    await request(`${url}/bin`, { body, headers: { 'content-type': 'application/octet-stream' } });
    const event = only();
    assert.equal(event.size, body.length);
    assert.ok((await store.readBody(event.id)).equals(body));
  });

  test('UTF-8, invalid UTF-8 and empty bodies are kept exactly', async () => {
    const bodies = [
      Buffer.from('{"name":"Zoë 🚀 日本"}', 'utf8'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0x00, 0x41]),
      Buffer.alloc(0),
    ];
    for (const body of bodies) {
      await request(`${url}/u`, { body });
    }
    const events = store.list().slice().reverse();
    for (const [i, body] of bodies.entries()) {
      assert.ok((await store.readBody(events[i]!.id)).equals(body), `body ${i}`);
      assert.equal(events[i]!.size, body.length);
    }
  });

  test('headers are kept as raw pairs: order, case and duplicates', async () => {
    const port = receiver.port;
    const raw =
      'POST /raw/path?a=1&a=2&b=%20x HTTP/1.1\r\nHost: example.test\r\nX-Custom-CASE: One\r\nx-custom-case: two\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello';
    const reply = await rawRequest(port, raw);
    assert.match(reply, /^HTTP\/1\.1 200/);
    const event = only();
    assert.equal(event.method, 'POST');
    assert.equal(event.url, '/raw/path?a=1&a=2&b=%20x');
    assert.deepEqual(event.headers, [
      ['Host', 'example.test'],
      ['X-Custom-CASE', 'One'],
      ['x-custom-case', 'two'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Content-Length', '5'],
      ['Connection', 'close'],
    ]);
    assert.equal(event.remoteAddress, '127.0.0.1');
    assert.ok(!Number.isNaN(Date.parse(event.receivedAt)));
  });

  test('any method on any path is captured', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE']) {
      const res = await request(`${url}/m/${method.toLowerCase()}`, { method });
      assert.equal(res.status, 200, method);
    }
    assert.deepEqual(
      store
        .list()
        .map((e) => e.method)
        .reverse(),
      ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE'],
    );
  });

  test('a body over the limit gets 413, is listed without its body, and disturbs nothing else', async () => {
    const before = await request(`${url}/before`, { body: 'kept' });
    assert.equal(before.status, 200);
    const big = Buffer.alloc(1024 * 1024 + 10, 0x61);
    const [tooBig, during] = await Promise.all([
      request(`${url}/too-big`, { body: big }).catch((err: Error) => ({ status: -1, body: Buffer.from(err.message), headers: {} })),
      request(`${url}/during`, { body: 'also kept' }),
    ]);
    assert.equal(tooBig.status, 413, tooBig.body.toString());
    assert.match(tooBig.body.toString(), /larger than this receiver's limit/);
    assert.equal(during.status, 200);
    const rejected = store.list().find((e) => e.url === '/too-big');
    assert.ok(rejected, 'the attempt is listed');
    assert.equal(rejected.rejected, 'body-too-large');
    assert.equal(rejected.response.status, 413);
    assert.equal((await store.readBody(rejected.id)).length, 0);
    assert.equal((await store.readBody(store.list().find((e) => e.url === '/before')!.id)).toString(), 'kept');
    assert.equal((await request(`${url}/after`, { body: 'fine' })).status, 200, 'still serving');
  });

  test('a body streamed without content-length is cut off at the limit with 413', async () => {
    const reply = await rawRequest(
      receiver.port,
      `POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${Array.from({ length: 20 }, () => `10000\r\n${'b'.repeat(0x10000)}\r\n`).join('')}0\r\n\r\n`,
    );
    assert.match(reply, /^HTTP\/1\.1 413/);
    assert.equal(only().rejected, 'body-too-large');
  });

  test('a huge declared content-length with a tiny body is refused at once', async () => {
    const reply = await rawRequest(receiver.port, 'POST /liar HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\ntiny');
    assert.match(reply, /^HTTP\/1\.1 413/);
    assert.equal(only().size, 1073741824);
  });

  test('compressed bodies are stored as received and decoded for display only', async () => {
    const json = Buffer.from(JSON.stringify({ hello: 'world', n: [1, 2, 3] }));
    const gz = zlib.gzipSync(json);
    await request(`${url}/gz`, { body: gz, headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' } });
    const event = only();
    const stored = await store.readBody(event.id);
    assert.ok(stored.equals(gz), 'stored bytes are the gzip bytes');
    const shown = await decodeForDisplay(stored, 'gzip');
    assert.ok(shown.bytes.equals(json));
    assert.equal(shown.decodedFrom, 'gzip');
    const br = await decodeForDisplay(zlib.brotliCompressSync(json), 'br');
    assert.ok(br.bytes.equals(json));
    const deflate = await decodeForDisplay(zlib.deflateSync(json), 'deflate');
    assert.ok(deflate.bytes.equals(json));
  });

  test('a malformed request line gets 400 and the receiver keeps serving', async () => {
    const reply = await rawRequest(receiver.port, 'THIS IS NOT HTTP\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await request(`${url}/ok`, { body: 'x' })).status, 200);
  });

  test('a port in use gives a PortInUseError, and stop frees the port', async () => {
    const port = receiver.port;
    const second = new Receiver({ store, port });
    await assert.rejects(
      second.start(),
      (err: unknown) => err instanceof PortInUseError && err.port === port && /already in use/.test(err.message),
    );
    assert.equal(second.state, 'stopped');
    second.dispose();
    // keep-alive connections must not hold the port
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    await receiver.stop();
    const free = net.createServer();
    await new Promise<void>((resolve, reject) => free.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    await new Promise((r) => free.close(r));
    socket.destroy();
  });
});

describe('decodeForDisplay', () => {
  test('a gzip bomb is decoded only up to the limit', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 200 * 1024);
    const shown = await decodeForDisplay(bomb, 'gzip', 1024 * 1024);
    assert.equal(shown.truncated, true);
    assert.equal(shown.bytes.length, 1024 * 1024);
  });

  test('an unknown or broken encoding shows the bytes as received with a reason', async () => {
    const raw = Buffer.from('not gzip at all');
    const broken = await decodeForDisplay(raw, 'gzip');
    assert.ok(broken.bytes.equals(raw));
    assert.match(broken.error ?? '', /could not be decoded/);
    const unknown = await decodeForDisplay(raw, 'zstd-future');
    assert.match(unknown.error ?? '', /Unknown content-encoding/);
  });
});
