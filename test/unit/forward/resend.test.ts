import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import type { OutgoingRequest } from '../../../src/core/forward/index';
import {
  ConfirmationRequiredError,
  DeliveryLog,
  HostGuard,
  ResendError,
  TargetError,
  deliveriesOf,
  parseTarget,
  preflight,
  resend,
  resendTimes,
  sendEdited,
} from '../../../src/core/forward/index';
import type { TempStore } from './support';
import {
  FakeClock,
  GITHUB_SECRET,
  SHOPIFY_SECRET,
  STANDARD_SECRET,
  STRIPE_SECRET,
  capture,
  deadPort,
  githubHandler,
  pairs,
  shopifyHandler,
  standardHandler,
  startHandler,
  strictGuard,
  stripeHandler,
  tempStore,
} from './support';

const stripe = new Stripe('sk_test_not_used');
/** The real time at test start: SDK handlers check against the system clock, our code gets this as its injected clock. */
const T0 = new Date();
const T0_S = Math.floor(T0.getTime() / 1000);
const HOUR_AGO = new Date(T0.getTime() - 3600_000);

const STRIPE_BODY = JSON.stringify(
  { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 2000 } } },
  null,
  2,
);
const GITHUB_BODY = '{"action":"opened","number":1,"pull_request":{"title":"Zoë"}}';

function stripeCapture(body = STRIPE_BODY, signedAt = T0_S - 3600): Array<[string, string]> {
  return [
    ['Host', 'abc123.loca.lt'],
    ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET, timestamp: signedAt })],
    ['X-Forwarded-For', '3.18.12.63'],
  ];
}

function githubHeaders(body: string): Array<[string, string]> {
  return [
    ['Host', 'abc123.loca.lt'],
    ['Content-Type', 'application/json'],
    ['X-GitHub-Event', 'pull_request'],
    ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
    ['X-Hub-Signature-256', `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`],
    ['Content-Length', String(Buffer.byteLength(body))],
  ];
}

