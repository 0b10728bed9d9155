import { randomUUID } from 'node:crypto';
import * as querystring from 'node:querystring';
import type { HmacAlgorithm, SignedRequest, VerificationResult } from './types';
import {
  type Candidate,
  type MacScheme,
  type ProviderDef,
  cleanSecret,
  isParseFailure,
  malformed,
  matchedResult,
  missing,
  noSecret,
  signWith,
} from './engine';
import {
  type MacParse,
  bodyOnly,
  macProvider,
  readTimestampHeader,
  rfc3339,
  splitAlgPrefix,
  standardFamily,
  tv1,
  v0,
} from './schemes';
import { concat, decode, hasHeader, hasHeaderPrefix, header, isRecord, parseJson, parseTimestamp, safeEqual, safeEqualText, sha, text, unixSeconds, utf8 } from './util';
import { verifyPublicKey } from './publicKey';
import { genericHmac } from './generic';

// ---------------------------------------------------------------------------------------------
// GitHub / Meta: X-Hub-Signature-256 (sha256=<hex>) with the legacy X-Hub-Signature (sha1=<hex>).
// ---------------------------------------------------------------------------------------------

function hubSignature(o: { id: string; name: string; detect(req: SignedRequest): boolean }): ProviderDef {
  const schemeOf = (alg: HmacAlgorithm): MacScheme => ({ alg, enc: 'hex', key: 'raw', messages: (b) => [b] });
  const spec = macProvider({
    id: o.id,
    name: o.name,
    detect: o.detect,
    parse(req): MacParse {
      const modern = header(req, 'x-hub-signature-256');
      const legacy = header(req, 'x-hub-signature');
      const value = modern ?? legacy;
      const headerName = modern !== undefined ? 'X-Hub-Signature-256' : 'X-Hub-Signature';
      if (value === undefined) return missing(o.name, 'X-Hub-Signature-256');
      const split = splitAlgPrefix(value);
      if (!split || !split.sig) return malformed(o.name, headerName, 'expected "sha256=<hex>"');
      if (modern === undefined) {
        // Only the legacy header was sent: verify it as the legacy SHA-1 scheme.
        if (split.alg !== 'sha1') return malformed(o.name, headerName, 'expected "sha1=<hex>" in the legacy header');
        return { candidates: [{ value: split.sig }], scheme: schemeOf('sha1') };
      }
      const candidate: Candidate = split.alg === 'sha256' ? { value: split.sig } : { value: split.sig, alg: split.alg };
      return { candidates: [candidate], scheme: schemeOf('sha256') };
    },
    sign(req, secret) {
      return {
        'x-hub-signature-256': `sha256=${signWith(schemeOf('sha256'), secret, req.body)}`,
        'x-hub-signature': `sha1=${signWith(schemeOf('sha1'), secret, req.body)}`,
      };
    },
  });
  return {
    ...spec,
    verify(req, ctx) {
      const result = spec.verify(req, ctx);
      if (result.status === 'valid' && header(req, 'x-hub-signature-256') === undefined) {
        return {
          ...result,
          reason: `The legacy SHA-1 signature (X-Hub-Signature) matches secret #${(result.matchedSecretIndex ?? 0) + 1}; no X-Hub-Signature-256 was sent.`,
          hint: 'SHA-1 signatures are legacy; verify X-Hub-Signature-256 where the sender provides it.',
        };
      }
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shopify: base64 HMAC-SHA256 of the body in X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256 in the
// newer "events" header set).
// ---------------------------------------------------------------------------------------------

const shopifyScheme: MacScheme = { alg: 'sha256', enc: 'base64', key: 'raw', messages: (b) => [b] };
const usesShopifyEventsHeaders = (req: SignedRequest): boolean =>
  hasHeader(req, 'shopify-hmac-sha256', 'shopify-topic', 'shopify-event-id', 'shopify-webhook-id');

const shopify = macProvider({
  id: 'shopify',
  name: 'Shopify',
  detect: (req) => hasHeaderPrefix(req, 'x-shopify-') || usesShopifyEventsHeaders(req),
  parse(req) {
    const value = header(req, 'x-shopify-hmac-sha256') ?? header(req, 'shopify-hmac-sha256');
    if (value === undefined) return missing('Shopify', 'X-Shopify-Hmac-Sha256');
    if (!value.trim()) return malformed('Shopify', 'X-Shopify-Hmac-Sha256', 'the signature is empty');
    return { candidates: [{ value: value.trim() }], scheme: shopifyScheme };
  },
  sign(req, secret) {
    const name = !hasHeaderPrefix(req, 'x-shopify-') && usesShopifyEventsHeaders(req) ? 'shopify-hmac-sha256' : 'x-shopify-hmac-sha256';
    return { [name]: signWith(shopifyScheme, secret, req.body) };
  },
});

// ---------------------------------------------------------------------------------------------
// Twilio: base64 HMAC-SHA1 (or SHA-256) over URL + sorted form params, or URL with bodySHA256.
// ---------------------------------------------------------------------------------------------

function urlVariants(url: string): string[] {
  const out = [url];
  const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return out;
  const scheme = m[1].toLowerCase();
  const defaultPort = scheme === 'https' ? '443' : '80';
  const authority = m[2];
  const portMatch = /:(\d+)$/.exec(authority);
  if (portMatch) {
    if (portMatch[1] === defaultPort) out.push(`${m[1]}://${authority.slice(0, -portMatch[0].length)}${m[3]}`);
  } else {
    out.push(`${m[1]}://${authority}:${defaultPort}${m[3]}`);
  }
  return out;
}

/**
 * The URLs Twilio's signature may cover: as received and WHATWG-normalised (`new URL`), each with and
 * without the default port, and the normalised ones with the query re-encoded the way Node's legacy
 * `querystring` module does (some of Twilio's back ends signed `%27` for `'`, as the SDK notes).
 */
function twilioUrls(url: string): string[] {
  const out = urlVariants(url);
  let normalized: string | undefined;
  try {
    normalized = new URL(url).toString();
  } catch {
    return out;
  }
  for (const u of urlVariants(normalized)) {
    out.push(u, withLegacyQuery(u));
  }
  return [...new Set(out)];
}

function withLegacyQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return url;
  return `${url.slice(0, q)}?${querystring.stringify(querystring.parse(url.slice(q + 1)))}`;
}

function twilioParams(req: SignedRequest, body: Uint8Array): string {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.includes('application/x-www-form-urlencoded')) return '';
  const params = new URLSearchParams(text(body));
  const keys = [...new Set([...params.keys()])].sort();
  let out = '';
  for (const key of keys) {
    const values = [...new Set(params.getAll(key))].sort();
    for (const value of values) out += key + value;
  }
  return out;
}

function bodyHashParam(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1).split('#')[0]).get('bodySHA256') ?? undefined;
}

