import type { GenericHmacConfig, HmacAlgorithm, SignatureEncoding, SignedRequest, VerificationResult } from './types';
import { decode, describeSkew, encode, hmac, parseJson, safeEqual, sha, text, utf8 } from './util';

/**
 * How the secret text becomes key bytes. `raw`: UTF-8 as-is; `whsec`: strip an optional `whsec_`
 * prefix, base64-decode; `base64` / `hex`: decode.
 */
export type KeyFormat = 'raw' | 'whsec' | 'base64' | 'hex';

/** A MAC scheme: the signed message(s) for a body, and how the digest is computed and encoded. */
export interface MacScheme {
  alg: HmacAlgorithm;
  enc: SignatureEncoding;
  key: KeyFormat;
  /** `hmac` (default), or `hash`: a plain digest of secret bytes followed by the message (HubSpot v1/v2). */
  mode?: 'hmac' | 'hash';
  /** The signed message for `body`; several when the request has equivalent forms (e.g. URL with and without port). */
  messages(body: Uint8Array): Uint8Array[];
}

/** One signature as found in a header. */
export interface Candidate {
  value: string;
  /** Set when the header names the algorithm itself (e.g. `sha1=`), and it differs from the scheme's. */
  alg?: HmacAlgorithm;
}

export interface ParsedSignature {
  candidates: Candidate[];
  /** Signed timestamp as unix seconds, when the scheme has one. */
  time?: number;
}

export interface ParseFailure {
  status: 'no-signature' | 'malformed';
  reason: string;
  hint?: string;
}

export interface VerifyContext {
  secrets: string[];
  now: Date;
  toleranceSeconds?: number;
  generic?: GenericHmacConfig;
}

export interface ProviderDef {
  id: string;
  name: string;
  canSign: boolean;
  detect(req: SignedRequest): boolean;
  verify(req: SignedRequest, ctx: VerifyContext): VerificationResult;
  sign?(req: SignedRequest, secret: string, now: Date, generic?: GenericHmacConfig): Record<string, string>;
}

export function isParseFailure<T extends object>(value: T | ParseFailure): value is ParseFailure {
  return 'status' in value;
}

export function missing(name: string, headerName: string, extra = ''): ParseFailure {
  return {
    status: 'no-signature',
    reason: `This looks like a ${name} request, but the ${headerName} header is missing.${extra ? ` ${extra}` : ''}`,
    hint: `Make sure signing is enabled for this ${name} webhook and that no proxy strips the ${headerName} header.`,
  };
}

export function malformed(name: string, headerName: string, detail: string): ParseFailure {
  return {
    status: 'malformed',
    reason: `The ${headerName} header cannot be parsed as a ${name} signature: ${detail}.`,
    hint: `Check that the header reaches the receiver unmodified; ${name} sends it in a fixed format.`,
  };
}

export function keyBytes(secret: string, format: KeyFormat): Uint8Array {
  if (format === 'raw') {
    return utf8(secret);
  }
  if (format === 'hex') {
    return new Uint8Array(Buffer.from(secret, 'hex'));
  }
  if (format === 'base64') {
    return new Uint8Array(Buffer.from(secret, 'base64'));
  }
  const stripped = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return new Uint8Array(Buffer.from(stripped, 'base64'));
}

export function digest(scheme: Pick<MacScheme, 'alg' | 'mode'>, key: Uint8Array, message: Uint8Array): Uint8Array {
  return scheme.mode === 'hash' ? sha(scheme.alg, key, message) : hmac(scheme.alg, key, message);
}

/** The encoded signature of `body` under `scheme` with `secret` (first message variant). */
export function signWith(scheme: MacScheme, secret: string, body: Uint8Array): string {
  const message = scheme.messages(body)[0];
  if (!message) {
    throw new Error('Nothing to sign.');
  }
  return encode(digest(scheme, keyBytes(secret, scheme.key), message), scheme.enc);
}

function matches(
  scheme: MacScheme,
  key: Uint8Array,
  body: Uint8Array,
  candidates: Candidate[],
  alg: HmacAlgorithm = scheme.alg,
  enc: SignatureEncoding = scheme.enc,
  strictAlg = true,
): boolean {
  for (const message of scheme.messages(body)) {
    const expected = digest({ alg, mode: scheme.mode }, key, message);
    for (const c of candidates) {
      if (strictAlg && (c.alg ?? scheme.alg) !== alg) {
        continue;
      }
      const got = decode(c.value, enc);
      if (got && safeEqual(got, expected)) {
        return true;
      }
    }
  }
  return false;
}

