import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { request } from '../../support/http';

describe('slow and flooding clients', () => {
  let dir: string;
  let store: EventStore;
  let session: Session | undefined;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-flood-'));
  });
  afterEach(async () => {
    await session?.stop();
    session?.dispose();
    session = undefined;
    await store?.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function start(opts: Partial<ConstructorParameters<typeof Session>[0]> = {}, maxEvents = 10_000): Promise<string> {
    store = await EventStore.open(dir, { maxEvents });
    session = new Session({ store, port: 0, ...opts });
    return (await session.start()).url!;
  }

  test('slowloris: 500 connections dribbling headers are timed out while normal requests flow', async () => {
    // The same protection as in production (headers timeout), scaled down from 20 s so the test is short.
    const url = await start({ timeouts: { headersMs: 1500, checkIntervalMs: 250 } });
    const port = Number(new URL(url).port);
    const sockets: net.Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < 500; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => closedByServer++);
      s.resume(); // read the 408 so that the server's close is seen
      s.write('POST /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      sockets.push(s);
    }
    const drip = setInterval(() => sockets.forEach((s) => s.writable && s.write('a')), 500);
    try {
      const agent = new http.Agent({ keepAlive: false });
      for (let i = 0; i < 20; i++) {
        const res = await request(`${url}/normal/${i}`, { body: `n${i}`, agent });
        assert.equal(res.status, 200, 'normal requests keep flowing');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 100 && closedByServer < 500; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clearInterval(drip);
      sockets.forEach((s) => s.destroy());
    }
    assert.equal(closedByServer, 500, 'every slow connection was closed by the server');
    assert.equal(store.list().filter((e) => e.url.startsWith('/normal/')).length, 20);
    assert.equal(store.list().filter((e) => e.url === '/slow').length, 0);
  });

  test('an idle connection that never sent a byte is closed without a 408 (it may be a tunnel socket)', async () => {
    const url = await start({ timeouts: { headersMs: 800, checkIntervalMs: 200 } });
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    assert.equal(Buffer.concat(received).length, 0, `nothing was written back: ${Buffer.concat(received).toString()}`);
    // A client that started a request and stalled still gets its 408.
    const slow = net.connect(Number(new URL(url).port), '127.0.0.1');
    const got: Buffer[] = [];
    slow.on('data', (c: Buffer) => got.push(c));
    slow.write('POST /x HTTP/1.1\r\nHost: x\r\n');
    await new Promise<void>((resolve) => slow.on('close', () => resolve()));
    assert.match(Buffer.concat(got).toString(), /^HTTP\/1\.1 408/);
  });

  test('1,000 concurrent connections: none lost, memory bounded', async () => {
    const url = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
    const rssBefore = process.memoryUsage().rss;
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => request(`${url}/c/${i}`, { body: randomBytes(1024), agent })));
    agent.destroy();
    assert.equal(results.filter((r) => r.status === 200).length, 1000);
    const ids = new Set(results.map((r) => JSON.parse(r.body.toString()).id as string));
    assert.equal(ids.size, 1000);
    for (const id of ids) {
      assert.ok(store.get(id), `event ${id} stored`);
    }
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 300 * 1024 * 1024, `memory grew by ${Math.round(grown / 1024 / 1024)} MB for 1 MB of bodies`);
  });

  test('a flood past maxEvents evicts the oldest unpinned events and keeps the pinned ones', async () => {
    const url = await start({}, 50);
    const pinned: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(`${url}/keep/${i}`, { body: `keep${i}` });
      const id = JSON.parse(res.body.toString()).id as string;
      await store.setPinned(id, true);
      pinned.push(id);
    }
    let evicted = 0;
    store.onDidChange((c) => (evicted += c.evicted));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => request(`${url}/flood/${i}`, { body: `f${i}`, agent })));
    agent.destroy();
    assert.equal(store.size, 50);
    for (const id of pinned) {
      assert.ok(store.get(id)?.pinned, 'pinned events survive the flood');
    }
    assert.equal(evicted, 153, 'the store reports how many it evicted');
  });

  test('the optional rate limit answers 429 per source address (off by default)', async () => {
    const url = await start({ rateLimitPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await request(`${url}/r`, { body: 'x' })).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const limited = await request(`${url}/r`, { body: 'x' });
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.match(limited.body.toString(), /Too many requests from this address; retry in \d+ s\./);
    assert.doesNotMatch(limited.body.toString(), /webhookInspector|rateLimit|--rate-limit/, 'a remote sender is told no local setting');
    // Behind the tunnel, the sender is the first X-Forwarded-For address.
    assert.equal((await request(`${url}/r`, { body: 'x', headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 200);
  });
});

function canMount(): boolean {
  return process.getuid?.() === 0 && process.platform === 'linux';
}

describe('full disk and unwritable store', () => {
  test('a full disk answers 503, says why, and recovers when space returns', async (t) => {
    if (!canMount()) {
      t.diagnostic('not root, so no tmpfs: the disk is made full by an injected ENOSPC instead');
    }
    const mnt = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-full-'));
    const mounted = canMount();
    if (mounted) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    }
    const logs: string[] = [];
    const logger = { trace() {}, debug() {}, info() {}, warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    const store = await EventStore.open(path.join(mnt, 'store'), { maxEvents: 10_000, logger });
    const session = new Session({ store, port: 0, logger });
    const url = (await session.start()).url!;
    const filler = path.join(mnt, 'filler');
    const restoreWritev = mounted ? undefined : await injectEnospc();
    try {
      if (mounted) {
        // Fill the disk, leaving a few KB.
        await fsp.writeFile(filler, Buffer.alloc(2 * 1024 * 1024 - 64 * 1024)).catch(() => undefined);
      }
      const acked: Array<{ id: string; body: Buffer }> = [];
      let sawFull = false;
      for (let i = 0; i < 200 && !sawFull; i++) {
        const body = randomBytes(8 * 1024);
        const res = await request(`${url}/d/${i}`, { body });
        if (res.status === 200) {
          acked.push({ id: JSON.parse(res.body.toString()).id, body });
        } else {
          assert.equal(res.status, 503);
          assert.match(res.body.toString(), /could not save/);
          sawFull = true;
        }
      }
      assert.ok(sawFull, 'the receiver answered 503 once the disk was full');
      assert.ok(
        logs.some((l) => /disk is full/.test(l)),
        `the log says why: ${logs.join(' | ')}`,
      );
      // Space returns.
      if (mounted) {
        await fsp.rm(filler, { force: true });
      } else {
        restoreWritev?.();
      }
      const res = await request(`${url}/d/after`, { body: 'recovered' });
      assert.equal(res.status, 200, 'capture resumes by itself');
      acked.push({ id: JSON.parse(res.body.toString()).id, body: Buffer.from('recovered') });
      await session.stop();
      session.dispose();
      await store.close();
      const reopened = await EventStore.open(path.join(mnt, 'store'), { maxEvents: 10_000 });
      for (const { id, body } of acked) {
        assert.ok((await reopened.readBody(id)).equals(body), `acknowledged event ${id} is intact after the full disk`);
      }
      await reopened.close();
    } finally {
      restoreWritev?.();
      await session.stop();
      await store.close();
      if (mounted) {
        execFileSync('umount', [mnt]);
      }
      await fsp.rm(mnt, { recursive: true, force: true });
    }
  });

  test('a store folder that is not writable gives a clear error at start', async () => {
    const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-ro-'));
    try {
      let target = path.join(base, 'file-not-folder', 'store');
      await fsp.writeFile(path.join(base, 'file-not-folder'), 'x');
      if (canMount()) {
        // A read-only file system refuses even root.
        const ro = path.join(base, 'ro');
        await fsp.mkdir(ro);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro]);
        target = path.join(ro, 'store');
        try {
          await assert.rejects(
            EventStore.open(target, { maxEvents: 10 }),
            /Cannot write the event store folder .*(EROFS|read-only)[^]*Choose a folder you can write to/,
          );
        } finally {
          execFileSync('umount', [ro]);
        }
      } else {
        await assert.rejects(
          EventStore.open(target, { maxEvents: 10 }),
          /Cannot write the event store folder .* Choose a folder you can write to/,
        );
      }
    } finally {
      await fsp.rm(base, { recursive: true, force: true });
    }
  });
});

/** Makes every FileHandle.writev fail with ENOSPC until the returned function is called (for non-root runs). */
async function injectEnospc(): Promise<() => void> {
  const probe = await fsp.open(__filename, 'r');
  const proto = Object.getPrototypeOf(probe) as { writev: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const writev = proto.writev;
  proto.writev = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  let restored = false;
  return () => {
    if (!restored) {
      restored = true;
      proto.writev = writev;
    }
  };
}
