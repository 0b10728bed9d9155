// How the receiver answers when its hooks shape the answer (receiver.ts `capture`, `toResponse`, `send`):
// - hooks left out are not called (no "hook failed" in the log for a hook nobody set);
// - an intercepted request is answered with the hook's reply and never stored;
// - a custom reply's status, content type (text/plain by default), headers and bytes reach the sender as
//   given (a binary body byte for byte), and the stored event and its announcement carry that response;
// - a sender that hangs up while an async reply is pending aborts the hook's signal; one that waits does not;
// - a store that cannot write answers 503 with the `not_saved` reason.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { type ReceiverHooks, Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { rawRequest, request } from '../../support/http';
import { recordingLogger } from '../../support/store';

// A bound on each test, so a receiver that never answers fails the test instead of hanging the file.
describe('Receiver replies shaped by hooks', { timeout: 20_000 }, () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver | undefined;
  let logger: ReturnType<typeof recordingLogger>;
  let debug: string[];
  const announced: CapturedEvent[] = [];
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-replies-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
    logger = recordingLogger();
    debug = [];
    announced.length = 0;
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function start(hooks: ReceiverHooks | undefined): Promise<string> {
    receiver = new Receiver({ store, port: 0, logger: { ...logger, debug: (m: string) => debug.push(m) }, hooks });
    receiver.onDidCapture((e) => announced.push(e));
    await receiver.start();
    return receiver.url!;
  }

  test('no hooks, or hooks without intercept/enrich/respond: the default answer, and no hook failure logged', async () => {
    for (const hooks of [undefined, {}]) {
      const url = await start(hooks);
      const res = await request(`${url}/plain`, { body: 'x' });
      assert.equal(res.status, 200);
      assert.match(res.body.toString(), /^\{"ok":true,"id":"evt_[0-9a-z]+"\}$/);
      await receiver!.stop();
    }
    assert.deepEqual(logger.warnings, [], 'nothing failed');
    assert.equal(store.size, 2);
  });

  test('an intercepted request is answered by the hook and not stored', async () => {
    const url = await start({ intercept: (req) => (req.url === '/canary' ? { status: 204, body: '' } : undefined) });
    const res = await request(`${url}/canary`, { body: 'ping' });
    assert.equal(res.status, 204);
    assert.equal(store.size, 0);
    assert.equal(announced.length, 0);
    assert.equal((await request(`${url}/other`, { body: 'x' })).status, 200, 'others pass through');
    assert.equal(store.size, 1);
  });

  test('a custom reply: status, type, headers and binary bytes as given; stored and announced with it', async () => {
    const bytes = Uint8Array.from([0x00, 0xff, 0x7b, 0x0a, 0xc3]);
    const url = await start({
      respond: (req) =>
        req.url === '/xml'
          ? { status: 202, body: '<ok/>', contentType: 'application/xml', headers: { 'x-custom': 'yes' } }
          : req.url === '/bin'
            ? { status: 201, body: bytes }
            : undefined,
    });
    const xml = await request(`${url}/xml`, { body: 'a' });
    assert.equal(xml.status, 202);
    assert.equal(xml.headers['content-type'], 'application/xml');
    assert.equal(xml.headers['x-custom'], 'yes');
    assert.equal(xml.body.toString(), '<ok/>');

    const bin = await request(`${url}/bin`, { body: 'b' });
    assert.equal(bin.status, 201);
    assert.equal(bin.headers['content-type'], 'text/plain; charset=utf-8', 'the default type of a custom reply');
    assert.deepEqual([...bin.body], [...bytes], 'byte for byte');

    const byUrl = (u: string) => announced.find((e) => e.url === u)!;
    assert.deepEqual(byUrl('/xml').response, { status: 202, body: '<ok/>', contentType: 'application/xml' });
    assert.equal(byUrl('/bin').response.status, 201);
    assert.equal(typeof byUrl('/bin').response.body, 'string', 'the stored copy is text');
    assert.equal(store.get(byUrl('/xml').id)?.response.status, 202);
    assert.ok(
      debug.some((m) => m.startsWith(`Receiver: POST /xml → 202 (1 bytes) as ${byUrl('/xml').id}`)),
      debug.join('\n'),
    );

    const plain = await request(`${url}/none`, { body: 'c' });
    assert.equal(plain.status, 200, 'undefined from respond: the default answer');
    assert.deepEqual(logger.warnings, []);
  });

  test('a sender that hangs up aborts the pending reply’s signal; one that waits gets the reply', async () => {
    const signals: Array<{ url: string; signal: AbortSignal }> = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const url = await start({
      respond: async (req, _id, signal) => {
        signals.push({ url: req.url, signal: signal() });
        if (req.url === '/hangup') {
          await released;
        }
        return { status: 200, body: 'late' };
      },
    });
    const answered = await request(`${url}/wait`, { body: 'w' });
    assert.equal(answered.body.toString(), 'late');
    assert.equal(signals[0]!.signal.aborted, false, 'answered: not aborted');

    const req = http.request(`${url}/hangup`, { method: 'POST', agent: false });
    req.on('error', () => undefined);
    req.end('h');
    for (let i = 0; i < 500 && signals.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const hangup = signals.find((s) => s.url === '/hangup')!;
    assert.equal(hangup.signal.aborted, false);
    const aborted = new Promise<void>((r) => hangup.signal.addEventListener('abort', () => r()));
    req.destroy();
    await aborted;
    assert.equal(hangup.signal.aborted, true);
    release();
  });

  test('a body over the limit that arrives whole (chunked, one write) is stored once, as refused', async () => {
    receiver = new Receiver({ store, port: 0, logger, maxBodySize: 100 });
    await receiver.start();
    const body = 'a'.repeat(150);
    const reply = await rawRequest(
      receiver.port,
      `POST /whole HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(60).toString(16)}\r\n${body.slice(0, 60)}\r\n${(90).toString(16)}\r\n${body.slice(60)}\r\n0\r\n\r\n`,
    );
    assert.match(reply, /^HTTP\/1\.1 413 /);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      store.list().map((e) => [e.url, e.rejected]),
      [['/whole', 'body-too-large']],
    );
  });

  test('a store that cannot write: 503 with the not_saved reason and Retry-After', async () => {
    const url = await start(undefined);
    await store.close();
    const res = await request(`${url}/x`, { body: 'x' });
    assert.equal(res.status, 503);
    const json = JSON.parse(res.body.toString()) as { error: string; message: string };
    assert.equal(json.error, 'not_saved');
    assert.match(json.message, /could not save this request/);
    store = await EventStore.open(dir, { maxEvents: 100 });
  });
});