function twilioAlg(req: SignedRequest): HmacAlgorithm {
  const settings = header(req, 'x-twilio-webhooks-signature-settings') ?? '';
  return /algorithm\s*=\s*HMAC_SHA256/i.test(settings) ? 'sha256' : 'sha1';
}

function twilioScheme(req: SignedRequest): MacScheme {
  const usesBodyHash = bodyHashParam(req.url) !== undefined;
  const variants = twilioUrls(req.url);
  return {
    alg: twilioAlg(req),
    enc: 'base64',
    key: 'raw',
    messages: (body) => variants.map((u) => utf8(u + (usesBodyHash ? '' : twilioParams(req, body)))),
  };
}

const twilioMac = macProvider({
  id: 'twilio',
  name: 'Twilio',
  detect: (req) => hasHeader(req, 'x-twilio-signature', 'i-twilio-idempotency-token'),
  parse(req) {
    const value = header(req, 'x-twilio-signature');
    if (value === undefined) return missing('Twilio', 'X-Twilio-Signature');
    if (!value.trim()) return malformed('Twilio', 'X-Twilio-Signature', 'the signature is empty');
    return { candidates: [{ value: value.trim() }], scheme: twilioScheme(req) };
  },
  sign(req, secret) {
    return { 'x-twilio-signature': signWith(twilioScheme(req), secret, req.body) };
  },
});

