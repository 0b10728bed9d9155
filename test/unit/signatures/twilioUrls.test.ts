/**
 * Guards the URLs and parameters Twilio verification accepts, as the reference documents them: base64
 * HMAC-SHA1 over the full URL as called (with or without the default port, WHATWG-normalised, or with the
 * query re-encoded like Node's legacy querystring) followed by the form params sorted by name (repeated
 * keys: unique values sorted, each name+value); with bodySHA256 in the query the params are left out and the
 * body must hash to it; algorithm=HMAC_SHA256 in the settings header switches to SHA-256. A signature over
 * any other URL is invalid. Every digest is computed with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { NOW, hmacOf, request, shaOf } from './support';

const TOKEN = '12345';
const FORM = 'application/x-www-form-urlencoded';
const CHANGED = 'The URL signature is valid, but the body does not match the bodySHA256 in the URL: the body was changed.';

/** The verdict for a request to `url` whose signature covers `signed` (HMAC-SHA1 unless alg says otherwise). */
function verdict(url: string, signed: string, body = '', headers: Record<string, string> = {}, alg = 'sha1') {
  const sig = hmacOf(alg, TOKEN, signed, 'base64');
  const req = request({ 'x-twilio-signature': sig, 'content-type': FORM, ...headers }, body, url);
  return verifyRequest(req, { provider: 'twilio', secrets: [TOKEN], now: NOW });
}

describe('Twilio URL variants', () => {
  it('a signature over the WHATWG-normalised URL (lower-case scheme and host) is valid', () => {
    assert.equal(verdict('HTTPS://Hooks.Example.COM/in?a=1', 'https://hooks.example.com/in?a=1').status, 'valid');
  });

  it('a signature over the query as the legacy querystring module re-encodes it (+ as %20) is valid', () => {
    assert.equal(verdict('https://hooks.example.com/in?a=x+y', 'https://hooks.example.com/in?a=x%20y').status, 'valid');
  });

  it('the default port is added to and removed from the URL as called', () => {
    assert.equal(verdict('http://hooks.example.com/in', 'http://hooks.example.com:80/in').status, 'valid');
    assert.equal(verdict('https://hooks.example.com:443/in', 'https://hooks.example.com/in').status, 'valid');
  });

  it('a port-like part of the user info is no port: the default port is still added', () => {
    assert.equal(verdict('http://u:80@hooks.example.com/in', 'http://u:80@hooks.example.com:80/in').status, 'valid');
  });

  it('a signature over a URL embedded later in the request URL is invalid', () => {
    assert.equal(verdict('xhttp://hooks.example.com/in', 'http://hooks.example.com:80/in').status, 'invalid');
  });

  it('a signature over the part of a URL before a line break is invalid', () => {
    assert.equal(verdict('https://hooks.example.com/in\nx', 'https://hooks.example.com:443/in').status, 'invalid');
  });

  it('a URL without a query gains no made-up query', () => {
    const madeUp = 'https://hooks.example.com/i?https%3A%2F%2Fhooks.example.com%2Fin=';
    assert.equal(verdict('https://hooks.example.com/in', madeUp).status, 'invalid');
  });
});

describe('Twilio form params', () => {
  it('the values of a repeated key are sorted', () => {
    const url = 'https://hooks.example.com/in';
    assert.equal(verdict(url, `${url}a1a2b3`, 'b=3&a=2&a=1').status, 'valid');
  });
});

describe('Twilio bodySHA256 in the query', () => {
  const body = '{"CallSid":"CA1"}';
  const hash = shaOf('sha256', body, 'hex');

  it('bodySHA256 as the first query param: the params are left out and a changed body is invalid', () => {
    const url = `https://hooks.example.com/in?bodySHA256=${hash}`;
    assert.equal(verdict(url, url, body).status, 'valid');
    const r = verdict(url, url, `${body} `);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, CHANGED);
  });

  it('a request URL that is only a query carrying bodySHA256 is checked against the body', () => {
    const url = `?bodySHA256=${hash}`;
    const r = verdict(url, url, `${body} `);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, CHANGED);
  });

  it('bodySHA256 in the path (no query) is no body hash: the form params are signed', () => {
    const url = `https://hooks.example.com/in&bodySHA256=${hash}`;
    assert.equal(verdict(url, `${url}a1`, 'a=1').status, 'valid');
  });

  it('a form body with bodySHA256 in the URL: the signature covers the URL alone', () => {
    const formBody = 'a=1';
    const url = `https://hooks.example.com/in?bodySHA256=${shaOf('sha256', formBody, 'hex')}`;
    assert.equal(verdict(url, url, formBody).status, 'valid');
  });

  it('a wrong signature with a mismatching bodySHA256 is reported as a signature mismatch, not a changed body', () => {
    const url = `https://hooks.example.com/in?bodySHA256=${hash}`;
    const r = verdict(url, 'https://other.example.com/', `${body} `);
    assert.equal(r.status, 'invalid');
    assert.notEqual(r.reason, CHANGED);
  });
});

describe('Twilio algorithm header and signature header', () => {
  it('algorithm = HMAC_SHA256 with spaces around = selects HMAC-SHA256', () => {
    const url = 'https://hooks.example.com/in';
    const headers = { 'x-twilio-webhooks-signature-settings': 'algorithm = HMAC_SHA256' };
    assert.equal(verdict(url, url, '', headers, 'sha256').status, 'valid');
  });

  it('a missing signature header names Twilio and the header', () => {
    const req = request({ 'content-type': FORM }, '', 'https://hooks.example.com/in');
    const r = verifyRequest(req, { provider: 'twilio', secrets: [TOKEN], now: NOW });
    assert.equal(r.status, 'no-signature');
    assert.equal(r.reason, 'This looks like a Twilio request, but the X-Twilio-Signature header is missing.');
  });

  it('a blank signature header is malformed, saying the signature is empty', () => {
    const req = request({ 'x-twilio-signature': '  ', 'content-type': FORM }, '', 'https://hooks.example.com/in');
    const r = verifyRequest(req, { provider: 'twilio', secrets: [TOKEN], now: NOW });
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, 'The X-Twilio-Signature header cannot be parsed as a Twilio signature: the signature is empty.');
  });

  it('spaces around the signature are ignored', () => {
    const url = 'https://hooks.example.com/in';
    const req = request({ 'x-twilio-signature': ` ${hmacOf('sha1', TOKEN, url, 'base64')} `, 'content-type': FORM }, '', url);
    assert.equal(verifyRequest(req, { provider: 'twilio', secrets: [TOKEN], now: NOW }).status, 'valid');
  });

  it('a request with only the idempotency token is detected as Twilio', () => {
    const req = request({ 'i-twilio-idempotency-token': 'tok' }, '', 'https://hooks.example.com/in');
    assert.equal(verifyRequest(req, { secrets: [TOKEN], now: NOW }).provider, 'twilio');
  });
});
