/**
 * Guards Shopify, Square, Paddle and GitLab parsing as their docs describe it: detection by each
 * documented header, a missing or empty signature reported as such (naming the header), signatures
 * with surrounding spaces read trimmed, Paddle's ts=<unix time> required, and Shopify signing into the
 * classic X-Shopify-Hmac-Sha256 header by default. Signatures come from node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request } from './support';

const URL = 'https://example.com/webhook';
const verify = (headers: Record<string, string>, provider?: string) =>
  verifyRequest(request(headers, JSON_BODY, URL), { secrets: ['k'], now: NOW, ...(provider ? { provider } : {}) });

describe('Shopify', () => {
  it('a missing or empty signature names X-Shopify-Hmac-Sha256', () => {
    const none = verify({ 'x-shopify-topic': 'orders/create' });
    assert.equal(none.status, 'no-signature');
    assert.equal(none.reason, 'This looks like a Shopify request, but the X-Shopify-Hmac-Sha256 header is missing.');
    const empty = verify({ 'x-shopify-hmac-sha256': '  ' }, 'shopify');
    assert.equal(empty.status, 'malformed');
    assert.match(empty.reason, /X-Shopify-Hmac-Sha256/);
    assert.match(empty.reason, /empty/);
    assert.equal(empty.reason, 'The X-Shopify-Hmac-Sha256 header cannot be parsed as a Shopify signature: the signature is empty.');
  });

  it('a signature with spaces around it is read trimmed', () => {
    assert.equal(verify({ 'x-shopify-hmac-sha256': ` ${hmacOf('sha256', 'k', JSON_BODY, 'base64')} ` }, 'shopify').status, 'valid');
  });

  it('signs into X-Shopify-Hmac-Sha256 when the request has no Shopify header', () => {
    assert.deepEqual(Object.keys(signRequest(request({}), { provider: 'shopify', secret: 'k', now: NOW })), ['x-shopify-hmac-sha256']);
  });
});

describe('Square', () => {
  it('each Square header alone identifies Square', () => {
    for (const name of ['x-square-hmacsha256-signature', 'x-square-signature', 'square-environment']) {
      assert.equal(verify({ [name]: 'x' }).provider, 'square', name);
    }
  });

  it('signatures with spaces around them are read trimmed (HMAC over notification URL + body)', () => {
    const sha256 = hmacOf('sha256', 'k', URL + JSON_BODY, 'base64');
    assert.equal(verify({ 'x-square-hmacsha256-signature': ` ${sha256} ` }, 'square').status, 'valid');
    const sha1 = hmacOf('sha1', 'k', URL + JSON_BODY, 'base64');
    assert.equal(verify({ 'x-square-signature': ` ${sha1} ` }, 'square').status, 'valid');
  });
});

describe('Paddle', () => {
  it('a missing header names Paddle-Signature; a ts that is no unix time is malformed', () => {
    const none = verify({}, 'paddle');
    assert.equal(none.status, 'no-signature');
    assert.equal(none.reason, 'This looks like a Paddle request, but the Paddle-Signature header is missing.');
    for (const ts of ['12a', 'a12', '']) {
      const r = verify({ 'paddle-signature': `ts=${ts};h1=abcd` }, 'paddle');
      assert.equal(r.status, 'malformed', ts);
      assert.equal(r.reason, 'The Paddle-Signature header cannot be parsed as a Paddle signature: no "ts=<unix time>" element.', ts);
    }
  });
});

describe('Paddle key=value parts', () => {
  it('spaces around each key and value are read trimmed', () => {
    const h1 = hmacOf('sha256', 'k', `${NOW_S}:${JSON_BODY}`, 'hex');
    assert.equal(verify({ 'paddle-signature': ` ts = ${NOW_S} ; h1 = ${h1} ` }, 'paddle').status, 'valid');
    assert.equal(verify({ 'paddle-signature': `ts=${NOW_S};h1=${h1}` }, 'paddle').status, 'valid');
  });
});

describe('GitLab', () => {
  it('each GitLab header alone identifies GitLab', () => {
    for (const name of ['x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'x-gitlab-instance']) {
      assert.equal(verify({ [name]: 'x' }).provider, 'gitlab', name);
    }
  });
});
