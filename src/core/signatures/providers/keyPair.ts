import type { SignedRequest } from '../types';
import { type ProviderDef, malformed, missing } from '../engine';
import { concat, decode, hasHeader, hasHeaderPrefix, header, parseTimestamp } from '../util';
import { verifyPublicKey } from '../publicKey';

// ---------------------------------------------------------------------------------------------
// Public-key schemes: Discord (Ed25519) and SendGrid (ECDSA P-256). Verify only. Both sign
// `timestamp + body`, with the signature and the unix timestamp in two headers.
// ---------------------------------------------------------------------------------------------

interface KeyPairSpec {
  id: string;
  name: string;
  /** The short name used in reasons ("SendGrid" for "SendGrid Event Webhook"). */
  label: string;
  kind: 'ed25519' | 'ecdsa';
  signatureHeader: string;
  timestampHeader: string;
  detect(req: SignedRequest): boolean;
  /** The signature bytes, or a description of the expected form when the value is not that. */
  decodeSignature(value: string): Uint8Array | string;
}

function keyPairProvider(o: KeyPairSpec): ProviderDef {
  return {
    id: o.id,
    name: o.name,
    canSign: false,
    detect: o.detect,
    verify(req, ctx) {
      const sig = header(req, o.signatureHeader);
      if (sig === undefined) {
        return { provider: o.id, ...missing(o.label, o.signatureHeader) };
      }
      const ts = header(req, o.timestampHeader);
      if (ts === undefined) {
        return { provider: o.id, ...malformed(o.label, o.signatureHeader, `the ${o.timestampHeader} header is missing`) };
      }
      const bytes = o.decodeSignature(sig.trim());
      if (typeof bytes === 'string') {
        return { provider: o.id, ...malformed(o.label, o.signatureHeader, bytes) };
      }
      return verifyPublicKey({
        provider: o.id,
        name: o.label,
        kind: o.kind,
        secrets: ctx.secrets,
        signature: bytes,
        message: (body) => concat(ts, body),
        body: req.body,
        time: parseTimestamp(ts, 's'),
        tolerance: ctx.toleranceSeconds,
        now: ctx.now,
      });
    },
  };
}

export const discord = keyPairProvider({
  id: 'discord',
  name: 'Discord',
  label: 'Discord',
  kind: 'ed25519',
  signatureHeader: 'X-Signature-Ed25519',
  timestampHeader: 'X-Signature-Timestamp',
  detect: (req) => hasHeader(req, 'x-signature-ed25519'),
  decodeSignature(value) {
    const bytes = decode(value, 'hex');
    return bytes && bytes.length === 64 ? bytes : 'expected 128 hex characters';
  },
});

export const sendgrid = keyPairProvider({
  id: 'sendgrid',
  name: 'SendGrid Event Webhook',
  label: 'SendGrid',
  kind: 'ecdsa',
  signatureHeader: 'X-Twilio-Email-Event-Webhook-Signature',
  timestampHeader: 'X-Twilio-Email-Event-Webhook-Timestamp',
  detect: (req) => hasHeaderPrefix(req, 'x-twilio-email-event-webhook-'),
  decodeSignature: (value) => decode(value, 'base64') ?? 'expected base64',
});
