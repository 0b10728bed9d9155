import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { buildSample, samples, sendSample, signSample } from '../../../src/core/forward/index';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import type { Handler } from './support';
import {
  GITHUB_SECRET,
  SHOPIFY_SECRET,
  SLACK_SECRET,
  STANDARD_SECRET,
  STRIPE_SECRET,
  githubHandler,
  pairs,
  shopifyHandler,
  slackHandler,
  standardHandler,
  strictGuard,
  stripeHandler,
} from './support';

const NOW = new Date();
const SECRETS: Record<string, string> = {
  stripe: STRIPE_SECRET,
  github: GITHUB_SECRET,
  shopify: SHOPIFY_SECRET,
  slack: SLACK_SECRET,
  'standard-webhooks': STANDARD_SECRET,
};
const HANDLERS: Record<string, () => Promise<Handler>> = {
  stripe: () => stripeHandler(),
  github: () => githubHandler(),
  shopify: () => shopifyHandler(),
  slack: () => slackHandler(),
  'standard-webhooks': () => standardHandler(),
};

function header(req: { headers: ReadonlyArray<readonly [string, string]> }, name: string): string | undefined {
  return req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

describe('sample events', () => {
  test('the catalogue has the promised samples', () => {
    assert.deepEqual(
      samples.map((s) => `${s.provider} ${s.event}`),
      [
        'stripe payment_intent.succeeded',
        'stripe checkout.session.completed',
        'stripe customer.subscription.updated',
        'github push',
        'github pull_request.opened',
        'shopify orders/create',
        'slack event_callback',
        'standard-webhooks user.created',
      ],
    );
  });

  for (const info of samples) {
    test(`${info.provider} ${info.event}: sent to a handler that verifies it with the official SDK`, async () => {
      const h = await HANDLERS[info.provider]!();
      try {
        const req = buildSample(info.provider, info.event, { secret: SECRETS[info.provider]!, now: NOW });
        const json = JSON.parse(Buffer.from(req.body).toString('utf8')) as Record<string, unknown>;
        const d = await sendSample(req, h.url, { guard: strictGuard(), now: () => NOW });
        assert.equal(d.status, 200, d.body);
        assert.equal(d.kind, 'sample');
        assert.equal(h.seen[0]!.url, info.path);
        assert.ok(h.seen[0]!.body.equals(Buffer.from(req.body)), 'sent byte for byte');
        // Our verifier agrees, and the provider is detected from the headers.
        const v = verifyRequest(
          {
            method: 'POST',
            url: `http://localhost${info.path}`,
            headers: Object.fromEntries(req.headers.map(([k, v2]) => [k.toLowerCase(), v2])),
            body: req.body,
          },
          { secrets: [SECRETS[info.provider]!], now: NOW },
        );
        assert.equal(v.status, 'valid', v.reason);
        assert.equal(v.provider, info.provider);
        // Event-type headers and body fields.
        switch (info.provider) {
          case 'stripe':
            assert.equal(json['type'], info.event);
            assert.equal(json['object'], 'event');
            assert.match(String(json['id']), /^evt_/);
            assert.ok(Buffer.from(req.body).toString().includes('\n  "id"'), 'pretty-printed like Stripe');
            break;
          case 'github':
            assert.equal(header(req, 'X-GitHub-Event'), info.event.split('.')[0]);
            assert.match(header(req, 'X-GitHub-Delivery')!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
            assert.match(header(req, 'X-Hub-Signature')!, /^sha1=[0-9a-f]{40}$/);
            if (info.event === 'pull_request.opened') {
              assert.equal(json['action'], 'opened');
            }
            assert.equal(
              pairs(h.seen[0]!.rawHeaders).find(([k]) => k === 'X-GitHub-Event')?.[1],
              info.event.split('.')[0],
              'header spelling kept',
            );
            break;
          case 'shopify':
            assert.equal(header(req, 'X-Shopify-Topic'), 'orders/create');
            assert.ok(header(req, 'X-Shopify-Webhook-Id'));
            assert.equal(header(req, 'X-Shopify-Triggered-At'), NOW.toISOString());
            break;
          case 'slack':
            assert.equal(json['type'], 'event_callback');
            assert.equal(header(req, 'X-Slack-Request-Timestamp'), String(Math.floor(NOW.getTime() / 1000)));
            break;
          case 'standard-webhooks':
            assert.match(header(req, 'webhook-id')!, /^msg_/);
            assert.equal(json['type'], 'user.created');
            break;
        }
      } finally {
        await h.close();
      }
    });
  }

  test('a sample is found by provider and event together', () => {
    assert.throws(() => buildSample('shopify', 'push'), { message: 'No shopify sample "push". Choose one of: orders/create.' });
  });

  test('Stripe-style ids are the prefix and 24 characters, even from an all-zero random source', () => {
    const { body } = buildSample('stripe', 'payment_intent.succeeded', { now: NOW, randomHex: (bytes) => '0'.repeat(bytes * 2) });
    const event = JSON.parse(Buffer.from(body).toString()) as { id: string; data: { object: { id: string } } };
    assert.match(event.id, /^evt_[0-9A-Za-z]{24}$/);
    assert.match(event.data.object.id, /^pi_[0-9A-Za-z]{24}$/);
  });

  test('signed samples spell their signature headers as the providers send them', () => {
    const names = (provider: string, event: string, secret: string) =>
      buildSample(provider, event, { secret, now: NOW }).headers.map(([k]) => k);
    assert.ok(names('stripe', 'payment_intent.succeeded', STRIPE_SECRET).includes('Stripe-Signature'));
    assert.ok(names('github', 'push', GITHUB_SECRET).includes('X-Hub-Signature-256'));
    assert.ok(names('shopify', 'orders/create', SHOPIFY_SECRET).includes('X-Shopify-Hmac-Sha256'));
    const slack = names('slack', 'event_callback', SLACK_SECRET);
    assert.ok(slack.includes('X-Slack-Signature') && slack.includes('X-Slack-Request-Timestamp'), slack.join(', '));
  });

  test('the Stripe SDK constructs the sample event; a changed byte is refused', () => {
    const stripe = new Stripe('sk_test_not_used');
    const req = buildSample('stripe', 'checkout.session.completed', { secret: STRIPE_SECRET, now: NOW });
    const sig = header(req, 'Stripe-Signature')!;
    const event = stripe.webhooks.constructEvent(Buffer.from(req.body), sig, STRIPE_SECRET, 300, undefined, NOW.getTime());
    assert.equal(event.type, 'checkout.session.completed');
    const tampered = Buffer.from(req.body);
    tampered[10] ^= 1;
    assert.throws(() => stripe.webhooks.constructEvent(tampered, sig, STRIPE_SECRET, 300, undefined, NOW.getTime()));
  });

  test('a sample is editable before sending: the edited body is re-signed and accepted', async () => {
    const h = await standardHandler();
    try {
      const draft = buildSample('standard-webhooks', 'user.created', { now: NOW });
      assert.equal(header(draft, 'webhook-signature'), undefined, 'unsigned without a secret');
      const edited = { ...draft, body: Buffer.from(Buffer.from(draft.body).toString().replace('Ada Lovelace', 'Grace Hopper')) };
      const signed = signSample(edited, STANDARD_SECRET, NOW);
      const wh = new StandardWebhook(STANDARD_SECRET);
      const payload = wh.verify(Buffer.from(signed.body).toString(), Object.fromEntries(signed.headers.map(([k, v]) => [k, v]))) as {
        data: { name: string };
      };
      assert.equal(payload.data.name, 'Grace Hopper');
      // sendSample with a secret re-signs right before sending.
      const d = await sendSample(edited, h.url, { guard: strictGuard(), secret: STANDARD_SECRET, now: () => NOW });
      assert.equal(d.status, 200, d.body);
      assert.equal(d.resigned, true);
      // Without re-signing, an edit of a signed sample is refused by the SDK handler.
      const stale = { ...buildSample('standard-webhooks', 'user.created', { secret: STANDARD_SECRET, now: NOW }) };
      const changed = { ...stale, body: Buffer.from(Buffer.from(stale.body).toString().replace('Ada', 'Eve')) };
      assert.equal((await sendSample(changed, h.url, { guard: strictGuard() })).status, 400);
    } finally {
      await h.close();
    }
  });

  test('a target with a path overrides the sample path; ids and timestamps come from the injected clock and random source', async () => {
    const fixed = buildSample('github', 'push', { now: NOW, randomHex: (n) => 'ab'.repeat(n) });
    assert.equal(header(fixed, 'X-GitHub-Delivery'), 'abababab-abab-4bab-abab-abababababab');
    assert.equal(
      buildSample('github', 'push', { now: NOW, randomHex: (n) => 'ab'.repeat(n) }).body.toString(),
      fixed.body.toString(),
      'deterministic',
    );
    const h = await githubHandler();
    try {
      const signed = signSample(fixed, GITHUB_SECRET, NOW);
      assert.deepEqual(
        signRequest({ method: 'POST', url: '/', headers: {}, body: signed.body }, { provider: 'github', secret: GITHUB_SECRET })[
          'x-hub-signature-256'
        ],
        header(signed, 'X-Hub-Signature-256'),
      );
      await sendSample(signed, `${h.url}/api/github`, { guard: strictGuard() });
      assert.equal(h.seen[0]!.url, '/api/github');
    } finally {
      await h.close();
    }
  });

  test('unknown samples say what exists', () => {
    assert.throws(
      () => buildSample('stripe', 'charge.nope'),
      /Choose one of: payment_intent\.succeeded, checkout\.session\.completed, customer\.subscription\.updated/,
    );
    assert.throws(() => buildSample('paypal', 'x'), /Providers with samples: stripe, github, shopify, slack, standard-webhooks/);
  });
});
