// `listen --tunnel cloudflared` with a stand-in `cloudflared` first on PATH (test/support/fakeCloudflared.mjs:
// the stderr lines, /quicktunnel and /ready of cloudflared 2025.8). It really proxies on loopback, so the
// public URL it reports is http://127.0.0.1:<port> where the real one is https://<words>.trycloudflare.com.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { RepeatCollapser } from '../../../src/cli/quiet';
import { CLI, runCliOnce, startCli } from '../../support/cli';
import { type FakeCloudflared, installFakeCloudflared } from '../../support/fakeCloudflared';
import { request } from '../../support/http';

describe('CLI with --tunnel cloudflared (stand-in cloudflared on PATH)', () => {
  let store: string;
  let fake: FakeCloudflared;
  before(() => {
    fake = installFakeCloudflared();
  });
  after(() => fake.cleanup());
  beforeEach(async () => {
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-clicf-'));
  });
  afterEach(async () => {
    await fsp.rm(store, { recursive: true, force: true });
  });

  test('listen --tunnel cloudflared --json: online after the self-test; a POST through the public URL is captured byte-exact', async () => {
    const cli = startCli(['listen', '--port', '0', '--store', store, '--tunnel', 'cloudflared'], { PATH: fake.path });
    try {
      const online = await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online', 30_000);
      assert.equal(online.tunnelMode, 'cloudflared');
      assert.equal((online.selfTest as { ok: boolean }).ok, true, 'the canary came back through the tunnel');
      const publicUrl = String(online.publicUrl);
      assert.match(publicUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(publicUrl, online.url, 'the public URL is the tunnel, not the receiver');
      const body = randomBytes(8192);
      const res = await request(`${publicUrl}/stripe/hook?a=1&a=2`, {
        body,
        headers: ['Host', new URL(publicUrl).host, 'Stripe-Signature', 't=1,v1=ab', 'X-Dup', 'one', 'x-dup', 'two'],
      });
      assert.equal(res.status, 200);
      const event = await cli.waitFor((l) => l.type === 'event' && l.url === '/stripe/hook?a=1&a=2');
      assert.ok(Buffer.from(String(event.body), 'base64').equals(body), 'body bytes unchanged');
      const headers = event.headers as Array<[string, string]>;
      assert.deepEqual(
        headers.filter(([k]) => k.toLowerCase() === 'x-dup'),
        [
          ['X-Dup', 'one'],
          ['x-dup', 'two'],
        ],
      );
      assert.deepEqual(
        headers.find(([k]) => k === 'Stripe-Signature'),
        ['Stripe-Signature', 't=1,v1=ab'],
      );
      assert.ok(!cli.lines.some((l) => l.type === 'event' && String(l.url).includes('canary')), 'canaries are not listed');
    } finally {
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 0);
    }
  });

  test('cloudflared crashes: it is restarted, and the new URL is announced as {"type":"publicUrlChanged"}', async () => {
    const cli = startCli(['listen', '--port', '0', '--store', store, '--tunnel', 'cloudflared'], {
      PATH: fake.path,
      FAKE_CLOUDFLARED_EXIT_AFTER_MS: '1500',
    });
    try {
      const first = await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online', 30_000);
      const changed = await cli.waitFor((l) => l.type === 'publicUrlChanged', 30_000);
      assert.equal(changed.previousUrl, first.publicUrl);
      assert.notEqual(changed.publicUrl, first.publicUrl);
      assert.equal(changed.tunnelMode, 'cloudflared');
      const online = await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online' && l.publicUrl === changed.publicUrl);
      assert.ok(online, 'the receiver line carries the new URL as before (its fields are unchanged)');
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  test('kill -9 of the CLI: the cloudflared it started ends too, and so does the watchdog between them', async () => {
    // The stand-in, like real cloudflared, does not notice its parent dying: only the watchdog can end it.
    const record = `${store}-starts.jsonl`;
    const cli = startCli(['listen', '--port', '0', '--store', store, '--tunnel', 'cloudflared'], {
      PATH: fake.path,
      FAKE_CLOUDFLARED_RECORD: record,
    });
    let started: Array<{ pid: number; ppid: number }> = [];
    try {
      await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online', 30_000);
      started = (await fsp.readFile(record, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { pid: number; ppid: number });
      assert.equal(started.length, 1, 'one cloudflared was started');
      const [{ pid, ppid }] = started as [{ pid: number; ppid: number }];
      assert.ok(isRunning(pid), 'cloudflared runs while the CLI does');
      cli.child.kill('SIGKILL');
      await cli.exited;
      const gone = await waitUntil(() => !isRunning(pid) && !isRunning(ppid), 15_000);
      assert.ok(gone, `still running after the CLI was killed: ${[pid, ppid].filter(isRunning).join(', ')}`);
    } finally {
      cli.child.kill('SIGKILL');
      for (const { pid, ppid } of started) {
        for (const p of [pid, ppid]) {
          if (isRunning(p)) {
            process.kill(p, 'SIGKILL'); // only when the test failed: leave no stray process behind
          }
        }
      }
      await fsp.rm(record, { force: true });
    }
  });

  test('cloudflared missing: exit 3 with how to install it and what works meanwhile', async () => {
    const { code, stderr } = await runCliOnce(['listen', '--port', '0', '--store', store, '--tunnel', 'cloudflared'], {
      PATH: path.join(store, 'empty-bin'),
    });
    assert.equal(code, 3, stderr);
    assert.match(stderr, /cloudflared is not installed \(not found on PATH\)/);
    assert.match(stderr, /developers\.cloudflare\.com/);
    assert.match(stderr, /"none" \(local only\) and "external"/);
    assert.doesNotMatch(stderr, /--tunnel-host/, 'no localtunnel advice for cloudflared');
    // The CLI names its own flag for the binary's path, never the VS Code setting.
    assert.match(stderr, /--cloudflared-path/);
    assert.doesNotMatch(stderr, /webhookInspector\./);
    const at = await runCliOnce([
      'listen',
      '--port',
      '0',
      '--store',
      store,
      '--tunnel',
      'cloudflared',
      '--cloudflared-path',
      path.join(store, 'no-cloudflared'),
    ]);
    assert.equal(at.code, 3);
    assert.match(at.stderr, /cloudflared was not found at ".*no-cloudflared"/);
  });

  test('--tunnel rejects an unknown mode and names cloudflared', async () => {
    const bad = await runCliOnce(['listen', '--tunnel', 'ngrok']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--tunnel must be localtunnel, cloudflared, none or external/);
  });
});

describe('a quieter listen', () => {
  test('no --tunnel and no network: the local-receiver hint once; repeated warnings collapse with a count', async () => {
    const store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-cliq-'));
    // A tunnel server that hangs up on every connection stands in for no network (nothing leaves
    // loopback); counting its connections tells how many attempts were made.
    let attempts = 0;
    const dead = net.createServer((socket) => {
      attempts++;
      socket.end();
    });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadPort = (dead.address() as net.AddressInfo).port;
    const child = spawn(
      process.execPath,
      [CLI, 'listen', '--port', '0', '--store', store, '--tunnel-host', `http://127.0.0.1:${deadPort}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    const stdout: string[] = [];
    readline.createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
    readline.createInterface({ input: child.stdout }).on('line', (l) => stdout.push(l));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      const couldNotOpen = () => stderr.filter((l) => l.includes('could not open'));
      // Backoff 1 s, 2 s: four attempts take about 4 s. The bound only turns a hang into a failure.
      const started = Date.now();
      while (attempts < 4) {
        assert.ok(Date.now() - started < 45_000, `only ${attempts} attempts: ${stderr.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 300)); // let the last failure be logged
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      const hints = stderr.filter((l) => l.startsWith('No public URL yet'));
      assert.equal(hints.length, 1, `the hint is said once:\n${stderr.join('\n')}`);
      const local = stdout.find((l) => l.startsWith('Webhook Inspector listening on'))!.replace('Webhook Inspector listening on ', '');
      assert.ok(hints[0]!.includes(local), 'the hint names the local URL');
      assert.ok(
        stderr.some((l) => l.includes('--tunnel cloudflared')),
        'the hint says how to get a public URL',
      );
      const full = couldNotOpen().filter((l) => !l.includes('(repeated'));
      assert.equal(new Set(full).size, full.length, `each warning is written in full once:\n${stderr.join('\n')}`);
      assert.ok(full.length < attempts, `fewer warning lines (${full.length}) than attempts (${attempts})`);
      assert.ok(
        couldNotOpen().some((l) => /\(repeated \d+×, retrying every \d+ s\)$/.test(l)),
        `and summarised with a count:\n${stderr.join('\n')}`,
      );
    } finally {
      child.kill('SIGKILL');
      dead.close();
      await fsp.rm(store, { recursive: true, force: true });
    }
  });

  test('RepeatCollapser: first line at once, repeats counted, summary on change, on flush and once a minute', () => {
    let t = 0;
    const out: string[] = [];
    const c = new RepeatCollapser(
      (l) => out.push(l),
      () => t,
    );
    c.line('warning: down');
    for (let i = 0; i < 6; i++) {
      t += 30_000;
      c.line('warning: down');
      if (i === 1) {
        assert.deepEqual(out.slice(1), ['warning: down (repeated 2×, retrying every 30 s)'], 'summarised after a minute');
      }
    }
    c.line('other');
    assert.deepEqual(out, [
      'warning: down',
      'warning: down (repeated 2×, retrying every 30 s)',
      'warning: down (repeated 2×, retrying every 30 s)',
      'warning: down (repeated 2×, retrying every 30 s)',
      'other',
    ]);
    c.line('other');
    c.flush();
    assert.equal(out[out.length - 1], 'other (repeated 1×, retrying every 1 s)');
    c.flush();
    assert.equal(out.length, 6, 'nothing pending, nothing written');
    // A warning and the state line it causes alternate: both still collapse.
    out.length = 0;
    for (let i = 0; i < 3; i++) {
      t += 2000;
      c.line('warning: x');
      c.line('Tunnel reconnecting: x');
    }
    c.flush();
    assert.deepEqual(out, [
      'warning: x',
      'Tunnel reconnecting: x',
      'warning: x (repeated 2×, retrying every 2 s)',
      'Tunnel reconnecting: x (repeated 2×, retrying every 2 s)',
    ]);
  });
});

/** True while the process exists and is not a zombie (an orphan's zombie may wait for a PID 1 that does not reap). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) said it exists
  }
}

/** Polls every 100 ms until `check()` holds (true) or `limitMs` passes (false). */
async function waitUntil(check: () => boolean, limitMs: number): Promise<boolean> {
  for (const end = Date.now() + limitMs; Date.now() < end;) {
    if (check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}
