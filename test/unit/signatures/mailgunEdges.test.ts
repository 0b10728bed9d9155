/**
 * Guards Mailgun as its docs describe it: the signature sits in the body (JSON `signature {timestamp, token,
 * signature}`, with a numeric or string timestamp, or form fields timestamp, token and signature, all three
 * needed), it is the hex HMAC-SHA256 of timestamp + token, a body with only `event-data` is Mailgun without a
 * signature, and an old timestamp outside the caller's tolerance is stale. Digests come from node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { NOW, NOW_S, hmacOf, request } from './support';

const KEY = 'key-mailgun-signing-0001';
const TOKEN = 'a'.repeat(50);
const sigOf = (ts: number | string, token = TOKEN) => hmacOf('sha256', KEY, `${ts}${token}`, 'hex');
const verify = (body: string, extra: { provider?: string; toleranceSeconds?: number } = {}) =>
  verifyRequest(request({ 'content-type': 'application/json' }, body), { secrets: [KEY], now: NOW, ...extra });
const json = (signature: Record<string, unknown>) => JSON.stringify({ signature, 'event-data': { event: 'delivered' } });

const MISSING =
  'This looks like a Mailgun request, but the signature header is missing. Mailgun puts it in the body as signature {timestamp, token, signature}.';

describe('Mailgun JSON body', () => {
  it('a string or a numeric timestamp with token and signature verifies', () => {
    for (const ts of [String(NOW_S), NOW_S]) {
      const r = verify(json({ timestamp: ts, token: TOKEN, signature: sigOf(ts) }));
      assert.equal(r.provider, 'mailgun');
      assert.equal(r.status, 'valid', typeof ts);
    }
  });

  it('a token that is no string, or no signature string, is malformed and says what is needed', () => {
    for (const sig of [
      { timestamp: NOW_S, token: 12345, signature: sigOf(NOW_S, '12345') },
      { timestamp: NOW_S, token: TOKEN },
      { timestamp: NOW_S, token: TOKEN, signature: 7 },
    ]) {
      const r = verify(json(sig), { provider: 'mailgun' });
      assert.equal(r.status, 'malformed', JSON.stringify(sig));
      assert.equal(
        r.reason,
        "The signature header cannot be parsed as a Mailgun signature: the body's signature object needs timestamp, token and signature.",
      );
      assert.equal(r.hint, 'Check that the header reaches the receiver unmodified; Mailgun sends it in a fixed format.');
    }
  });

  it('an empty parent-signature next to a good signature is ignored; only empty signatures are malformed', () => {
    const good = { timestamp: NOW_S, token: TOKEN, signature: sigOf(NOW_S) };
    assert.equal(verify(json({ ...good, 'parent-signature': '' })).status, 'valid');
    const r = verify(json({ ...good, signature: ' ', 'parent-signature': '' }));
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, 'The signature header cannot be parsed as a Mailgun signature: the signature is empty.');
  });

  it('a body with event-data and no signature is Mailgun without a signature', () => {
    const r = verify(JSON.stringify({ 'event-data': { event: 'delivered' } }));
    assert.equal(r.provider, 'mailgun');
    assert.equal(r.status, 'no-signature');
    assert.equal(r.reason, MISSING);
    assert.equal(r.hint, 'Make sure signing is enabled for this Mailgun webhook and that no proxy strips the signature header.');
  });

  it('an old timestamp is stale with a tolerance; a current one is not', () => {
    const old = NOW_S - 1000;
    assert.equal(verify(json({ timestamp: old, token: TOKEN, signature: sigOf(old) }), { toleranceSeconds: 300 }).status, 'stale');
    assert.equal(verify(json({ timestamp: NOW_S, token: TOKEN, signature: sigOf(NOW_S) }), { toleranceSeconds: 300 }).status, 'valid');
  });
});

describe('Mailgun form body', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('timestamp, token and signature fields verify', () => {
    const r = verify(form({ timestamp: String(NOW_S), token: TOKEN, signature: sigOf(NOW_S) }));
    assert.equal(r.provider, 'mailgun');
    assert.equal(r.status, 'valid');
  });

  it('without any one of the three fields there is no signature', () => {
    const all = { timestamp: String(NOW_S), token: TOKEN, signature: sigOf(NOW_S) };
    for (const left of ['timestamp', 'token', 'signature'] as const) {
      const fields: Record<string, string> = { ...all };
      delete fields[left];
      const r = verify(form(fields), { provider: 'mailgun' });
      assert.equal(r.status, 'no-signature', left);
      assert.equal(r.reason, MISSING, left);
      assert.notEqual(verify(form(fields)).provider, 'mailgun', left);
    }
    assert.equal(verify(form({ other: 'x' }), { provider: 'mailgun' }).status, 'no-signature');
  });
});
