/**
 * Guards Box and Zendesk verification as their docs describe it: Box signs body + BOX-DELIVERY-TIMESTAMP
 * (base64 HMAC-SHA256), with a primary or a secondary signature, BOX-SIGNATURE-VERSION 1 and
 * BOX-SIGNATURE-ALGORITHM HmacSHA256 (surrounding spaces tolerated), and any one of its headers marks a Box
 * request; Zendesk signs timestamp + body (base64 HMAC-SHA256) and its timestamp is checked against a
 * tolerance the caller sets. Every digest is computed with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, hmacOf, request } from './support';

const SECRET = 'whsec-test-secret';
const TS = '2026-03-01T11:59:00Z';
const opts = (provider?: string, extra: Record<string, number> = {}) => ({ provider, secrets: [SECRET], now: NOW, ...extra });

function boxSig(ts = TS): string {
  return hmacOf('sha256', SECRET, JSON_BODY + ts, 'base64');
}

describe('Box headers', () => {
  for (const name of ['box-signature-primary', 'box-signature-secondary', 'box-delivery-timestamp']) {
    it(`a request with only ${name} is detected as Box`, () => {
      assert.equal(verifyRequest(request({ [name]: 'x' }), opts()).provider, 'box');
    });
  }

  it('a valid secondary signature without a primary is valid', () => {
    const req = request({ 'box-signature-secondary': boxSig(), 'box-delivery-timestamp': TS });
    assert.equal(verifyRequest(req, opts('box')).status, 'valid');
  });

  it('version and algorithm headers with surrounding spaces are accepted', () => {
    const req = request({
      'box-signature-primary': boxSig(),
      'box-delivery-timestamp': TS,
      'box-signature-version': ' 1 ',
      'box-signature-algorithm': ' HmacSHA256 ',
    });
    assert.equal(verifyRequest(req, opts('box')).status, 'valid');
  });

  it('spaces around the signature are ignored', () => {
    const req = request({ 'box-signature-primary': ` ${boxSig()} `, 'box-delivery-timestamp': TS });
    assert.equal(verifyRequest(req, opts('box')).status, 'valid');
  });
});

describe('Zendesk', () => {
  const zdSig = (ts: string) => hmacOf('sha256', SECRET, ts + JSON_BODY, 'base64');

  it('a missing signature header names Zendesk and the header', () => {
    const r = verifyRequest(request({ 'x-zendesk-webhook-signature-timestamp': TS }), opts('zendesk'));
    assert.equal(r.status, 'no-signature');
    assert.equal(r.reason, 'This looks like a Zendesk request, but the X-Zendesk-Webhook-Signature header is missing.');
  });

  it('spaces around the signature are ignored', () => {
    const req = request({ 'x-zendesk-webhook-signature': ` ${zdSig(TS)} `, 'x-zendesk-webhook-signature-timestamp': TS });
    assert.equal(verifyRequest(req, opts('zendesk')).status, 'valid');
  });

  it('a correctly signed request older than the tolerance the caller sets is stale', () => {
    const old = '2026-03-01T11:00:00Z';
    const req = request({ 'x-zendesk-webhook-signature': zdSig(old), 'x-zendesk-webhook-signature-timestamp': old });
    assert.equal(verifyRequest(req, opts('zendesk')).status, 'valid');
    assert.equal(verifyRequest(req, opts('zendesk', { toleranceSeconds: 300 })).status, 'stale');
  });
});
