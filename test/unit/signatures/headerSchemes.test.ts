/**
 * Guards the shared header schemes as the providers document them: `sha1=<hex>`-style values (Intercom) and
 * plain body signatures (Asana) read trimmed, with the prefix required at the very start and nothing after
 * the signature; Stripe's `t=<unix>` digits only; Slack's timestamp header digits only (read trimmed) and
 * its signature exactly `v0=<hex>`; Standard Webhooks' timestamp read trimmed and `<version>,<sig>` entries.
 * Each malformed value says what was expected. Digests from node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request } from './support';

const SECRET = 'header-scheme-secret';
const verify = (provider: string, headers: Record<string, string>) =>
  verifyRequest(request(headers), { provider, secrets: [SECRET], now: NOW });

describe('sha1=<hex> prefix (Intercom)', () => {
  const sig = hmacOf('sha1', SECRET, JSON_BODY, 'hex');
  it('is read trimmed', () => {
    assert.equal(verify('intercom', { 'x-hub-signature': ` sha1=${sig} ` }).status, 'valid');
  });

  it('anything before the prefix or after the signature, or no prefix, is malformed', () => {
    for (const value of [`xsha1=${sig}`, `sha1=${sig}\nx`, 'nope']) {
      const r = verify('intercom', { 'x-hub-signature': value });
      assert.equal(r.status, 'malformed', value);
      assert.equal(r.reason, 'The x-hub-signature header cannot be parsed as a Intercom signature: expected "sha1=<signature>".', value);
    }
  });
});

describe('plain body signature (Asana)', () => {
  it('is read trimmed', () => {
    assert.equal(verify('asana', { 'x-hook-signature': ` ${hmacOf('sha256', SECRET, JSON_BODY, 'hex')} ` }).status, 'valid');
  });
});

describe('t=<unix>,v1=<hex> (Stripe)', () => {
  it('a t with anything but digits is malformed, saying so', () => {
    const v1 = hmacOf('sha256', SECRET, `${NOW_S}.${JSON_BODY}`, 'hex');
    assert.equal(verify('stripe', { 'stripe-signature': `t=${NOW_S},v1=${v1}` }).status, 'valid');
    for (const t of [`a${NOW_S}`, `${NOW_S}a`]) {
      const r = verify('stripe', { 'stripe-signature': `t=${t},v1=${v1}` });
      assert.equal(r.status, 'malformed', t);
      assert.equal(r.reason, 'The stripe-signature header cannot be parsed as a Stripe signature: no "t=<unix time>" element.', t);
    }
  });
});

describe('v0=<hex> with a timestamp header (Slack)', () => {
  const v0 = (ts: number | string) => `v0=${hmacOf('sha256', SECRET, `v0:${ts}:${JSON_BODY}`, 'hex')}`;

  it('the timestamp and the signature are read trimmed', () => {
    assert.equal(verify('slack', { 'x-slack-signature': ` ${v0(NOW_S)} `, 'x-slack-request-timestamp': ` ${NOW_S} ` }).status, 'valid');
  });

  it('a timestamp with anything but digits is malformed', () => {
    for (const ts of [`a${NOW_S}`, `${NOW_S}a`]) {
      const r = verify('slack', { 'x-slack-signature': v0(NOW_S), 'x-slack-request-timestamp': ts });
      assert.equal(r.status, 'malformed', ts);
      assert.match(r.reason, /is not a unix time/, ts);
    }
  });

  it('anything before v0= or after the signature, or no v0=, is malformed, saying what is expected', () => {
    for (const value of [`x${v0(NOW_S)}`, `${v0(NOW_S)}\nx`, 'nope']) {
      const r = verify('slack', { 'x-slack-signature': value, 'x-slack-request-timestamp': String(NOW_S) });
      assert.equal(r.status, 'malformed', value);
      assert.equal(r.reason, 'The x-slack-signature header cannot be parsed as a Slack signature: expected "v0=<hex>".', value);
    }
  });
});

describe('Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)', () => {
  const key = Buffer.from('standard-webhooks-test-key-32byt');
  const secret = `whsec_${key.toString('base64')}`;
  const sig = `v1,${hmacOf('sha256', key, `msg_1.${NOW_S}.${JSON_BODY}`, 'base64')}`;
  const check = (signature: string, ts = String(NOW_S)) =>
    verifyRequest(request({ 'webhook-id': 'msg_1', 'webhook-timestamp': ts, 'webhook-signature': signature }), {
      provider: 'standard-webhooks',
      secrets: [secret],
      now: NOW,
    });

  it('a timestamp with spaces around it is read trimmed', () => {
    assert.equal(check(sig, ` ${NOW_S} `).status, 'valid');
  });

  it('entries without a version before a comma are no entries; unknown versions are named', () => {
    for (const value of ['garbage', ',abc', 'v1abc']) {
      const r = check(value);
      assert.equal(r.status, 'malformed', value);
      assert.equal(
        r.reason,
        'The webhook-signature header cannot be parsed as a Standard Webhooks signature: expected space-separated "v1,<base64>" entries.',
        value,
      );
    }
    const other = check('v1a,abc');
    assert.equal(other.status, 'malformed');
    assert.match(other.reason, /no "v1," \(HMAC-SHA256\) entry/);
  });
});
