import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  DeliveryLog,
  deliveriesOf,
  forwardableHeaders,
  isLoopbackHost,
  isRetryable,
  parseTarget,
  replaceHeaders,
  replyFor,
  targetPath,
} from '../../../src/core/forward/index';
import { EventStore } from '../../../src/core/store';
import { capture, delivery } from './support';

describe('delivery history', () => {
  test('concurrent appends all land, the newest N are kept, and they survive a restart of the store', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-fwd-log-'));
    try {
      let store = await EventStore.open(dir, { maxEvents: 10 });
      const { event } = await capture(store, { url: '/x', headers: [], body: 'x' });
      const log = new DeliveryLog(store, { maxPerEvent: 5 });
      await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(event.id, delivery(i + 1))));
      assert.deepEqual(
        deliveriesOf(store.get(event.id)).map((d) => d.id),
        ['dlv_3', 'dlv_4', 'dlv_5', 'dlv_6', 'dlv_7'],
      );
      await log.append('evt_gone', delivery(99)); // a deleted event is skipped, not thrown
      await store.close();
      store = await EventStore.open(dir, { maxEvents: 10 });
      const after = deliveriesOf(store.get(event.id));
      assert.deepEqual(
        after.map((d) => d.id),
        ['dlv_3', 'dlv_4', 'dlv_5', 'dlv_6', 'dlv_7'],
      );
      assert.deepEqual(after[0]!.headers, [['X-N', '3']]);
      await store.close();
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('headers', () => {
  test('forwardableHeaders drops hop-by-hop (also those named in Connection), proxy-*, host and content-length, keeping the rest in order', () => {
    assert.deepEqual(
      forwardableHeaders([
        ['A', '1'],
        ['connection', 'Upgrade, x-secret-hop'],
        ['HOST', 'h'],
        ['X-Secret-Hop', 'v'],
        ['a', '2'],
        ['Proxy-Authenticate', 'x'],
        ['content-length', '9'],
        ['B', '3'],
      ]),
      [
        ['A', '1'],
        ['a', '2'],
        ['B', '3'],
      ],
    );
  });

  test('replaceHeaders keeps position and spelling, removes later duplicates, appends new ones', () => {
    assert.deepEqual(
      replaceHeaders(
        [
          ['X-Sig', 'old1'],
          ['A', '1'],
          ['x-sig', 'old2'],
          ['B', '2'],
        ],
        { 'x-sig': 'new', 'x-ts': '5' },
      ),
      [
        ['X-Sig', 'new'],
        ['A', '1'],
        ['B', '2'],
        ['x-ts', '5'],
      ],
    );
  });
});

describe('targets', () => {
  test('loopback hosts', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '127.0.0.1',
      '127.255.1.2',
      '[::1]',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      'localhost.',
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
    for (const h of [
      'example.com',
      '10.0.0.1',
      '0.0.0.0',
      '128.0.0.1',
      'localhost.example.com',
      '::2',
      '::ffff:10.0.0.1',
      '169.254.169.254',
      '127.0.0.1.nip.io',
    ]) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });

  test('targetPath', () => {
    const t = (target: string, url: string) => targetPath(parseTarget(target), url);
    assert.equal(t('http://localhost:3000', '/a/b?c=1'), '/a/b?c=1');
    assert.equal(t('http://localhost:3000/hook', '/a/b?c=1'), '/hook?c=1');
    assert.equal(t('http://localhost:3000/hook?d=2', '/a/b?c=1'), '/hook?d=2');
    assert.equal(t('http://localhost:3000', 'https://x.example:8443/p?q'), '/p?q');
    assert.equal(t('http://localhost:3000', '*'), '/*');
  });
});

describe('retry and proxy replies', () => {
  test('what is retried', () => {
    assert.equal(isRetryable({ errorCode: 'ECONNREFUSED' }), true);
    assert.equal(isRetryable({ errorCode: 'REFUSED_HOST' }), false);
    for (const s of [500, 502, 503, 504, 408, 429]) {
      assert.equal(isRetryable({ status: s }), true, String(s));
    }
    for (const s of [400, 401, 403, 404, 410, 422]) {
      assert.equal(isRetryable({ status: s }), false, String(s));
    }
  });

  test('replyFor passes the handler answer back without hop-by-hop headers', () => {
    const r = replyFor(
      delivery(1, {
        status: 201,
        headers: [
          ['Content-Type', 'text/plain'],
          ['Connection', 'keep-alive'],
          ['Transfer-Encoding', 'chunked'],
          ['X-Id', '7'],
          ['Content-Length', '2'],
        ],
        body: 'hi',
      }),
    );
    assert.deepEqual(r, { status: 201, body: 'hi', contentType: 'text/plain', headers: { 'x-id': '7' } });
    const bin = replyFor(delivery(2, { body: Buffer.from([0xff, 0]).toString('base64'), bodyEncoding: 'base64' }));
    assert.deepEqual([...(bin.body as Buffer)], [0xff, 0]);
  });
});
