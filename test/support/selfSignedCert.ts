/**
 * A throwaway self-signed TLS certificate for 127.0.0.1, made in memory for one test run: a P-256 key from
 * `crypto.generateKeyPairSync` and an X.509 v3 certificate (RFC 5280) signed with it, written out in DER by
 * the few ASN.1 encoders below. Nothing is committed and no `openssl` binary is needed. The certificate is
 * what a developer's `https://localhost` handler typically has: self-signed, so Node refuses it by default
 * (DEPTH_ZERO_SELF_SIGNED_CERT).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** One DER element: tag, definite length (short or long form), contents. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const seq = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) {
      base128.unshift((v & 0x7f) | 0x80);
    }
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ), good for dates before 2050. */
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

/** A Name with one common name. */
const name = (cn: string) => seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn, 'utf8')))));

export interface SelfSignedCert {
  /** PEM certificate, for `https.createServer({ cert })`. */
  readonly cert: string;
  /** PEM PKCS#8 private key, for `https.createServer({ key })`. */
  readonly key: string;
}

export function selfSignedCert(host = '127.0.0.1'): SelfSignedCert {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  // subjectAltName with one iPAddress ([7] IMPLICIT OCTET STRING), since clients match IPs against it.
  const ip = Buffer.from(host.split('.').map(Number));
  const subjectAltName = seq(oid('2.5.29.17'), der(0x04, seq(der(0x87, ip))));
  const serial = randomBytes(8);
  serial[0] &= 0x7f; // a positive INTEGER
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    ecdsaWithSha256,
    name(host),
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 86_400_000))),
    name(host),
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(subjectAltName)),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const certificate = seq(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
