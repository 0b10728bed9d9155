import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import type { VerificationResult } from './types';
import { cleanSecret, matchedResult, noSecret, skewOf } from './engine';
import { decode, describeSkew, parseJson, text, utf8 } from './util';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Reads a public key as the providers' dashboards show it: Discord's 64 hex characters (raw Ed25519),
 * SendGrid's base64 DER SubjectPublicKeyInfo, or a PEM block. Undefined when it is none of these.
 */
export function parsePublicKey(value: string, kind: 'ed25519' | 'ecdsa'): KeyObject | undefined {
  try {
    if (value.includes('-----BEGIN')) {
      return createPublicKey(value);
    }
    if (kind === 'ed25519') {
      const raw = decode(value, 'hex') ?? decode(value, 'base64');
      if (!raw || raw.length !== 32) {
        return undefined;
      }
      return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
    const der = decode(value, 'base64');
    if (!der) {
      return undefined;
    }
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function check(kind: 'ed25519' | 'ecdsa', key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(kind === 'ed25519' ? null : 'sha256', message, key, signature);
  } catch {
    return false;
  }
}

export interface PublicKeyCheck {
  provider: string;
  name: string;
  kind: 'ed25519' | 'ecdsa';
  /** Public keys as configured. */
  secrets: string[];
  signature: Uint8Array;
  message(body: Uint8Array): Uint8Array;
  body: Uint8Array;
  time: number | undefined;
  tolerance: number | undefined;
  now: Date;
}

/** Verifies an asymmetric signature against every configured public key, with diagnostics. */
export function verifyPublicKey(o: PublicKeyCheck): VerificationResult {
  if (o.secrets.length === 0) {
    return noSecret(o.provider, o.name, 'public key');
  }
  const keys = o.secrets.map((s) => parsePublicKey(s, o.kind));
  const message = o.message(o.body);
  for (const [i, key] of keys.entries()) {
    if (key && check(o.kind, key, message, o.signature)) {
      return matchedResult(
        o.provider,
        o.name,
        i,
        { time: o.time, tolerance: o.tolerance },
        o.now,
        `The ${o.name} signature verifies with public key #${i + 1}.`,
      );
    }
  }
  const skew = skewOf(o.time, o.now);
  const note = skew !== undefined && o.tolerance && Math.abs(skew) > o.tolerance ? ` Its timestamp is also ${describeSkew(skew)}.` : '';
  const invalid = (reason: string, hint: string): VerificationResult => ({
    provider: o.provider,
    status: 'invalid',
    reason: reason + note,
    hint,
    ...(skew !== undefined ? { skewSeconds: skew } : {}),
  });
  const keyKind = o.kind === 'ed25519' ? 'an Ed25519 public key (64 hex characters)' : 'an ECDSA P-256 public key (base64 DER)';
  for (const [i, secret] of o.secrets.entries()) {
    const cleaned = cleanSecret(secret);
    if (cleaned === secret) {
      continue;
    }
    const key = parsePublicKey(cleaned, o.kind);
    if (key && check(o.kind, key, message, o.signature)) {
      return invalid(
        `Public key #${i + 1} has whitespace or quotes around it; without them the signature verifies.`,
        'Set the key again without the surrounding spaces, newline or quotes.',
      );
    }
  }
  const cleanedKeys = o.secrets.map((s) => parsePublicKey(cleanSecret(s), o.kind));
  const value = parseJson(o.body);
  if (typeof value === 'object' && value !== null) {
    for (const [label, variant] of [
      ['compact JSON', JSON.stringify(value)],
      ['pretty-printed JSON (2-space indent)', JSON.stringify(value, null, 2)],
    ] as const) {
      if (variant === text(o.body)) {
        continue;
      }
      const m = o.message(utf8(variant));
      for (const [i, key] of cleanedKeys.entries()) {
        if (key && check(o.kind, key, m, o.signature)) {
          return invalid(
            `The signature verifies against the body re-serialised as ${label} (key #${i + 1}), not the bytes received: something between ${o.name} and here changed the body.`,
            'Verify the raw body bytes; make sure no relay, proxy or framework re-encodes the JSON.',
          );
        }
      }
    }
  }
  if (cleanedKeys.every((k) => k === undefined)) {
    return invalid(
      `The configured ${o.name} key is not ${keyKind}.`,
      `Copy the public verification key from the ${o.name} settings; this scheme verifies with a public key, not a secret.`,
    );
  }
  return invalid(
    `The ${o.name} signature does not verify with ${o.secrets.length === 1 ? 'the configured public key' : `any of the ${o.secrets.length} configured public keys`}; the key is probably for another application, or the body was changed.`,
    `Copy the public key of this application from the ${o.name} settings.`,
  );
}
