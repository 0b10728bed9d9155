/**
 * The exact explanation given for each way a secret or body can be wrong: pasted quotes and whitespace,
 * a secret in a sibling format (plain text vs base64 / hex / whsec_), a re-serialised JSON body.
 * Every signature is computed with node:crypto, never through the module under test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signWith } from '../../../src/core/signatures/engine';
import { verifyRequest } from '../../../src/core/signatures/index';
import type { GenericHmacConfig, VerificationResult } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request } from './support';

const WRONG =
  'The generic HMAC signature does not match the configured secret; the secret is probably not the one for this endpoint, or the body was changed.';

/** A generic HMAC request over `body`, signed with `key`, verified with `secret`. */
function generic(
  secret: string,
  key: string | Buffer,
  secretEncoding?: GenericHmacConfig['secretEncoding'],
  body = JSON_BODY,
  signed = body,
): VerificationResult {
  const config: GenericHmacConfig = { header: 'x-sig', ...(secretEncoding ? { secretEncoding } : {}) };
  const req = request({ 'x-sig': hmacOf('sha256', key, signed, 'hex') }, body);
  return verifyRequest(req, { provider: 'generic-hmac', generic: config, secrets: [secret], now: NOW });
}

/** A GitHub request signed with `key`, verified with `secret` (key format: raw). */
function github(secret: string, key: string | Buffer): VerificationResult {
  const req = request({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmacOf('sha256', key, JSON_BODY, 'hex')}` });
  return verifyRequest(req, { secrets: [secret], now: NOW });
}

/** A Standard Webhooks request signed with `key`, verified with `secret` (key format: whsec). */
function standard(secret: string, key: string | Buffer): VerificationResult {
  const sig = hmacOf('sha256', key, `msg_1.${NOW_S}.${JSON_BODY}`, 'base64');
  const req = request({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${sig}` });
  return verifyRequest(req, { secrets: [secret], now: NOW });
}

const QUOTES = 'Secret #1 has whitespace or quotes around it; without them the signature matches.';

describe('secret pasted with quotes or whitespace', () => {
  it('surrounding whitespace, quotes, nested quotes and whitespace inside quotes are named', () => {
    for (const pasted of ['  key-1\n', '"key-1"', "'key-1'", '`key-1`', `"'key-1'"`, '" key-1 "', `  " ' key-1 ' "  `]) {
      const r = generic(pasted, 'key-1');
      assert.equal(r.status, 'invalid', pasted);
      assert.equal(r.reason, QUOTES, pasted);
      assert.equal(r.hint, 'Set the secret again without the surrounding spaces, newline or quotes.');
    }
  });

  it('quotes around a secret that has a space inside are removed, and the inner space kept', () => {
    assert.equal(generic('"my key"', 'my key').reason, QUOTES);
  });

  it('quotes that do not enclose the whole secret are part of the secret', () => {
    for (const [pasted, key] of [
      ["a'key'", 'key'],
      ["'key'b", 'key'],
      ['"key\'', 'key'],
    ] as const) {
      const r = generic(pasted, key);
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, WRONG, pasted);
    }
  });
});

describe('secret in a sibling format', () => {
  const b64Key = Buffer.from('sixteen byte key');
  const b64 = b64Key.toString('base64');

  it('generic HMAC, base64 secret: verifies with the decoded bytes, and names plain-text use', () => {
    assert.equal(generic(b64, b64Key, 'base64').status, 'valid');
    const r = generic(b64, b64, 'base64');
    assert.equal(
      r.reason,
      'The signature matches when secret #1 is used as plain text (not base64-decoded), but generic HMAC base64-decodes the secret.',
    );
    assert.equal(
      r.hint,
      'The sender is probably not generic HMAC, or the secret was copied in another format: check the provider and copy the secret exactly as its dashboard shows it.',
    );
  });

  it('generic HMAC, base64 secret that starts with whsec_: all of it is base64-decoded (no prefix stripping)', () => {
    const secret = `whsec_${b64}`;
    assert.equal(generic(secret, Buffer.from(secret, 'base64'), 'base64').status, 'valid');
    assert.equal(generic(secret, b64Key, 'base64').status, 'invalid');
  });

  it('generic HMAC, hex secret: verifies with the decoded bytes, and names plain-text use', () => {
    const hex = 'a1b2c3d4e5f60718';
    assert.equal(generic(hex, Buffer.from(hex, 'hex'), 'hex').status, 'valid');
    assert.equal(
      generic(hex, hex, 'hex').reason,
      'The signature matches when secret #1 is used as plain text (not hex-decoded), but generic HMAC hex-decodes the secret.',
    );
  });

  it('Standard Webhooks (whsec): the whole secret, or the part after whsec_, used as plain text', () => {
    const secret = `whsec_${b64}`;
    assert.equal(
      standard(secret, secret).reason,
      'The signature matches when secret #1 is used as plain text (not base64-decoded), but Standard Webhooks base64-decodes the part after whsec_.',
    );
    assert.equal(
      standard(secret, b64).reason,
      'The signature matches when secret #1 is used as plain text without its whsec_ prefix, but Standard Webhooks base64-decodes the part after whsec_.',
    );
    // Without a prefix there is no "without its prefix" variant to offer.
    assert.equal(
      standard(b64, b64).reason,
      'The signature matches when secret #1 is used as plain text (not base64-decoded), but Standard Webhooks base64-decodes the part after whsec_.',
    );
  });

  it('GitHub (raw): a whsec_ secret used without the prefix, or base64-decoded after it', () => {
    const secret = `whsec_${b64}`;
    assert.equal(
      github(secret, b64).reason,
      'The signature matches when secret #1 is used without its whsec_ prefix, but GitHub uses the secret exactly as shown.',
    );
    assert.equal(
      github(secret, b64Key).reason,
      'The signature matches when secret #1 is base64-decoded after removing whsec_ (the Standard Webhooks format), but GitHub uses the secret exactly as shown.',
    );
  });

  it('GitHub (raw): a plain secret that the sender used with whsec_, base64-decoded or hex-decoded', () => {
    assert.equal(
      github('plainsecret', 'whsec_plainsecret').reason,
      'The signature matches when secret #1 is used with a whsec_ prefix in front, but GitHub uses the secret exactly as shown.',
    );
    assert.equal(
      github(b64, b64Key).reason,
      'The signature matches when secret #1 is base64-decoded, but GitHub uses the secret exactly as shown.',
    );
    // A hex string is valid base64 too; the base64 reading is tried first and does not match.
    const hex = 'deadbeef00112233';
    assert.equal(
      github(hex, Buffer.from(hex, 'hex')).reason,
      'The signature matches when secret #1 is hex-decoded, but GitHub uses the secret exactly as shown.',
    );
  });
});

