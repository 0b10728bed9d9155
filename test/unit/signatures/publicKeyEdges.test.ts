/**
 * Guards public-key verification (Discord Ed25519, SendGrid ECDSA P-256) as the providers document it: the
 * signature covers timestamp + body; Discord's key may be given as 64 hex characters, base64 of the 32 raw
 * bytes, or PEM, and only exactly 32 key bytes count; a match names the key, an old timestamp outside the
 * caller's tolerance is stale, and a mismatch reports the clock skew without a note when no tolerance is
 * set. The signature header is read trimmed; Discord's must be 64 bytes of hex, SendGrid's base64, and a
 * malformed one says which. A mismatch names the key with spaces around it, or the re-serialised JSON (objects
 * only), and says when no configured value is a key at all. Keys and signatures are made with node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, NOW_S, request } from './support';

/** An Ed25519 key whose base64 has a '+' or '/', so it reads only as standard base64 (not base64url). */
function edKey() {
  for (;;) {
    const pair = generateKeyPairSync('ed25519');
    const raw = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    if (/[+/]/.test(raw.toString('base64'))) {
      return { ...pair, raw };
    }
  }
}
const ed = edKey();
const edRaw = ed.raw;
const edPem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecB64 = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

function discord(ts: number, signedTs = ts) {
  const sig = sign(null, Buffer.from(`${signedTs}${JSON_BODY}`), ed.privateKey).toString('hex');
  return request({ 'x-signature-ed25519': sig, 'x-signature-timestamp': String(ts) });
}

const check = (req: ReturnType<typeof request>, key: string, extra: Record<string, number> = {}) =>
  verifyRequest(req, { provider: 'discord', secrets: [key], now: NOW, ...extra });

describe('Discord public key forms', () => {
  it('a PEM public key verifies', () => {
    assert.equal(check(discord(NOW_S), edPem).status, 'valid');
  });

  it('the 32 raw key bytes in standard base64 verify', () => {
    assert.equal(check(discord(NOW_S), edRaw.toString('base64')).status, 'valid');
  });

  it('a key with bytes after the 32 raw bytes does not verify', () => {
    const r = check(discord(NOW_S), Buffer.concat([edRaw, Buffer.from([0])]).toString('hex'));
    assert.equal(r.status, 'invalid');
  });

  it('a match names the key', () => {
    const r = check(discord(NOW_S), edRaw.toString('hex'));
    assert.equal(r.status, 'valid');
    assert.equal(r.reason, 'The Discord signature verifies with public key #1.');
  });

  it('no key configured: the reason asks for a public key', () => {
    const r = verifyRequest(discord(NOW_S), { provider: 'discord', secrets: [], now: NOW });
    assert.equal(r.status, 'no-secret');
    assert.equal(r.reason, 'No public key is configured for Discord, so the signature cannot be checked.');
  });
});

describe('Discord timestamps', () => {
  it('a matching signature older than the tolerance the caller sets is stale', () => {
    assert.equal(check(discord(NOW_S - 1000), edRaw.toString('hex'), { toleranceSeconds: 300 }).status, 'stale');
  });

  it('a mismatch reports the skew and, with tolerance 0, adds no note about the timestamp', () => {
    const r = check(discord(NOW_S - 1000, NOW_S), edRaw.toString('hex'), { toleranceSeconds: 0 });
    assert.equal(r.status, 'invalid');
    assert.equal(r.skewSeconds, 1000);
    assert.ok(!r.reason.includes('timestamp'), r.reason);
  });
});

describe('SendGrid ECDSA', () => {
  it('a P-256 signature over timestamp + body verifies with the base64 DER key', () => {
    const sig = sign('sha256', Buffer.from(`${NOW_S}${JSON_BODY}`), ec.privateKey).toString('base64');
    const req = request({ 'x-twilio-email-event-webhook-signature': sig, 'x-twilio-email-event-webhook-timestamp': String(NOW_S) });
    assert.equal(verifyRequest(req, { provider: 'sendgrid', secrets: [ecB64], now: NOW }).status, 'valid');
  });
});

