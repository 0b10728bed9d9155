import { createHash, createHmac } from 'node:crypto';
import type { SignedRequest } from '../../../src/core/signatures/index';

/** A fixed clock for every test: 2026-03-01T12:00:00Z. */
export const NOW = new Date('2026-03-01T12:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

export const JSON_BODY = '{"id":"evt_1","type":"test.event","data":{"amount":4200,"name":"Zoë"}}';

export function request(
  headers: Record<string, string>,
  body: string | Uint8Array = JSON_BODY,
  url = 'https://hooks.example.com/webhooks/in?x=1',
  method = 'POST',
): SignedRequest {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    lower[k.toLowerCase()] = v;
  }
  return { method, url, headers: lower, body: typeof body === 'string' ? new TextEncoder().encode(body) : body };
}

/** Independent HMAC, straight from node:crypto (never through the module under test). */
export function hmacOf(alg: string, key: string | Buffer, data: string | Buffer, enc: 'hex' | 'base64' | 'base64url'): string {
  return createHmac(alg, key).update(data).digest(enc);
}

export function shaOf(alg: string, data: string | Buffer, enc: 'hex' | 'base64'): string {
  return createHash(alg).update(data).digest(enc);
}

/** The same request with one byte of the body changed. */
export function tamper(req: SignedRequest): SignedRequest {
  const body = new Uint8Array(req.body);
  const i = body.length > 20 ? 20 : 0;
  body[i] = (body[i] ?? 0) ^ 0x01;
  return { ...req, body };
}

export function withHeaders(req: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  const out: Record<string, string | string[] | undefined> = { ...req.headers };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) {
      delete out[k.toLowerCase()];
    } else {
      out[k.toLowerCase()] = v;
    }
  }
  return { ...req, headers: out };
}

export function bodyText(req: SignedRequest): string {
  return new TextDecoder().decode(req.body);
}