describe('re-serialised JSON body', () => {
  const pretty = JSON.stringify(JSON.parse(JSON_BODY), null, 2);

  it('received pretty, signed compact', () => {
    const r = generic('s', 's', undefined, pretty, JSON_BODY);
    assert.equal(
      r.reason,
      'The signature matches the body re-serialised as compact JSON (secret #1), not the bytes received: something between generic HMAC and here changed the body.',
    );
    assert.equal(
      r.hint,
      'Sign and verify the raw body bytes; make sure no relay, proxy or framework parses and re-encodes the JSON before the signature check.',
    );
  });

  it('received compact, signed pretty', () => {
    assert.equal(
      generic('s', 's', undefined, JSON_BODY, pretty).reason,
      'The signature matches the body re-serialised as pretty-printed JSON (2-space indent) (secret #1), not the bytes received: something between generic HMAC and here changed the body.',
    );
  });

  it('a body that is JSON but not an object or array gets no re-serialisation diagnosis', () => {
    for (const body of [' "text" ', ' 42 ', ' null ', ' true ']) {
      const r = generic('s', 's', undefined, body, body.trim());
      assert.equal(r.status, 'invalid');
      assert.equal(r.reason, WRONG, body);
    }
  });

  it('a body that is not JSON gets no re-serialisation diagnosis', () => {
    const r = generic('s', 's', undefined, 'a=1&b=2', 'a=1&b=3');
    assert.equal(r.reason, WRONG);
  });
});

describe('algorithm named in the header', () => {
  it('GitHub: a sha1= label on a SHA-256 value in X-Hub-Signature-256 does not verify', () => {
    const req = request({ 'x-github-event': 'push', 'x-hub-signature-256': `sha1=${hmacOf('sha256', 's', JSON_BODY, 'hex')}` });
    const r = verifyRequest(req, { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'invalid');
    assert.equal(
      r.reason,
      'The GitHub signature does not match the configured secret; the secret is probably not the one for this endpoint, or the body was changed.',
    );
  });
});

describe('missing and malformed headers: exact texts', () => {
  it('missing header, without extra text', () => {
    const r = verifyRequest(request({}), { provider: 'generic-hmac', generic: { header: 'X-Sig' }, secrets: ['s'], now: NOW });
    assert.equal(r.status, 'no-signature');
    assert.equal(r.reason, 'This looks like a generic HMAC request, but the X-Sig header is missing.');
    assert.equal(r.hint, 'Make sure signing is enabled for this generic HMAC webhook and that no proxy strips the X-Sig header.');
  });

  it('missing header, with extra text', () => {
    const r = verifyRequest(request({ 'x-gitlab-event': 'Push Hook' }), { secrets: ['s'], now: NOW });
    assert.equal(
      r.reason,
      'This looks like a GitLab request, but the X-Gitlab-Token header is missing. GitLab sends it only when the webhook has a secret token.',
    );
  });

  it('malformed header', () => {
    const r = verifyRequest(request({ 'x-github-event': 'push', 'x-hub-signature-256': 'sha256' }), { secrets: ['s'], now: NOW });
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, 'The X-Hub-Signature-256 header cannot be parsed as a GitHub signature: expected "sha256=<hex>".');
    assert.equal(r.hint, 'Check that the header reaches the receiver unmodified; GitHub sends it in a fixed format.');
  });
});

describe('signWith', () => {
  it('refuses a scheme that yields no message', () => {
    assert.throws(
      () => signWith({ alg: 'sha256', enc: 'hex', key: 'raw', messages: () => [] }, 's', new Uint8Array()),
      /^Error: Nothing to sign\.$/,
    );
  });
});
