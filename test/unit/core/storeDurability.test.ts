// The promise the README leads with: the sender gets 2xx only once the event is written. Each test
// holds or fails exactly one of the store's writes (the index line, or the body in its segment)
// through the store's `io` seam and watches what `append` and the receiver do meanwhile.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Receiver } from '../../../src/core/receiver';
import type { StoreFile, StoreIo } from '../../../src/core/store';
import { EventStore, StoreWriteError } from '../../../src/core/store';
import { request } from '../../support/http';
import { Gate, draft, recordingLogger, turns } from '../../support/store';

/** A store `io` that holds (until the gate opens) or fails the next write to `file`, once. */
function oneWrite(file: StoreFile, how: { hold: Gate } | { fail: NodeJS.ErrnoException }): { io: Partial<StoreIo>; calls: StoreFile[] } {
  const calls: StoreFile[] = [];
  let armed = true;
  return {
    calls,
    io: {
      writev: async (f, fh, chunks, position) => {
        calls.push(f);
        if (f === file && armed) {
          armed = false;
          if ('fail' in how) {
            throw how.fail;
          }
          await how.hold.pass();
        }
        return (await fh.writev(chunks, position)).bytesWritten;
      },
    },
  };
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(p: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise: p };
  p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-durable-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('EventStore durability order', () => {
  test('while the index write is held, append stays pending; it resolves once the line is written', async () => {
    const gate = new Gate();
    const w = oneWrite('index', { hold: gate });
    const store = await EventStore.open(dir, { maxEvents: 10, io: w.io });
    const pending = watch(store.append(draft('/held', 4), Buffer.from('body')));
    await gate.entered;
    await turns();
    assert.equal(pending.settled, false, 'append resolved while its index line was not written');
    assert.equal(store.size, 0, 'the event is not listed before it is written');
    gate.open();
    const event = await pending.promise;
    assert.ok((await fsp.readFile(path.join(dir, 'index.jsonl'), 'utf8')).includes(event.id));
    assert.deepEqual(w.calls, ['segment', 'index']);
    await store.close();
  });

  test('while the body segment write is held, append stays pending and no index line is written', async () => {
    const gate = new Gate();
    const w = oneWrite('segment', { hold: gate });
    const store = await EventStore.open(dir, { maxEvents: 10, io: w.io });
    const pending = watch(store.append(draft('/held', 4), Buffer.from('body')));
    await gate.entered;
    await turns();
    assert.equal(pending.settled, false, 'append resolved while its body was not written');
    assert.deepEqual(w.calls, ['segment'], 'the index line must not point at body bytes that are not written yet');
    gate.open();
    const event = await pending.promise;
    assert.equal((await store.readBody(event.id)).toString(), 'body');
    await store.close();
  });

  test('a failed index write rejects append with StoreWriteError and leaves nothing behind', async () => {
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 10, logger, io: oneWrite('index', { fail: enospc() }).io });
    await assert.rejects(
      store.append(draft('/lost', 4), Buffer.from('body')),
      (err: unknown) => err instanceof StoreWriteError && /disk is full/.test(err.message),
    );
    assert.equal(store.size, 0);
    assert.ok(logger.warnings.some((w) => /disk is full/.test(w)));
    const next = await store.append(draft('/next', 4), Buffer.from('next'));
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/next'],
    );
    assert.equal((await reopened.readBody(next.id)).toString(), 'next');
    await reopened.close();
  });

  test('a failed body segment write rejects append and writes no index line', async () => {
    const w = oneWrite('segment', { fail: enospc() });
    const store = await EventStore.open(dir, { maxEvents: 10, io: w.io });
    await assert.rejects(store.append(draft('/lost', 4), Buffer.from('body')), StoreWriteError);
    assert.deepEqual(w.calls, ['segment']);
    assert.equal(store.size, 0);
    await store.close();
    assert.equal(await fsp.readFile(path.join(dir, 'index.jsonl'), 'utf8'), '');
  });

  test('short writes (one byte per call) are continued until the index line and body are whole', async () => {
    const store = await EventStore.open(dir, {
      maxEvents: 10,
      io: {
        writev: async (_f, fh, chunks, position) =>
          (
            await fh.write(
              chunks.find((c) => c.length > 0)!,
              0,
              1,
              position,
            )
          ).bytesWritten,
      },
    });
    const a = await store.append(draft('/a', 5), Buffer.from('hello'));
    const [b, c] = await Promise.all([store.append(draft('/b', 3), Buffer.from('abc')), store.append(draft('/c', 3), Buffer.from('xyz'))]);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/c', '/b', '/a'],
    );
    assert.deepEqual(await Promise.all([a, b, c].map(async (e) => (await reopened.readBody(e.id)).toString())), ['hello', 'abc', 'xyz']);
    await reopened.close();
  });

  test('a failed large-body file write rejects append and writes no index line', async () => {
    const calls: StoreFile[] = [];
    const store = await EventStore.open(dir, {
      maxEvents: 10,
      largeBodyThreshold: 8,
      io: {
        writev: async (f, fh, chunks, position) => (calls.push(f), (await fh.writev(chunks, position)).bytesWritten),
        writeBodyFile: async () => {
          throw enospc();
        },
      },
    });
    await assert.rejects(store.append(draft('/big', 32), Buffer.alloc(32, 1)), StoreWriteError);
    assert.deepEqual(calls, []);
    assert.equal(store.size, 0);
    await store.close();
  });

  test('a failed index write removes the large-body file already written for it', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10, largeBodyThreshold: 8, io: oneWrite('index', { fail: enospc() }).io });
    await assert.rejects(store.append(draft('/big', 32), Buffer.alloc(32, 1)), StoreWriteError);
    assert.deepEqual(await fsp.readdir(path.join(dir, 'bodies')), ['000001.seg']);
    await store.close();
  });

  test('a failure other than a full disk says what failed; the error names itself', async () => {
    const eio = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    const store = await EventStore.open(dir, { maxEvents: 10, io: oneWrite('index', { fail: eio }).io });
    await assert.rejects(store.append(draft('/a', 1), Buffer.from('a')), (err: unknown) => {
      assert.ok(err instanceof StoreWriteError);
      assert.equal(err.name, 'StoreWriteError');
      assert.equal(err.message, 'The event could not be saved: EIO: i/o error, write');
      assert.equal(err.cause, eio);
      return true;
    });
    await store.close();
    // Something thrown that is not an Error is still reported by what it says.
    const odd = await EventStore.open(dir, {
      maxEvents: 10,
      io: {
        writev: () => {
          throw 'the disk went away';
        },
      },
    });
    await assert.rejects(
      odd.append(draft('/b', 1), Buffer.from('b')),
      /^StoreWriteError: The event could not be saved: the disk went away$/,
    );
    await odd.close();
  });

  test('a delivery whose append failed is not the first attempt of its next try', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10, io: oneWrite('index', { fail: enospc() }).io });
    const delivery = { provider: 'github', deliveryId: 'dlv-1' };
    await assert.rejects(store.append({ ...draft('/lost', 1), ...delivery }, Buffer.from('l')), StoreWriteError);
    const retry = await store.append({ ...draft('/retry', 1), ...delivery }, Buffer.from('r'));
    assert.equal(retry.duplicateOf, undefined, 'the lost attempt was never stored');
    const again = await store.append({ ...draft('/again', 1), ...delivery }, Buffer.from('a'));
    assert.equal(again.duplicateOf, retry.id);
    await store.close();
  });
});

