/**
 * Guards the shape of the sample events (sampleData.ts) where a handler reads it: Stripe samples are
 * test-mode events whose `data.object` is the object of their type, with the request that caused them,
 * the headers Stripe sends, and for an update the previous attributes; their ids keep their length
 * whatever the random source gives; a sample is looked up by provider and event together.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSample, samples } from '../../../src/core/forward/samples';

const NOW = new Date('2026-12-05T00:30:00Z');

/** The value at `path` in a sample's JSON body. */
function at(body: Uint8Array, ...path: Array<string | number>): unknown {
  let v: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
  for (const key of path) {
    v = (v as Record<string | number, unknown> | undefined)?.[key];
  }
  return v;
}

describe('sample shapes', () => {
  const stripeObjects: Record<string, string> = {
    'payment_intent.succeeded': 'payment_intent',
    'checkout.session.completed': 'checkout.session',
    'customer.subscription.updated': 'subscription',
  };
  for (const info of samples.filter((s) => s.provider === 'stripe')) {
    test(`stripe ${info.event}: a test-mode event about a ${stripeObjects[info.event]}, with its request and Stripe's headers`, () => {
      const req = buildSample('stripe', info.event, { now: NOW });
      assert.equal(at(req.body, 'livemode'), false);
      assert.equal(at(req.body, 'data', 'object', 'object'), stripeObjects[info.event]);
      assert.match(String(at(req.body, 'request', 'id')), /^req_/);
      assert.match(String(at(req.body, 'request', 'idempotency_key')), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(req.headers, [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Cache-Control', 'no-cache'],
        ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
        ['Accept', '*/*; q=0.5, application/xml'],
      ]);
    });
  }

  test('stripe customer.subscription.updated: the previous attributes name the old price', () => {
    const { body } = buildSample('stripe', 'customer.subscription.updated', { now: NOW });
    assert.deepEqual(at(body, 'data', 'previous_attributes'), {
      items: { data: [{ price: { id: 'price_basic_monthly', unit_amount: 1900 } }] },
    });
    assert.equal(at(body, 'data', 'object', 'items', 'data', 0, 'price', 'id'), 'price_pro_monthly');
  });

  test('a sample is found by provider and event together', () => {
    assert.throws(() => buildSample('shopify', 'push'), { message: 'No shopify sample "push". Choose one of: orders/create.' });
  });

  test('Stripe-style ids are the prefix and 24 characters, even from an all-zero random source', () => {
    const { body } = buildSample('stripe', 'payment_intent.succeeded', { now: NOW, randomHex: (bytes) => '0'.repeat(bytes * 2) });
    assert.match(String(at(body, 'id')), /^evt_[0-9A-Za-z]{24}$/);
    assert.match(String(at(body, 'data', 'object', 'id')), /^pi_[0-9A-Za-z]{24}$/);
  });
});
