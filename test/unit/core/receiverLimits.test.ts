// maxBodySize is exact: a body of exactly the limit is captured (200), one byte more is refused
// (413), whichever way the length is told: Content-Length, one chunk, or many chunks. Raw sockets on
// loopback, so the bytes on the wire are exactly these.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { rawRequest } from '../../support/http';

const LIMIT = 1000;

function head(extra: string): string {
  return `POST /limit HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/octet-stream\r\n${extra}\r\n`;
}

function withLength(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(head(`Content-Length: ${body.length}\r\n`)), body]);
}

/** Chunked transfer coding with the given chunk sizes (no Content-Length at all). */
function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [Buffer.from(head('Transfer-Encoding: chunked\r\n'))];
  let at = 0;
  for (const n of sizes) {
    parts.push(Buffer.from(`${n.toString(16)}\r\n`), body.subarray(at, at + n), Buffer.from('\r\n'));
    at += n;
  }
  assert.equal(at, body.length, 'the chunk sizes add up to the body');
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

function bodyOf(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => 65 + (i % 26)));
}

describe(`Receiver maxBodySize = ${LIMIT}: exactly the limit is kept, one byte more is refused`, () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-limits-'));
    store = await EventStore.open(dir, { maxEvents: 1000 });
    receiver = new Receiver({ store, port: 0, maxBodySize: LIMIT });
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const ways: Array<[string, (b: Buffer) => Buffer]> = [
    ['with Content-Length', withLength],
    ['chunked, one chunk (no Content-Length)', (b) => chunked(b, [b.length])],
    [
      'chunked, the limit falling on a chunk boundary',
      (b) => chunked(b, [...Array(10).fill(100), ...(b.length > LIMIT ? [b.length - LIMIT] : [])]),
    ],
    [
      'chunked in 7-byte pieces',
      (b) =>
        chunked(
          b,
          Array.from({ length: Math.ceil(b.length / 7) }, (_, i) => Math.min(7, b.length - i * 7)),
        ),
    ],
  ];

  for (const [how, encode] of ways) {
    test(`${how}: ${LIMIT} bytes get 200 and are stored whole`, async () => {
      const body = bodyOf(LIMIT);
      const reply = await rawRequest(receiver.port, encode(body));
      assert.match(reply, /^HTTP\/1\.1 200 /, reply);
      const id = /"id":"(evt_[a-z0-9]+)"/.exec(reply)?.[1];
      assert.ok(id, reply);
      assert.equal(store.get(id)!.size, LIMIT);
      assert.ok((await store.readBody(id)).equals(body));
    });

    test(`${how}: ${LIMIT + 1} bytes get 413 and no body is kept`, async () => {
      const reply = await rawRequest(receiver.port, encode(bodyOf(LIMIT + 1)));
      assert.match(reply, /^HTTP\/1\.1 413 /, reply);
      const id = /"id":"(evt_[a-z0-9]+)"/.exec(reply)?.[1];
      assert.ok(id, reply);
      const event = store.get(id)!;
      assert.equal(event.rejected, 'body-too-large');
      assert.equal((await store.readBody(id)).length, 0);
    });
  }

  test('without Content-Length or chunked coding a request has no body (RFC 9112 §6.3): nothing past the limit is read', async () => {
    // HTTP/1.0 with close: a request body is never delimited by closing the connection, so the
    // bytes after the headers are not a body and cannot bypass the limit.
    const reply = await rawRequest(
      receiver.port,
      Buffer.concat([Buffer.from('POST /nolength HTTP/1.0\r\nHost: localhost\r\n\r\n'), bodyOf(LIMIT + 1)]),
    );
    // Node's parser takes the bytes after the headers as a malformed next request: 400, connection closed.
    assert.match(reply, /^HTTP\/1\.1 400 /, reply);
    const stored = store.list().filter((e) => e.url === '/nolength');
    assert.ok(
      stored.every((e) => e.size === 0),
      `stored sizes: ${stored.map((e) => e.size).join(', ')}`,
    );
  });
});