describe('resend with re-signing, against SDK-checking handlers', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('an hour after capture, a re-signed Stripe event is accepted by constructEvent and recorded on the event', async () => {
    const h = await stripeHandler();
    try {
      const { event, body } = await capture(ts.store, {
        url: '/webhooks/stripe?src=tunnel',
        headers: stripeCapture(),
        body: STRIPE_BODY,
        receivedAt: HOUR_AGO,
      });
      const log = new DeliveryLog(ts.store);
      const d = await resend(event, body, h.url, { guard: strictGuard(), secrets: [STRIPE_SECRET], now: () => T0, log });
      assert.equal(d.status, 200, d.body);
      assert.equal(d.body, 'ok payment_intent.succeeded');
      assert.equal(d.resigned, true);
      assert.equal(d.kind, 'resend');
      assert.equal(d.target, `${h.url}/webhooks/stripe?src=tunnel`);
      assert.equal(h.seen[0]!.url, '/webhooks/stripe?src=tunnel');
      assert.match(String(h.seen[0]!.headers['stripe-signature']), new RegExp(`^t=${T0_S},v1=[0-9a-f]{64}$`));
      // The signature header keeps its place and spelling among the other headers.
      assert.deepEqual(
        pairs(h.seen[0]!.rawHeaders).map(([k]) => k),
        ['Host', 'User-Agent', 'Content-Type', 'Stripe-Signature', 'X-Forwarded-For', 'Content-Length', 'Connection'],
      );
      const history = deliveriesOf(ts.store.get(event.id));
      assert.equal(history.length, 1);
      assert.equal(history[0]!.id, d.id);
      assert.equal(history[0]!.status, 200);
      assert.equal(history[0]!.startedAt, T0.toISOString());
    } finally {
      await h.close();
    }
  });

  test('without re-signing, the preflight warns that the signature is stale, and Stripe refuses the event', async () => {
    const h = await stripeHandler();
    try {
      const { event, body } = await capture(ts.store, {
        url: '/webhooks/stripe',
        headers: stripeCapture(),
        body: STRIPE_BODY,
        receivedAt: HOUR_AGO,
      });
      const opts = { guard: strictGuard(), secrets: [STRIPE_SECRET], resign: 'never' as const, now: () => T0 };
      const check = preflight(event, body, parseTarget(h.url), opts);
      assert.equal(check.resign, false);
      assert.equal(check.needsConfirmation, true);
      assert.equal(check.verification?.status, 'stale');
      assert.deepEqual(
        check.warnings.map((w) => w.code),
        ['stale-signature'],
      );
      assert.match(check.warnings[0]!.message, /too old/);

      await assert.rejects(resend(event, body, h.url, opts), (err: unknown) => {
        assert.ok(err instanceof ConfirmationRequiredError);
        assert.equal(err.warnings[0]!.code, 'stale-signature');
        return true;
      });
      assert.equal(h.seen.length, 0, 'nothing was sent before the user confirmed');

      const d = await resend(event, body, h.url, { ...opts, confirmed: true });
      assert.equal(h.seen.length, 1);
      assert.equal(d.status, 400);
      assert.match(d.body, /Timestamp outside the tolerance zone/);
      assert.equal(d.resigned, false);
      assert.equal(String(h.seen[0]!.headers['stripe-signature']), stripeCapture()[4]![1], 'the stored signature went out unchanged');
    } finally {
      await h.close();
    }
  });

  test('without a secret the preflight still warns about an old timestamped event; auto mode says why it does not re-sign', async () => {
    const { event, body } = await capture(ts.store, {
      url: '/webhooks/stripe',
      headers: stripeCapture(),
      body: STRIPE_BODY,
      receivedAt: HOUR_AGO,
    });
    const check = preflight(event, body, parseTarget(undefined), { now: () => T0 });
    assert.equal(check.url, 'http://localhost:3000/webhooks/stripe');
    assert.deepEqual(
      check.warnings.map((w) => w.code),
      ['possibly-stale'],
    );
    assert.match(check.warnings[0]!.message, /60 min ago.*No Stripe signing secret is set/);
    const fresh = preflight(event, body, parseTarget(undefined), { now: () => new Date(HOUR_AGO.getTime() + 10_000) });
    assert.deepEqual(fresh.warnings, [], 'a fresh event needs no warning');
  });

  test("resign: 'always' refuses what it cannot sign; an event without a body cannot be resent", async () => {
    const { event, body } = await capture(ts.store, { url: '/x', headers: [['Content-Type', 'text/plain']], body: 'hello' });
    await assert.rejects(resend(event, body, undefined, { guard: strictGuard(), resign: 'always', secrets: ['s'] }), (err: unknown) => {
      assert.ok(err instanceof ResendError);
      assert.equal(err.code, 'CANNOT_RESIGN');
      return true;
    });
    await assert.rejects(
      resend({ ...event, rejected: 'body-too-large' }, Buffer.alloc(0), undefined, { guard: strictGuard() }),
      /body was not kept/,
    );
  });

  test('an edited GitHub body is re-signed and verified by @octokit/webhooks-methods', async () => {
    const h = await githubHandler();
    try {
      const { event } = await capture(ts.store, { url: '/gh', headers: githubHeaders(GITHUB_BODY), body: GITHUB_BODY });
      const edited = Buffer.from(GITHUB_BODY.replace('"number":1', '"number":2'));
      const d = await sendEdited(event, edited, h.url, {
        guard: strictGuard(),
        secrets: [GITHUB_SECRET],
        now: () => T0,
        log: new DeliveryLog(ts.store),
      });
      assert.equal(d.status, 200, d.body);
      assert.equal(d.kind, 'edited');
      assert.equal(d.resigned, true);
      assert.ok(h.seen[0]!.body.equals(edited));
      const { verify } = await import('@octokit/webhooks-methods');
      assert.equal(await verify(GITHUB_SECRET, edited.toString(), String(h.seen[0]!.headers['x-hub-signature-256'])), true);
      assert.equal(deliveriesOf(ts.store.get(event.id))[0]!.kind, 'edited');
    } finally {
      await h.close();
    }
  });

  test('an edit that cannot be re-signed is flagged before sending, and the handler refuses it', async () => {
    const h = await githubHandler();
    try {
      const { event } = await capture(ts.store, { url: '/gh', headers: githubHeaders(GITHUB_BODY), body: GITHUB_BODY });
      const edited = Buffer.from(GITHUB_BODY.replace('Zoë', 'Zoe'));
      await assert.rejects(sendEdited(event, edited, h.url, { guard: strictGuard(), now: () => T0 }), (err: unknown) => {
        assert.ok(err instanceof ConfirmationRequiredError);
        assert.deepEqual(
          err.warnings.map((w) => w.code),
          ['unsigned-edit'],
        );
        assert.match(err.message, /No GitHub signing secret is set/);
        return true;
      });
      const d = await sendEdited(event, edited, h.url, { guard: strictGuard(), now: () => T0, confirmed: true });
      assert.equal(d.status, 400);
    } finally {
      await h.close();
    }
  });

  test('an edited Shopify body is re-signed (base64 HMAC checked by hand in the handler)', async () => {
    const h = await shopifyHandler();
    try {
      const original = '{"id":820982911946154508,"email":"jon@example.com","total_price":"58.00"}';
      const { event } = await capture(ts.store, {
        url: '/webhooks/shopify',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Shopify-Topic', 'orders/create'],
          ['X-Shopify-Hmac-Sha256', createHmac('sha256', SHOPIFY_SECRET).update(original).digest('base64')],
          ['X-Shopify-Shop-Domain', 'shop.myshopify.com'],
        ],
        body: original,
      });
      const edited = Buffer.from(original.replace('58.00', '0.01'));
      const d = await sendEdited(event, edited, h.url, { guard: strictGuard(), secrets: [SHOPIFY_SECRET], now: () => T0 });
      assert.equal(d.status, 200, d.body);
      assert.equal(d.body, 'ok orders/create');
      assert.ok(h.seen[0]!.body.equals(edited));
    } finally {
      await h.close();
    }
  });

  test('Standard Webhooks: re-signed an hour later with a fresh id and timestamp, accepted by Webhook.verify', async () => {
    const h = await standardHandler();
    try {
      const payload = '{"type":"user.created","timestamp":"2026-01-01T00:00:00Z","data":{"id":"u1"}}';
      const { Webhook } = await import('standardwebhooks');
      const sig = new Webhook(STANDARD_SECRET).sign('msg_original', HOUR_AGO, payload);
      const { event, body } = await capture(ts.store, {
        url: '/webhooks',
        headers: [
          ['content-type', 'application/json'],
          ['webhook-id', 'msg_original'],
          ['webhook-timestamp', String(Math.floor(HOUR_AGO.getTime() / 1000))],
          ['webhook-signature', sig],
        ],
        body: payload,
        receivedAt: HOUR_AGO,
      });
      const d = await resend(event, body, h.url, { guard: strictGuard(), secrets: [STANDARD_SECRET], now: () => T0 });
      assert.equal(d.status, 200, d.body);
      assert.notEqual(h.seen[0]!.headers['webhook-id'], 'msg_original', 'a fresh message id');
      assert.equal(h.seen[0]!.headers['webhook-timestamp'], String(T0_S));

      const stale = await resend(event, body, h.url, {
        guard: strictGuard(),
        secrets: [STANDARD_SECRET],
        resign: 'never',
        confirmed: true,
        now: () => T0,
      });
      assert.equal(stale.status, 400, 'the SDK refuses the stored, hour-old signature');
    } finally {
      await h.close();
    }
  });

  test('with rotated secrets, re-signing uses the secret that matched the stored signature', async () => {
    const h = await stripeHandler('whsec_new_one');
    try {
      const headers = stripeCapture(STRIPE_BODY, T0_S);
      headers[4] = [
        'Stripe-Signature',
        stripe.webhooks.generateTestHeaderString({ payload: STRIPE_BODY, secret: 'whsec_new_one', timestamp: T0_S }),
      ];
      const { event, body } = await capture(ts.store, { url: '/s', headers, body: STRIPE_BODY });
      const d = await resend(event, body, h.url, { guard: strictGuard(), secrets: ['whsec_old_one', 'whsec_new_one'], now: () => T0 });
      assert.equal(d.status, 200, d.body);
    } finally {
      await h.close();
    }
  });
});