describe('Receiver durability order', () => {
  for (const file of ['index', 'segment'] as const) {
    test(`no answer leaves while the ${file} write is held; 200 after it is written`, async () => {
      const gate = new Gate();
      const store = await EventStore.open(dir, { maxEvents: 10, io: oneWrite(file, { hold: gate }).io });
      const receiver = new Receiver({ store, port: 0 });
      const captured: string[] = [];
      receiver.onDidCapture((e) => captured.push(e.id));
      const url = await receiver.start();
      try {
        const answer = watch(request(`${url}/hook`, { body: '{"a":1}', headers: { 'content-type': 'application/json' } }));
        await gate.entered;
        await turns();
        assert.deepEqual(captured, [], 'the receiver answered before the write returned');
        assert.equal(answer.settled, false);
        gate.open();
        const res = await answer.promise;
        assert.equal(res.status, 200);
        assert.equal(captured.length, 1);
      } finally {
        await receiver.stop();
        await store.close();
      }
    });

    test(`a failed ${file} write answers 503 with Retry-After, never 2xx`, async () => {
      const store = await EventStore.open(dir, { maxEvents: 10, io: oneWrite(file, { fail: enospc() }).io });
      const receiver = new Receiver({ store, port: 0 });
      const url = await receiver.start();
      try {
        const res = await request(`${url}/hook`, { body: '{"a":1}' });
        assert.equal(res.status, 503);
        assert.equal(res.headers['retry-after'], '5');
        assert.equal(JSON.parse(res.body.toString()).error, 'not_saved');
        assert.equal(store.size, 0);
        // The next request is stored and answered normally.
        assert.equal((await request(`${url}/hook`, { body: '{"a":2}' })).status, 200);
        assert.equal(store.size, 1);
      } finally {
        await receiver.stop();
        await store.close();
      }
    });
  }
});
