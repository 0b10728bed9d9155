// The 413 refusal as the sender and a listener see it: a JSON reason with the event id, Connection:
// close, the socket closed without reading the rest of the body, and the refused attempt listed
// (metadata only) and announced like every other event.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { untilClosed } from '../../support/http';

describe('Receiver: a body over maxBodySize', () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  const seen: CapturedEvent[] = [];
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-refusal-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
    receiver = new Receiver({ store, port: 0, maxBodySize: 100 });
    receiver.onDidCapture((e) => seen.push(e));
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('declared too large: 413 with a JSON reason and Connection: close, the connection closed, the attempt listed', async () => {
    const head = 'POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n';
    const reply = await untilClosed(receiver.port, [head, Buffer.alloc(50, 0x61)]);
    assert.match(reply, /^HTTP\/1\.1 413 /, reply);
    assert.match(reply, /\r\nconnection: close\r\n/i, reply);
    const json = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { error: string; message: string; id: string };
    assert.equal(json.error, 'payload_too_large');
    assert.match(json.message, /5000 bytes.*limit of 100 bytes/);
    const event = store.get(json.id);
    assert.ok(event, 'the refused attempt is listed');
    assert.equal(event.size, 5000);
    assert.equal((event as CapturedEvent & { rejected?: string }).rejected, 'body-too-large');
    assert.equal(event.response?.status, 413);
    assert.deepEqual(
      seen.map((e) => e.id),
      [json.id],
      'listeners hear of the refused attempt',
    );
  });
});

describe('Receiver: a body over maxBodySize when the store cannot write', () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  const seen: unknown[] = [];
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-refusal-full-'));
    // Every index write fails, as on a full disk: the refused attempt's metadata cannot be listed.
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    store = await EventStore.open(dir, {
      maxEvents: 100,
      io: {
        writev: async () => {
          throw enospc;
        },
      },
    });
    receiver = new Receiver({ store, port: 0, maxBodySize: 100 });
    receiver.onDidCapture((e) => seen.push(e));
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await store.close().catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('the sender still gets the 413, and listeners hear of nothing (no undefined event)', async () => {
    const head = 'POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n';
    const reply = await untilClosed(receiver.port, [head, Buffer.alloc(50, 0x61)]);
    assert.match(reply, /^HTTP\/1\.1 413 /, reply);
    const json = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { error: string; id: string };
    assert.equal(json.error, 'payload_too_large');
    assert.equal(store.get(json.id), undefined, 'nothing was listed');
    assert.deepEqual(seen, [], 'no event was announced');
  });
});
