/**
 * Guards HubSpot's v3 signature and the version headers as HubSpot documents them: v3 signs the URI with
 * %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B decoded (in either case), the millisecond timestamp must
 * be digits only (spaces around it are read trimmed), the signatures and the version header are read
 * trimmed and case-blind, and signing writes a legacy signature when the request names its version.
 * Expected signatures come from the official SDK (@hubspot/api-client's Signature.getSignature), which
 * signs the URI it is given as is: it is handed the decoded URI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Signature } from '@hubspot/api-client/lib/src/utils/signature';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, request } from './support';

const SECRET = 'hubspot-client-secret-0002';
const TS = NOW.getTime();
const BASE = 'https://hooks.example.com/hubspot';

/** The SDK's v3 signature of a POST of JSON_BODY to url at TS. */
const sdkV3 = (url: string) =>
  Signature.getSignature('POST', 'v3', { signature: '', clientSecret: SECRET, requestBody: JSON_BODY, url, timestamp: TS });
const sdkLegacy = (version: 'v1' | 'v2', url: string) =>
  Signature.getSignature('POST', version, { signature: '', clientSecret: SECRET, requestBody: JSON_BODY, url });

const verify = (headers: Record<string, string>, url = BASE) =>
  verifyRequest(request(headers, JSON_BODY, url), { provider: 'hubspot', secrets: [SECRET], now: NOW });

const ENCODED: Array<[string, string]> = [
  ['%3A', ':'],
  ['%2F', '/'],
  ['%3F', '?'],
  ['%40', '@'],
  ['%21', '!'],
  ['%24', '$'],
  ['%27', "'"],
  ['%28', '('],
  ['%29', ')'],
  ['%2A', '*'],
  ['%2C', ','],
  ['%3B', ';'],
];

describe('HubSpot v3: the URI is signed with the documented encodings decoded', () => {
  for (const [code, ch] of ENCODED) {
    it(`${code} is signed as ${ch}, in upper and lower case`, () => {
      for (const enc of [code, code.toLowerCase()]) {
        const sent = `${BASE}?q=a${enc}b`;
        const signed = sdkV3(`${BASE}?q=a${ch}b`);
        assert.equal(verify({ 'x-hubspot-signature-v3': signed, 'x-hubspot-request-timestamp': String(TS) }, sent).status, 'valid', enc);
      }
    });
  }

  it('every encoding at once, and a signature over the URI as sent is accepted too', () => {
    const sent = `${BASE}?q=${ENCODED.map(([code]) => code).join('')}`;
    const decoded = `${BASE}?q=${ENCODED.map(([, ch]) => ch).join('')}`;
    const ts = String(TS);
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(decoded), 'x-hubspot-request-timestamp': ts }, sent).status, 'valid');
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(sent), 'x-hubspot-request-timestamp': ts }, sent).status, 'valid');
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(`${BASE}?q=`), 'x-hubspot-request-timestamp': ts }, sent).status, 'invalid');
  });

  it('other encodings stay as sent', () => {
    const sent = `${BASE}?q=a%20b%26c`;
    const ts = String(TS);
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(sent), 'x-hubspot-request-timestamp': ts }, sent).status, 'valid');
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(`${BASE}?q=a b&c`), 'x-hubspot-request-timestamp': ts }, sent).status, 'invalid');
  });
});

describe('HubSpot v3 timestamp and signature header', () => {
  it('a timestamp with spaces around it is read trimmed, and so is the signature', () => {
    assert.equal(verify({ 'x-hubspot-signature-v3': sdkV3(BASE), 'x-hubspot-request-timestamp': ` ${TS} ` }).status, 'valid');
    assert.equal(verify({ 'x-hubspot-signature-v3': ` ${sdkV3(BASE)} `, 'x-hubspot-request-timestamp': String(TS) }).status, 'valid');
  });

  it('a timestamp with anything but digits, before or after them, is malformed and says so', () => {
    for (const ts of [`x${TS}`, `${TS}x`, `${TS / 1000}.5`, '', '-1']) {
      const r = verify({ 'x-hubspot-signature-v3': sdkV3(BASE), 'x-hubspot-request-timestamp': ts });
      assert.equal(r.status, 'malformed', ts);
      assert.equal(
        r.reason,
        `The X-HubSpot-Request-Timestamp header cannot be parsed as a HubSpot signature: "${ts}" is not a time in milliseconds.`,
      );
      assert.equal(r.hint, 'Check that the header reaches the receiver unmodified; HubSpot sends it in a fixed format.');
    }
  });

  it('a v3 signature without a timestamp is malformed, naming the missing header', () => {
    const r = verify({ 'x-hubspot-signature-v3': sdkV3(BASE) });
    assert.equal(r.status, 'malformed');
    assert.equal(
      r.reason,
      'The X-HubSpot-Signature-v3 header cannot be parsed as a HubSpot signature: the X-HubSpot-Request-Timestamp header is missing.',
    );
  });
});

describe('HubSpot legacy version header', () => {
  it('is read trimmed and case-blind; the legacy signature is read trimmed', () => {
    for (const version of [' V2 ', 'V2', 'v2 ']) {
      const r = verify({ 'x-hubspot-signature-version': version, 'x-hubspot-signature': sdkLegacy('v2', BASE) });
      assert.equal(r.status, 'valid', version);
    }
    assert.equal(verify({ 'x-hubspot-signature-version': 'V1', 'x-hubspot-signature': ` ${sdkLegacy('v1', BASE)} ` }).status, 'valid');
  });

  it('an unknown version is malformed and named', () => {
    const r = verify({ 'x-hubspot-signature-version': ' V4 ', 'x-hubspot-signature': sdkLegacy('v1', BASE) });
    assert.equal(r.status, 'malformed');
    assert.match(r.reason, /unknown version "v4"/);
  });
});

describe('HubSpot signing', () => {
  const sign = (headers: Record<string, string>) =>
    signRequest(request(headers, JSON_BODY, BASE), { provider: 'hubspot', secret: SECRET, now: NOW });

  it('writes v3 only when the request names no legacy version or signature', () => {
    const out = sign({ 'x-hubspot-signature-v3': 'old' });
    assert.deepEqual(out, { 'x-hubspot-signature-v3': sdkV3(BASE), 'x-hubspot-request-timestamp': String(TS) });
  });

  it('a version header alone (any case, spaces) asks for that legacy signature too', () => {
    for (const [version, v] of [
      ['v1', 'v1'],
      [' V1 ', 'v1'],
      ['v2', 'v2'],
      [' V2 ', 'v2'],
    ] as const) {
      const out = sign({ 'x-hubspot-signature-version': version });
      assert.equal(out['x-hubspot-signature-version'], v, version);
      assert.equal(out['x-hubspot-signature'], sdkLegacy(v, BASE), version);
      assert.equal(out['x-hubspot-signature-v3'], sdkV3(BASE), version);
    }
  });
});
