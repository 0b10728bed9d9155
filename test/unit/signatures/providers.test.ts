/**
 * Table-driven checks for every provider. Each case signs its request independently, with node:crypto,
 * straight from the documented formula (never through signRequest), then the module must verify it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { SignedRequest } from '../../../src/core/signatures/index';
import { detectProvider, providers, signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request, tamper, withHeaders } from './support';

interface Case {
  id: string;
  secret: string;
  /** A request signed at unix time `t`, computed independently from the documented formula. */
  make(secret: string, t: number): SignedRequest;
  /** The header carrying the signature (deleted for the "missing" test). */
  sigHeader: string;
  /** A request whose signature header cannot be parsed. */
  malform(req: SignedRequest): SignedRequest;
  /** Documented default tolerance, for schemes that sign a timestamp. */
  tolerance?: number;
  /** False when the signature does not cover the body (GitLab's token, Mailgun). */
  bodyBound?: boolean;
  /** False when our own re-signing legitimately differs byte-for-byte (e.g. timestamp format). */
  sameSignature?: boolean;
}

const URL_ = 'https://hooks.example.com/webhooks/in?x=1';
const FORM = 'To=%2B18005551212&From=%2B14158675310&Body=Hello+there&NumMedia=0';
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const whsecKey = (s: string): Buffer => Buffer.from(s.replace(/^whsec_/, ''), 'base64');
const set = (name: string, value: string) => (req: SignedRequest) => withHeaders(req, { [name]: value });

const ed = generateKeyPairSync('ed25519');
const edPublicHex = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecPublicB64 = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const otherEd = generateKeyPairSync('ed25519');
const otherEdHex = Buffer.from(otherEd.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
const otherEc = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ format: 'der', type: 'spki' })
  .toString('base64');

const CLERK_BODY = '{"data":{"id":"user_2"},"object":"event","type":"user.updated"}';
const RESEND_BODY = '{"type":"email.delivered","created_at":"2026-03-01T12:00:00.000Z","data":{"email_id":"e2"}}';

