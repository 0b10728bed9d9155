/** The provider catalogue, detection, and the generic HMAC provider. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenericHmacConfig } from '../../../src/core/signatures/index';
import { detectProvider, providers, signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request, tamper, withHeaders } from './support';

const REQUIRED = [
  'stripe',
  'github',
  'shopify',
  'slack',
  'standard-webhooks',
  'svix',
  'clerk',
  'resend',
  'twilio',
  'hubspot',
  'square',
  'paddle',
  'lemonsqueezy',
  'gitlab',
  'bitbucket',
  'linear',
  'intercom',
  'zoom',
  'discord',
  'sendgrid',
  'mailgun',
  'twitch',
  'woocommerce',
  'typeform',
  'calendly',
  'sentry',
  'meta',
  'asana',
  'box',
  'zendesk',
  'razorpay',
  'coinbase',
  'vercel',
  'line',
  'generic-hmac',
  'paypal',
  'plaid',
  'amazon-sns',
];
const VERIFY_ONLY = ['discord', 'sendgrid', 'mailgun', 'paypal', 'plaid', 'amazon-sns'];

describe('providers', () => {
  it('lists every required id once, with a human name', () => {
    const ids = providers.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    for (const id of REQUIRED) {
      assert.ok(ids.includes(id), `missing ${id}`);
    }
    for (const p of providers) {
      assert.match(p.name, /^[A-Z][A-Za-z .-]+$/, `${p.id}: ${p.name}`);
    }
  });

  it('canSign is false exactly for the verify-only schemes', () => {
    for (const p of providers) {
      assert.equal(p.canSign, !VERIFY_ONLY.includes(p.id), p.id);
    }
    for (const id of VERIFY_ONLY) {
      assert.throws(() => signRequest(request({}), { provider: id, secret: 's' }), /cannot be re-signed/);
    }
  });
});

describe('detectProvider: the trickier cases', () => {
  const cases: Array<[string, Record<string, string>, string?]> = [
    ['github', { 'x-github-event': 'push', 'x-hub-signature': 'sha1=00' }],
    ['bitbucket', { 'x-event-key': 'repo:push', 'x-hub-signature': 'sha256=00' }],
    ['intercom', { 'x-hub-signature': 'sha1=00' }],
    ['meta', { 'x-hub-signature-256': 'sha256=00' }],
    ['gitlab', { 'x-gitlab-event': 'Push Hook', 'webhook-signature': 'v1,AA', 'webhook-id': 'i', 'webhook-timestamp': '1' }],
    ['standard-webhooks', { 'webhook-signature': 'v1,AA', 'webhook-id': 'i', 'webhook-timestamp': '1' }],
    ['svix', { 'svix-signature': 'v1,AA', 'svix-id': 'i', 'svix-timestamp': '1' }],
    ['clerk', { 'svix-id': 'i' }, '{"data":{},"object":"event","type":"session.created"}'],
    ['resend', { 'svix-id': 'i' }, '{"type":"email.bounced","data":{}}'],
    ['sendgrid', { 'x-twilio-email-event-webhook-signature': 'x' }],
    ['twilio', { 'x-twilio-signature': 'x' }],
    ['hubspot', { 'x-hubspot-signature-version': 'v1' }],
    ['shopify', { 'shopify-topic': 'orders/create' }],
    ['mailgun', {}, '{"signature":{"timestamp":"1","token":"t","signature":"s"},"event-data":{}}'],
    ['mailgun', { 'content-type': 'application/x-www-form-urlencoded' }, 'timestamp=1&token=t&signature=s&event=delivered'],
    ['twitch', { 'twitch-eventsub-message-type': 'notification' }],
    ['box', { 'box-delivery-id': 'x' }],
    ['zendesk', { 'x-zendesk-webhook-id': 'x' }],
    ['linear', { 'linear-event': 'Issue' }],
  ];
  for (const [id, headers, body] of cases) {
    it(`${id} from ${Object.keys(headers).join(', ') || 'its body'}`, () => {
      assert.equal(detectProvider(request(headers, body ?? JSON_BODY)), id);
    });
  }
  it('nothing for a plain request', () => {
    assert.equal(detectProvider(request({ 'content-type': 'application/json', 'user-agent': 'curl/8' })), undefined);
  });
});

describe('GitLab signing tokens (Standard Webhooks headers)', () => {
  it('verifies webhook-signature when no X-Gitlab-Token is sent, and re-signs the same way', () => {
    const key = `whsec_${Buffer.from('gitlab signing token bytes').toString('base64')}`;
    const sig = hmacOf('sha256', Buffer.from(key.slice(6), 'base64'), `idem-1.${NOW_S}.${JSON_BODY}`, 'base64');
    const req = request({
      'x-gitlab-event': 'Push Hook',
      'webhook-id': 'idem-1',
      'webhook-timestamp': String(NOW_S),
      'webhook-signature': `v1,${sig}`,
    });
    assert.equal(verifyRequest(req, { secrets: [key], now: NOW }).status, 'valid');
    assert.equal(verifyRequest(tamper(req), { secrets: [key], now: NOW }).status, 'invalid');
    const h = signRequest(req, { provider: 'gitlab', secret: key, now: NOW });
    assert.equal(h['webhook-signature'], `v1,${sig}`);
    assert.equal(h['x-gitlab-token'], undefined);
  });
});

describe('generic-hmac', () => {
  const config: GenericHmacConfig = {
    header: 'X-Acme-Signature',
    algorithm: 'sha512',
    encoding: 'base64url',
    prefix: 'v1=',
    template: '{method} {url}\n{id}.{timestamp}.{body}',
    timestampHeader: 'X-Acme-Timestamp',
    idHeader: 'X-Acme-Id',
  };
  const url = 'https://hooks.example.com/acme?a=b';
  const make = (secret: string, t: number) =>
    request(
      {
        'x-acme-id': 'evt-9',
        'x-acme-timestamp': String(t),
        'x-acme-signature': `v1=${hmacOf('sha512', secret, `POST ${url}\nevt-9.${t}.${JSON_BODY}`, 'base64url')}`,
      },
      JSON_BODY,
      url,
    );

  it('verifies a signature computed independently from the template', () => {
    const r = verifyRequest(make('acme', NOW_S), { provider: 'generic-hmac', generic: config, secrets: ['acme'], now: NOW });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(r.provider, 'generic-hmac');
  });

  it('uses generic-hmac when a config is given and nothing is detected', () => {
    assert.equal(verifyRequest(make('acme', NOW_S), { generic: config, secrets: ['acme'], now: NOW }).status, 'valid');
  });

  it('rejects a changed body, a wrong secret, a changed URL; reports missing, malformed and stale', () => {
    const base = { provider: 'generic-hmac', generic: config, secrets: ['acme'], now: NOW };
    assert.equal(verifyRequest(tamper(make('acme', NOW_S)), base).status, 'invalid');
    assert.equal(verifyRequest(make('other', NOW_S), base).status, 'invalid');
    assert.equal(verifyRequest({ ...make('acme', NOW_S), url: `${url}&c=d` }, base).status, 'invalid');
    assert.equal(verifyRequest(withHeaders(make('acme', NOW_S), { 'x-acme-signature': undefined }), base).status, 'no-signature');
    assert.equal(verifyRequest(withHeaders(make('acme', NOW_S), { 'x-acme-signature': 'sha256=abc' }), base).status, 'malformed');
    assert.equal(verifyRequest(withHeaders(make('acme', NOW_S), { 'x-acme-timestamp': undefined }), base).status, 'malformed');
    const stale = verifyRequest(make('acme', NOW_S - 400), base);
    assert.equal(stale.status, 'stale');
    assert.equal(stale.skewSeconds, 400);
    assert.equal(verifyRequest(make('acme', NOW_S - 400), { ...base, generic: { ...config, toleranceSeconds: 600 } }).status, 'valid');
  });

  it('explains a different encoding', () => {
    const r = verifyRequest(make('acme', NOW_S), {
      provider: 'generic-hmac',
      generic: { ...config, encoding: 'hex' },
      secrets: ['acme'],
      now: NOW,
    });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /base64url/);
  });

  it('signs: fresh timestamp, existing id kept, signature equal to the independent one', () => {
    const unsigned = withHeaders(make('acme', NOW_S), { 'x-acme-signature': undefined, 'x-acme-timestamp': undefined });
    const h = signRequest(unsigned, { provider: 'generic-hmac', secret: 'acme', now: NOW, generic: config });
    assert.equal(h['x-acme-timestamp'], String(NOW_S));
    assert.equal(h['x-acme-id'], 'evt-9');
    assert.equal(h['x-acme-signature'], make('acme', NOW_S).headers['x-acme-signature']);
  });

  it('several signatures with a separator, secret given as hex, body-only template (defaults)', () => {
    const key = Buffer.from('00112233445566778899', 'hex');
    const sig = hmacOf('sha256', key, JSON_BODY, 'hex');
    const cfg: GenericHmacConfig = { header: 'x-sig', separator: ',', secretEncoding: 'hex' };
    const r = verifyRequest(request({ 'x-sig': `deadbeef, ${sig}` }), {
      provider: 'generic-hmac',
      generic: cfg,
      secrets: ['00112233445566778899'],
      now: NOW,
    });
    assert.equal(r.status, 'valid', r.reason);
  });

  it('without a configuration: unsupported for verify, an error for sign', () => {
    assert.equal(verifyRequest(request({}), { provider: 'generic-hmac', secrets: ['s'], now: NOW }).status, 'unsupported');
    assert.throws(() => signRequest(request({}), { provider: 'generic-hmac', secret: 's', now: NOW }), /GenericHmacConfig/);
  });
});

describe('robustness', () => {
  const STATUSES = ['valid', 'invalid', 'no-signature', 'no-secret', 'stale', 'malformed', 'unsupported'];
  const odd = [
    request({}, new Uint8Array([0xff, 0xfe, 0x00, 0x80])),
    request({}, ''),
    {
      method: 'POST',
      url: 'not a url',
      headers: { 'x-hub-signature-256': undefined, 'stripe-signature': ['t=,v1=', 'x'] },
      body: new Uint8Array(),
    },
  ];
  for (const p of providers) {
    it(`${p.id}: verifyRequest never throws on odd input`, () => {
      for (const req of odd) {
        for (const secrets of [[], ['s'], ['whsec_%%%'], ['  ']]) {
          const r = verifyRequest(req, {
            provider: p.id,
            secrets,
            now: NOW,
            generic: { header: 'x-sig', template: '{timestamp}{id}{body}', timestampHeader: 'x-ts', idHeader: 'x-id' },
          });
          assert.ok(STATUSES.includes(r.status), `${p.id}: ${r.status}`);
          assert.equal(r.provider, p.id);
          assert.ok(r.reason.length > 0);
        }
      }
    });
  }
});