describe('Discord and SendGrid signature headers', () => {
  it('a Discord signature with spaces around it is read trimmed', () => {
    const req = discord(NOW_S);
    const sig = String(req.headers['x-signature-ed25519']);
    const spaced = request({ 'x-signature-ed25519': ` ${sig} `, 'x-signature-timestamp': String(NOW_S) });
    assert.equal(check(spaced, edRaw.toString('hex')).status, 'valid');
  });

  it('a Discord signature that is hex but not 64 bytes is malformed, saying what is expected', () => {
    const r = check(request({ 'x-signature-ed25519': 'ab'.repeat(32), 'x-signature-timestamp': String(NOW_S) }), edRaw.toString('hex'));
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, 'The X-Signature-Ed25519 header cannot be parsed as a Discord signature: expected 128 hex characters.');
  });

  it('SendGrid names itself: a missing signature, and one that is no base64', () => {
    const opts = { provider: 'sendgrid', secrets: [ecB64], now: NOW };
    const none = verifyRequest(request({ 'x-twilio-email-event-webhook-timestamp': String(NOW_S) }), opts);
    assert.equal(none.status, 'no-signature');
    assert.equal(none.reason, 'This looks like a SendGrid request, but the X-Twilio-Email-Event-Webhook-Signature header is missing.');
    const bad = verifyRequest(
      request({ 'x-twilio-email-event-webhook-signature': 'no base64!', 'x-twilio-email-event-webhook-timestamp': String(NOW_S) }),
      opts,
    );
    assert.equal(bad.status, 'malformed');
    assert.equal(
      bad.reason,
      'The X-Twilio-Email-Event-Webhook-Signature header cannot be parsed as a SendGrid signature: expected base64.',
    );
  });
});

describe('Discord mismatch reasons', () => {
  const edHex = edRaw.toString('hex');
  const otherHex = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  /** A Discord request whose body is `body` but whose signature covers `signed`. */
  const signedOver = (body: string, signed = body) =>
    request(
      {
        'x-signature-ed25519': sign(null, Buffer.from(`${NOW_S}${signed}`), ed.privateKey).toString('hex'),
        'x-signature-timestamp': String(NOW_S),
      },
      body,
    );
  const reasonOf = (req: ReturnType<typeof request>, secrets: string[]) => verifyRequest(req, { provider: 'discord', secrets, now: NOW });

  it('a key with spaces that verifies once trimmed names its number; one that does not verify is only a mismatch', () => {
    const r = reasonOf(signedOver(JSON_BODY), [otherHex, ` ${edHex} `]);
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'Public key #2 has whitespace or quotes around it; without them the signature verifies.');
    assert.equal(r.hint, 'Set the key again without the surrounding spaces, newline or quotes.');
    const other = reasonOf(signedOver(JSON_BODY), [` ${otherHex} `]);
    assert.equal(
      other.reason,
      'The Discord signature does not verify with the configured public key; the key is probably for another application, or the body was changed.',
    );
  });

  it('a signature over the re-serialised JSON names the form and the key', () => {
    const r = reasonOf(signedOver('{"a": 1}', '{"a":1}'), [otherHex, edHex]);
    assert.equal(r.status, 'invalid');
    assert.equal(
      r.reason,
      'The signature verifies against the body re-serialised as compact JSON (key #2), not the bytes received: something between Discord and here changed the body.',
    );
    assert.equal(r.hint, 'Verify the raw body bytes; make sure no relay, proxy or framework re-encodes the JSON.');
  });

  it('a body that is JSON but no object (a number, null) is not re-serialised', () => {
    for (const [body, signed] of [
      [' 5', '5'],
      [' null', 'null'],
    ]) {
      const r = reasonOf(signedOver(body, signed), [edHex]);
      assert.equal(r.status, 'invalid', body);
      assert.match(r.reason, /^The Discord signature does not verify with the configured public key;/, body);
    }
  });

  it('only when no configured value is a key does the reason say so', () => {
    const none = reasonOf(signedOver(JSON_BODY, 'other'), ['not a key']);
    assert.equal(none.reason, 'The configured Discord key is not an Ed25519 public key (64 hex characters).');
    assert.equal(
      none.hint,
      'Copy the public verification key from the Discord settings; this scheme verifies with a public key, not a secret.',
    );
    const some = reasonOf(signedOver(JSON_BODY, 'other'), ['not a key', otherHex]);
    assert.match(some.reason, /^The Discord signature does not verify with any of the 2 configured public keys;/);
  });
});