describe('request hygiene', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('binary body byte-exact; header order and duplicates kept; hop-by-hop and host dropped; content-length recomputed', async () => {
    const h = await startHandler();
    try {
      const body = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(70_000),
        Buffer.from([0xc3, 0x28, 0x00, 0xff]),
      ]);
      const { event } = await capture(ts.store, {
        method: 'PUT',
        url: '/bin/upload?a=1&a=2&b=%20x',
        headers: [
          ['Host', 'public.example'],
          ['X-Trace', 'one'],
          ['Connection', 'keep-alive, X-Hop-Custom'],
          ['content-type', 'application/octet-stream'],
          ['Keep-Alive', 'timeout=5'],
          ['X-Trace', 'two'],
          ['Transfer-Encoding', 'chunked'],
          ['Content-Length', '3'],
          ['TE', 'trailers'],
          ['Trailer', 'X-Checksum'],
          ['Upgrade', 'websocket'],
          ['Proxy-Authorization', 'Basic eHl6'],
          ['Proxy-Connection', 'keep-alive'],
          ['X-Hop-Custom', 'drop me'],
          ['Expect', '100-continue'],
          ['x-MIXED-Case', 'Kept'],
          ['X-Trace', 'three'],
        ],
        body,
      });
      const d = await resend(event, await ts.store.readBody(event.id), h.url, { guard: strictGuard() });
      assert.equal(d.status, 200);
      const seen = h.seen[0]!;
      assert.equal(seen.method, 'PUT');
      assert.equal(seen.url, '/bin/upload?a=1&a=2&b=%20x');
      assert.ok(seen.body.equals(body), 'the body arrives byte for byte');
      assert.deepEqual(pairs(seen.rawHeaders), [
        ['Host', `127.0.0.1:${h.port}`],
        ['X-Trace', 'one'],
        ['content-type', 'application/octet-stream'],
        ['X-Trace', 'two'],
        ['x-MIXED-Case', 'Kept'],
        ['X-Trace', 'three'],
        ['Content-Length', String(body.length)],
        // The transport's own connection header (not the captured one): loopback connections are kept alive.
        ['Connection', 'keep-alive'],
      ]);
    } finally {
      await h.close();
    }
  });

  test('the target decides host and port; a path in the target replaces the event path; the event never redirects the request', async () => {
    const h = await startHandler();
    try {
      const guard = strictGuard();
      const send = async (url: string, target: string) => {
        const { event, body } = await capture(ts.store, { url, headers: [['Host', 'evil.example']], body: '{}' });
        await resend(event, body, target, { guard });
        return h.seen.at(-1)!;
      };
      assert.equal((await send('/hooks/in?x=1', h.url)).url, '/hooks/in?x=1');
      assert.equal((await send('/hooks/in?x=1', `${h.url}/`)).url, '/hooks/in?x=1');
      assert.equal((await send('/hooks/in?x=1', `${h.url}/api/stripe`)).url, '/api/stripe?x=1');
      assert.equal((await send('/hooks/in?x=1', `${h.url}/api/stripe?k=v`)).url, '/api/stripe?k=v');
      // Absolute-form and scheme-relative request targets stay on the configured host.
      const abs = await send('http://169.254.169.254/latest/meta-data?y=2', h.url);
      assert.equal(abs.url, '/latest/meta-data?y=2');
      assert.equal(abs.headers.host, `127.0.0.1:${h.port}`);
      assert.equal((await send('//evil.example/steal', h.url)).url, '//evil.example/steal');
      assert.equal(h.seen.length, 6);
    } finally {
      await h.close();
    }
  });

  test('a handler that is down gives a clear error, recorded on the event', async () => {
    const port = await deadPort();
    const { event, body } = await capture(ts.store, { url: '/x', headers: [], body: 'x' });
    const d = await resend(event, body, `http://localhost:${port}`, { guard: strictGuard(), log: new DeliveryLog(ts.store) });
    assert.equal(d.status, undefined);
    assert.equal(d.errorCode, 'ECONNREFUSED');
    assert.equal(d.error, `Nothing is listening on localhost:${port} — start your handler or change the target`);
    assert.equal(deliveriesOf(ts.store.get(event.id))[0]!.errorCode, 'ECONNREFUSED');
  });

  test('the response is recorded with headers as received and a truncated body past the limit', async () => {
    const big = 'x'.repeat(100_000);
    const h = await startHandler(() => ({ status: 201, body: big, headers: { 'X-Handler': 'yes' } }));
    try {
      const { event, body } = await capture(ts.store, { url: '/x', headers: [], body: 'x' });
      const d = await resend(event, body, h.url, { guard: strictGuard(), maxResponseBytes: 1000 });
      assert.equal(d.status, 201);
      assert.equal(d.body, 'x'.repeat(1000));
      assert.equal(d.truncated, true);
      assert.equal(d.bodySize, 100_000);
      assert.ok(d.headers.some(([k, v]) => k === 'X-Handler' && v === 'yes'));
      const byDefault = await resend(event, body, h.url, { guard: strictGuard() });
      assert.equal(byDefault.truncated, true);
      assert.equal(byDefault.body.length, 65_536, 'default limit 64 KB');
    } finally {
      await h.close();
    }
  });

  test('durationMs comes from the injected clock', async () => {
    const clock = new FakeClock(T0.getTime());
    const h = await startHandler(() => {
      clock.advance(90_000);
      return { status: 200 };
    });
    try {
      const { event, body } = await capture(ts.store, { url: '/x', headers: [], body: 'x' });
      const d = await resend(event, body, h.url, { guard: strictGuard(), now: clock.now });
      assert.equal(d.durationMs, 90_000);
    } finally {
      await h.close();
    }
  });
});

