import { type ProviderDef, malformed, missing } from '../engine';
import { concat, decode, hasHeader, hasHeaderPrefix, header, parseTimestamp } from '../util';
import { verifyPublicKey } from '../publicKey';

// ---------------------------------------------------------------------------------------------
// Public-key schemes: Discord (Ed25519) and SendGrid (ECDSA P-256). Verify only.
// ---------------------------------------------------------------------------------------------

export const discord: ProviderDef = {
  id: 'discord',
  name: 'Discord',
  canSign: false,
  detect: (req) => hasHeader(req, 'x-signature-ed25519'),
  verify(req, ctx) {
    const sig = header(req, 'x-signature-ed25519');
    if (sig === undefined) return { provider: 'discord', ...missing('Discord', 'X-Signature-Ed25519') };
    const ts = header(req, 'x-signature-timestamp');
    if (ts === undefined) return { provider: 'discord', ...malformed('Discord', 'X-Signature-Ed25519', 'the X-Signature-Timestamp header is missing') };
    const bytes = decode(sig.trim(), 'hex');
    if (!bytes || bytes.length !== 64) return { provider: 'discord', ...malformed('Discord', 'X-Signature-Ed25519', 'expected 128 hex characters') };
    return verifyPublicKey({
      provider: 'discord',
      name: 'Discord',
      kind: 'ed25519',
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

export const sendgrid: ProviderDef = {
  id: 'sendgrid',
  name: 'SendGrid Event Webhook',
  canSign: false,
  detect: (req) => hasHeaderPrefix(req, 'x-twilio-email-event-webhook-'),
  verify(req, ctx) {
    const sig = header(req, 'x-twilio-email-event-webhook-signature');
    if (sig === undefined) return { provider: 'sendgrid', ...missing('SendGrid', 'X-Twilio-Email-Event-Webhook-Signature') };
    const ts = header(req, 'x-twilio-email-event-webhook-timestamp');
    if (ts === undefined) {
      return { provider: 'sendgrid', ...malformed('SendGrid', 'X-Twilio-Email-Event-Webhook-Signature', 'the X-Twilio-Email-Event-Webhook-Timestamp header is missing') };
    }
    const bytes = decode(sig.trim(), 'base64');
    if (!bytes) return { provider: 'sendgrid', ...malformed('SendGrid', 'X-Twilio-Email-Event-Webhook-Signature', 'expected base64') };
    return verifyPublicKey({
      provider: 'sendgrid',
      name: 'SendGrid',
      kind: 'ecdsa',
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