const cases: Case[] = [
  {
    id: 'stripe',
    secret: 'whsec_stripe_abc123',
    tolerance: 300,
    make: (s, t) => request({ 'stripe-signature': `t=${t},v1=${hmacOf('sha256', s, `${t}.${JSON_BODY}`, 'hex')}` }),
    sigHeader: 'stripe-signature',
    malform: set('stripe-signature', 'v1=abcdef'),
  },
  {
    id: 'github',
    secret: "It's a Secret to Everybody",
    make: (s) =>
      request({
        'x-github-event': 'push',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': `sha256=${hmacOf('sha256', s, JSON_BODY, 'hex')}`,
      }),
    sigHeader: 'x-hub-signature-256',
    malform: set('x-hub-signature-256', 'deadbeef'),
  },
  {
    id: 'shopify',
    secret: 'shpss_shopify_secret',
    make: (s) => request({ 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': hmacOf('sha256', s, JSON_BODY, 'base64') }),
    sigHeader: 'x-shopify-hmac-sha256',
    malform: set('x-shopify-hmac-sha256', ' '),
  },
  {
    id: 'slack',
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    tolerance: 300,
    make: (s, t) =>
      request({ 'x-slack-request-timestamp': String(t), 'x-slack-signature': `v0=${hmacOf('sha256', s, `v0:${t}:${FORM}`, 'hex')}` }, FORM),
    sigHeader: 'x-slack-signature',
    malform: set('x-slack-signature', 'abc'),
  },
  {
    id: 'standard-webhooks',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    tolerance: 300,
    make: (s, t) =>
      request({
        'webhook-id': 'msg_p1',
        'webhook-timestamp': String(t),
        'webhook-signature': `v1,${hmacOf('sha256', whsecKey(s), `msg_p1.${t}.${JSON_BODY}`, 'base64')}`,
      }),
    sigHeader: 'webhook-signature',
    malform: set('webhook-signature', 'garbage'),
  },
  {
    id: 'svix',
    secret: 'whsec_c3ZpeC1zZWNyZXQta2V5LWJ5dGVzLTEyMzQ1Ng==',
    tolerance: 300,
    make: (s, t) =>
      request({
        'svix-id': 'msg_p2',
        'svix-timestamp': String(t),
        'svix-signature': `v1,${hmacOf('sha256', whsecKey(s), `msg_p2.${t}.${JSON_BODY}`, 'base64')}`,
      }),
    sigHeader: 'svix-signature',
    malform: set('svix-signature', 'v1'),
  },
  {
    id: 'clerk',
    secret: 'whsec_Y2xlcmsta2V5LWJ5dGVzLWZvci10ZXN0cw==',
    tolerance: 300,
    make: (s, t) =>
      request(
        {
          'svix-id': 'msg_p3',
          'svix-timestamp': String(t),
          'svix-signature': `v1,${hmacOf('sha256', whsecKey(s), `msg_p3.${t}.${CLERK_BODY}`, 'base64')}`,
        },
        CLERK_BODY,
      ),
    sigHeader: 'svix-signature',
    malform: set('svix-signature', 'nonsense'),
  },
  {
    id: 'resend',
    secret: 'whsec_cmVzZW5kLWtleS1ieXRlcy1mb3ItdGVzdHM=',
    tolerance: 300,
    make: (s, t) =>
      request(
        {
          'svix-id': 'msg_p4',
          'svix-timestamp': String(t),
          'svix-signature': `v1,${hmacOf('sha256', whsecKey(s), `msg_p4.${t}.${RESEND_BODY}`, 'base64')}`,
        },
        RESEND_BODY,
      ),
    sigHeader: 'svix-signature',
    malform: set('svix-signature', 'nonsense'),
  },
  {
    id: 'twilio',
    secret: 'twilio_auth_token_1',
    make: (s) => {
      // URL + params sorted by name, each name+value, HMAC-SHA1, base64.
      const params = [...new URLSearchParams(FORM)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => k + v)
        .join('');
      return request(
        { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': hmacOf('sha1', s, URL_ + params, 'base64') },
        FORM,
      );
    },
    sigHeader: 'x-twilio-signature',
    malform: set('x-twilio-signature', ''),
  },
  {
    id: 'hubspot',
    secret: 'hubspot-client-secret',
    tolerance: 300,
    make: (s, t) => {
      const ms = String(t * 1000);
      return request({
        'x-hubspot-request-timestamp': ms,
        'x-hubspot-signature-v3': hmacOf('sha256', s, `POST${URL_}${JSON_BODY}${ms}`, 'base64'),
      });
    },
    sigHeader: 'x-hubspot-signature-v3',
    malform: set('x-hubspot-request-timestamp', 'yesterday'),
  },
  {
    id: 'square',
    secret: 'square-key',
    make: (s) =>
      request({ 'square-environment': 'Production', 'x-square-hmacsha256-signature': hmacOf('sha256', s, URL_ + JSON_BODY, 'base64') }),
    sigHeader: 'x-square-hmacsha256-signature',
    malform: set('x-square-hmacsha256-signature', ''),
  },
  {
    id: 'paddle',
    secret: 'pdl_ntfset_01h_secret',
    tolerance: 5,
    make: (s, t) => request({ 'paddle-signature': `ts=${t};h1=${hmacOf('sha256', s, `${t}:${JSON_BODY}`, 'hex')}` }),
    sigHeader: 'paddle-signature',
    malform: set('paddle-signature', 'h1=abc'),
  },
  {
    id: 'lemonsqueezy',
    secret: 'lemon-secret',
    make: (s) => request({ 'x-event-name': 'order_created', 'x-signature': hmacOf('sha256', s, JSON_BODY, 'hex') }),
    sigHeader: 'x-signature',
    malform: set('x-signature', ''),
  },
  {
    id: 'gitlab',
    secret: 'gitlab-token-xyz',
    bodyBound: false,
    make: (s) => request({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': s }),
    sigHeader: 'x-gitlab-token',
    malform: set('x-gitlab-token', ''),
  },
  {
    id: 'bitbucket',
    secret: 'bb-secret',
    make: (s) =>
      request({ 'x-event-key': 'repo:push', 'x-request-uuid': 'u1', 'x-hub-signature': `sha256=${hmacOf('sha256', s, JSON_BODY, 'hex')}` }),
    sigHeader: 'x-hub-signature',
    malform: set('x-hub-signature', 'nothex'),
  },
  {
    id: 'linear',
    secret: 'lin_wh_secret',
    tolerance: 60,
    make: (s, t) => {
      const body = JSON.stringify({ action: 'update', type: 'Issue', webhookTimestamp: t * 1000 });
      return request({ 'linear-delivery': 'd-1', 'linear-event': 'Issue', 'linear-signature': hmacOf('sha256', s, body, 'hex') }, body);
    },
    sigHeader: 'linear-signature',
    malform: set('linear-signature', ''),
  },
  {
    id: 'intercom',
    secret: 'intercom-client-secret',
    make: (s) => request({ 'x-hub-signature': `sha1=${hmacOf('sha1', s, JSON_BODY, 'hex')}`, 'user-agent': 'intercom-parrot-service' }),
    sigHeader: 'x-hub-signature',
    malform: set('x-hub-signature', 'xyz'),
  },
  {
    id: 'zoom',
    secret: 'zoom-secret-token',
    tolerance: 300,
    make: (s, t) =>
      request({ 'x-zm-request-timestamp': String(t), 'x-zm-signature': `v0=${hmacOf('sha256', s, `v0:${t}:${JSON_BODY}`, 'hex')}` }),
    sigHeader: 'x-zm-signature',
    malform: set('x-zm-signature', 'v1=abc'),
  },
  {
    id: 'twitch',
    secret: 'twitch-secret-0123',
    tolerance: 600,
    sameSignature: false,
    make: (s, t) => {
      const ts = new Date(t * 1000).toISOString().replace('.000Z', '.123456789Z');
      return request({
        'twitch-eventsub-message-id': 'm-1',
        'twitch-eventsub-message-timestamp': ts,
        'twitch-eventsub-message-type': 'notification',
        'twitch-eventsub-message-signature': `sha256=${hmacOf('sha256', s, `m-1${ts}${JSON_BODY}`, 'hex')}`,
      });
    },
    sigHeader: 'twitch-eventsub-message-signature',
    malform: set('twitch-eventsub-message-signature', 'md5=abc'),
  },
  {
    id: 'woocommerce',
    secret: 'wc-secret',
    make: (s) => request({ 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': hmacOf('sha256', s, JSON_BODY, 'base64') }),
    sigHeader: 'x-wc-webhook-signature',
    malform: set('x-wc-webhook-signature', ''),
  },
  {
    id: 'typeform',
    secret: 'typeform-secret',
    make: (s) => request({ 'typeform-signature': `sha256=${hmacOf('sha256', s, JSON_BODY, 'base64')}` }),
    sigHeader: 'typeform-signature',
    malform: set('typeform-signature', 'abc'),
  },
  {
    id: 'calendly',
    secret: 'calendly-signing-key',
    tolerance: 180,
    make: (s, t) => request({ 'calendly-webhook-signature': `t=${t},v1=${hmacOf('sha256', s, `${t}.${JSON_BODY}`, 'hex')}` }),
    sigHeader: 'calendly-webhook-signature',
    malform: set('calendly-webhook-signature', 't=abc,v1=00'),
  },
  {
    id: 'sentry',
    secret: 'sentry-client-secret',
    make: (s) =>
      request({
        'sentry-hook-resource': 'issue',
        'sentry-hook-timestamp': '1',
        'sentry-hook-signature': hmacOf('sha256', s, JSON_BODY, 'hex'),
      }),
    sigHeader: 'sentry-hook-signature',
    malform: set('sentry-hook-signature', ''),
  },
  {
    id: 'meta',
    secret: 'meta-app-secret',
    make: (s) => request({ 'x-hub-signature-256': `sha256=${hmacOf('sha256', s, JSON_BODY, 'hex')}`, 'user-agent': 'facebookexternalua' }),
    sigHeader: 'x-hub-signature-256',
    malform: set('x-hub-signature-256', 'abc'),
  },
  {
    id: 'asana',
    secret: 'asana-hook-secret',
    make: (s) => request({ 'x-hook-signature': hmacOf('sha256', s, JSON_BODY, 'hex') }),
    sigHeader: 'x-hook-signature',
    malform: set('x-hook-signature', ''),
  },
  {
    id: 'box',
    secret: 'box-primary-key',
    tolerance: 600,
    make: (s, t) =>
      request({
        'box-delivery-id': 'b-1',
        'box-delivery-timestamp': iso(t),
        'box-signature-version': '1',
        'box-signature-algorithm': 'HmacSHA256',
        'box-signature-primary': hmacOf('sha256', s, JSON_BODY + iso(t), 'base64'),
      }),
    sigHeader: 'box-signature-primary',
    malform: set('box-delivery-timestamp', 'yesterday'),
  },
  {
    id: 'zendesk',
    secret: 'zendesk-signing-secret',
    make: (s, t) =>
      request({
        'x-zendesk-webhook-signature-timestamp': iso(t),
        'x-zendesk-webhook-signature': hmacOf('sha256', s, iso(t) + JSON_BODY, 'base64'),
      }),
    sigHeader: 'x-zendesk-webhook-signature',
    malform: set('x-zendesk-webhook-signature', ''),
  },
  {
    id: 'razorpay',
    secret: 'rzp-secret',
    make: (s) => request({ 'x-razorpay-event-id': 'e1', 'x-razorpay-signature': hmacOf('sha256', s, JSON_BODY, 'hex') }),
    sigHeader: 'x-razorpay-signature',
    malform: set('x-razorpay-signature', ''),
  },
  {
    id: 'coinbase',
    secret: 'cc-shared-secret',
    make: (s) => request({ 'x-cc-webhook-signature': hmacOf('sha256', s, JSON_BODY, 'hex') }),
    sigHeader: 'x-cc-webhook-signature',
    malform: set('x-cc-webhook-signature', ''),
  },
  {
    id: 'vercel',
    secret: 'vercel-secret',
    make: (s) => request({ 'x-vercel-signature': hmacOf('sha1', s, JSON_BODY, 'hex') }),
    sigHeader: 'x-vercel-signature',
    malform: set('x-vercel-signature', ''),
  },
  {
    id: 'line',
    secret: 'line-channel-secret',
    make: (s) => request({ 'x-line-signature': hmacOf('sha256', s, JSON_BODY, 'base64') }),
    sigHeader: 'x-line-signature',
    malform: set('x-line-signature', ''),
  },
  {
    id: 'mailgun',
    secret: 'key-mailgun-signing',
    bodyBound: false,
    make: (s, t) => {
      const token = 'a'.repeat(50);
      const body = JSON.stringify({
        signature: { timestamp: String(t), token, signature: hmacOf('sha256', s, `${t}${token}`, 'hex') },
        'event-data': { event: 'delivered' },
      });
      return request({ 'content-type': 'application/json' }, body);
    },
    sigHeader: '',
    malform: (req) => ({ ...req, body: new TextEncoder().encode('{"signature":{"token":"x"},"event-data":{}}') }),
  },
  {
    id: 'discord',
    secret: edPublicHex,
    make: (_s, t) =>
      request({
        'x-signature-timestamp': String(t),
        'x-signature-ed25519': cryptoSign(null, Buffer.from(`${t}${JSON_BODY}`), ed.privateKey).toString('hex'),
      }),
    sigHeader: 'x-signature-ed25519',
    malform: set('x-signature-ed25519', 'abc'),
  },
  {
    id: 'sendgrid',
    secret: ecPublicB64,
    make: (_s, t) =>
      request({
        'x-twilio-email-event-webhook-timestamp': String(t),
        'x-twilio-email-event-webhook-signature': cryptoSign('sha256', Buffer.from(`${t}${JSON_BODY}`), ec.privateKey).toString('base64'),
      }),
    sigHeader: 'x-twilio-email-event-webhook-signature',
    malform: set('x-twilio-email-event-webhook-signature', '!!!'),
  },
];

const wrongSecret: Record<string, string> = { discord: otherEdHex, sendgrid: otherEc };
/** A different secret in the same format as `secret`. */
const other = (c: Case): string =>
  wrongSecret[c.id] ??
  (c.secret.startsWith('whsec_') ? `whsec_${Buffer.from('a different key, 24 bytes').toString('base64')}` : `${c.secret}-other`);

describe('every provider, table-driven', () => {
  for (const c of cases) {
    describe(c.id, () => {
      const valid = c.make(c.secret, NOW_S);
      const opts = { secrets: [c.secret], now: NOW };

      it('is detected from its headers and verifies as valid', () => {
        assert.equal(detectProvider(valid), c.id);
        const r = verifyRequest(valid, opts);
        assert.equal(r.status, 'valid', r.reason);
        assert.equal(r.provider, c.id);
        assert.equal(r.matchedSecretIndex, 0);
      });

      it('rejects a body changed by one byte', () => {
        if (c.bodyBound === false) {
          // The signature does not cover the body: changing it must not matter, and that is documented.
          assert.equal(verifyRequest(tamper(valid), { ...opts, provider: c.id }).status, c.id === 'mailgun' ? 'malformed' : 'valid');
          return;
        }
        const r = verifyRequest(tamper(valid), { ...opts, provider: c.id });
        assert.equal(r.status, 'invalid', r.reason);
      });

      it('rejects the wrong secret, saying so', () => {
        const r = verifyRequest(valid, { ...opts, secrets: [other(c)] });
        assert.equal(r.status, 'invalid');
        assert.match(r.reason, /does not (match|verify)/);
        assert.ok(r.hint);
        assert.equal(r.matchedSecretIndex, undefined);
      });

      it('reports no-signature when the signature is missing', () => {
        const req =
          c.id === 'mailgun' ? request({}, '{"event-data":{"event":"delivered"}}') : withHeaders(valid, { [c.sigHeader]: undefined });
        const r = verifyRequest(req, { ...opts, provider: c.id });
        assert.equal(r.status, 'no-signature', r.reason);
        assert.equal(r.provider, c.id);
      });

      it('reports malformed when the signature cannot be parsed', () => {
        const r = verifyRequest(c.malform(valid), { ...opts, provider: c.id });
        assert.equal(r.status, 'malformed', r.reason);
      });

      it('reports no-secret with the signing secret as the knob to set', () => {
        const r = verifyRequest(valid, { secrets: [], now: NOW });
        assert.equal(r.status, 'no-secret');
        assert.equal(r.knob, 'signingSecret');
      });

      if (c.tolerance !== undefined) {
        const tol = c.tolerance;
        it(`reports stale past the ${tol} s tolerance, with the skew`, () => {
          const old = verifyRequest(c.make(c.secret, NOW_S - tol - 30), opts);
          assert.equal(old.status, 'stale', old.reason);
          assert.equal(old.skewSeconds, tol + 30);
          assert.match(old.reason, new RegExp(`${tol + 30} seconds in the past`));
          assert.equal(old.matchedSecretIndex, 0);
          const future = verifyRequest(c.make(c.secret, NOW_S + tol + 30), opts);
          assert.equal(future.status, 'stale', future.reason);
          assert.equal(future.skewSeconds, -(tol + 30));
          assert.match(future.reason, new RegExp(`${tol + 30} seconds in the future`));
        });
        it('accepts a timestamp just inside the tolerance, and honours toleranceSeconds', () => {
          const inside = c.make(c.secret, NOW_S - tol + 2);
          assert.equal(verifyRequest(inside, opts).status, 'valid');
          assert.equal(verifyRequest(inside, { ...opts, toleranceSeconds: 1 }).status, 'stale');
          assert.equal(verifyRequest(c.make(c.secret, NOW_S - 100_000), { ...opts, toleranceSeconds: 0 }).status, 'valid');
        });
      }

      const info = providers.find((p) => p.id === c.id);
      it('is listed in providers', () => assert.ok(info));
      if (info?.canSign) {
        it('signRequest produces headers that verify (and match the independent signature)', () => {
          const unsigned = withHeaders(valid, { [c.sigHeader]: undefined });
          const headers = signRequest(unsigned, { provider: c.id, secret: c.secret, now: NOW });
          const signed = withHeaders(unsigned, headers);
          const r = verifyRequest(signed, { ...opts, provider: c.id });
          assert.equal(r.status, 'valid', r.reason);
          if (c.sameSignature !== false) {
            assert.equal(headers[c.sigHeader], valid.headers[c.sigHeader]);
          }
          assert.equal(verifyRequest(signed, { ...opts, provider: c.id, secrets: [other(c)] }).status, 'invalid');
        });
      } else {
        it('is verify-only: signRequest throws', () => {
          assert.throws(() => signRequest(valid, { provider: c.id, secret: c.secret, now: NOW }), /cannot be re-signed/);
        });
      }
    });
  }
});
