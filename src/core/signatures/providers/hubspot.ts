import type { SignedRequest } from '../types';
import { type MacScheme, malformed, missing, signWith } from '../engine';
import { macProvider } from '../schemes';
import { concat, hasHeaderPrefix, header } from '../util';

// ---------------------------------------------------------------------------------------------
// HubSpot: v1/v2 (plain SHA-256 of secret + …, hex) and v3 (HMAC-SHA256, base64, ms timestamp).
// ---------------------------------------------------------------------------------------------

const HUBSPOT_DECODE: Array<[RegExp, string]> = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

function hubspotDecodedUri(url: string): string {
  return HUBSPOT_DECODE.reduce((u, [re, ch]) => u.replace(re, ch), url);
}

function hubspotV3Scheme(req: SignedRequest, ts: string): MacScheme {
  const uris = [...new Set([req.url, hubspotDecodedUri(req.url)])];
  const method = req.method.toUpperCase();
  return {
    alg: 'sha256',
    enc: 'base64',
    key: 'raw',
    messages: (body) => uris.map((u) => concat(method + u, body, ts)),
  };
}

function hubspotLegacyScheme(req: SignedRequest, version: 'v1' | 'v2'): MacScheme {
  const method = req.method.toUpperCase();
  return {
    alg: 'sha256',
    enc: 'hex',
    key: 'raw',
    mode: 'hash',
    messages: (body) => [version === 'v1' ? body : concat(method + req.url, body)],
  };
}

export const hubspot = macProvider({
  id: 'hubspot',
  name: 'HubSpot',
  detect: (req) => hasHeaderPrefix(req, 'x-hubspot-'),
  tolerance: 300,
  parse(req) {
    const v3 = header(req, 'x-hubspot-signature-v3');
    if (v3 !== undefined) {
      const ts = header(req, 'x-hubspot-request-timestamp');
      if (ts === undefined) {
        return malformed('HubSpot', 'X-HubSpot-Signature-v3', 'the X-HubSpot-Request-Timestamp header is missing');
      }
      if (!/^\d+$/.test(ts.trim())) {
        return malformed('HubSpot', 'X-HubSpot-Request-Timestamp', `"${ts}" is not a time in milliseconds`);
      }
      return { candidates: [{ value: v3.trim() }], time: Number(ts.trim()) / 1000, scheme: hubspotV3Scheme(req, ts.trim()) };
    }
    const legacy = header(req, 'x-hubspot-signature');
    if (legacy === undefined) {
      return missing('HubSpot', 'X-HubSpot-Signature-v3');
    }
    const version = (header(req, 'x-hubspot-signature-version') ?? 'v1').trim().toLowerCase();
    if (version !== 'v1' && version !== 'v2') {
      return malformed('HubSpot', 'X-HubSpot-Signature-Version', `unknown version "${version}"`);
    }
    return { candidates: [{ value: legacy.trim() }], scheme: hubspotLegacyScheme(req, version) };
  },
  sign(req, secret, now) {
    const ts = String(now.getTime());
    const out: Record<string, string> = {
      'x-hubspot-signature-v3': signWith(hubspotV3Scheme(req, ts), secret, req.body),
      'x-hubspot-request-timestamp': ts,
    };
    const version = (header(req, 'x-hubspot-signature-version') ?? '').trim().toLowerCase();
    if (version === 'v1' || version === 'v2' || header(req, 'x-hubspot-signature') !== undefined) {
      const v = version === 'v2' ? 'v2' : 'v1';
      out['x-hubspot-signature'] = signWith(hubspotLegacyScheme(req, v), secret, req.body);
      out['x-hubspot-signature-version'] = v;
    }
    return out;
  },
});
