/**
 * Provider branches no other test reaches: missing companion headers, malformed or empty signature
 * headers, unknown versions and algorithms, verify-only providers refusing to sign. Each answer is
 * checked by its exact text, so a dropped branch or a blanked message is noticed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { answerHandshake, detectProvider, signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { NOW, NOW_S, hmacOf, request } from './support';

const cannotParse = (headerName: string, name: string, detail: string) =>
  `The ${headerName} header cannot be parsed as a ${name} signature: ${detail}.`;

/** [provider, headers, status, reason] */
const CASES: Array<[string, Record<string, string>, string, string]> = [
  // Stripe (t=…,v1=…)
  [
    'stripe',
    { 'stripe-signature': `t=${NOW_S},v0=abc` },
    'malformed',
    cannotParse('stripe-signature', 'Stripe', 'no "v1=<signature>" element'),
  ],
  // Slack / Zoom (v0=…, timestamp header)
  [
    'slack',
    { 'x-slack-signature': 'v0=abc' },
    'malformed',
    cannotParse('x-slack-signature', 'Slack', 'the x-slack-request-timestamp header it depends on is missing'),
  ],
  [
    'slack',
    { 'x-slack-signature': 'v0=abc', 'x-slack-request-timestamp': 'noon' },
    'malformed',
    cannotParse('x-slack-request-timestamp', 'Slack', '"noon" is not a unix time'),
  ],
  // Standard Webhooks family
  [
    'standard-webhooks',
    { 'webhook-signature': 'v1,abc', 'webhook-timestamp': String(NOW_S) },
    'malformed',
    cannotParse('webhook-signature', 'Standard Webhooks', 'the webhook-id header it depends on is missing'),
  ],
  [
    'svix',
    { 'svix-signature': 'v1,abc', 'svix-id': 'msg_1' },
    'malformed',
    cannotParse('svix-signature', 'Svix', 'the svix-timestamp header it depends on is missing'),
  ],
  [
    'standard-webhooks',
    { 'webhook-signature': 'v1,abc', 'webhook-id': 'msg_1', 'webhook-timestamp': '2026-03-01' },
    'malformed',
    cannotParse('webhook-timestamp', 'Standard Webhooks', '"2026-03-01" is not a unix time'),
  ],
  [
    'standard-webhooks',
    { 'webhook-signature': 'v1a,abc', 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S) },
    'malformed',
    cannotParse(
      'webhook-signature',
      'Standard Webhooks',
      'no "v1," (HMAC-SHA256) entry; other versions such as v1a (Ed25519) are not supported',
    ),
  ],
  // GitLab signing tokens (Standard Webhooks headers)
  [
    'gitlab',
    { 'webhook-signature': 'v1,abc', 'webhook-timestamp': String(NOW_S) },
    'malformed',
    cannotParse('webhook-signature', 'GitLab', 'the webhook-id header it depends on is missing'),
  ],
  // Header with an algorithm prefix (Typeform sha256=…)
  ['typeform', { 'typeform-signature': 'sha256=' }, 'malformed', cannotParse('typeform-signature', 'Typeform', 'the signature is empty')],
  // Box
  ['box', { 'box-delivery-id': 'b' }, 'no-signature', 'This looks like a Box request, but the BOX-SIGNATURE-PRIMARY header is missing.'],
  [
    'box',
    { 'box-signature-primary': 'abc', 'box-signature-version': '2' },
    'malformed',
    cannotParse('BOX-SIGNATURE-VERSION', 'Box', 'unknown version "2"'),
  ],
  [
    'box',
    { 'box-signature-primary': 'abc', 'box-signature-algorithm': 'HmacSHA1' },
    'malformed',
    cannotParse('BOX-SIGNATURE-ALGORITHM', 'Box', 'unknown algorithm "HmacSHA1"'),
  ],
  [
    'box',
    { 'box-signature-primary': 'abc' },
    'malformed',
    cannotParse('box-delivery-timestamp', 'Box', 'the box-delivery-timestamp header is missing'),
  ],
  [
    'box',
    { 'box-signature-primary': 'abc', 'box-delivery-timestamp': 'soon' },
    'malformed',
    cannotParse('BOX-DELIVERY-TIMESTAMP', 'Box', '"soon" is not an RFC 3339 time'),
  ],
  [
    'box',
    { 'box-signature-primary': ' ', 'box-delivery-timestamp': '2026-03-01T12:00:00Z' },
    'malformed',
    cannotParse('BOX-SIGNATURE-PRIMARY', 'Box', 'the signature is empty'),
  ],
  // Zendesk
  [
    'zendesk',
    { 'x-zendesk-webhook-signature': ' ', 'x-zendesk-webhook-signature-timestamp': '2026-03-01T12:00:00Z' },
    'malformed',
    cannotParse('X-Zendesk-Webhook-Signature', 'Zendesk', 'the signature is empty'),
  ],
  // HubSpot
  [
    'hubspot',
    { 'x-hubspot-signature-v3': 'abc' },
    'malformed',
    cannotParse('X-HubSpot-Signature-v3', 'HubSpot', 'the X-HubSpot-Request-Timestamp header is missing'),
  ],
  [
    'hubspot',
    { 'x-hubspot-signature': 'abc', 'x-hubspot-signature-version': 'V9' },
    'malformed',
    cannotParse('X-HubSpot-Signature-Version', 'HubSpot', 'unknown version "v9"'),
  ],
  ['hubspot', {}, 'no-signature', 'This looks like a HubSpot request, but the X-HubSpot-Signature-v3 header is missing.'],
  // Paddle, Square
  [
    'paddle',
    { 'paddle-signature': `ts=${NOW_S};h0=abc` },
    'malformed',
    cannotParse('Paddle-Signature', 'Paddle', 'no "h1=<signature>" element'),
  ],
  ['square', {}, 'no-signature', 'This looks like a Square request, but the x-square-hmacsha256-signature header is missing.'],
  // Twitch
  [
    'twitch',
    { 'twitch-eventsub-message-signature': 'sha256=abc' },
    'malformed',
    cannotParse('Twitch-Eventsub-Message-Signature', 'Twitch EventSub', 'the Twitch-Eventsub-Message-Id header is missing'),
  ],
  [
    'twitch',
    { 'twitch-eventsub-message-signature': 'sha256=abc', 'twitch-eventsub-message-id': 'i' },
    'malformed',
    cannotParse('Twitch-Eventsub-Message-Signature', 'Twitch EventSub', 'the Twitch-Eventsub-Message-Timestamp header is missing'),
  ],
  [
    'twitch',
    { 'twitch-eventsub-message-signature': 'sha256=abc', 'twitch-eventsub-message-id': 'i', 'twitch-eventsub-message-timestamp': 'later' },
    'malformed',
    cannotParse('Twitch-Eventsub-Message-Timestamp', 'Twitch EventSub', '"later" is not an RFC 3339 time'),
  ],
  // Discord (key pair): timestamp header missing
  [
    'discord',
    { 'x-signature-ed25519': 'ab' },
    'malformed',
    cannotParse('X-Signature-Ed25519', 'Discord', 'the X-Signature-Timestamp header is missing'),
  ],
];

