// The cloudflared quick-tunnel runner against a stand-in executable (test/support/fakeCloudflared.mjs)
// that prints what cloudflared 2025.8 prints, serves /quicktunnel and /ready, and really proxies on
// loopback. Its public URL is http://127.0.0.1:<port>, standing in for https://<words>.trycloudflare.com.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { createCloudflaredFactory, publicUrlFromHostname } from '../../../src/core/tunnel/cloudflared';
import { TunnelSupervisor } from '../../../src/core/tunnel/tunnelSupervisor';
import { TunnelOpenError } from '../../../src/core/tunnel/types';
import type { Logger } from '../../../src/core/logger';
import { type FakeCloudflared, installFakeCloudflared } from '../../support/fakeCloudflared';
import { request } from '../../support/http';
import { startReceiver, waitFor } from './helpers';

const LIMIT = { timeout: 60_000 };
let fake: FakeCloudflared;
before(() => {
  fake = installFakeCloudflared();
});
after(() => fake.cleanup());

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: fake.path, ...extra };
}

function open(factory: ReturnType<typeof createCloudflaredFactory>, localPort: number, signal = new AbortController().signal) {
  return factory({ host: '', localPort, localHost: '127.0.0.1', signal });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function recorded(file: string): Array<{ pid: number; argv: string[] }> {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid: number; argv: string[] });
  } catch {
    return [];
  }
}

