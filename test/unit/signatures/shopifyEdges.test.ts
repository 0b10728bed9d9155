/**
 * Guards Shopify detection from the newer "events" header set: any one of shopify-hmac-sha256,
 * shopify-topic, shopify-event-id or shopify-webhook-id marks a request as Shopify's, so a request
 * without its signature is reported as Shopify's missing signature rather than as unknown.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, hmacOf, request } from './support';

describe('Shopify events headers', () => {
  it('each header of the set alone identifies Shopify', () => {
    for (const name of ['shopify-topic', 'shopify-event-id', 'shopify-webhook-id']) {
      assert.equal(verifyRequest(request({ [name]: 'x' }), { secrets: ['k'], now: NOW }).provider, 'shopify', name);
    }
    const signed = request({ 'shopify-hmac-sha256': hmacOf('sha256', 'k', JSON_BODY, 'base64') });
    const r = verifyRequest(signed, { secrets: ['k'], now: NOW });
    assert.equal(r.provider, 'shopify');
    assert.equal(r.status, 'valid');
  });
});
