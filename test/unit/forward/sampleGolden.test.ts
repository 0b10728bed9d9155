/**
 * Guards the content of every sample event (sampleData.ts): with a fixed clock and random source, each
 * sample's request line, headers and body bytes equal its golden copy in test/fixtures/samples/ (what a
 * handler receives, field for field), and the catalogue's descriptions. After an intended change to a
 * sample, rewrite the copies with `WI_UPDATE_SAMPLES=1 node --import tsx --test test/unit/forward/sampleGolden.test.ts`
 * and review the diff.
 */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { buildSample, samples } from '../../../src/core/forward/samples';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'samples');
const NOW = new Date('2026-12-05T00:30:00.000Z');

/** Deterministic "random" hex: 0123456789abcdef repeated from a running offset. */
function counterHex(): (bytes: number) => string {
  let offset = 0;
  return (bytes) => {
    let out = '';
    for (let i = 0; i < bytes * 2; i++) {
      out += '0123456789abcdef'[(offset + i * 7) % 16];
    }
    offset += 3;
    return out;
  };
}

describe('sample content', () => {
  for (const info of samples) {
    const file = path.join(DIR, `${info.provider}.${info.event.replace(/\//g, '-')}.http`);
    test(`${info.provider} ${info.event} is sent as in ${path.basename(file)}`, async () => {
      const req = buildSample(info.provider, info.event, { now: NOW, randomHex: counterHex() });
      const text = [
        `${req.method} ${req.url}`,
        ...req.headers.map(([k, v]) => `${k}: ${v}`),
        '',
        Buffer.from(req.body).toString('utf8'),
      ].join('\n');
      if (process.env.WI_UPDATE_SAMPLES === '1') {
        await fsp.mkdir(DIR, { recursive: true });
        await fsp.writeFile(file, text);
      }
      assert.equal(text, await fsp.readFile(file, 'utf8'));
    });
  }

  test('the catalogue describes each sample as the picker shows it', () => {
    assert.deepEqual(
      samples.map((s) => `${s.provider} ${s.event} → ${s.path}: ${s.description}`),
      [
        'stripe payment_intent.succeeded → /webhooks/stripe: A payment of $20.00 succeeded',
        'stripe checkout.session.completed → /webhooks/stripe: A Checkout Session was paid',
        'stripe customer.subscription.updated → /webhooks/stripe: A subscription moved to another price',
        'github push → /webhooks/github: One commit pushed to main',
        'github pull_request.opened → /webhooks/github: A pull request was opened',
        'shopify orders/create → /webhooks/shopify: An order for two items was placed',
        'slack event_callback → /slack/events: The app was mentioned in a channel (app_mention)',
        'standard-webhooks user.created → /webhooks: A Standard Webhooks message (webhook-id / -timestamp / -signature)',
      ],
    );
  });
});
