import { type MacScheme, isParseFailure, malformed, missing, signWith } from '../engine';
import { hmacOver, macProvider, readTimestampHeader, rfc3339 } from '../schemes';
import { concat, hasHeader, hasHeaderPrefix, header } from '../util';

// ---------------------------------------------------------------------------------------------
// Box: BOX-SIGNATURE-PRIMARY / -SECONDARY, base64 HMAC-SHA256 over body + timestamp, 10 min.
// ---------------------------------------------------------------------------------------------

function boxScheme(ts: string): MacScheme {
  return hmacOver('sha256', 'base64', (body) => concat(body, ts));
}

export const box = macProvider({
  id: 'box',
  name: 'Box',
  detect: (req) => hasHeader(req, 'box-delivery-id', 'box-signature-primary', 'box-signature-secondary', 'box-delivery-timestamp'),
  tolerance: 600,
  parse(req) {
    const primary = header(req, 'box-signature-primary');
    const secondary = header(req, 'box-signature-secondary');
    if (primary === undefined && secondary === undefined) {
      return missing('Box', 'BOX-SIGNATURE-PRIMARY');
    }
    const version = header(req, 'box-signature-version');
    if (version !== undefined && version.trim() !== '1') {
      return malformed('Box', 'BOX-SIGNATURE-VERSION', `unknown version "${version}"`);
    }
    const algorithm = header(req, 'box-signature-algorithm');
    if (algorithm !== undefined && algorithm.trim() !== 'HmacSHA256') {
      return malformed('Box', 'BOX-SIGNATURE-ALGORITHM', `unknown algorithm "${algorithm}"`);
    }
    const ts = readTimestampHeader(req, 'Box', 'box-delivery-timestamp');
    if (isParseFailure(ts)) {
      return ts;
    }
    if (ts.time === undefined) {
      return malformed('Box', 'BOX-DELIVERY-TIMESTAMP', `"${ts.raw}" is not an RFC 3339 time`);
    }
    const candidates = [primary, secondary].filter((v): v is string => !!v && v.trim() !== '').map((v) => ({ value: v.trim() }));
    if (candidates.length === 0) {
      return malformed('Box', 'BOX-SIGNATURE-PRIMARY', 'the signature is empty');
    }
    return { candidates, time: ts.time, scheme: boxScheme(ts.raw) };
  },
  sign(req, secret, now) {
    const ts = rfc3339(now);
    return {
      'box-delivery-timestamp': ts,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
      'box-signature-primary': signWith(boxScheme(ts), secret, req.body),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Zendesk: base64 HMAC-SHA256 over timestamp + body.
// ---------------------------------------------------------------------------------------------

function zendeskScheme(ts: string): MacScheme {
  return hmacOver('sha256', 'base64', (body) => concat(ts, body));
}

export const zendesk = macProvider({
  id: 'zendesk',
  name: 'Zendesk',
  detect: (req) => hasHeaderPrefix(req, 'x-zendesk-webhook-'),
  parse(req) {
    const value = header(req, 'x-zendesk-webhook-signature');
    if (value === undefined) {
      return missing('Zendesk', 'X-Zendesk-Webhook-Signature');
    }
    const ts = readTimestampHeader(req, 'Zendesk', 'x-zendesk-webhook-signature-timestamp');
    if (isParseFailure(ts)) {
      return ts;
    }
    if (!value.trim()) {
      return malformed('Zendesk', 'X-Zendesk-Webhook-Signature', 'the signature is empty');
    }
    return { candidates: [{ value: value.trim() }], scheme: zendeskScheme(ts.raw), ...(ts.time !== undefined ? { time: ts.time } : {}) };
  },
  sign(req, secret, now) {
    const ts = rfc3339(now);
    return {
      'x-zendesk-webhook-signature': signWith(zendeskScheme(ts), secret, req.body),
      'x-zendesk-webhook-signature-timestamp': ts,
    };
  },
});
