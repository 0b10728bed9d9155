/**
 * Guards the verdicts and explanations of the MAC engine and the generic HMAC provider: the timestamp
 * tolerance (inclusive at its edge, documented default 300 s), the stale hint for past and future
 * timestamps, the note added to a mismatch, the legacy/other-algorithm diagnosis, blank secrets, and
 * the reasons of an unconfigured or malformed generic request. From the survivors of the signatures
 * mutation run (issue #20). Every signature is computed with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import type { GenericHmacConfig, VerificationResult } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, hmacOf, request } from './support';

const TIMED: GenericHmacConfig = { header: 'x-sig', template: '{timestamp}.{body}', timestampHeader: 'x-ts' };

/** A timed generic request signed with `key` at `ts`, verified with `secret`. */
function timed(ts: number | string, key: string, secret = key, config: GenericHmacConfig = TIMED, tolerance?: number): VerificationResult {
  const req = request({ 'x-sig': hmacOf('sha256', key, `${ts}.${JSON_BODY}`, 'hex'), 'x-ts': String(ts) });
  return verifyRequest(req, {
    provider: 'generic-hmac',
    generic: config,
    secrets: [secret],
    now: NOW,
    ...(tolerance !== undefined ? { toleranceSeconds: tolerance } : {}),
  });
}

function github(headers: Record<string, string>, secrets: string[]): VerificationResult {
  return verifyRequest(request({ 'x-github-event': 'push', ...headers }), { secrets, now: NOW });
}

describe('timestamp tolerance', () => {
  it('a timestamp exactly 300 s old or ahead is valid (the default tolerance is inclusive); 301 s is stale', () => {
    assert.equal(timed(NOW_S - 300, 'k').status, 'valid');
    assert.equal(timed(NOW_S + 300, 'k').status, 'valid');
    assert.equal(timed(NOW_S - 301, 'k').status, 'stale');
    assert.equal(timed(NOW_S + 301, 'k').status, 'stale');
  });

  it('stale in the past: a replay hint; stale in the future: a clock hint', () => {
    const past = timed(NOW_S - 1000, 'k');
    assert.equal(past.status, 'stale');
    assert.equal(past.reason, 'The signature is valid, but its timestamp is 1000 seconds in the past (tolerance 300 s).');
    assert.equal(
      past.hint,
      "This is an old delivery or a replay; generic HMAC receivers reject it. Re-sign it with a fresh timestamp to resend, or check this machine's clock.",
    );
    const future = timed(NOW_S + 1000, 'k');
    assert.equal(future.status, 'stale');
    assert.equal(future.hint, "The sender's clock or this machine's clock is off; synchronise the clock (NTP).");
  });

  it('a mismatch notes a timestamp out of tolerance, and only then', () => {
    const WRONG =
      'The generic HMAC signature does not match the configured secret; the secret is probably not the one for this endpoint, or the body was changed.';
    assert.equal(timed(NOW_S - 10, 'k', 'other').reason, WRONG);
    assert.equal(timed(NOW_S - 300, 'k', 'other').reason, WRONG);
    assert.equal(timed(NOW_S - 10, 'k', 'other', TIMED, 0).reason, WRONG);
    assert.equal(timed(NOW_S - 1000, 'k', 'other', TIMED, 0).reason, WRONG);
    assert.equal(timed(NOW_S - 1000, 'k', 'other').reason, `${WRONG} Its timestamp is also 1000 seconds in the past.`);
  });

  it('a mismatch without a timestamp (header configured but not sent, template without it) gets no timestamp note', () => {
    const req = request({ 'x-sig': hmacOf('sha256', 'k', JSON_BODY, 'hex') });
    const config: GenericHmacConfig = { header: 'x-sig', timestampHeader: 'x-ts' };
    const r = verifyRequest(req, { provider: 'generic-hmac', generic: config, secrets: ['other'], now: NOW });
    assert.equal(
      r.reason,
      'The generic HMAC signature does not match the configured secret; the secret is probably not the one for this endpoint, or the body was changed.',
    );
  });

  it('a unix-seconds config reads a timestamp sent in milliseconds or ISO 8601 too', () => {
    assert.equal(timed(String(NOW.getTime()), 'k').status, 'valid');
    assert.equal(timed(NOW.toISOString(), 'k').status, 'valid');
  });

  it('unix-ms timestamps are read as milliseconds even when small', () => {
    const r = timed('999999999999', 'k', 'k', { ...TIMED, timestampFormat: 'unix-ms' });
    assert.equal(r.status, 'stale');
    assert.match(r.reason, /in the past/);
  });
});

