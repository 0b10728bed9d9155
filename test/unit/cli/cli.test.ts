import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Stripe from 'stripe';
import { EventStore } from '../../../src/core/store';
import { CLI, runCliOnce, startCli } from '../../support/cli';
import { request } from '../../support/http';

describe('webhook-inspector CLI', () => {
  let store: string;
  beforeEach(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-cli-'));
  });
  afterEach(async () => {
    await fsp.rm(store, { recursive: true, force: true });
  });

  test('--help documents the commands and flags', async () => {
    const { code, stdout } = await runCliOnce(['--help']);
    assert.equal(code, 0);
    for (const word of ['listen', 'events', 'show <id>', '--port', '--store', '--json', '--max-body-size', '--max-events']) {
      assert.ok(stdout.includes(word), `help mentions ${word}`);
    }
  });

  test('listen --json prints the receiver line and byte-exact events; events and show read them after a restart', async () => {
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store]);
    const running = await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running');
    const url = String(running.url);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const body = randomBytes(2048);
    const big = randomBytes(1024 * 1024 + 1);
    const reply = await request(`${url}/any/path?x=1`, {
      body,
      headers: ['X-Dup', 'one', 'x-dup', 'two', 'Content-Type', 'application/octet-stream'],
    });
    assert.equal(reply.status, 200);
    const id = JSON.parse(reply.body.toString()).id as string;
    await request(`${url}/big`, { body: big });
    const line = await cli.waitFor((l) => l.type === 'event' && l.id === id);
    assert.equal(line.method, 'POST');
    assert.equal(line.url, '/any/path?x=1');
    assert.equal(line.status, 200);
    assert.equal(line.size, body.length);
    assert.ok(Buffer.from(String(line.body), 'base64').equals(body), 'body is base64 of the exact bytes');
    const headers = line.headers as Array<[string, string]>;
    assert.deepEqual(
      headers.filter(([k]) => k.toLowerCase() === 'x-dup'),
      [
        ['X-Dup', 'one'],
        ['x-dup', 'two'],
      ],
    );
    const bigLine = await cli.waitFor((l) => l.type === 'event' && l.url === '/big');
    assert.equal(bigLine.body, undefined, 'bodies over 1 MB are not inlined');
    assert.ok((await fsp.readFile(String(bigLine.bodyFile))).equals(big), 'bodyFile holds the exact bytes');

    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0, 'clean shutdown on Ctrl-C');
    assert.ok(cli.lines.some((l) => l.type === 'receiver' && l.state === 'stopped'));

    const listed = await runCliOnce(['events', '--store', store, '--json']);
    assert.equal(listed.code, 0);
    const events = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => e.url),
      ['/big', '/any/path?x=1'],
    );
    assert.deepEqual(events[1], line, 'events --json prints the same object as listen --json');

    const shown = await runCliOnce(['show', id, '--store', store, '--json']);
    assert.deepEqual(JSON.parse(shown.stdout), line);
    const human = await runCliOnce(['show', id, '--store', store]);
    assert.match(human.stdout, /^POST \/any\/path\?x=1/);
    assert.match(human.stdout, /binary data/);
    const missing = await runCliOnce(['show', 'evt_nope', '--store', store]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No event with id "evt_nope"/);
  });

  test('verifies signatures with --secret and WEBHOOK_INSPECTOR_SECRET_* and prints the verdict', async () => {
    const stripeSecret = 'whsec_test_cli_secret';
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store, '--secret', `stripe=${stripeSecret}`], {
      WEBHOOK_INSPECTOR_SECRET_GITHUB: 'gh-secret',
    });
    const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: stripeSecret });
    await request(`${url}/stripe`, { body: payload, headers: { 'stripe-signature': header, 'content-type': 'application/json' } });
    await request(`${url}/stripe-tampered`, { body: payload.replace('succeeded', 'failed'), headers: { 'stripe-signature': header } });
    const { sign } = await import('@octokit/webhooks-methods');
    const ghBody = JSON.stringify({ action: 'opened', number: 1 });
    await request(`${url}/github`, {
      body: ghBody,
      headers: { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': await sign('gh-secret', ghBody) },
    });
    const ok = await cli.waitFor((l) => l.type === 'event' && l.url === '/stripe');
    const bad = await cli.waitFor((l) => l.type === 'event' && l.url === '/stripe-tampered');
    const gh = await cli.waitFor((l) => l.type === 'event' && l.url === '/github');
    assert.equal((ok.verification as { status: string }).status, 'valid');
    assert.equal(ok.eventType, 'payment_intent.succeeded');
    assert.equal((bad.verification as { status: string }).status, 'invalid');
    assert.ok((bad.verification as { reason: string }).reason.length > 10, 'a reason is given');
    assert.equal((gh.verification as { status: string }).status, 'valid');
    assert.equal(gh.eventType, 'pull_request.opened');
    cli.child.kill('SIGINT');
    await cli.exited;
    const human = await runCliOnce(['events', '--store', store]);
    assert.match(human.stdout, /pull_request\.opened\s+github ✓ verified/);
    assert.match(human.stdout, /stripe ✗ invalid/);
  });

  test('show of an event without a secret names --secret and the variable, never a VS Code command', async () => {
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store]);
    const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
    const payload = JSON.stringify({ id: 'evt_2', object: 'event', type: 'invoice.paid' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: 'whsec_unknown_here' });
    const reply = await request(`${url}/stripe`, {
      body: payload,
      headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    });
    const id = JSON.parse(reply.body.toString()).id as string;
    const line = await cli.waitFor((l) => l.type === 'event' && l.id === id);
    assert.equal((line.verification as { status: string }).status, 'no-secret');
    cli.child.kill('SIGINT');
    await cli.exited;
    const human = await runCliOnce(['show', id, '--store', store]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /hint: Pass --secret stripe=<secret>, or set WEBHOOK_INSPECTOR_SECRET_STRIPE\./);
    assert.doesNotMatch(
      human.stdout + human.stderr,
      /Webhook Inspector:|webhookInspector\./,
      'no VS Code command or setting in the terminal',
    );
  });

  test('a port in use exits 1 with a message that says what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const { code, stderr } = await runCliOnce(['listen', '--tunnel', 'none', '--port', String(port), '--store', store]);
    blocker.close();
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`Port ${port} is already in use.*--port 0`));
  });

  test('bad flags are refused with a clear message', async () => {
    const { code, stderr } = await runCliOnce(['listen', '--port', 'eighty']);
    assert.equal(code, 2);
    assert.match(stderr, /--port must be a whole number/);
  });

  test('kill -9 during 2,000 requests at 50 concurrent loses no event that got a 2xx', async () => {
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store, '--max-events', '5000']);
    const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const acknowledged = new Map<string, Buffer>();
    let sent = 0;
    let killed = false;
    const killAt = 400 + Math.floor(Math.random() * 1200);
    const worker = async () => {
      while (sent < 2000) {
        const n = sent++;
        const body = Buffer.from(JSON.stringify({ n, pad: randomBytes(300).toString('hex') }));
        try {
          const res = await request(`${url}/burst/${n}`, { body, agent, headers: { 'content-type': 'application/json' } });
          if (res.status >= 200 && res.status < 300) {
            acknowledged.set(JSON.parse(res.body.toString()).id, body);
          }
        } catch {
          // the process is gone: requests fail from here on
        }
        if (!killed && acknowledged.size >= killAt) {
          killed = true;
          cli.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    agent.destroy();
    await cli.exited;
    assert.ok(killed, 'the process was killed mid-burst');
    assert.ok(acknowledged.size >= killAt, `${acknowledged.size} requests were acknowledged`);

    const reopened = await EventStore.open(store, { maxEvents: 10_000 });
    for (const [id, body] of acknowledged) {
      assert.ok(reopened.get(id), `acknowledged event ${id} is in the store`);
      assert.ok((await reopened.readBody(id)).equals(body), `and its body is intact`);
    }
    await reopened.close();
  });
});
