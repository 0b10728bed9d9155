/**
 * Guards Twilio verification for JSON bodies and the SHA-256 setting, as Twilio documents them: the
 * X-Twilio-Signature is base64 HMAC over the full URL (bodySHA256 query parameter included, no form
 * parameters), and the body must hash (SHA-256, hex) to that bodySHA256; with
 * X-Twilio-Webhooks-Signature-Settings algorithm=HMAC_SHA256 the HMAC is SHA-256. Every digest is
 * computed with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { NOW, hmacOf, request, shaOf } from './support';

const TOKEN = '12345';
const BODY = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';

function signedJson(body: string, bodyHash: string, headers: Record<string, string> = {}) {
  const url = `https://mycompany.com/myapp.php?foo=1&bodySHA256=${bodyHash}`;
  const sig = hmacOf('sha1', TOKEN, url, 'base64');
  return request({ 'x-twilio-signature': sig, 'content-type': 'application/json', ...headers }, body, url);
}

const CHANGED = 'The URL signature is valid, but the body does not match the bodySHA256 in the URL: the body was changed.';

describe('Twilio bodySHA256', () => {
  it('a JSON body whose SHA-256 is the bodySHA256 of the signed URL is valid', () => {
    const r = verifyRequest(signedJson(BODY, shaOf('sha256', BODY, 'hex')), { provider: 'twilio', secrets: [TOKEN], now: NOW });
    assert.equal(r.status, 'valid');
  });

  it('a changed body with a valid URL signature is invalid, saying the body was changed', () => {
    const r = verifyRequest(signedJson(`${BODY} `, shaOf('sha256', BODY, 'hex')), { provider: 'twilio', secrets: [TOKEN], now: NOW });
    assert.equal(r.provider, 'twilio');
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, CHANGED);
    assert.equal(r.hint, 'Pass the raw body bytes through unchanged.');
  });

  it('a bodySHA256 that is no hex digest is invalid', () => {
    const r = verifyRequest(signedJson(BODY, 'not-hex'), { provider: 'twilio', secrets: [TOKEN], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, CHANGED);
  });
});

describe('Twilio HMAC-SHA256 setting', () => {
  it('algorithm=HMAC_SHA256 in the signature settings header: the signature is HMAC-SHA256', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1';
    const body = 'Digits=1234&To=%2B18005551212';
    const sig = hmacOf('sha256', TOKEN, `${url}Digits1234To+18005551212`, 'base64');
    const req = request(
      {
        'x-twilio-signature': sig,
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-webhooks-signature-settings': 'algorithm=HMAC_SHA256',
      },
      body,
      url,
    );
    assert.equal(verifyRequest(req, { provider: 'twilio', secrets: [TOKEN], now: NOW }).status, 'valid');
  });
});