describe('no secret', () => {
  it('says no signing secret is configured', () => {
    const r = github({ 'x-hub-signature-256': `sha256=${hmacOf('sha256', 'k', JSON_BODY, 'hex')}` }, []);
    assert.equal(r.status, 'no-secret');
    assert.equal(r.reason, 'No signing secret is configured for GitHub, so the signature cannot be checked.');
  });
});

describe('another algorithm or encoding', () => {
  it('a sha1= signature in the SHA-256 header that matches is named as legacy', () => {
    const r = github({ 'x-hub-signature-256': `sha1=${hmacOf('sha1', 'k', JSON_BODY, 'hex')}` }, ['k']);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'Only the legacy sha1= signature (HMAC-SHA-1) matches secret #1; GitHub signatures use HMAC-SHA-256.');
  });

  it('the right algorithm in another encoding is no legacy signature, and names the secret and the encoding', () => {
    const r = github({ 'x-hub-signature-256': `sha256=${hmacOf('sha256', 'k', JSON_BODY, 'base64')}` }, ['wrong', 'k']);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'The signature matches secret #2 as HMAC-SHA-256 in base64, but GitHub uses HMAC-SHA-256 in hex.');
    assert.equal(
      r.hint,
      'The sender uses a different signature scheme than GitHub: pick the right provider (or configure generic HMAC with sha256/base64).',
    );
  });
});

describe('secrets with quotes', () => {
  it('a quoted secret that is wrong anyway is the wrong secret, not a quoting problem', () => {
    const r = timed(NOW_S, 'k', '"wrong"');
    assert.match(r.reason, /does not match the configured secret/);
  });

  it('a secret that is only a pair of quotes is not reported as a quoted secret', () => {
    const r = timed(NOW_S, '', '""');
    assert.equal(r.status, 'invalid');
    assert.doesNotMatch(r.reason, /whitespace or quotes/);
  });

  it('a raw secret that is the base64 of the key is named as base64-decoded', () => {
    const key = Buffer.from([0xfb, 0x01, 0x80, 0x7f, 0x10, 0x20, 0x30, 0x41, 0xee]);
    const req = request({ 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmacOf('sha256', key, JSON_BODY, 'hex')}` });
    const r = verifyRequest(req, { secrets: [key.toString('base64')], now: NOW });
    assert.match(r.reason, /is base64-decoded, but GitHub/);
  });
});

describe('re-serialised bodies', () => {
  it('a JSON scalar body is never explained as a re-serialised body', () => {
    const req = request({ 'x-sig': hmacOf('sha256', 'k', '5', 'hex') }, ' 5');
    const r = verifyRequest(req, { provider: 'generic-hmac', generic: { header: 'x-sig' }, secrets: ['k'], now: NOW });
    assert.doesNotMatch(r.reason, /re-serialised/);
  });
});

describe('generic HMAC reasons', () => {
  it('without a configuration: unsupported, saying what is needed', () => {
    const r = verifyRequest(request({ 'x-sig': 'ab' }), { provider: 'generic-hmac', secrets: ['k'], now: NOW });
    assert.equal(r.provider, 'generic-hmac');
    assert.equal(r.status, 'unsupported');
    assert.equal(r.reason, 'Generic HMAC verification needs a configuration (signature header, algorithm, encoding, signed content).');
    assert.equal(r.hint, 'Configure the generic HMAC settings for this endpoint.');
  });

  it('a template that needs a missing timestamp, an empty signature after the prefix, a bad timestamp: malformed, provider generic-hmac', () => {
    const noTs = verifyRequest(request({ 'x-sig': 'ab' }), { provider: 'generic-hmac', generic: TIMED, secrets: ['k'], now: NOW });
    assert.equal(noTs.status, 'malformed');
    assert.equal(noTs.provider, 'generic-hmac');
    const prefixed: GenericHmacConfig = { header: 'x-sig', prefix: 'sha256=' };
    const empty = verifyRequest(request({ 'x-sig': 'sha256=' }), { provider: 'generic-hmac', generic: prefixed, secrets: ['k'], now: NOW });
    assert.equal(empty.status, 'malformed');
    assert.equal(empty.provider, 'generic-hmac');
    const badTs = timed('yesterday', 'k');
    assert.equal(badTs.status, 'malformed');
    assert.equal(badTs.provider, 'generic-hmac');
  });

  it('a template without {timestamp} or {id} needs neither header', () => {
    const req = request({ 'x-sig': hmacOf('sha256', 'k', JSON_BODY, 'hex') });
    assert.equal(verifyRequest(req, { provider: 'generic-hmac', generic: { header: 'x-sig' }, secrets: ['k'], now: NOW }).status, 'valid');
  });
});
