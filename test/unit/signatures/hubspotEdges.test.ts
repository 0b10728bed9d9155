/**
 * Guards HubSpot's legacy signature as HubSpot documents it: without X-HubSpot-Signature-Version the
 * X-HubSpot-Signature is v1, the SHA-256 hex digest of client secret + body. Verifying reads it so, and
 * signing a request that carries a legacy header writes a v1 signature. Digests come from node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, request, shaOf } from './support';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';

describe('HubSpot legacy signature without a version header', () => {
  it('is verified as v1 (SHA-256 of secret + body)', () => {
    const req = request({ 'x-hubspot-signature': shaOf('sha256', SECRET + JSON_BODY, 'hex') });
    assert.equal(verifyRequest(req, { provider: 'hubspot', secrets: [SECRET], now: NOW }).status, 'valid');
  });

  it('is re-signed as v1', () => {
    const req = request({ 'x-hubspot-signature': 'old' });
    const out = signRequest(req, { provider: 'hubspot', secret: SECRET, now: NOW });
    assert.equal(out['x-hubspot-signature-version'], 'v1');
    assert.equal(out['x-hubspot-signature'], shaOf('sha256', SECRET + JSON_BODY, 'hex'));
  });
});
