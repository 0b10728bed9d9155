// The per-sender rate limit (rateLimitPerMinute): a fixed one-minute window per address, Retry-After
// in whole seconds, the first X-Forwarded-For entry as the sender behind the tunnel, bounded memory.
// The flood test (hardening/floods) covers the same limit under load; this one pins its edges.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RateLimiter, Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { request } from '../../support/http';

describe('RateLimiter: a fixed one-minute window per key', () => {
  test('the first perMinute takes pass; the next one waits for the rest of the window, in whole seconds', () => {
    const limiter = new RateLimiter(3);
    assert.deepEqual(
      [0, 1, 2].map((t) => limiter.take('a', t)),
      [undefined, undefined, undefined],
    );
    assert.equal(limiter.take('a', 0), 60);
    assert.equal(limiter.take('a', 1_500), 59, '58.5 s left is rounded up');
    assert.equal(limiter.take('a', 59_999), 1, 'a millisecond left is still 1 s');
  });

  test('a new window starts exactly 60 s after the first take of the last one', () => {
    const limiter = new RateLimiter(1);
    assert.equal(limiter.take('a', 1_000), undefined);
    assert.equal(limiter.take('a', 60_999), 1);
    assert.equal(limiter.take('a', 61_000), undefined);
    assert.equal(limiter.take('a', 61_000), 60);
  });

  test('keys are counted apart', () => {
    const limiter = new RateLimiter(1);
    assert.equal(limiter.take('a', 0), undefined);
    assert.equal(limiter.take('b', 0), undefined);
    assert.equal(limiter.take('a', 0), 60);
    assert.equal(limiter.take('b', 0), 60);
  });

  test('memory stays bounded: past 10,000 keys the windows are forgotten, not before', () => {
    const limiter = new RateLimiter(1);
    limiter.take('victim', 0);
    assert.equal(limiter.take('victim', 0), 60);
    for (let i = 1; i < 10_000; i++) {
      limiter.take(`k${i}`, 0);
    }
    // 10,000 windows now; one more key does not clear them.
    limiter.take('k10000', 0);
    assert.equal(limiter.take('victim', 0), 60, 'still limited at 10,001 windows');
    // 10,001 windows: the next new key clears them all.
    limiter.take('k10001', 0);
    assert.equal(limiter.take('victim', 0), undefined, 'forgotten after the clear');
  });
});

describe('Receiver with rateLimitPerMinute = 2', () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver;
  let url: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-ratelimit-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
    receiver = new Receiver({ store, port: 0, rateLimitPerMinute: 2 });
    url = await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('the third request from one sender gets 429 with Retry-After and a JSON reason, and is not stored', async () => {
    const from = { 'x-forwarded-for': '203.0.113.1' };
    assert.equal((await request(`${url}/a`, { body: '1', headers: from })).status, 200);
    assert.equal((await request(`${url}/a`, { body: '2', headers: from })).status, 200);
    const before = store.size;
    const res = await request(`${url}/a`, { body: '3', headers: from });
    assert.equal(res.status, 429);
    const wait = Number(res.headers['retry-after']);
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After: ${res.headers['retry-after']}`);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const body = JSON.parse(res.body.toString('utf8')) as { error: string; message: string };
    assert.equal(body.error, 'rate_limited');
    assert.match(body.message, new RegExp(`retry in ${wait} s`));
    assert.equal(store.size, before, 'a limited request is not captured');
  });

  test('behind the tunnel (a loopback peer) the sender is the first X-Forwarded-For entry', async () => {
    // Header values only (documentation addresses): every request goes to the receiver on 127.0.0.1.
    const a = { 'x-forwarded-for': '198.51.100.7, 10.0.0.1' };
    const b = { 'x-forwarded-for': '198.51.100.8, 10.0.0.1' };
    assert.equal((await request(`${url}/b`, { body: 'x', headers: a })).status, 200);
    assert.equal((await request(`${url}/b`, { body: 'x', headers: a })).status, 200);
    // Same proxy, another sender: its own budget.
    assert.equal((await request(`${url}/b`, { body: 'x', headers: b })).status, 200);
    // The same sender through another proxy: still the same budget.
    assert.equal((await request(`${url}/b`, { body: 'x', headers: { 'X-Forwarded-For': ' 198.51.100.7 ,10.9.9.9' } })).status, 429);
  });

  test('without X-Forwarded-For the peer address is the sender', async () => {
    assert.equal((await request(`${url}/c`, { body: 'x' })).status, 200);
    assert.equal((await request(`${url}/c`, { body: 'x' })).status, 200);
    assert.equal((await request(`${url}/c`, { body: 'x' })).status, 429);
    assert.equal((await request(`${url}/c`, { body: 'x', headers: { 'x-forwarded-for': '192.0.2.44' } })).status, 200);
  });
});
