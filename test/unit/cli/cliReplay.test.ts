/**
 * The CLI's delivery ids (`listen/events/show --json`), `replay` (ids and --scenario) and
 * `scenario save`, with exit codes, against real handlers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Stripe from 'stripe';
import { EventStore } from '../../../src/core/store';
import { CLI, runCliOnce, startCli } from '../../support/cli';
import { request } from '../../support/http';
import { capture, type Handler, STRIPE_SECRET, startHandler, stripeHandler } from '../forward/support';

const stripe = new Stripe('sk_test_not_used');

const run = runCliOnce;
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('CLI delivery ids, replay and scenarios', () => {
  let store: string;
  const handlers: Handler[] = [];
  beforeEach(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (node scripts/build.mjs)');
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-clirep-'));
  });
  afterEach(async () => {
    await Promise.all(handlers.splice(0).map((h) => h.close()));
    await fsp.rm(store, { recursive: true, force: true });
  });

  test('listen, events and show --json carry deliveryId, attempt and duplicateOf; a redelivery is kept', async () => {
    const cli = startCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store]);
    const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
    const headers = [
      'X-GitHub-Event',
      'issues',
      'X-GitHub-Delivery',
      '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'Content-Type',
      'application/json',
    ];
    const first = JSON.parse((await request(`${url}/gh`, { body: '{"action":"opened"}', headers })).body.toString()).id as string;
    const second = JSON.parse((await request(`${url}/gh`, { body: '{"action":"opened"}', headers })).body.toString()).id as string;
    const line1 = await cli.waitFor((l) => l.type === 'event' && l.id === first);
    const line2 = await cli.waitFor((l) => l.type === 'event' && l.id === second);
    assert.equal(line1.deliveryId, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    assert.equal(line1.duplicateOf, undefined);
    assert.equal(line2.deliveryId, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    assert.equal(line2.duplicateOf, first);
    assert.equal(line2.attempt, 2);
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0);

    const listed = jsonLines((await run(['events', '--store', store, '--json'])).stdout);
    assert.deepEqual(
      listed.map((l) => [l.id, l.duplicateOf]),
      [
        [second, first],
        [first, undefined],
      ],
    );
    assert.match(
      (await run(['events', '--store', store])).stdout,
      new RegExp(`${second}  \\(retry 2 of ${first}\\)`),
      'the human listing says it too',
    );
    const shown = JSON.parse((await run(['show', second, '--store', store, '--json'])).stdout) as Record<string, unknown>;
    assert.equal(shown.duplicateOf, first);
    assert.equal(shown.deliveryId, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
  });

  test('replay <id…> delivers in the chosen order, one JSON line each; exit 1 on a non-2xx, 0 when all pass, 2 on bad usage', async () => {
    const seen: string[] = [];
    const h = await startHandler((req) => {
      seen.push(req.url);
      return { status: req.url === '/b' ? 503 : 200 };
    });
    handlers.push(h);
    const s = await EventStore.open(store, { maxEvents: 100 });
    const ids: string[] = [];
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      ids.push(
        (
          await capture(s, {
            url: `/${name}`,
            headers: [['Content-Type', 'text/plain']],
            body: name,
            receivedAt: new Date(Date.UTC(2026, 2, 1, 12, 0, i)),
          })
        ).event.id,
      );
    }
    await s.close();

    const rev = await run(['replay', ids[2]!, ids[0]!, ids[1]!, '--to', h.url, '--order', 'reverse', '--store', store, '--json']);
    assert.equal(rev.code, 1, rev.stderr);
    const deliveries = jsonLines(rev.stdout).filter((l) => l.type === 'delivery');
    assert.deepEqual(
      deliveries.map((d) => d.eventId),
      [ids[2], ids[1], ids[0]],
    );
    assert.deepEqual(
      deliveries.map((d) => [d.position, d.status, d.ok]),
      [
        [1, 200, true],
        [2, 503, false],
        [3, 200, true],
      ],
    );
    assert.deepEqual(seen, ['/c', '/b', '/a']);

    // The same seed replays the same shuffle.
    seen.length = 0;
    const shuffled = await run(['replay', ...ids, '--to', h.url, '--order', 'shuffle', '--seed', '99', '--store', store]);
    assert.match(shuffled.stdout, /Seed 99: pass --seed 99/);
    const firstOrder = [...seen];
    seen.length = 0;
    await run(['replay', ...ids, '--to', h.url, '--order', 'shuffle', '--seed', '99', '--store', store]);
    assert.deepEqual(seen, firstOrder);

    const ok = await run(['replay', ids[0]!, ids[2]!, '--to', h.url, '--delay', '20', '--store', store]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /All 2 got 2xx/);
    // The deliveries are recorded on the events.
    const after = await EventStore.open(store, { maxEvents: 100, readOnly: true });
    assert.ok((after.get(ids[0]!)?.deliveries?.length ?? 0) >= 3);
    await after.close();

    for (const [args, pattern] of [
      [['replay', ids[0]!, '--store', store], /needs --to URL/],
      [['replay', '--to', h.url, '--store', store], /needs event ids or --scenario/],
      [['replay', ids[0]!, '--to', h.url, '--order', 'sideways', '--store', store], /received, reverse or shuffle/],
      [['replay', ids[0]!, '--to', h.url, '--delay', '5', '--as-received', '--store', store], /cannot be used together/],
      [['replay', ids[0]!, '--to', h.url, '--seed', '-1', '--store', store], /--seed/],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    assert.equal((await run(['replay', 'evt_missing', '--to', h.url, '--store', store])).code, 1);
  });

  test('scenario save, then replay --scenario in "CI" (no store, secret from the environment), byte-exact; a malformed file exits 2 naming entry and field', async () => {
    const h = await stripeHandler();
    handlers.push(h);
    const payload = JSON.stringify({ id: 'evt_scn_1', object: 'event', type: 'invoice.paid', data: { object: { note: 'Zoë' } } });
    const s = await EventStore.open(store, { maxEvents: 100 });
    const oldTs = Math.floor(Date.UTC(2026, 0, 1) / 1000);
    const { event } = await capture(s, {
      url: '/webhooks/stripe?src=cli',
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: oldTs })],
      ],
      body: payload,
    });
    await s.update(event.id, { provider: 'stripe' });
    await s.close();
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-clirep-scn-'));
    try {
      const file = path.join(dir, '.webhooks', 'invoice.scenario.json');
      const saved = await run(['scenario', 'save', event.id, '--out', file, '--store', store], {
        WEBHOOK_INSPECTOR_SECRET_STRIPE: STRIPE_SECRET,
      });
      assert.equal(saved.code, 0, saved.stderr);
      const text = await fsp.readFile(file, 'utf8');
      assert.ok(!text.includes(STRIPE_SECRET), 'no secret in the file');
      // CI: another machine, no store; the secret comes from the environment.
      const emptyStore = path.join(dir, 'no-store-here');
      const ci = await run(['replay', '--scenario', file, '--to', h.url, '--expect-status', '2xx', '--store', emptyStore], {
        WEBHOOK_INSPECTOR_SECRET_STRIPE: STRIPE_SECRET,
      });
      assert.equal(ci.code, 0, ci.stdout + ci.stderr);
      assert.equal(h.seen.at(-1)!.body.toString('utf8'), payload, 'byte-exact body');
      assert.equal(h.seen.at(-1)!.url, '/webhooks/stripe?src=cli');
      assert.equal(existsSync(emptyStore), false, 'replay --scenario needs no store');
      // Without the secret the stale signature is refused by Stripe's SDK: exit 1.
      const unsigned = await run(['replay', '--scenario', file, '--to', h.url, '--store', emptyStore], {
        WEBHOOK_INSPECTOR_SECRET_STRIPE: '',
      });
      assert.equal(unsigned.code, 1);

      const broken = JSON.parse(text) as { events: Array<Record<string, unknown>> };
      broken.events.push({ ...broken.events[0]!, headers: 'nope' });
      await fsp.writeFile(file, JSON.stringify(broken));
      const bad = await run(['replay', '--scenario', file, '--to', h.url]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /events\[1\]\.headers must be an array/);
      const missing = await run(['replay', '--scenario', path.join(dir, 'nope.scenario.json'), '--to', h.url]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /Cannot read the scenario file/);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