/** Whitespace, quotes or a trailing newline around a pasted secret. */
export function cleanSecret(secret: string): string {
  let s = secret.trim();
  for (;;) {
    const m = /^(["'`])([\s\S]*)\1$/.exec(s);
    if (!m || m[2] === undefined) {
      break;
    }
    s = m[2].trim();
  }
  return s;
}

interface KeyVariant {
  bytes: Uint8Array;
  label: string;
}

function siblingKeys(secret: string, format: KeyFormat): KeyVariant[] {
  const out: KeyVariant[] = [];
  const hasPrefix = secret.startsWith('whsec_');
  const stripped = hasPrefix ? secret.slice('whsec_'.length) : secret;
  const b64 = decode(stripped, 'base64');
  if (format === 'base64' || format === 'hex') {
    out.push({ bytes: utf8(secret), label: `used as plain text (not ${format}-decoded)` });
  } else if (format === 'whsec') {
    out.push({ bytes: utf8(secret), label: 'used as plain text (not base64-decoded)' });
    if (hasPrefix) {
      out.push({ bytes: utf8(stripped), label: 'used as plain text without its whsec_ prefix' });
    }
  } else {
    if (hasPrefix) {
      out.push({ bytes: utf8(stripped), label: 'used without its whsec_ prefix' });
      if (b64) {
        out.push({ bytes: b64, label: 'base64-decoded after removing whsec_ (the Standard Webhooks format)' });
      }
    } else {
      out.push({ bytes: utf8(`whsec_${secret}`), label: 'used with a whsec_ prefix in front' });
      if (b64) {
        out.push({ bytes: b64, label: 'base64-decoded' });
      }
      const hex = decode(secret, 'hex');
      if (hex) {
        out.push({ bytes: hex, label: 'hex-decoded' });
      }
    }
  }
  return out;
}

function expectedKeyFormat(format: KeyFormat): string {
  if (format === 'whsec') {
    return 'base64-decodes the part after whsec_';
  }
  if (format === 'raw') {
    return 'uses the secret exactly as shown';
  }
  return `${format}-decodes the secret`;
}

function bodyVariants(body: Uint8Array): Array<{ bytes: Uint8Array; label: string }> {
  const parsed = parseJson(body);
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
    return [];
  }
  const raw = text(body);
  const out: Array<{ bytes: Uint8Array; label: string }> = [];
  const compact = JSON.stringify(parsed);
  const pretty = JSON.stringify(parsed, null, 2);
  if (compact !== raw) {
    out.push({ bytes: utf8(compact), label: 'compact JSON' });
  }
  if (pretty !== raw) {
    out.push({ bytes: utf8(pretty), label: 'pretty-printed JSON (2-space indent)' });
  }
  return out;
}

const ALGS: HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCS: SignatureEncoding[] = ['hex', 'base64', 'base64url'];

function algName(alg: HmacAlgorithm): string {
  return alg === 'sha1' ? 'SHA-1' : alg === 'sha256' ? 'SHA-256' : 'SHA-512';
}

export interface TimeCheck {
  /** Signed timestamp (unix seconds). */
  time: number | undefined;
  /** Tolerance in seconds; undefined or 0 = not checked. */
  tolerance: number | undefined;
}

export function skewOf(time: number | undefined, now: Date): number | undefined {
  return time === undefined ? undefined : Math.round(now.getTime() / 1000 - time);
}

function staleResult(
  provider: string,
  name: string,
  skew: number,
  tolerance: number,
  matchedSecretIndex: number | undefined,
): VerificationResult {
  return {
    provider,
    status: 'stale',
    reason: `The signature is valid, but its timestamp is ${describeSkew(skew)} (tolerance ${tolerance} s).`,
    hint:
      skew >= 0
        ? `This is an old delivery or a replay; ${name} receivers reject it. Re-sign it with a fresh timestamp to resend, or check this machine's clock.`
        : `The sender's clock or this machine's clock is off; synchronise the clock (NTP).`,
    ...(matchedSecretIndex !== undefined ? { matchedSecretIndex } : {}),
    skewSeconds: skew,
  };
}

/** Builds the final result once a signature matched: `valid`, or `stale` when the timestamp is out of tolerance. */
export function matchedResult(
  provider: string,
  name: string,
  index: number,
  check: TimeCheck,
  now: Date,
  reason?: string,
  hint?: string,
): VerificationResult {
  const skew = skewOf(check.time, now);
  if (skew !== undefined && check.tolerance && Math.abs(skew) > check.tolerance) {
    return staleResult(provider, name, skew, check.tolerance, index);
  }
  return {
    provider,
    status: 'valid',
    reason: reason ?? `The ${name} signature matches secret #${index + 1}.`,
    ...(hint ? { hint } : {}),
    matchedSecretIndex: index,
    ...(skew !== undefined ? { skewSeconds: skew } : {}),
  };
}

export function noSecret(provider: string, name: string, what = 'signing secret'): VerificationResult {
  return {
    provider,
    status: 'no-secret',
    reason: `No ${what} is configured for ${name}, so the signature cannot be checked.`,
    knob: 'signingSecret',
  };
}

function skewNote(check: TimeCheck, now: Date): string {
  const skew = skewOf(check.time, now);
  if (skew === undefined || !check.tolerance || Math.abs(skew) <= check.tolerance) {
    return '';
  }
  return ` Its timestamp is also ${describeSkew(skew)}.`;
}

/**
 * Verifies MAC candidates against every secret; on a mismatch, looks for the explanation:
 * a secret with whitespace or quotes, a sibling secret format, a re-serialised JSON body,
 * another algorithm or encoding (legacy schemes), and otherwise the wrong secret.
 */
export function verifyMac(
  provider: string,
  name: string,
  secrets: string[],
  parsed: ParsedSignature,
  scheme: MacScheme,
  body: Uint8Array,
  check: TimeCheck,
  now: Date,
): VerificationResult {
  if (secrets.length === 0) {
    return noSecret(provider, name);
  }
  const skew = skewOf(check.time, now);
  const withSkew = (r: VerificationResult): VerificationResult => (skew !== undefined ? { ...r, skewSeconds: skew } : r);

  for (const [i, secret] of secrets.entries()) {
    if (matches(scheme, keyBytes(secret, scheme.key), body, parsed.candidates)) {
      return matchedResult(provider, name, i, check, now);
    }
  }
  const note = skewNote(check, now);
  const invalid = (reason: string, hint: string): VerificationResult =>
    withSkew({ provider, status: 'invalid', reason: reason + note, hint });

  // 1. Whitespace or quotes around a secret.
  for (const [i, secret] of secrets.entries()) {
    const cleaned = cleanSecret(secret);
    if (cleaned !== secret && cleaned.length > 0 && matches(scheme, keyBytes(cleaned, scheme.key), body, parsed.candidates)) {
      return invalid(
        `Secret #${i + 1} has whitespace or quotes around it; without them the signature matches.`,
        `Set the secret again without the surrounding spaces, newline or quotes.`,
      );
    }
  }
  const cleanedSecrets = secrets.map(cleanSecret);
  // 2. The secret matches under a sibling format.
  for (const [i, secret] of cleanedSecrets.entries()) {
    for (const variant of siblingKeys(secret, scheme.key)) {
      if (matches(scheme, variant.bytes, body, parsed.candidates)) {
        return invalid(
          `The signature matches when secret #${i + 1} is ${variant.label}, but ${name} ${expectedKeyFormat(scheme.key)}.`,
          `The sender is probably not ${name}, or the secret was copied in another format: check the provider and copy the secret exactly as its dashboard shows it.`,
        );
      }
    }
  }
  // 3. The body was re-serialised on the way.
  for (const variant of bodyVariants(body)) {
    for (const [i, secret] of cleanedSecrets.entries()) {
      if (matches(scheme, keyBytes(secret, scheme.key), variant.bytes, parsed.candidates)) {
        return invalid(
          `The signature matches the body re-serialised as ${variant.label} (secret #${i + 1}), not the bytes received: something between ${name} and here changed the body.`,
          `Sign and verify the raw body bytes; make sure no relay, proxy or framework parses and re-encodes the JSON before the signature check.`,
        );
      }
    }
  }
  // 4. Another algorithm or encoding (including legacy schemes such as GitHub's sha1=).
  for (const [i, secret] of cleanedSecrets.entries()) {
    const key = keyBytes(secret, scheme.key);
    for (const alg of ALGS) {
      for (const enc of ENCS) {
        if (alg === scheme.alg && enc === scheme.enc) {
          continue;
        }
        if (matches(scheme, key, body, parsed.candidates, alg, enc, false)) {
          const legacy = parsed.candidates.some((c) => c.alg === alg && alg !== scheme.alg);
          return invalid(
            legacy
              ? `Only the legacy ${alg}= signature (HMAC-${algName(alg)}) matches secret #${i + 1}; ${name} signatures use HMAC-${algName(scheme.alg)}.`
              : `The signature matches secret #${i + 1} as HMAC-${algName(alg)} in ${enc}, but ${name} uses HMAC-${algName(scheme.alg)} in ${scheme.enc}.`,
            `The sender uses a different signature scheme than ${name}: pick the right provider (or configure generic HMAC with ${alg}/${enc}).`,
          );
        }
      }
    }
  }
  // 5. Nothing explains it: the wrong secret.
  const count = secrets.length === 1 ? 'the configured secret' : `any of the ${secrets.length} configured secrets`;
  return invalid(
    `The ${name} signature does not match ${count}; the secret is probably not the one for this endpoint, or the body was changed.`,
    `Copy the signing secret of this exact endpoint from the ${name} dashboard (test and live mode, and each endpoint, have their own secret).`,
  );
}