describe('target safety', () => {
  test('only http: and https: targets', () => {
    for (const t of ['ftp://localhost/x', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://localhost:3000']) {
      assert.throws(
        () => parseTarget(t),
        (err: unknown) => err instanceof TargetError && (err.code === 'UNSUPPORTED_SCHEME' || err.code === 'INVALID_TARGET'),
        t,
      );
    }
    assert.equal(parseTarget('localhost:4000').href, 'http://localhost:4000/');
    assert.equal(parseTarget(':4000/hooks').href, 'http://localhost:4000/hooks');
    assert.equal(parseTarget(undefined).href, 'http://localhost:3000/');
    assert.throws(() => parseTarget('http://user:pw@localhost:3000'), TargetError);
  });

  test('loopback targets go out silently; another host is asked about once, refused without a yes, remembered after one', async () => {
    const ts = await tempStore();
    try {
      const sent: OutgoingRequest[] = [];
      const transport = async (req: OutgoingRequest) => {
        sent.push(req);
        return { status: 204, headers: [], body: Buffer.alloc(0), bodySize: 0, truncated: false };
      };
      const asked: string[] = [];
      let answer = false;
      const persisted: string[][] = [];
      const guard = new HostGuard({
        confirmHost: async (host) => {
          asked.push(host);
          return answer;
        },
        onDidAllow: (hosts) => persisted.push([...hosts]),
      });
      const { event, body } = await capture(ts.store, { url: '/x', headers: [], body: '{}' });
      for (const t of [
        'http://localhost:3000',
        'http://127.0.0.1:3000',
        'http://127.8.9.10',
        'http://[::1]:3000',
        'http://api.localhost:3000',
      ]) {
        await resend(event, body, t, { guard, transport });
      }
      assert.deepEqual(asked, [], 'loopback never asks');
      assert.equal(sent.length, 5);

      await assert.rejects(
        resend(event, body, 'https://staging.example.com/hooks', { guard, transport }),
        (err: unknown) => err instanceof TargetError && err.code === 'REFUSED_HOST',
      );
      assert.deepEqual(asked, ['staging.example.com']);
      assert.equal(sent.length, 5, 'nothing sent without a yes');

      answer = true;
      await resend(event, body, 'https://staging.example.com/hooks', { guard, transport });
      await resend(event, body, 'https://STAGING.example.com:8443/other', { guard, transport });
      assert.deepEqual(asked, ['staging.example.com', 'staging.example.com'], 'asked once more, then remembered');
      assert.deepEqual(persisted, [['staging.example.com']]);
      assert.equal(sent.length, 7);
      assert.equal(sent[5]!.origin.host, 'staging.example.com');
      assert.equal(sent[5]!.path, '/hooks');

      // A remembered allow-list (restored from workspace state) needs no question.
      const restored = new HostGuard({ confirmHost: async () => assert.fail('must not ask'), allowed: ['staging.example.com'] });
      await resend(event, body, 'https://staging.example.com', { guard: restored, transport });
      // The preflight says that a host will be asked about.
      assert.deepEqual(
        preflight(event, body, parseTarget('http://10.0.0.5:3000'), { guard }).warnings.map((w) => w.code),
        ['confirm-host'],
      );
    } finally {
      await ts.close();
    }
  });
});

describe('resendTimes (idempotency check)', () => {
  test('reports differing answers from a handler that is not idempotent, and none from one that is', async () => {
    const ts = await tempStore();
    let count = 0;
    const seenIds = new Set<string>();
    const counting = await startHandler(() => ({ status: ++count === 1 ? 200 : 409, body: `charge #${count}` }));
    const idempotent = await startHandler((req) => {
      seenIds.add(String(req.headers['webhook-id']));
      return { status: 200, body: 'processed once' };
    });
    try {
      const { event, body } = await capture(ts.store, {
        url: '/x',
        headers: [
          ['webhook-id', 'msg_1'],
          ['webhook-timestamp', String(T0_S)],
          ['webhook-signature', 'v1,AAAA'],
        ],
        body: '{}',
      });
      const bad = await resendTimes(event, body, counting.url, 3, { guard: strictGuard(), secrets: [STANDARD_SECRET], now: () => T0 });
      assert.equal(bad.consistent, false);
      assert.equal(bad.deliveries.length, 3);
      assert.deepEqual(bad.differences, ['#2: status 409 (first: status 200)', '#3: status 409 (first: status 200)']);

      const good = await resendTimes(event, body, idempotent.url, 4, {
        guard: strictGuard(),
        secrets: [STANDARD_SECRET],
        now: () => T0,
        parallel: true,
      });
      assert.equal(good.consistent, true);
      assert.deepEqual(good.differences, []);
      assert.equal(idempotent.seen.length, 4);
      assert.deepEqual([...seenIds], ['msg_1'], 'the same message id every time, as a provider retry');
    } finally {
      await counting.close();
      await idempotent.close();
      await ts.close();
    }
  });
});
