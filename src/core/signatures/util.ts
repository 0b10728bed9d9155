import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacAlgorithm, SignatureEncoding, SignedRequest } from './types';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function concat(...parts: Array<Uint8Array | string>): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Reads a header by (case-insensitive) name; the first value when it was sent several times. */
export function header(req: SignedRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = req.headers[wanted];
  if (value === undefined) {
    // Detection asks for many headers a request does not have: no entries array, and a name of
    // another length is never lower-cased (header names are ASCII tokens).
    for (const k in req.headers) {
      if (k.length === wanted.length && k.toLowerCase() === wanted) {
        value = req.headers[k];
        break;
      }
    }
  }
  if (Array.isArray(value)) {
    return value[0];
  }
  return value;
}

export function hasHeader(req: SignedRequest, ...names: string[]): boolean {
  return names.some((n) => header(req, n) !== undefined);
}

export function hasHeaderPrefix(req: SignedRequest, prefix: string): boolean {
  const p = prefix.toLowerCase();
  for (const k in req.headers) {
    if (req.headers[k] !== undefined && k.length >= p.length && k.toLowerCase().startsWith(p)) {
      return true;
    }
  }
  return false;
}

export function hmac(alg: HmacAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(alg, key).update(message).digest());
}

export function sha(alg: HmacAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) {
    h.update(p);
  }
  return new Uint8Array(h.digest());
}

export function encode(bytes: Uint8Array, enc: SignatureEncoding): string {
  return Buffer.from(bytes).toString(enc);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Strict decoding: undefined when `value` is not valid in `enc` (Node's decoders silently skip junk). */
export function decode(value: string, enc: SignatureEncoding): Uint8Array | undefined {
  if (value.length === 0) {
    return undefined;
  }
  if (enc === 'hex') {
    return HEX.test(value) ? new Uint8Array(Buffer.from(value, 'hex')) : undefined;
  }
  if (enc === 'base64') {
    if (!B64.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
      return undefined;
    }
    return new Uint8Array(Buffer.from(value, 'base64'));
  }
  if (!B64URL.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

/** Constant-time equality of two byte strings; lengths are compared first (timingSafeEqual throws otherwise). */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Constant-time equality of two strings, compared as UTF-8 bytes. */
export function safeEqualText(a: string, b: string): boolean {
  return safeEqual(utf8(a), utf8(b));
}

/**
 * Parses a timestamp as unix seconds. Accepts unix seconds, unix milliseconds (13+ digits) and
 * ISO 8601 / RFC 3339 strings (fractional seconds of any precision). Undefined when unreadable.
 */
export function parseTimestamp(raw: string, unit: 'auto' | 's' | 'ms' = 'auto'): number | undefined {
  const value = raw.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(value)) {
    const n = Number(value);
    if (!Number.isFinite(n)) {
      return undefined;
    }
    if (unit === 'ms' || (unit === 'auto' && Math.abs(n) >= 1e12)) {
      return n / 1000;
    }
    return n;
  }
  if (unit !== 'auto') {
    return undefined;
  }
  // Date.parse handles at most millisecond precision; trim longer fractions (Twitch sends nanoseconds).
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i.exec(value);
  if (!m) {
    return undefined;
  }
  const ms = Date.parse(`${m[1]}${m[2] ? m[2].slice(0, 4) : ''}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function unixSeconds(now: Date): number {
  return Math.floor(now.getTime() / 1000);
}

/** The body as JSON, or undefined when it is not a JSON document. */
export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(text(body)) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "412 seconds in the past" / "30 seconds in the future" for a skew (positive = past). */
export function describeSkew(skew: number): string {
  const n = Math.abs(skew);
  const unit = n === 1 ? 'second' : 'seconds';
  return skew >= 0 ? `${n} ${unit} in the past` : `${n} ${unit} in the future`;
}
