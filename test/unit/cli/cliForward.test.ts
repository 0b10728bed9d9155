/**
 * CLI parity for sending events on: `listen --forward-to` (immediate and proxy), `resend <id>` and
 * `send-sample`, against real handlers on 127.0.0.1 that check signatures with the official SDKs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Stripe from 'stripe';
import type { Delivery } from '../../../src/core/model/delivery';
import { deliveriesOf } from '../../../src/core/forward/index';
import { EventStore } from '../../../src/core/store';
import { CLI, startCli } from '../../support/cli';
import { request } from '../../support/http';
import { capture, deadPort, type Handler, STRIPE_SECRET, stripeHandler } from '../forward/support';

const stripe = new Stripe('sk_test_not_used');

/** Runs the CLI to completion with extra environment variables. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function stripePayload(type = 'payment_intent.succeeded'): string {
  return JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    data: { object: { id: 'pi_1', amount: 2000 } },
  });
}

function signed(payload: string, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, ...(timestamp !== undefined ? { timestamp } : {}) });
}

describe('CLI forwarding, resend and samples', () => {
  let store: string;
  const handlers: Handler[] = [];
  beforeEach(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (node scripts/build.mjs)');
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-clifwd-'));
  });
  afterEach(async () => {
    await Promise.all(handlers.splice(0).map((h) => h.close()));
    await fsp.rm(store, { recursive: true, force: true });
  });
  const handler = async (secret?: string) => {
    const h = await stripeHandler(secret);
    handlers.push(h);
    return h;
  };

  /** Stores a Stripe event signed at `timestamp` (unix seconds) and received then. */
  async function storeStripeEvent(timestamp: number): Promise<{ id: string; payload: string }> {
    const payload = stripePayload();
    const s = await EventStore.open(store, { maxEvents: 100 });
    const { event } = await capture(s, {
      url: '/webhooks/stripe?src=cli',
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', signed(payload, timestamp)],
        ['User-Agent', 'Stripe/1.0'],
      ],
      body: payload,
      receivedAt: new Date(timestamp * 1000),
    });
    await s.close();
    return { id: event.id, payload };
  }

  test('--help documents resend, send-sample and the forwarding flags', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const word of [
      'resend <id>',
      'send-sample',
      '--forward-to',
      '--response-mode',
      '--forward-timeout',
      '--max-attempts',
      '--allow-host',
      '--to URL',
      '--resign',
      '--no-resign',
      '--yes',
      '--list',
      '--print',
    ]) {
      assert.ok(stdout.includes(word), `help mentions ${word}`);
    }
  });

  test('listen --forward-to (immediate): a Stripe-signed POST reaches the handler, verifies with the SDK, and a delivery line is printed', async () => {
    const h = await handler();
    const cli = startCli([
      'listen',
      '--tunnel',
      'none',
      '--port',
      '0',
      '--store',
      store,
      '--forward-to',
      h.url,
      '--secret',
      `stripe=${STRIPE_SECRET}`,
    ]);
    try {
      const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
      const payload = stripePayload();
      const reply = await request(`${url}/webhooks/stripe?x=1`, {
        body: payload,
        headers: { 'stripe-signature': signed(payload), 'content-type': 'application/json' },
      });
      assert.equal(reply.status, 200, 'immediate mode: the sender gets 200 at once');
      const id = JSON.parse(reply.body.toString()).id as string;
      const done = await cli.waitFor((l) => l.type === 'delivery' && l.eventId === id && l.state !== 'pending');
      assert.equal(done.state, 'delivered', `delivery: ${JSON.stringify(done)}`);
      assert.equal(done.status, 200);
      assert.equal(done.attempt, 1);
      assert.equal(typeof done.durationMs, 'number');
      assert.ok(String(done.target).startsWith(h.url));
      assert.ok(
        cli.lines.some((l) => l.type === 'delivery' && l.eventId === id && l.state === 'pending'),
        'the pending state is printed too',
      );
      assert.equal(h.seen.length, 1);
      assert.equal(h.seen[0]!.url, '/webhooks/stripe?x=1', 'path and query are kept');
      assert.equal(h.seen[0]!.body.toString('utf8'), payload, 'the exact body');
    } finally {
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 0);
    }
    const s = await EventStore.open(store, { maxEvents: 100, readOnly: true });
    const [event] = s.list();
    const recorded = deliveriesOf(event);
    await s.close();
    assert.equal(recorded.length, 1, 'the delivery is recorded on the event');
    assert.equal(recorded[0]!.status, 200);
  });

  test("listen --forward-to (proxy): the sender gets the handler's status and body", async () => {
    const h = await handler();
    const cli = startCli([
      'listen',
      '--tunnel',
      'none',
      '--port',
      '0',
      '--store',
      store,
      '--forward-to',
      h.url,
      '--response-mode',
      'proxy',
      '--forward-timeout',
      '30000',
    ]);
    try {
      const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
      const payload = stripePayload('charge.refunded');
      const ok = await request(`${url}/hook`, { body: payload, headers: { 'stripe-signature': signed(payload) } });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.toString(), 'ok charge.refunded', "the handler's body, not the receiver's");
      const bad = await request(`${url}/hook`, {
        body: payload.replace('refunded', 'failed'),
        headers: { 'stripe-signature': signed(payload) },
      });
      assert.equal(bad.status, 400, 'the handler refused the tampered body, and the sender sees it');
      assert.match(bad.body.toString(), /^rejected: /);
      const failed = await cli.waitFor((l) => l.type === 'delivery' && l.state === 'failed');
      assert.equal(failed.status, 400);
      assert.equal(h.seen.length, 2);
    } finally {
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 0);
    }
  });

  test('listen refuses a non-loopback --forward-to without --allow-host, and forwarding flags without --forward-to', async () => {
    const far = await run(['listen', '--tunnel', 'none', '--store', store, '--forward-to', 'https://example.com/hook']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /--allow-host example\.com/);
    const stray = await run(['listen', '--tunnel', 'none', '--store', store, '--response-mode', 'proxy']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--response-mode needs --forward-to/);
    const badMode = await run([
      'listen',
      '--tunnel',
      'none',
      '--store',
      store,
      '--forward-to',
      'http://localhost:3999',
      '--response-mode',
      'later',
    ]);
    assert.equal(badMode.code, 2);
    assert.match(badMode.stderr, /immediate or proxy/);
  });

  test('resend of an hour-old Stripe event: without --yes and with --no-resign it exits 2 naming --yes; re-signed with --secret the SDK accepts it', async () => {
    const h = await handler();
    const { id, payload } = await storeStripeEvent(Math.floor(Date.now() / 1000) - 3600);

    const refused = await run(['resend', id, '--store', store, '--to', h.url, '--no-resign', '--secret', `stripe=${STRIPE_SECRET}`]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /too old/);
    assert.match(refused.stderr, /--yes/);
    assert.equal(h.seen.length, 0, 'nothing was sent');

    const unsure = await run(['resend', id, '--store', store, '--to', h.url]);
    assert.equal(unsure.code, 2, 'without a secret the age alone needs --yes');
    assert.match(unsure.stderr, /--yes/);
    assert.equal(h.seen.length, 0);

    const stale = await run(['resend', id, '--store', store, '--to', h.url, '--no-resign', '--yes']);
    assert.equal(stale.code, 1, 'the handler refused the stale signature');
    assert.match(stale.stdout, /→ 400/);
    assert.match(stale.stdout, /timestamp outside the tolerance zone/i);
    assert.equal(h.seen.length, 1);

    const fresh = await run(['resend', id, '--store', store, '--to', h.url, '--secret', `stripe=${STRIPE_SECRET}`, '--json']);
    assert.equal(fresh.code, 0, fresh.stderr);
    const d = JSON.parse(fresh.stdout) as Delivery & { type: string; eventId: string };
    assert.equal(d.type, 'delivery');
    assert.equal(d.eventId, id);
    assert.equal(d.kind, 'resend');
    assert.equal(d.status, 200);
    assert.equal(d.resigned, true);
    assert.equal(d.body, 'ok payment_intent.succeeded');
    assert.equal(d.target, `${h.url}/webhooks/stripe?src=cli`);
    assert.equal(h.seen[1]!.body.toString('utf8'), payload, 'the exact body');

    const human = await run(['resend', id, '--store', store, '--to', h.url, '--secret', `stripe=${STRIPE_SECRET}`]);
    assert.equal(human.code, 0);
    assert.match(
      human.stdout,
      /^POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/stripe\?src=cli → 200 in \d+ ms \(re-signed\)\nok payment_intent\.succeeded/,
    );

    const s = await EventStore.open(store, { maxEvents: 100, readOnly: true });
    const recorded = deliveriesOf(s.get(id));
    await s.close();
    assert.deepEqual(
      recorded.map((r) => r.status),
      [400, 200, 200],
      'every resend is recorded on the event',
    );
  });

  test('resend to a handler that is down exits 1 naming the target; a missing id exits 1', async () => {
    const { id } = await storeStripeEvent(Math.floor(Date.now() / 1000));
    const port = await deadPort();
    const down = await run(['resend', id, '--store', store, '--to', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`Nothing is listening on 127\\.0\\.0\\.1:${port}`));
    const missing = await run(['resend', 'evt_nope', '--store', store, '--to', `http://127.0.0.1:${port}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No event with id "evt_nope"/);
  });

  test('resend while listen holds the store sends, and says the delivery was not recorded', async () => {
    const h = await handler();
    const { id } = await storeStripeEvent(Math.floor(Date.now() / 1000));
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store]);
    try {
      await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running');
      const r = await run(['resend', id, '--store', store, '--to', h.url, '--secret', `stripe=${STRIPE_SECRET}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /not recorded/);
      assert.equal(h.seen.length, 1);
    } finally {
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 0);
    }
  });

  test('send-sample stripe payment_intent.succeeded is accepted by the SDK-checking handler; --list lists it', async () => {
    const h = await handler('whsec_x');
    const sent = await run(['send-sample', 'stripe', 'payment_intent.succeeded', '--to', h.url, '--secret', 'whsec_x', '--json']);
    assert.equal(sent.code, 0, sent.stderr);
    const d = JSON.parse(sent.stdout) as Delivery & { type: string };
    assert.equal(d.type, 'delivery');
    assert.equal(d.kind, 'sample');
    assert.equal(d.status, 200);
    assert.equal(d.body, 'ok payment_intent.succeeded');
    assert.equal(h.seen[0]!.url, '/webhooks/stripe', "the sample's path");

    const fromEnv = await run(['send-sample', 'stripe', 'payment_intent.succeeded', '--to', h.url], {
      WEBHOOK_INSPECTOR_SECRET_STRIPE: 'whsec_x',
    });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /→ 200/);
    const wrong = await run(['send-sample', 'stripe', 'payment_intent.succeeded', '--to', h.url, '--secret', 'whsec_other']);
    assert.equal(wrong.code, 1, 'a wrong secret is refused by the SDK');

    const list = await run(['send-sample', '--list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^stripe\s+payment_intent\.succeeded\s+\S/m);
    const printed = await run(['send-sample', 'stripe', 'payment_intent.succeeded', '--print', '--secret', 'whsec_x', '--json']);
    assert.equal(printed.code, 0);
    const req = JSON.parse(printed.stdout) as { method: string; url: string; headers: Array<[string, string]>; body: string };
    assert.equal(req.url, '/webhooks/stripe');
    const sig = req.headers.find(([k]) => k.toLowerCase() === 'stripe-signature')?.[1] ?? '';
    const event = stripe.webhooks.constructEvent(Buffer.from(req.body, 'base64'), sig, 'whsec_x');
    assert.equal(event.type, 'payment_intent.succeeded', 'the printed request is signed');
    assert.equal(h.seen.length, 3, '--print sends nothing');
    const unknown = await run(['send-sample', 'stripe', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /payment_intent\.succeeded/);
  });
});
