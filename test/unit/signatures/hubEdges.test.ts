/**
 * Guards GitHub and Meta (X-Hub-Signature) verification as GitHub documents it: X-Hub-Signature-256 is
 * sha256=<hex HMAC-SHA256 of the body>, the legacy X-Hub-Signature is sha1=<hex HMAC-SHA1>; a legacy-only
 * match says so and names the matching secret; re-signing writes both headers; GitHub is recognised by
 * any of its headers and Meta by its user agent. Digests are computed with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, hmacOf, request } from './support';

const SECRET = 'whsec-test-secret';

describe('GitHub signatures', () => {
  it('no signature header: the reason names X-Hub-Signature-256', () => {
    const r = verifyRequest(request({ 'x-github-event': 'push' }), { provider: 'github', secrets: [SECRET], now: NOW });
    assert.equal(r.reason, 'This looks like a GitHub request, but the X-Hub-Signature-256 header is missing.');
  });

  it('a SHA-256 match is reported as such, not as the legacy SHA-1 one', () => {
    const req = request({ 'x-hub-signature-256': `sha256=${hmacOf('sha256', SECRET, JSON_BODY, 'hex')}` });
    const r = verifyRequest(req, { provider: 'github', secrets: [SECRET], now: NOW });
    assert.equal(r.status, 'valid');
    assert.equal(r.reason, 'The GitHub signature matches secret #1.');
  });

  it('a legacy-only match names the matching secret and says SHA-1 is legacy', () => {
    const req = request({ 'x-hub-signature': `sha1=${hmacOf('sha1', SECRET, JSON_BODY, 'hex')}` });
    const r = verifyRequest(req, { provider: 'github', secrets: ['other', SECRET], now: NOW });
    assert.equal(r.status, 'valid');
    assert.equal(r.reason, 'The legacy SHA-1 signature (X-Hub-Signature) matches secret #2; no X-Hub-Signature-256 was sent.');
    assert.equal(r.hint, 'SHA-1 signatures are legacy; verify X-Hub-Signature-256 where the sender provides it.');
  });

  it('re-signing writes the SHA-256 and the legacy SHA-1 header', () => {
    const headers = signRequest(request({}), { provider: 'github', secret: SECRET, now: NOW });
    assert.equal(headers['x-hub-signature-256'], `sha256=${hmacOf('sha256', SECRET, JSON_BODY, 'hex')}`);
    assert.equal(headers['x-hub-signature'], `sha1=${hmacOf('sha1', SECRET, JSON_BODY, 'hex')}`);
  });
});

describe('GitHub and Meta detection', () => {
  for (const name of ['x-github-delivery', 'x-github-hook-id']) {
    it(`a request with only ${name} is detected as GitHub`, () => {
      assert.equal(verifyRequest(request({ [name]: 'x' }), { secrets: [SECRET], now: NOW }).provider, 'github');
    });
  }

  it("a request with Meta's user agent is detected as Meta", () => {
    const req = request({ 'user-agent': 'facebookexternalua' });
    assert.equal(verifyRequest(req, { secrets: [SECRET], now: NOW }).provider, 'meta');
  });
});
