import type { HmacAlgorithm, SignedRequest } from '../types';
import { type MacScheme, malformed, missing, signWith } from '../engine';
import { hmacOver, keyValueSignature, macProvider } from '../schemes';
import { concat, hasHeader, hasHeaderPrefix, header, unixSeconds } from '../util';

// ---------------------------------------------------------------------------------------------
// Shopify: base64 HMAC-SHA256 of the body in X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256 in the
// newer "events" header set).
// ---------------------------------------------------------------------------------------------

const shopifyScheme = hmacOver('sha256', 'base64');
const usesShopifyEventsHeaders = (req: SignedRequest): boolean =>
  hasHeader(req, 'shopify-hmac-sha256', 'shopify-topic', 'shopify-event-id', 'shopify-webhook-id');

export const shopify = macProvider({
  id: 'shopify',
  name: 'Shopify',
  detect: (req) => hasHeaderPrefix(req, 'x-shopify-') || usesShopifyEventsHeaders(req),
  parse(req) {
    const value = header(req, 'x-shopify-hmac-sha256') ?? header(req, 'shopify-hmac-sha256');
    if (value === undefined) {
      return missing('Shopify', 'X-Shopify-Hmac-Sha256');
    }
    if (!value.trim()) {
      return malformed('Shopify', 'X-Shopify-Hmac-Sha256', 'the signature is empty');
    }
    return { candidates: [{ value: value.trim() }], scheme: shopifyScheme };
  },
  sign(req, secret) {
    const name = !hasHeaderPrefix(req, 'x-shopify-') && usesShopifyEventsHeaders(req) ? 'shopify-hmac-sha256' : 'x-shopify-hmac-sha256';
    return { [name]: signWith(shopifyScheme, secret, req.body) };
  },
});

// ---------------------------------------------------------------------------------------------
// Square: base64 HMAC-SHA256 over notification URL + body (legacy x-square-signature: SHA-1).
// ---------------------------------------------------------------------------------------------

function squareScheme(req: SignedRequest, alg: HmacAlgorithm): MacScheme {
  return hmacOver(alg, 'base64', (body) => concat(req.url, body));
}

export const square = macProvider({
  id: 'square',
  name: 'Square',
  detect: (req) => hasHeader(req, 'x-square-hmacsha256-signature', 'x-square-signature', 'square-environment'),
  parse(req) {
    const modern = header(req, 'x-square-hmacsha256-signature');
    if (modern !== undefined) {
      return { candidates: [{ value: modern.trim() }], scheme: squareScheme(req, 'sha256') };
    }
    const legacy = header(req, 'x-square-signature');
    if (legacy !== undefined) {
      return { candidates: [{ value: legacy.trim() }], scheme: squareScheme(req, 'sha1') };
    }
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
  return hmacOver('sha256', 'hex', (body) => concat(`${ts}:`, body));
}

export const paddle = macProvider({
  id: 'paddle',
  name: 'Paddle',
  detect: (req) => hasHeader(req, 'paddle-signature'),
  tolerance: 5,
  parse(req) {
    const value = header(req, 'paddle-signature');
    if (value === undefined) {
      return missing('Paddle', 'Paddle-Signature');
    }
    const { time: ts, candidates } = keyValueSignature(value, { separator: ';', timeKey: 'ts', valueKey: 'h1' });
    if (ts === undefined || !/^\d+$/.test(ts)) {
      return malformed('Paddle', 'Paddle-Signature', 'no "ts=<unix time>" element');
    }
    if (candidates.length === 0) {
      return malformed('Paddle', 'Paddle-Signature', 'no "h1=<signature>" element');
    }
    return { candidates, time: Number(ts), scheme: paddleScheme(ts) };
  },
  sign(req, secret, now) {
    const ts = String(unixSeconds(now));
    return { 'paddle-signature': `ts=${ts};h1=${signWith(paddleScheme(ts), secret, req.body)}` };
  },
});