test('reads the URL from /quicktunnel on the metrics port when the log has no box; runs the documented command line', LIMIT, async (t) => {
  const receiver = await startReceiver();
  const record = path.join(fake.dir, `metrics-${Date.now()}.jsonl`);
  t.after(() => receiver.close());
  const factory = createCloudflaredFactory({
    env: env({ FAKE_CLOUDFLARED_SCENARIO: 'metrics-only', FAKE_CLOUDFLARED_RECORD: record }),
    pollMs: 50,
  });
  const conn = await open(factory, receiver.port);
  try {
    assert.match(conn.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const [start] = recorded(record);
    assert.ok(start, 'the fake was started');
    assert.deepEqual(start.argv.slice(0, 4), ['tunnel', '--url', `http://127.0.0.1:${receiver.port}`, '--no-autoupdate']);
    assert.equal(start.argv[4], '--metrics');
    assert.match(start.argv[5]!, /^127\.0\.0\.1:\d+$/);
    const body = randomBytes(2048);
    const res = await request(`${conn.url}/hook?x=1`, { body, headers: ['Host', new URL(conn.url).host, 'X-Case', 'A', 'x-case', 'b'] });
    assert.equal(res.status, 200);
    const got = receiver.requests.find((r) => r.url === '/hook?x=1');
    assert.ok(got && got.body.equals(body), 'the body went through the tunnel unchanged');
    const pairs = [];
    for (let i = 0; i < got.rawHeaders.length; i += 2) {
      pairs.push([got.rawHeaders[i], got.rawHeaders[i + 1]]);
    }
    assert.deepEqual(
      pairs.filter(([k]) => k!.toLowerCase() === 'x-case'),
      [
        ['X-Case', 'A'],
        ['x-case', 'b'],
      ],
      'raw header pairs pass as sent',
    );
  } finally {
    conn.close();
  }
});

test('reads the URL from the boxed stderr line when there is no metrics server', LIMIT, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const lines: string[] = [];
  const logger: Logger = {
    trace: () => undefined,
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  const factory = createCloudflaredFactory({ env: env({ FAKE_CLOUDFLARED_SCENARIO: 'log-only' }), logger, pollMs: 50 });
  const conn = await open(factory, receiver.port);
  try {
    assert.match(conn.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(
      lines.some((l) => l.includes('Your quick Tunnel has been created')),
      'the box was read',
    );
    assert.ok(
      lines.some((l) => l.includes(`|  ${conn.url}`)),
      'the URL is the one in the box',
    );
    const res = await request(`${conn.url}/x`, { body: Buffer.from('hi') });
    assert.equal(res.status, 200);
  } finally {
    conn.close();
  }
});

test('missing binary: a plain, non-retryable error with how to install and what works meanwhile', LIMIT, async () => {
  const onPath = createCloudflaredFactory({ env: { ...process.env, PATH: path.join(os.tmpdir(), 'wi-no-such-dir') } });
  await assert.rejects(open(onPath, 1), (err: unknown) => {
    assert.ok(err instanceof TunnelOpenError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /cloudflared is not installed \(not found on PATH\)/);
    assert.match(err.message, /brew install cloudflared/);
    assert.match(err.message, /"none" \(local only\) and "external"/);
    return true;
  });
  const atPath = createCloudflaredFactory({ binaryPath: path.join(fake.dir, 'nope', 'cloudflared') });
  await assert.rejects(open(atPath, 1), /cloudflared was not found at ".*nope.*cloudflared"/);
});

test('rate limited (429 / error 1015): a retryable error that says so and asks for a longer wait', LIMIT, async () => {
  const factory = createCloudflaredFactory({ env: env({ FAKE_CLOUDFLARED_SCENARIO: 'rate-limit' }), pollMs: 50 });
  await assert.rejects(open(factory, 1), (err: unknown) => {
    assert.ok(err instanceof TunnelOpenError);
    assert.equal(err.retryable, true);
    assert.equal(err.status, 429);
    assert.ok((err.retryAfterMs ?? 0) >= 60_000, `waits at least a minute, not ${err.retryAfterMs}`);
    assert.match(err.message, /rate-limiting new quick tunnels \(HTTP 429 \/ error 1015\)/);
    assert.match(err.message, /failed to unmarshal quick Tunnel/, "cloudflared's own words are kept");
    return true;
  });
});

test('the supervisor: online through the self-test; a crash restarts cloudflared with a new URL; stop kills it', LIMIT, async (t) => {
  const receiver = await startReceiver();
  const record = path.join(fake.dir, `restart-${Date.now()}.jsonl`);
  t.after(() => receiver.close());
  const supervisor = new TunnelSupervisor({
    mode: 'cloudflared',
    localPort: receiver.port,
    selfTestIntervalMs: 200,
    selfTestTimeoutMs: 2000,
    backoff: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0 },
    openTunnel: createCloudflaredFactory({
      env: env({ FAKE_CLOUDFLARED_EXIT_AFTER_MS: '1500', FAKE_CLOUDFLARED_RECORD: record }),
      pollMs: 50,
    }),
  });
  t.after(() => supervisor.dispose());
  const urls: string[] = [];
  const reasons: string[] = [];
  supervisor.onDidChangeStatus((s) => {
    if (s.state === 'online' && s.publicUrl && urls[urls.length - 1] !== s.publicUrl) {
      urls.push(s.publicUrl);
    }
    if (s.state === 'reconnecting' && s.reason) {
      reasons.push(s.reason);
    }
  });
  supervisor.start();
  await waitFor(() => urls.length >= 2, 'online, crashed, online again', 30_000);
  assert.notEqual(urls[0], urls[1], 'a new process gives a new URL');
  // The crash is seen either as the process exiting or as the self-test through the dead proxy failing.
  assert.ok(reasons.length > 0, 'it went through reconnecting');
  assert.ok(receiver.canaries >= 2, 'each URL was proven by a canary through it');
  const starts = recorded(record);
  assert.ok(starts.length >= 2, 'cloudflared was started again');
  await supervisor.stop();
  await waitFor(() => starts.every((s) => !isAlive(s.pid)), 'every cloudflared process ended after stop', 10_000);
  assert.equal(supervisor.state, 'offline');
});

test('a cloudflared that exits ends the connection with its exit code and last error line', LIMIT, async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const factory = createCloudflaredFactory({ env: env({ FAKE_CLOUDFLARED_EXIT_AFTER_MS: '300' }), pollMs: 50 });
  const conn = await open(factory, receiver.port);
  const ended = await new Promise<string>((resolve) => conn.onError((err) => resolve(err.message)));
  conn.close();
  assert.match(ended, /^cloudflared exited with code 1: .*Connection terminated/);
});

test('the supervisor: a missing binary is offline with the install hint, no retries', LIMIT, async (t) => {
  const supervisor = new TunnelSupervisor({ mode: 'cloudflared', localPort: 1, cloudflaredPath: path.join(fake.dir, 'missing') });
  t.after(() => supervisor.dispose());
  supervisor.start();
  await waitFor(() => supervisor.state === 'offline' && /not found/.test(supervisor.status().reason ?? ''), 'offline with the reason');
  assert.match(supervisor.status().reason ?? '', /developers\.cloudflare\.com/);
  assert.equal(supervisor.status().retry, undefined);
});

test('a hostname from /quicktunnel becomes an https URL; a loopback stand-in stays http', () => {
  assert.equal(publicUrlFromHostname('some-random-words.trycloudflare.com'), 'https://some-random-words.trycloudflare.com');
  assert.equal(publicUrlFromHostname('127.0.0.1:4567'), 'http://127.0.0.1:4567');
  assert.equal(publicUrlFromHostname('https://x.trycloudflare.com/'), 'https://x.trycloudflare.com');
});