const twilio: ProviderDef = {
  ...twilioMac,
  verify(req, ctx) {
    const result = twilioMac.verify(req, ctx);
    const expectedHash = bodyHashParam(req.url);
    if (result.status === 'valid' && expectedHash !== undefined) {
      const actual = sha('sha256', req.body);
      const claimed = decode(expectedHash, 'hex');
      if (!claimed || !safeEqual(claimed, actual)) {
        return {
          provider: 'twilio',
          status: 'invalid',
          reason: 'The URL signature is valid, but the body does not match the bodySHA256 in the URL: the body was changed.',
          hint: 'Pass the raw body bytes through unchanged.',
        };
      }
    }
    return result;
  },
};

// ---------------------------------------------------------------------------------------------
// HubSpot: v1/v2 (plain SHA-256 of secret + …, hex) and v3 (HMAC-SHA256, base64, ms timestamp).
// ---------------------------------------------------------------------------------------------

const HUBSPOT_DECODE: Array<[RegExp, string]> = [
  [/%3A/gi, ':'], [/%2F/gi, '/'], [/%3F/gi, '?'], [/%40/gi, '@'], [/%21/gi, '!'], [/%24/gi, '$'],
  [/%27/gi, "'"], [/%28/gi, '('], [/%29/gi, ')'], [/%2A/gi, '*'], [/%2C/gi, ','], [/%3B/gi, ';'],
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

const hubspot = macProvider({
  id: 'hubspot',
  name: 'HubSpot',
  detect: (req) => hasHeaderPrefix(req, 'x-hubspot-'),
  tolerance: 300,
  parse(req) {
    const v3 = header(req, 'x-hubspot-signature-v3');
    if (v3 !== undefined) {
      const ts = header(req, 'x-hubspot-request-timestamp');
      if (ts === undefined) return malformed('HubSpot', 'X-HubSpot-Signature-v3', 'the X-HubSpot-Request-Timestamp header is missing');
      if (!/^\d+$/.test(ts.trim())) return malformed('HubSpot', 'X-HubSpot-Request-Timestamp', `"${ts}" is not a time in milliseconds`);
      return { candidates: [{ value: v3.trim() }], time: Number(ts.trim()) / 1000, scheme: hubspotV3Scheme(req, ts.trim()) };
    }
    const legacy = header(req, 'x-hubspot-signature');
    if (legacy === undefined) return missing('HubSpot', 'X-HubSpot-Signature-v3');
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

// ---------------------------------------------------------------------------------------------
// Square: base64 HMAC-SHA256 over notification URL + body (legacy x-square-signature: SHA-1).
// ---------------------------------------------------------------------------------------------

function squareScheme(req: SignedRequest, alg: HmacAlgorithm): MacScheme {
  return { alg, enc: 'base64', key: 'raw', messages: (body) => [concat(req.url, body)] };
}

const square = macProvider({
  id: 'square',
  name: 'Square',
  detect: (req) => hasHeader(req, 'x-square-hmacsha256-signature', 'x-square-signature', 'square-environment'),
  parse(req) {
    const modern = header(req, 'x-square-hmacsha256-signature');
    if (modern !== undefined) return { candidates: [{ value: modern.trim() }], scheme: squareScheme(req, 'sha256') };
    const legacy = header(req, 'x-square-signature');
    if (legacy !== undefined) return { candidates: [{ value: legacy.trim() }], scheme: squareScheme(req, 'sha1') };
    return missing('Square', 'x-square-hmacsha256-signature');
  },
  sign(req, secret) {
    return {
      'x-square-hmacsha256-signature': signWith(squareScheme(req, 'sha256'), secret, req.body),
      'x-square-signature': signWith(squareScheme(req, 'sha1'), secret, req.body),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Paddle Billing: Paddle-Signature: ts=<unix>;h1=<hex> over `${ts}:${body}`, 5 s tolerance.
// ---------------------------------------------------------------------------------------------

function paddleScheme(ts: string): MacScheme {
  return { alg: 'sha256', enc: 'hex', key: 'raw', messages: (body) => [concat(`${ts}:`, body)] };
}

const paddle = macProvider({
  id: 'paddle',
  name: 'Paddle',
  detect: (req) => hasHeader(req, 'paddle-signature'),
  tolerance: 5,
  parse(req) {
    const value = header(req, 'paddle-signature');
    if (value === undefined) return missing('Paddle', 'Paddle-Signature');
    let ts: string | undefined;
    const candidates: Candidate[] = [];
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const k = part.slice(0, eq).trim();
      const v = part.slice(eq + 1).trim();
      if (k === 'ts') ts = v;
      else if (k === 'h1' && v) candidates.push({ value: v });
    }
    if (ts === undefined || !/^\d+$/.test(ts)) return malformed('Paddle', 'Paddle-Signature', 'no "ts=<unix time>" element');
    if (candidates.length === 0) return malformed('Paddle', 'Paddle-Signature', 'no "h1=<signature>" element');
    return { candidates, time: Number(ts), scheme: paddleScheme(ts) };
  },
  sign(req, secret, now) {
    const ts = String(unixSeconds(now));
    return { 'paddle-signature': `ts=${ts};h1=${signWith(paddleScheme(ts), secret, req.body)}` };
  },
});

// ---------------------------------------------------------------------------------------------
// GitLab: X-Gitlab-Token (the secret itself); newer signing tokens use Standard Webhooks headers.
// ---------------------------------------------------------------------------------------------

const gitlabSigned = standardFamily({ id: 'gitlab', name: 'GitLab', prefix: 'webhook', detect: () => false });

const gitlab: ProviderDef = {
  id: 'gitlab',
  name: 'GitLab',
  canSign: true,
  detect: (req) => hasHeader(req, 'x-gitlab-event', 'x-gitlab-token', 'x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'x-gitlab-instance'),
  verify(req, ctx) {
    const token = header(req, 'x-gitlab-token');
    if (token === undefined && header(req, 'webhook-signature') !== undefined) {
      // Signing-token webhooks (Standard Webhooks format). UNCONFIRMED: the key is assumed to be a
      // whsec_/base64 key like Standard Webhooks; see the module README note.
      return gitlabSigned.verify(req, ctx);
    }
    if (token === undefined) {
      return { provider: 'gitlab', ...missing('GitLab', 'X-Gitlab-Token', 'GitLab sends it only when the webhook has a secret token.') };
    }
    if (token.trim() === '') return { provider: 'gitlab', ...malformed('GitLab', 'X-Gitlab-Token', 'the token is empty') };
    if (ctx.secrets.length === 0) return noSecret('gitlab', 'GitLab', 'secret token');
    for (const [i, secret] of ctx.secrets.entries()) {
      if (safeEqualText(token, secret)) return matchedResult('gitlab', 'GitLab', i, { time: undefined, tolerance: undefined }, ctx.now, `The X-Gitlab-Token matches secret #${i + 1}.`);
    }
    for (const [i, secret] of ctx.secrets.entries()) {
      if (safeEqualText(token.trim(), cleanSecret(secret))) {
        return {
          provider: 'gitlab',
          status: 'invalid',
          reason: `Secret #${i + 1} has whitespace or quotes around it; without them it equals the X-Gitlab-Token.`,
          hint: 'Set the secret again without the surrounding spaces, newline or quotes.',
        };
      }
    }
    return {
      provider: 'gitlab',
      status: 'invalid',
      reason: 'The X-Gitlab-Token does not match the configured secret token; it is probably the token of another webhook.',
      hint: "Copy the secret token from this webhook's settings in GitLab (it cannot be viewed again; set a new one if needed).",
    };
  },
  sign(req, secret, now) {
    // A request that came with a signing-token signature (and no secret token) is re-signed the same way.
    if (header(req, 'x-gitlab-token') === undefined && header(req, 'webhook-signature') !== undefined && gitlabSigned.sign) {
      return gitlabSigned.sign(req, secret, now);
    }
    return { 'x-gitlab-token': secret };
  },
};

// ---------------------------------------------------------------------------------------------
// Linear: hex HMAC-SHA256 of the body; the signed `webhookTimestamp` (ms) is inside the body, ±60 s.
// ---------------------------------------------------------------------------------------------

const linearScheme: MacScheme = { alg: 'sha256', enc: 'hex', key: 'raw', messages: (b) => [b] };

const linear = macProvider({
  id: 'linear',
  name: 'Linear',
  detect: (req) => hasHeader(req, 'linear-signature', 'linear-delivery', 'linear-event'),
  tolerance: 60,
  parse(req) {
    const value = header(req, 'linear-signature');
    if (value === undefined) return missing('Linear', 'Linear-Signature');
    if (!value.trim()) return malformed('Linear', 'Linear-Signature', 'the signature is empty');
    const body = parseJson(req.body);
    let time: number | undefined;
    if (isRecord(body) && typeof body.webhookTimestamp === 'number' && Number.isFinite(body.webhookTimestamp)) {
      time = body.webhookTimestamp / 1000;
    } else {
      const ts = header(req, 'linear-timestamp');
      if (ts !== undefined) time = parseTimestamp(ts, 'auto');
    }
    return { candidates: [{ value: value.trim() }], scheme: linearScheme, ...(time !== undefined ? { time } : {}) };
  },
  sign(req, secret, now) {
    return { 'linear-signature': signWith(linearScheme, secret, req.body), 'linear-timestamp': String(now.getTime()) };
  },
});

// ---------------------------------------------------------------------------------------------
// Twitch EventSub: sha256=<hex> over id + timestamp (RFC 3339, verbatim) + body, 10 min.
// ---------------------------------------------------------------------------------------------

function twitchScheme(id: string, ts: string): MacScheme {
  return { alg: 'sha256', enc: 'hex', key: 'raw', messages: (body) => [concat(id + ts, body)] };
}

const twitch = macProvider({
  id: 'twitch',
  name: 'Twitch EventSub',
  detect: (req) => hasHeaderPrefix(req, 'twitch-eventsub-'),
  tolerance: 600,
  parse(req) {
    const value = header(req, 'twitch-eventsub-message-signature');
    if (value === undefined) return missing('Twitch EventSub', 'Twitch-Eventsub-Message-Signature');
    const id = header(req, 'twitch-eventsub-message-id');
    const ts = header(req, 'twitch-eventsub-message-timestamp');
    if (id === undefined) return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'the Twitch-Eventsub-Message-Id header is missing');
    if (ts === undefined) return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'the Twitch-Eventsub-Message-Timestamp header is missing');
    const time = parseTimestamp(ts);
    if (time === undefined) return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Timestamp', `"${ts}" is not an RFC 3339 time`);
    const split = splitAlgPrefix(value);
    if (!split || !split.sig) return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'expected "sha256=<hex>"');
    const candidate: Candidate = split.alg === 'sha256' ? { value: split.sig } : { value: split.sig, alg: split.alg };
    return { candidates: [candidate], time, scheme: twitchScheme(id, ts) };
  },
  sign(req, secret, now) {
    const id = header(req, 'twitch-eventsub-message-id') ?? randomUUID();
    const ts = now.toISOString();
    return {
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-timestamp': ts,
      'twitch-eventsub-message-signature': `sha256=${signWith(twitchScheme(id, ts), secret, req.body)}`,
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Box: BOX-SIGNATURE-PRIMARY / -SECONDARY, base64 HMAC-SHA256 over body + timestamp, 10 min.
// ---------------------------------------------------------------------------------------------

function boxScheme(ts: string): MacScheme {
  return { alg: 'sha256', enc: 'base64', key: 'raw', messages: (body) => [concat(body, ts)] };
}

const box = macProvider({
  id: 'box',
  name: 'Box',
  detect: (req) => hasHeader(req, 'box-delivery-id', 'box-signature-primary', 'box-signature-secondary', 'box-delivery-timestamp'),
  tolerance: 600,
  parse(req) {
    const primary = header(req, 'box-signature-primary');
    const secondary = header(req, 'box-signature-secondary');
    if (primary === undefined && secondary === undefined) return missing('Box', 'BOX-SIGNATURE-PRIMARY');
    const version = header(req, 'box-signature-version');
    if (version !== undefined && version.trim() !== '1') return malformed('Box', 'BOX-SIGNATURE-VERSION', `unknown version "${version}"`);
    const algorithm = header(req, 'box-signature-algorithm');
    if (algorithm !== undefined && algorithm.trim() !== 'HmacSHA256') {
      return malformed('Box', 'BOX-SIGNATURE-ALGORITHM', `unknown algorithm "${algorithm}"`);
    }
    const ts = readTimestampHeader(req, 'Box', 'box-delivery-timestamp');
    if (isParseFailure(ts)) return ts;
    if (ts.time === undefined) return malformed('Box', 'BOX-DELIVERY-TIMESTAMP', `"${ts.raw}" is not an RFC 3339 time`);
    const candidates = [primary, secondary].filter((v): v is string => !!v && v.trim() !== '').map((v) => ({ value: v.trim() }));
    if (candidates.length === 0) return malformed('Box', 'BOX-SIGNATURE-PRIMARY', 'the signature is empty');
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
  return { alg: 'sha256', enc: 'base64', key: 'raw', messages: (body) => [concat(ts, body)] };
}

const zendesk = macProvider({
  id: 'zendesk',
  name: 'Zendesk',
  detect: (req) => hasHeaderPrefix(req, 'x-zendesk-webhook-'),
  parse(req) {
    const value = header(req, 'x-zendesk-webhook-signature');
    if (value === undefined) return missing('Zendesk', 'X-Zendesk-Webhook-Signature');
    const ts = readTimestampHeader(req, 'Zendesk', 'x-zendesk-webhook-signature-timestamp');
    if (isParseFailure(ts)) return ts;
    if (!value.trim()) return malformed('Zendesk', 'X-Zendesk-Webhook-Signature', 'the signature is empty');
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

// ---------------------------------------------------------------------------------------------
// Mailgun: the signature is inside the body: hex HMAC-SHA256 of timestamp + token.
// ---------------------------------------------------------------------------------------------

interface MailgunSig {
  timestamp: string;
  token: string;
  signatures: string[];
}

function readMailgun(body: Uint8Array): MailgunSig | 'partial' | 'missing' | undefined {
  const json = parseJson(body);
  if (isRecord(json)) {
    const sig = json.signature;
    if (isRecord(sig)) {
      const { timestamp, token } = sig;
      const signatures = [sig.signature, sig['parent-signature']].filter((s): s is string => typeof s === 'string');
      if ((typeof timestamp === 'string' || typeof timestamp === 'number') && typeof token === 'string' && signatures.length > 0) {
        return { timestamp: String(timestamp), token, signatures };
      }
      return 'partial';
    }
    return 'event-data' in json ? 'missing' : undefined;
  }
  const form = new URLSearchParams(text(body));
  const timestamp = form.get('timestamp');
  const token = form.get('token');
  const signature = form.get('signature');
  if (timestamp !== null && token !== null && signature !== null) return { timestamp, token, signatures: [signature] };
  return undefined;
}

const mailgun = macProvider({
  id: 'mailgun',
  name: 'Mailgun',
  detect: (req) => readMailgun(req.body) !== undefined,
  parse(req) {
    const sig = readMailgun(req.body);
    if (sig === undefined || sig === 'missing') return missing('Mailgun', 'signature', 'Mailgun puts it in the body as signature {timestamp, token, signature}.');
    if (sig === 'partial') return malformed('Mailgun', 'signature', 'the body\'s signature object needs timestamp, token and signature');
    const time = parseTimestamp(sig.timestamp, 's');
    return {
      candidates: sig.signatures.map((value) => ({ value })),
      scheme: { alg: 'sha256', enc: 'hex', key: 'raw', messages: () => [utf8(sig.timestamp + sig.token)] },
      ...(time !== undefined ? { time } : {}),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Public-key schemes: Discord (Ed25519) and SendGrid (ECDSA P-256). Verify only.
// ---------------------------------------------------------------------------------------------

const discord: ProviderDef = {
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

const sendgrid: ProviderDef = {
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

// ---------------------------------------------------------------------------------------------
// Schemes that need the network: detected, reported as unsupported.
// ---------------------------------------------------------------------------------------------

function networkOnly(id: string, name: string, headers: string[], why: string): ProviderDef {
  return {
    id,
    name,
    canSign: false,
    detect: (req) => hasHeader(req, ...headers),
    verify(): VerificationResult {
      return {
        provider: id,
        status: 'unsupported',
        reason: `${name} signatures cannot be checked offline: ${why}.`,
        hint: `Verify ${name} deliveries in your handler with the provider's SDK; the inspector only shows them.`,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Svix-delivered providers: tell Clerk and Resend apart from plain Svix by the event type.
// ---------------------------------------------------------------------------------------------

function svixEventType(req: SignedRequest): string | undefined {
  const body = parseJson(req.body);
  return isRecord(body) && typeof body.type === 'string' ? body.type : undefined;
}

const CLERK_TYPES = /^(user|session|organization|organizationMembership|organizationInvitation|organizationDomain|email|sms|role|permission|waitlistEntry|subscription|subscriptionItem|paymentAttempt)\./;
const RESEND_TYPES = /^(email|contact|domain)\./;

function looksLikeClerk(req: SignedRequest): boolean {
  const body = parseJson(req.body);
  const type = svixEventType(req);
  return isRecord(body) && body.object === 'event' && type !== undefined && CLERK_TYPES.test(type);
}

function looksLikeResend(req: SignedRequest): boolean {
  const type = svixEventType(req);
  return type !== undefined && RESEND_TYPES.test(type) && !looksLikeClerk(req);
}

const hasSvix = (req: SignedRequest): boolean => hasHeader(req, 'svix-signature', 'svix-id', 'svix-timestamp');

// ---------------------------------------------------------------------------------------------
// The catalogue, in detection order (more specific first).
// ---------------------------------------------------------------------------------------------

const github = hubSignature({
  id: 'github',
  name: 'GitHub',
  detect: (req) => hasHeader(req, 'x-github-event', 'x-github-delivery', 'x-github-hook-id'),
});

const meta = hubSignature({
  id: 'meta',
  name: 'Meta',
  detect: (req) =>
    /facebookexternalua|facebookplatform/i.test(header(req, 'user-agent') ?? '') ||
    (hasHeader(req, 'x-hub-signature-256') && !hasHeaderPrefix(req, 'x-github-')),
});

export const PROVIDERS: ProviderDef[] = [
  networkOnly('paypal', 'PayPal', ['paypal-transmission-sig', 'paypal-transmission-id', 'paypal-cert-url'],
    "the signature is RSA with PayPal's key, whose certificate (or the verify-webhook-signature API) must be fetched"),
  networkOnly('plaid', 'Plaid', ['plaid-verification'],
    'the Plaid-Verification JWT is signed with a key that must be fetched from the Plaid API with your client credentials'),
  networkOnly('amazon-sns', 'Amazon SNS', ['x-amz-sns-message-type', 'x-amz-sns-topic-arn'],
    'SNS messages are signed with an AWS certificate that must be downloaded from SigningCertURL'),
  gitlab,
  tv1({ id: 'stripe', name: 'Stripe', header: 'stripe-signature', tolerance: 300, detect: (req) => hasHeader(req, 'stripe-signature') }),
  github,
  shopify,
  v0({
    id: 'slack',
    name: 'Slack',
    header: 'x-slack-signature',
    timestampHeader: 'x-slack-request-timestamp',
    tolerance: 300,
    detect: (req) => hasHeader(req, 'x-slack-signature', 'x-slack-request-timestamp'),
  }),
  standardFamily({ id: 'clerk', name: 'Clerk', prefix: 'svix', detect: (req) => hasSvix(req) && looksLikeClerk(req) }),
  standardFamily({ id: 'resend', name: 'Resend', prefix: 'svix', detect: (req) => hasSvix(req) && looksLikeResend(req) }),
  standardFamily({ id: 'svix', name: 'Svix', prefix: 'svix', detect: hasSvix }),
  standardFamily({
    id: 'standard-webhooks',
    name: 'Standard Webhooks',
    prefix: 'webhook',
    detect: (req) => hasHeader(req, 'webhook-signature') || hasHeader(req, 'webhook-id') && hasHeader(req, 'webhook-timestamp'),
  }),
  sendgrid,
  twilio,
  hubspot,
  square,
  paddle,
  bodyOnly({
    id: 'lemonsqueezy',
    name: 'Lemon Squeezy',
    header: 'x-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-event-name'),
  }),
  bodyOnly({
    id: 'bitbucket',
    name: 'Bitbucket',
    header: 'x-hub-signature',
    alg: 'sha256',
    enc: 'hex',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'x-event-key', 'x-hook-uuid'),
  }),
  linear,
  v0({
    id: 'zoom',
    name: 'Zoom',
    header: 'x-zm-signature',
    timestampHeader: 'x-zm-request-timestamp',
    tolerance: 300,
    detect: (req) => hasHeaderPrefix(req, 'x-zm-'),
  }),
  discord,
  twitch,
  bodyOnly({
    id: 'woocommerce',
    name: 'WooCommerce',
    header: 'x-wc-webhook-signature',
    alg: 'sha256',
    enc: 'base64',
    detect: (req) => hasHeaderPrefix(req, 'x-wc-webhook-'),
  }),
  bodyOnly({
    id: 'typeform',
    name: 'Typeform',
    header: 'typeform-signature',
    alg: 'sha256',
    enc: 'base64',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'typeform-signature'),
  }),
  tv1({
    id: 'calendly',
    name: 'Calendly',
    header: 'calendly-webhook-signature',
    tolerance: 180,
    detect: (req) => hasHeader(req, 'calendly-webhook-signature'),
  }),
  bodyOnly({
    id: 'sentry',
    name: 'Sentry',
    header: 'sentry-hook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeaderPrefix(req, 'sentry-hook-'),
  }),
  bodyOnly({
    id: 'asana',
    name: 'Asana',
    header: 'x-hook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-hook-signature', 'x-hook-secret'),
  }),
  box,
  zendesk,
  bodyOnly({
    id: 'razorpay',
    name: 'Razorpay',
    header: 'x-razorpay-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeaderPrefix(req, 'x-razorpay-'),
  }),
  bodyOnly({
    id: 'coinbase',
    name: 'Coinbase Commerce',
    header: 'x-cc-webhook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-cc-webhook-signature'),
  }),
  bodyOnly({
    id: 'vercel',
    name: 'Vercel',
    header: 'x-vercel-signature',
    alg: 'sha1',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-vercel-signature'),
  }),
  bodyOnly({
    id: 'line',
    name: 'LINE',
    header: 'x-line-signature',
    alg: 'sha256',
    enc: 'base64',
    detect: (req) => hasHeader(req, 'x-line-signature'),
  }),
  meta,
  bodyOnly({
    id: 'intercom',
    name: 'Intercom',
    header: 'x-hub-signature',
    alg: 'sha1',
    enc: 'hex',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'x-hub-signature') || /intercom/i.test(header(req, 'user-agent') ?? ''),
  }),
  mailgun,
  genericHmac,
];

export function providerDef(id: string): ProviderDef | undefined {
  return PROVIDERS.find((p) => p.id === id);
}
