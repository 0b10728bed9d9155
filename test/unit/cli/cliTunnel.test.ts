import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { runCliOnce, startCli } from '../../support/cli';
import { request } from '../../support/http';
import { type LtServer, startLtServer } from '../../support/ltServer';

describe('CLI with a tunnel (loopback localtunnel server)', () => {
  let store: string;
  let lt: LtServer;
  beforeEach(async () => {
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-clit-'));
    lt = await startLtServer();
  });
  afterEach(async () => {
    await lt.close();
    await fsp.rm(store, { recursive: true, force: true });
  });

  test('prints the public URL and tunnel state; a request to the public side arrives byte-exact', async () => {
    const cli = startCli(['listen', '--port', '0', '--store', store, '--tunnel-host', lt.url, '--subdomain', 'clitest']);
    try {
      const online = await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online', 30_000);
      const publicUrl = String(online.publicUrl);
      assert.match(publicUrl, /clitest/);
      assert.equal((online.selfTest as { ok: boolean }).ok, true, 'the last self-test is in the status line');
      assert.ok(
        cli.lines.some((l) => l.type === 'receiver' && l.tunnel === 'starting'),
        'the starting state was printed first',
      );
      const body = randomBytes(4096);
      const res = await request(`${publicUrl}/through/tunnel?q=1`, {
        body,
        headers: ['Host', new URL(publicUrl).host, 'X-Case', 'A', 'x-case', 'b'],
      });
      assert.equal(res.status, 200);
      const event = await cli.waitFor((l) => l.type === 'event' && l.url === '/through/tunnel?q=1');
      assert.ok(Buffer.from(String(event.body), 'base64').equals(body));
      const headers = event.headers as Array<[string, string]>;
      assert.deepEqual(
        headers.filter(([k]) => k.toLowerCase() === 'x-case'),
        [
          ['X-Case', 'A'],
          ['x-case', 'b'],
        ],
      );
      assert.ok(!cli.lines.some((l) => l.type === 'event' && String(l.url).includes('canary')), 'canaries are not listed');
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  test('external mode self-tests the given URL', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    await new Promise((r) => blocker.close(r));
    const cli = startCli([
      'listen',
      '--port',
      String(port),
      '--store',
      store,
      '--tunnel',
      'external',
      '--public-url',
      `http://127.0.0.1:${port}`,
    ]);
    try {
      const online = await cli.waitFor((l) => l.type === 'receiver' && l.tunnel === 'online', 30_000);
      assert.equal(online.publicUrl, `http://127.0.0.1:${port}`);
      assert.equal(online.tunnelMode, 'external');
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  test('a tunnel that cannot be opened exits 3 with a message', async () => {
    const { code, stderr } = await runCliOnce([
      'listen',
      '--port',
      '0',
      '--store',
      store,
      '--tunnel-host',
      lt.url,
      '--subdomain',
      'NOT_VALID!',
    ]);
    assert.equal(code, 3, stderr);
    assert.match(stderr, /The tunnel could not be opened: .*--tunnel none/);
  });

  test('bad tunnel flags are refused', async () => {
    const bad = await runCliOnce(['listen', '--tunnel', 'ngrok']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--tunnel must be localtunnel, cloudflared, none or external/);
    const ext = await runCliOnce(['listen', '--tunnel', 'external']);
    assert.match(ext.stderr, /needs --public-url/);
  });
});
