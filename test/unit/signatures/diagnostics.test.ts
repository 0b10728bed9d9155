/** Key rotation, several secrets, and the explanations given when a signature does not match. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request } from './support';

const STD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const stdKey = (s: string) => Buffer.from(s.replace(/^whsec_/, ''), 'base64');
const stripeHeader = (key: string | Buffer, t = NOW_S, body = JSON_BODY) => `t=${t},v1=${hmacOf('sha256', key, `${t}.${body}`, 'hex')}`;
const github = (sig: string, body = JSON_BODY) => request({ 'x-github-event': 'push', 'x-hub-signature-256': sig }, body);

describe('rotation: several signatures and several secrets', () => {
  it('Stripe: two v1 entries (old and new secret), either secret matches, with its index', () => {
    const t = NOW_S;
    const header = `t=${t},v1=${hmacOf('sha256', 'whsec_old', `${t}.${JSON_BODY}`, 'hex')},v1=${hmacOf('sha256', 'whsec_new', `${t}.${JSON_BODY}`, 'hex')},v0=ignored`;
    const req = request({ 'stripe-signature': header });
    const a = verifyRequest(req, { secrets: ['whsec_new'], now: NOW });
    assert.equal(a.status, 'valid');
    assert.equal(a.matchedSecretIndex, 0);
    const b = verifyRequest(req, { secrets: ['whsec_unrelated', 'whsec_old'], now: NOW });
    assert.equal(b.status, 'valid');
    assert.equal(b.matchedSecretIndex, 1);
    assert.match(b.reason, /secret #2/);
  });

  it('Standard Webhooks: space-separated signatures, second secret matches', () => {
    const other = `whsec_${Buffer.from('another signing key 123').toString('base64')}`;
    const msg = `msg_1.${NOW_S}.${JSON_BODY}`;
    const sig = `v1,${hmacOf('sha256', stdKey(other), msg, 'base64')} v1a,ignoredEd25519 v1,${hmacOf('sha256', stdKey(STD_SECRET), msg, 'base64')}`;
    const req = request({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S), 'webhook-signature': sig });
    const r = verifyRequest(req, { secrets: [`whsec_${Buffer.from('not this one').toString('base64')}`, STD_SECRET], now: NOW });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(r.matchedSecretIndex, 1);
  });

  it('Box: the secondary key matches the secondary signature', () => {
    const ts = '2026-03-01T12:00:00Z';
    const req = request({
      'box-delivery-id': 'b',
      'box-delivery-timestamp': ts,
      'box-signature-primary': hmacOf('sha256', 'primary-key', JSON_BODY + ts, 'base64'),
      'box-signature-secondary': hmacOf('sha256', 'secondary-key', JSON_BODY + ts, 'base64'),
    });
    const r = verifyRequest(req, { secrets: ['nope', 'secondary-key'], now: NOW });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(r.matchedSecretIndex, 1);
  });

  it('Paddle: several h1 entries, the last one matching', () => {
    const h1 = hmacOf('sha256', 'pdl_new', `${NOW_S}:${JSON_BODY}`, 'hex');
    const req = request({ 'paddle-signature': `ts=${NOW_S};h1=${'0'.repeat(64)};h1=${h1}` });
    assert.equal(verifyRequest(req, { secrets: ['pdl_new'], now: NOW }).status, 'valid');
  });

  it('Mailgun: the parent-signature of a subaccount matches the parent key', () => {
    const token = 't'.repeat(50);
    const body = JSON.stringify({
      signature: {
        timestamp: String(NOW_S),
        token,
        signature: '0'.repeat(64),
        'parent-signature': hmacOf('sha256', 'parent-key', `${NOW_S}${token}`, 'hex'),
      },
      'event-data': {},
    });
    const r = verifyRequest(request({}, body), { secrets: ['sub-key', 'parent-key'], now: NOW });
    assert.equal(r.provider, 'mailgun');
    assert.equal(r.status, 'valid');
    assert.equal(r.matchedSecretIndex, 1);
  });

  it('a truncated or over-long signature is invalid, never an exception', () => {
    const sig = hmacOf('sha256', 's', JSON_BODY, 'hex');
    for (const bad of [sig.slice(0, 10), `${sig}00`, sig.slice(0, -1)]) {
      const r = verifyRequest(github(`sha256=${bad}`), { secrets: ['s'], now: NOW });
      assert.equal(r.status, 'invalid');
    }
  });

  it('uppercase hex is accepted (the bytes are compared)', () => {
    const sig = hmacOf('sha256', 's', JSON_BODY, 'hex').toUpperCase();
    assert.equal(verifyRequest(github(`sha256=${sig}`), { secrets: ['s'], now: NOW }).status, 'valid');
  });
});

describe('diagnostics when the signature does not match', () => {
  it('whitespace or a newline around the secret', () => {
    const req = github(`sha256=${hmacOf('sha256', 'gh-secret', JSON_BODY, 'hex')}`);
    const r = verifyRequest(req, { secrets: ['  gh-secret\n'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /Secret #1 has whitespace or quotes/);
    assert.match(r.hint ?? '', /without the surrounding/);
  });

  it('quotes around the secret (a pasted .env value)', () => {
    const req = request({ 'stripe-signature': stripeHeader('whsec_abc') });
    const r = verifyRequest(req, { secrets: ['other', '"whsec_abc"'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /Secret #2 has whitespace or quotes/);
  });

  it('Stripe secret without its whsec_ prefix', () => {
    const r = verifyRequest(request({ 'stripe-signature': stripeHeader('whsec_abc123') }), { secrets: ['abc123'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /with a whsec_ prefix/);
  });

  it('Stripe selected, but the sender base64-decodes the whsec_ key (a Standard Webhooks sender)', () => {
    const r = verifyRequest(request({ 'stripe-signature': stripeHeader(stdKey(STD_SECRET)) }), { secrets: [STD_SECRET], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /base64-decoded after removing whsec_/);
    assert.match(r.reason, /Stripe uses the secret exactly as shown/);
  });

  it('Standard Webhooks selected, but the sender used the whsec_ string as plain text', () => {
    const sig = hmacOf('sha256', STD_SECRET, `m.${NOW_S}.${JSON_BODY}`, 'base64');
    const req = request({ 'webhook-id': 'm', 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${sig}` });
    const r = verifyRequest(req, { secrets: [STD_SECRET], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /used as plain text/);
  });

  it('Standard Webhooks key given without whsec_ is still base64-decoded (valid)', () => {
    const sig = hmacOf('sha256', stdKey(STD_SECRET), `m.${NOW_S}.${JSON_BODY}`, 'base64');
    const req = request({ 'webhook-id': 'm', 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${sig}` });
    assert.equal(verifyRequest(req, { secrets: [STD_SECRET.slice('whsec_'.length)], now: NOW }).status, 'valid');
  });

  it('the signature matches the compact JSON: a relay pretty-printed the body', () => {
    const compact = JSON.stringify(JSON.parse(JSON_BODY));
    const pretty = JSON.stringify(JSON.parse(JSON_BODY), null, 2);
    const r = verifyRequest(github(`sha256=${hmacOf('sha256', 's', compact, 'hex')}`, pretty), { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /re-serialised as compact JSON/);
    assert.match(r.reason, /changed the body/);
  });

  it('the signature matches the pretty-printed JSON: a relay compacted the body', () => {
    const spaced = '{ "a": 1, "b": [1, 2] }';
    const pretty = JSON.stringify(JSON.parse(spaced), null, 2);
    const r = verifyRequest(request({ 'x-shopify-topic': 't', 'x-shopify-hmac-sha256': hmacOf('sha256', 's', pretty, 'base64') }, spaced), {
      secrets: ['s'],
      now: NOW,
    });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /pretty-printed JSON/);
  });

  it('a Stripe signature over the re-serialised body, with a timestamp', () => {
    const compact = '{"a":1}';
    const r = verifyRequest(request({ 'stripe-signature': stripeHeader('whsec_k', NOW_S, compact) }, '{"a": 1}'), {
      secrets: ['whsec_k'],
      now: NOW,
    });
    assert.match(r.reason, /re-serialised as compact JSON/);
  });

  it('another encoding: Shopify signature sent as hex', () => {
    const req = request({ 'x-shopify-topic': 't', 'x-shopify-hmac-sha256': hmacOf('sha256', 's', JSON_BODY, 'hex') });
    const r = verifyRequest(req, { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /HMAC-SHA-256 in hex, but Shopify uses HMAC-SHA-256 in base64/);
  });

  it('another encoding: base64url instead of base64 (LINE)', () => {
    const sig = hmacOf('sha256', 's', JSON_BODY, 'base64url');
    assert.match(sig, /[-_]/, 'fixture must contain a URL-safe character');
    const r = verifyRequest(request({ 'x-line-signature': sig }), { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /in base64url/);
  });

  it('the legacy GitHub sha1= scheme in the SHA-256 header', () => {
    const r = verifyRequest(github(`sha1=${hmacOf('sha1', 's', JSON_BODY, 'hex')}`), { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /legacy sha1= signature/);
  });

  it('GitHub with only the legacy X-Hub-Signature header verifies, with a note', () => {
    const req = request({ 'x-github-event': 'push', 'x-hub-signature': `sha1=${hmacOf('sha1', 's', JSON_BODY, 'hex')}` });
    const r = verifyRequest(req, { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'valid');
    assert.match(r.reason, /legacy SHA-1/);
  });

  it('another algorithm: SHA-512 where SHA-256 is expected', () => {
    const r = verifyRequest(request({ 'x-razorpay-signature': hmacOf('sha512', 's', JSON_BODY, 'hex') }), { secrets: ['s'], now: NOW });
    assert.match(r.reason, /HMAC-SHA-512 in hex/);
  });

  it('the wrong secret when nothing else explains it', () => {
    const r = verifyRequest(github(`sha256=${hmacOf('sha256', 'a', JSON_BODY, 'hex')}`), { secrets: ['b', 'c'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /any of the 2 configured secrets/);
    assert.match(r.reason, /not the one for this endpoint/);
  });

  it('a mismatch with an old timestamp also mentions the skew', () => {
    const r = verifyRequest(request({ 'stripe-signature': stripeHeader('whsec_a', NOW_S - 3600) }), { secrets: ['whsec_b'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /3600 seconds in the past/);
    assert.equal(r.skewSeconds, 3600);
  });

  it('stale in the future says the clock is off', () => {
    const r = verifyRequest(request({ 'stripe-signature': stripeHeader('whsec_a', NOW_S + 900) }), { secrets: ['whsec_a'], now: NOW });
    assert.equal(r.status, 'stale');
    assert.match(r.reason, /900 seconds in the future/);
    assert.match(r.hint ?? '', /clock/);
  });

  it('Discord: whitespace around the public key, and a key that is not a key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const req = request({
      'x-signature-timestamp': String(NOW_S),
      'x-signature-ed25519': cryptoSign(null, Buffer.from(`${NOW_S}${JSON_BODY}`), privateKey).toString('hex'),
    });
    assert.match(verifyRequest(req, { secrets: [` ${hex}\n`], now: NOW }).reason, /whitespace or quotes/);
    assert.match(verifyRequest(req, { secrets: ['not-a-key'], now: NOW }).reason, /not an Ed25519 public key/);
  });

  it('Discord: signature over the compact body while a relay pretty-printed it', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const compact = JSON.stringify(JSON.parse(JSON_BODY));
    const sig = cryptoSign(null, Buffer.from(`${NOW_S}${compact}`), privateKey).toString('hex');
    const req = request(
      { 'x-signature-timestamp': String(NOW_S), 'x-signature-ed25519': sig },
      JSON.stringify(JSON.parse(JSON_BODY), null, 2),
    );
    assert.match(verifyRequest(req, { secrets: [hex], now: NOW }).reason, /re-serialised as compact JSON/);
  });

  it('GitLab token with a trailing newline', () => {
    const r = verifyRequest(request({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'tok' }), { secrets: ['tok\n'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.match(r.reason, /whitespace or quotes/);
  });
});

describe('statuses without a comparison', () => {
  it('no provider detected: no-signature with provider undefined', () => {
    const r = verifyRequest(request({ 'content-type': 'application/json' }), { secrets: ['s'], now: NOW });
    assert.equal(r.provider, undefined);
    assert.equal(r.status, 'no-signature');
  });

  it('secrets that are all blank count as no secret', () => {
    const r = verifyRequest(github('sha256=00'), { secrets: ['', '  '], now: NOW });
    assert.equal(r.status, 'no-secret');
    assert.equal(r.knob, 'signingSecret');
    assert.doesNotMatch(`${r.reason} ${r.hint ?? ''}`, /Webhook Inspector|--secret/, 'the core names no front door');
  });

  it('an unknown provider id is unsupported', () => {
    assert.equal(verifyRequest(github('sha256=00'), { secrets: ['s'], provider: 'nope', now: NOW }).status, 'unsupported');
  });

  for (const [id, headers] of [
    ['paypal', { 'paypal-transmission-sig': 'abc', 'paypal-transmission-id': 'x', 'paypal-cert-url': 'https://api.paypal.com/cert' }],
    ['plaid', { 'plaid-verification': 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }],
    ['amazon-sns', { 'x-amz-sns-message-type': 'Notification', 'x-amz-sns-topic-arn': 'arn:aws:sns:x' }],
  ] as const) {
    it(`${id} is detected and reported as unsupported (needs the network)`, () => {
      const r = verifyRequest(request(headers), { secrets: ['s'], now: NOW });
      assert.equal(r.provider, id);
      assert.equal(r.status, 'unsupported');
      assert.match(r.reason, /cannot be checked offline/);
    });
  }

  it('a header sent several times: the first value is used', () => {
    const good = `sha256=${hmacOf('sha256', 's', JSON_BODY, 'hex')}`;
    const req = { ...github(good), headers: { 'x-github-event': 'push', 'x-hub-signature-256': [good, 'sha256=00'] } };
    assert.equal(verifyRequest(req, { secrets: ['s'], now: NOW }).status, 'valid');
  });
});