describe('malformed and missing signature headers, by provider', () => {
  for (const [provider, headers, status, reason] of CASES) {
    it(`${provider}: ${reason}`, () => {
      const r = verifyRequest(request(headers), { provider, secrets: ['s'], now: NOW });
      assert.equal(r.provider, provider);
      assert.equal(r.status, status);
      assert.equal(r.reason, reason);
    });
  }
});

describe('Linear: the timestamp comes from the body, else from the Linear-Timestamp header', () => {
  const body = JSON.stringify({ action: 'create', type: 'Issue' });
  const sig = hmacOf('sha256', 's', body, 'hex');

  it('a Linear-Timestamp header in unix milliseconds is checked against the tolerance', () => {
    const fresh = verifyRequest(request({ 'linear-signature': sig, 'linear-timestamp': String(NOW.getTime()) }, body), {
      provider: 'linear',
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(fresh.status, 'valid');
    assert.equal(fresh.skewSeconds, 0);
    const old = verifyRequest(request({ 'linear-signature': sig, 'linear-timestamp': String(NOW.getTime() - 3_600_000) }, body), {
      provider: 'linear',
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(old.status, 'stale');
    assert.equal(old.skewSeconds, 3600);
  });

  it('without a timestamp anywhere, no skew is reported', () => {
    const r = verifyRequest(request({ 'linear-signature': sig }, body), { provider: 'linear', secrets: ['s'], now: NOW });
    assert.equal(r.status, 'valid');
    assert.equal(r.skewSeconds, undefined);
  });
});

describe('re-signing refusals', () => {
  const req = request({});
  it('names why each verify-only provider cannot be re-signed', () => {
    assert.throws(
      () => signRequest(req, { provider: 'discord', secret: 's' }),
      (e: Error) =>
        e.message ===
        "Discord requests cannot be re-signed here: it is signed with the provider's private key and verified with a public key.",
    );
    assert.throws(
      () => signRequest(req, { provider: 'mailgun', secret: 's' }),
      (e: Error) => e.message === 'Mailgun requests cannot be re-signed here: its signature is part of the body, not a header.',
    );
  });

  it('refuses an unknown provider and an empty secret', () => {
    assert.throws(
      () => signRequest(req, { provider: 'nope', secret: 's' }),
      (e: Error) => e.message === 'Unknown provider "nope".',
    );
    assert.throws(
      () => signRequest(req, { provider: 'github', secret: '' }),
      (e: Error) => e.message === 'No secret given to sign the GitHub request.',
    );
  });

  it('generic HMAC refuses to sign a template field it has no header for', () => {
    assert.throws(
      () => signRequest(req, { provider: 'generic-hmac', secret: 's', generic: { header: 'x-sig', template: '{timestamp}.{body}' } }),
      (e: Error) => e.message === 'The template uses {timestamp} but no timestampHeader is set.',
    );
    assert.throws(
      () => signRequest(req, { provider: 'generic-hmac', secret: 's', generic: { header: 'x-sig', template: '{id}.{body}' } }),
      (e: Error) => e.message === 'The template uses {id} but no idHeader is set.',
    );
  });
});

describe('generic HMAC: missing template fields when verifying', () => {
  it('names the configured header, or the field when no header is configured', () => {
    const verify = (generic: Record<string, string>) =>
      verifyRequest(request({ 'x-sig': 'ab' }), {
        provider: 'generic-hmac',
        generic: { header: 'x-sig', ...generic },
        secrets: ['s'],
        now: NOW,
      }).reason;
    assert.equal(
      verify({ template: '{timestamp}.{body}', timestampHeader: 'x-ts' }),
      cannotParse('x-sig', 'generic HMAC', 'the template needs {timestamp}, but the x-ts header is missing'),
    );
    assert.equal(
      verify({ template: '{timestamp}.{body}' }),
      cannotParse('x-sig', 'generic HMAC', 'the template needs {timestamp}, but the timestamp header is missing'),
    );
    assert.equal(
      verify({ template: '{id}.{body}', idHeader: 'x-id' }),
      cannotParse('x-sig', 'generic HMAC', 'the template needs {id}, but the x-id header is missing'),
    );
    assert.equal(
      verify({ template: '{id}.{body}' }),
      cannotParse('x-sig', 'generic HMAC', 'the template needs {id}, but the id header is missing'),
    );
  });

  it('a timestamp header that is not a time', () => {
    const r = verifyRequest(request({ 'x-sig': 'ab', 'x-ts': 'tea time' }), {
      provider: 'generic-hmac',
      generic: { header: 'x-sig', timestampHeader: 'x-ts' },
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(r.reason, cannotParse('x-ts', 'generic HMAC', '"tea time" is not a time'));
  });

  it('a timestamp of digits too long to be a finite number is not a time', () => {
    const digits = '9'.repeat(400);
    const r = verifyRequest(request({ 'x-sig': 'ab', 'x-ts': digits }), {
      provider: 'generic-hmac',
      generic: { header: 'x-sig', timestampHeader: 'x-ts' },
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(r.reason, cannotParse('x-ts', 'generic HMAC', `"${digits}" is not a time`));
  });

  it('a prefix no value starts with', () => {
    const r = verifyRequest(request({ 'x-sig': 'v2=ab' }), {
      provider: 'generic-hmac',
      generic: { header: 'x-sig', prefix: 'v1=' },
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(r.reason, cannotParse('x-sig', 'generic HMAC', 'no value starts with "v1="'));
  });
});

describe('Twilio: URL variants when the URL cannot be normalised', () => {
  // A space in the host: WHATWG URL parsing fails, so only the URL as received and its port variants count.
  const verify = (url: string, signedUrl: string, headers: Record<string, string> = {}) =>
    verifyRequest(request({ 'x-twilio-signature': hmacOf('sha1', 'tok', signedUrl, 'base64'), ...headers }, '{"a":1}', url), {
      provider: 'twilio',
      secrets: ['tok'],
      now: NOW,
    }).status;

  it('the default port may be present on one side only', () => {
    assert.equal(verify('https://bad host:443/hook', 'https://bad host/hook'), 'valid');
    assert.equal(verify('https://bad host/hook', 'https://bad host:443/hook'), 'valid');
    assert.equal(verify('http://bad host:80/hook', 'http://bad host/hook'), 'valid');
  });

  it('a non-default port is never dropped', () => {
    assert.equal(verify('https://bad host:8443/hook', 'https://bad host/hook'), 'invalid');
    assert.equal(verify('https://bad host:80/hook', 'https://bad host/hook'), 'invalid');
  });

  it('a JSON body adds no form parameters to the signed message', () => {
    assert.equal(verify('https://bad host/hook', 'https://bad host/hook', { 'content-type': 'application/json' }), 'valid');
  });
});

describe('legacy signature headers', () => {
  it('Square: the legacy x-square-signature is HMAC-SHA1 over URL + body', () => {
    const body = '{"type":"payment.created"}';
    const url = 'https://hooks.example.com/square';
    const req = request({ 'x-square-signature': hmacOf('sha1', 'sq', url + body, 'base64') }, body, url);
    const r = verifyRequest(req, { provider: 'square', secrets: ['sq'], now: NOW });
    assert.equal(r.status, 'valid', r.reason);
  });

  it('GitHub: the legacy X-Hub-Signature alone must be sha1=', () => {
    const req = request({ 'x-github-event': 'push', 'x-hub-signature': `sha256=${hmacOf('sha256', 's', '{}', 'hex')}` }, '{}');
    const r = verifyRequest(req, { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, cannotParse('X-Hub-Signature', 'GitHub', 'expected "sha1=<hex>" in the legacy header'));
  });
});

describe('Discord (public key): the mismatch text', () => {
  const signer = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const rawHex = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  const ts = String(NOW_S - 3600);
  const body = '{"type":1}';
  const req = request(
    { 'x-signature-ed25519': sign(null, Buffer.from(ts + body), signer.privateKey).toString('hex'), 'x-signature-timestamp': ts },
    body,
  );
  const base = 'The Discord signature does not verify with';
  const tail = '; the key is probably for another application, or the body was changed.';

  it('one key or several; the timestamp is mentioned only when outside the tolerance', () => {
    const one = verifyRequest(req, { secrets: [rawHex(other.publicKey)], now: NOW, toleranceSeconds: 7200 });
    assert.equal(one.reason, `${base} the configured public key${tail}`);
    const two = verifyRequest(req, { secrets: [rawHex(other.publicKey), rawHex(other.publicKey)], now: NOW, toleranceSeconds: 7200 });
    assert.equal(two.reason, `${base} any of the 2 configured public keys${tail}`);
    const late = verifyRequest(req, { secrets: [rawHex(other.publicKey)], now: NOW, toleranceSeconds: 3600 });
    assert.equal(late.reason, `${base} the configured public key${tail}`);
    const stale = verifyRequest(req, { secrets: [rawHex(other.publicKey)], now: NOW, toleranceSeconds: 300 });
    assert.ok(stale.reason.startsWith(`${base} the configured public key${tail} Its timestamp is also `), stale.reason);
    assert.equal(verifyRequest(req, { secrets: [rawHex(signer.publicKey)], now: NOW, toleranceSeconds: 7200 }).status, 'valid');
  });
});

describe('more header shapes', () => {
  const body = '{"a":1}';

  it('Stripe: an element without "=" is skipped', () => {
    const header = `t=${NOW_S},junk,v1=${hmacOf('sha256', 's', `${NOW_S}.${body}`, 'hex')}`;
    assert.equal(verifyRequest(request({ 'stripe-signature': header }, body), { secrets: ['s'], now: NOW }).status, 'valid');
  });

  it('Stripe: an element without "=" is no v1 signature, even when it starts with v1', () => {
    const r = verifyRequest(request({ 'stripe-signature': `t=${NOW_S},v1x` }, body), { secrets: ['s'], now: NOW });
    assert.equal(r.reason, cannotParse('stripe-signature', 'Stripe', 'no "v1=<signature>" element'));
  });

  it('Typeform: a sha1= value is named as the legacy algorithm', () => {
    const req = request({ 'typeform-signature': `sha1=${hmacOf('sha1', 's', body, 'base64')}` }, body);
    assert.equal(
      verifyRequest(req, { provider: 'typeform', secrets: ['s'], now: NOW }).reason,
      'Only the legacy sha1= signature (HMAC-SHA-1) matches secret #1; Typeform signatures use HMAC-SHA-256.',
    );
  });

  it('generic HMAC: an empty signature, without a prefix', () => {
    const r = verifyRequest(request({ 'x-sig': '  ' }), {
      provider: 'generic-hmac',
      generic: { header: 'x-sig' },
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(r.reason, cannotParse('x-sig', 'generic HMAC', 'the signature is empty'));
  });

  it('Zendesk: the timestamp header is required', () => {
    const r = verifyRequest(request({ 'x-zendesk-webhook-signature': 'abc' }), { provider: 'zendesk', secrets: ['s'], now: NOW });
    assert.equal(
      r.reason,
      cannotParse('x-zendesk-webhook-signature-timestamp', 'Zendesk', 'the x-zendesk-webhook-signature-timestamp header is missing'),
    );
  });

  it('Standard Webhooks is detected from webhook-id and webhook-timestamp without a signature', () => {
    assert.equal(detectProvider(request({ 'webhook-id': 'm', 'webhook-timestamp': '1' })), 'standard-webhooks');
    assert.equal(detectProvider(request({ 'webhook-id': 'm' })), undefined);
  });
});

describe('SendGrid: a configured key that is not a public key', () => {
  const req = request({ 'x-twilio-email-event-webhook-signature': 'abc=', 'x-twilio-email-event-webhook-timestamp': String(NOW_S) });
  it('not base64, a broken PEM block, DER bytes that are no key', () => {
    for (const key of ['not base64!', '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----', 'AAAA']) {
      const r = verifyRequest(req, { provider: 'sendgrid', secrets: [key], now: NOW });
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, 'The configured SendGrid key is not an ECDSA P-256 public key (base64 DER).', key);
    }
  });
});

describe('SendGrid: a key of the wrong type', () => {
  it('an Ed25519 PEM key never verifies an ECDSA signature (the check fails closed)', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ts = String(NOW_S);
    const body = '[{"event":"open"}]';
    const sig = sign('sha256', Buffer.from(ts + body), ec.privateKey).toString('base64');
    const req = request({ 'x-twilio-email-event-webhook-signature': sig, 'x-twilio-email-event-webhook-timestamp': ts }, body);
    const r = verifyRequest(req, { provider: 'sendgrid', secrets: [pem], now: NOW });
    assert.equal(r.status, 'invalid');
    const good = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    assert.equal(verifyRequest(req, { provider: 'sendgrid', secrets: [good], now: NOW }).status, 'valid');
  });
});

describe('generic HMAC: signing writes the timestamp in the configured form', () => {
  const body = '{"a":1}';
  for (const [timestampFormat, written] of [
    ['unix', String(NOW_S)],
    ['unix-ms', String(NOW.getTime())],
    ['iso8601', '2026-03-01T12:00:00.000Z'],
  ] as const) {
    it(`${timestampFormat}: ${written}`, () => {
      const generic = { header: 'x-sig', timestampHeader: 'x-ts', template: '{timestamp}.{body}', timestampFormat };
      const headers = signRequest(request({}, body), { provider: 'generic-hmac', secret: 's', now: NOW, generic });
      assert.equal(headers['x-ts'], written);
      assert.equal(headers['x-sig'], hmacOf('sha256', 's', `${written}.${body}`, 'hex'));
      assert.equal(verifyRequest(request(headers, body), { provider: 'generic-hmac', generic, secrets: ['s'], now: NOW }).status, 'valid');
    });
  }
});

describe('handshakes that do not apply', () => {
  const opts = { secrets: () => ['s'] };
  it('a URL that cannot be parsed is no challenge, and does not throw', () => {
    assert.equal(answerHandshake(request({}, '', 'http://[bad-host/hook?hub.challenge=1', 'GET'), opts), undefined);
  });
  it('Zoom URL validation without a string plainToken', () => {
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 42 } });
    assert.equal(answerHandshake(request({}, body), opts), undefined);
  });
  it('Twitch callback verification without a string challenge', () => {
    const req = request({ 'twitch-eventsub-message-type': 'webhook_callback_verification' }, JSON.stringify({ challenge: 7 }));
    assert.equal(answerHandshake(req, opts), undefined);
  });
});

describe('re-signing: which headers are written', () => {
  const body = '{"a":1}';
  it('HubSpot: a v2 version header alone asks for the legacy v2 signature too', () => {
    const headers = signRequest(request({ 'x-hubspot-signature-version': 'v2' }, body), { provider: 'hubspot', secret: 's', now: NOW });
    assert.equal(headers['x-hubspot-signature-version'], 'v2');
    assert.equal(typeof headers['x-hubspot-signature'], 'string');
    assert.equal(signRequest(request({}, body), { provider: 'hubspot', secret: 's', now: NOW })['x-hubspot-signature'], undefined);
  });
  it('Shopify: the header family of the request is kept', () => {
    const sig = hmacOf('sha256', 's', body, 'base64');
    assert.deepEqual(signRequest(request({ 'shopify-topic': 'orders/create' }, body), { provider: 'shopify', secret: 's' }), {
      'shopify-hmac-sha256': sig,
    });
    assert.deepEqual(signRequest(request({ 'x-shopify-topic': 'orders/create' }, body), { provider: 'shopify', secret: 's' }), {
      'x-shopify-hmac-sha256': sig,
    });
  });
});

describe('last uncovered shapes', () => {
  const body = '{"a":1}';

  it('generic HMAC: literal text after the last placeholder is signed', () => {
    const generic = { header: 'x-sig', template: '{body}.end' };
    const req = request({ 'x-sig': hmacOf('sha256', 's', `${body}.end`, 'hex') }, body);
    assert.equal(verifyRequest(req, { provider: 'generic-hmac', generic, secrets: ['s'], now: NOW }).status, 'valid');
  });

  it('Twitch: a sha1= value is named as the legacy algorithm', () => {
    const ts = '2026-03-01T12:00:00Z';
    const req = request(
      {
        'twitch-eventsub-message-id': 'i',
        'twitch-eventsub-message-timestamp': ts,
        'twitch-eventsub-message-signature': `sha1=${hmacOf('sha1', 's', `i${ts}${body}`, 'hex')}`,
      },
      body,
    );
    assert.equal(
      verifyRequest(req, { provider: 'twitch', secrets: ['s'], now: NOW }).reason,
      'Only the legacy sha1= signature (HMAC-SHA-1) matches secret #1; Twitch EventSub signatures use HMAC-SHA-256.',
    );
  });

  it('Twilio: a relative URL is signed as received', () => {
    const req = request({ 'x-twilio-signature': hmacOf('sha1', 'tok', '/hook', 'base64') }, body, '/hook');
    assert.equal(verifyRequest(req, { provider: 'twilio', secrets: ['tok'], now: NOW }).status, 'valid');
  });

  it('Standard Webhooks: re-signing without a webhook-id makes a msg_ id of 32 hex digits', () => {
    const headers = signRequest(request({}, body), { provider: 'standard-webhooks', secret: 'whsec_c2VjcmV0', now: NOW });
    assert.match(headers['webhook-id'] ?? '', /^msg_[0-9a-f]{32}$/);
  });
});
