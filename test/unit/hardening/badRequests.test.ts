import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MAX_BODY_SIZE } from '../../../src/core/receiver';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { rawRequest, request } from '../../support/http';

/**
 * A corpus of hostile requests against a real receiver with the default limits. Each gets the right
 * status with a clear message, the process keeps serving, and events captured before stay intact.
 */
describe('bad requests corpus', () => {
  let dir: string;
  let store: EventStore;
  let session: Session;
  let url: string;
  let port: number;
  const before_: Array<{ id: string; body: Buffer }> = [];

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-hostile-'));
    store = await EventStore.open(dir, { maxEvents: 1000 });
    session = new Session({ store, port: 0, maxBodySize: DEFAULT_MAX_BODY_SIZE });
    url = (await session.start()).url!;
    port = session.receiver.port;
    for (let i = 0; i < 5; i++) {
      const body = randomBytes(500);
      const res = await request(`${url}/before/${i}`, { body });
      before_.push({ id: JSON.parse(res.body.toString()).id, body });
    }
  });

  after(async () => {
    // Everything captured before the corpus is still there, byte for byte, and the receiver still answers.
    assert.equal((await request(`${url}/after`, { body: 'still here' })).status, 200);
    for (const { id, body } of before_) {
      assert.ok((await store.readBody(id)).equals(body), `event ${id} intact`);
    }
    await session.stop();
    session.dispose();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const raw = (data: string | Buffer) => rawRequest(port, data, 500);

  test('malformed HTTP gets 400', async () => {
    assert.match(await raw('GARBAGE\r\n\r\n'), /^HTTP\/1\.1 400/);
    assert.match(await raw('GET / HTTP/9.9\r\n\r\n'), /^HTTP\/1\.1 (400|505)/);
  });

  test('over 16 KB of headers gets 431', async () => {
    assert.match(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`), /^HTTP\/1\.1 431/);
  });

  test('10,000 headers get 431', async () => {
    const headers = Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v`).join('\r\n');
    assert.match(await raw(`GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n`), /^HTTP\/1\.1 431/);
  });

  test('a 1 GB declared content-length with a tiny body gets 413 at once', async () => {
    const reply = await raw('POST /liar HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\ntiny');
    assert.match(reply, /^HTTP\/1\.1 413/);
    assert.match(reply, /larger than this receiver's limit/);
  });

  test('a body over the limit gets 413', async () => {
    const res = await request(`${url}/big`, { body: Buffer.alloc(DEFAULT_MAX_BODY_SIZE + 1) }).catch((e: Error) => ({
      status: -1,
      body: Buffer.from(e.message),
    }));
    assert.equal(res.status, 413, res.body.toString());
  });

  test('invalid chunked encoding gets 400', async () => {
    assert.match(
      await raw('POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n'),
      /^HTTP\/1\.1 400/,
    );
  });

  test('NUL bytes in the path get 400; invalid UTF-8 in the path is captured as sent', async () => {
    assert.match(
      await raw(Buffer.concat([Buffer.from('GET /a'), Buffer.from([0]), Buffer.from('b HTTP/1.1\r\nHost: x\r\n\r\n')])),
      /^HTTP\/1\.1 400/,
    );
    const reply = await raw(
      Buffer.concat([
        Buffer.from('POST /caf'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'),
      ]),
    );
    assert.match(reply, /^HTTP\/1\.1 (200|400)/);
  });

  test('a path-traversal-looking path is captured as text and touches no file', async () => {
    const reply = await raw('GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 200/);
    const id = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).id as string;
    assert.equal(store.get(id)?.url, '/../../etc/passwd');
    const files = await fsp.readdir(path.join(dir, 'bodies'));
    assert.ok(
      files.every((f) => /^(\d{6}\.seg|evt_[a-z0-9]+\.bin)$/.test(f)),
      `only store files: ${files.join(', ')}`,
    );
  });

  test('deeply nested JSON (100,000 levels) is captured without harm', async () => {
    const body = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await request(`${url}/deep`, { body, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.equal((await store.readBody(JSON.parse(res.body.toString()).id)).length, body.length);
  });

  test('a JSON body of 5 million keys is over the limit and refused without parsing', async () => {
    const parts = ['{'];
    for (let i = 0; i < 5_000_000; i++) {
      parts.push(`"k${i}":0,`);
    }
    parts.push('"end":0}');
    const body = Buffer.from(parts.join(''));
    assert.ok(body.length > DEFAULT_MAX_BODY_SIZE);
    const res = await request(`${url}/keys`, { body, headers: { 'content-type': 'application/json' } }).catch((e: Error) => ({
      status: -1,
      body: Buffer.from(e.message),
    }));
    assert.equal(res.status, 413);
  });
});
