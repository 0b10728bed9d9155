import { randomUUID } from 'node:crypto';
import type { HmacAlgorithm, SignatureEncoding, SignedRequest } from './types';
import {
  type Candidate,
  type MacScheme,
  type ParseFailure,
  type ParsedSignature,
  type ProviderDef,
  isParseFailure,
  malformed,
  missing,
  signWith,
  verifyMac,
} from './engine';
import { concat, header, parseTimestamp, unixSeconds } from './util';

/** A parse result that also carries the scheme (its messages depend on what was parsed). */
export type MacParse = (ParsedSignature & { scheme: MacScheme }) | ParseFailure;

export interface MacProviderSpec {
  id: string;
  name: string;
  detect(req: SignedRequest): boolean;
  /** Documented timestamp tolerance in seconds; undefined when the scheme has none. */
  tolerance?: number;
  parse(req: SignedRequest): MacParse;
  sign?(req: SignedRequest, secret: string, now: Date): Record<string, string>;
}

export function macProvider(spec: MacProviderSpec): ProviderDef {
  const def: ProviderDef = {
    id: spec.id,
    name: spec.name,
    canSign: spec.sign !== undefined,
    detect: spec.detect,
    verify(req, ctx) {
      const parsed = spec.parse(req);
      if (isParseFailure(parsed)) {
        return { provider: spec.id, ...parsed };
      }
      if (parsed.candidates.every((c) => c.value.trim() === '')) {
        return { provider: spec.id, ...malformed(spec.name, 'signature', 'the signature is empty') };
      }
      return verifyMac(
        spec.id,
        spec.name,
        ctx.secrets,
        parsed,
        parsed.scheme,
        req.body,
        { time: parsed.time, tolerance: ctx.toleranceSeconds ?? spec.tolerance },
        ctx.now,
      );
    },
  };
  if (spec.sign) {
    def.sign = spec.sign;
  }
  return def;
}

/** A raw-key HMAC over one message built from the body (the shape most providers share). */
export function hmacOver(alg: HmacAlgorithm, enc: SignatureEncoding, message: (body: Uint8Array) => Uint8Array = (b) => b): MacScheme {
  return { alg, enc, key: 'raw', messages: (body) => [message(body)] };
}

/**
 * Reads `key=value` signature headers such as Stripe's `t=…,v1=…` and Paddle's `ts=…;h1=…`: the
 * timestamp element and every (non-empty) signature element, in order.
 */
export function keyValueSignature(
  value: string,
  o: { separator: string; timeKey: string; valueKey: string },
): { time: string | undefined; candidates: Candidate[] } {
  let time: string | undefined;
  const candidates: Candidate[] = [];
  for (const part of value.split(o.separator)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      continue;
    }
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === o.timeKey) {
      time = v;
    } else if (k === o.valueKey && v) {
      candidates.push({ value: v });
    }
  }
  return { time, candidates };
}

/** Splits `sha256=<sig>` style values. Returns the algorithm named by the prefix when it is one of ours. */
export function splitAlgPrefix(value: string): { alg: HmacAlgorithm; sig: string } | undefined {
  const m = /^(sha1|sha256|sha512)=(.*)$/i.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) {
    return undefined;
  }
  return { alg: m[1].toLowerCase() as HmacAlgorithm, sig: m[2] };
}

/** A `macProvider` whose signature is in one header: a missing header is said so, `spec.parse` reads the value. */
function headerMacProvider(
  o: { id: string; name: string; tolerance?: number; detect(req: SignedRequest): boolean },
  signatureHeader: string,
  spec: { parse(value: string, req: SignedRequest): MacParse; sign?: MacProviderSpec['sign'] },
): ProviderDef {
  return macProvider({
    id: o.id,
    name: o.name,
    detect: o.detect,
    tolerance: o.tolerance,
    parse: (req) => {
      const value = header(req, signatureHeader);
      return value === undefined ? missing(o.name, signatureHeader) : spec.parse(value, req);
    },
    ...(spec.sign ? { sign: spec.sign } : {}),
  });
}

/** Schemes that sign only the raw body, with an optional `sha256=`-style prefix. */
export function bodyOnly(o: {
  id: string;
  name: string;
  header: string;
  alg: HmacAlgorithm;
  enc: SignatureEncoding;
  /** `true` when the value is `<alg>=<sig>` (e.g. `sha256=`). */
  algPrefix?: boolean;
  detect(req: SignedRequest): boolean;
}): ProviderDef {
  const scheme = hmacOver(o.alg, o.enc);
  return headerMacProvider(o, o.header, {
    parse(value) {
      let candidate: Candidate = { value: value.trim() };
      if (o.algPrefix) {
        const split = splitAlgPrefix(value);
        if (!split) {
          return malformed(o.name, o.header, `expected "${o.alg}=<signature>"`);
        }
        candidate = split.alg === o.alg ? { value: split.sig } : { value: split.sig, alg: split.alg };
      }
      if (candidate.value.length === 0) {
        return malformed(o.name, o.header, 'the signature is empty');
      }
      return { candidates: [candidate], scheme };
    },
    sign(req, secret) {
      const sig = signWith(scheme, secret, req.body);
      return { [o.header]: o.algPrefix ? `${o.alg}=${sig}` : sig };
    },
  });
}

/** `t=<unix>,v1=<hex>[,v1=<hex>…]` over `${t}.${body}` (Stripe, Calendly). */
export function tv1(o: { id: string; name: string; header: string; tolerance: number; detect(req: SignedRequest): boolean }): ProviderDef {
  const schemeFor = (t: string): MacScheme => hmacOver('sha256', 'hex', (body) => concat(`${t}.`, body));
  return headerMacProvider(o, o.header, {
    parse(value) {
      const { time: t, candidates: sigs } = keyValueSignature(value, { separator: ',', timeKey: 't', valueKey: 'v1' });
      if (t === undefined || !/^\d+$/.test(t)) {
        return malformed(o.name, o.header, 'no "t=<unix time>" element');
      }
      if (sigs.length === 0) {
        return malformed(o.name, o.header, 'no "v1=<signature>" element');
      }
      return { candidates: sigs, time: Number(t), scheme: schemeFor(t) };
    },
    sign(req, secret, now) {
      const t = String(unixSeconds(now));
      return { [o.header]: `t=${t},v1=${signWith(schemeFor(t), secret, req.body)}` };
    },
  });
}

/** `v0=<hex>` over `v0:${ts}:${body}` with a unix-seconds timestamp header (Slack, Zoom). */
export function v0(o: {
  id: string;
  name: string;
  header: string;
  timestampHeader: string;
  tolerance: number;
  detect(req: SignedRequest): boolean;
}): ProviderDef {
  const schemeFor = (ts: string): MacScheme => hmacOver('sha256', 'hex', (body) => concat(`v0:${ts}:`, body));
  return headerMacProvider(o, o.header, {
    parse(value, req) {
      const ts = header(req, o.timestampHeader);
      if (ts === undefined) {
        return malformed(o.name, o.header, `the ${o.timestampHeader} header it depends on is missing`);
      }
      if (!/^\d+$/.test(ts.trim())) {
        return malformed(o.name, o.timestampHeader, `"${ts}" is not a unix time`);
      }
      const m = /^v0=(.+)$/.exec(value.trim());
      if (!m || m[1] === undefined) {
        return malformed(o.name, o.header, 'expected "v0=<hex>"');
      }
      return { candidates: [{ value: m[1] }], time: Number(ts.trim()), scheme: schemeFor(ts.trim()) };
    },
    sign(req, secret, now) {
      const ts = String(unixSeconds(now));
      return { [o.header]: `v0=${signWith(schemeFor(ts), secret, req.body)}`, [o.timestampHeader]: ts };
    },
  });
}

/** Standard Webhooks over any header family (`webhook-*`, `svix-*`). */
export function standardFamily(o: {
  id: string;
  name: string;
  prefix: 'webhook' | 'svix';
  detect(req: SignedRequest): boolean;
}): ProviderDef {
  const sigH = `${o.prefix}-signature`;
  const idH = `${o.prefix}-id`;
  const tsH = `${o.prefix}-timestamp`;
  const schemeFor = (id: string, ts: string): MacScheme => ({
    alg: 'sha256',
    enc: 'base64',
    key: 'whsec',
    messages: (body) => [concat(`${id}.${ts}.`, body)],
  });
  return headerMacProvider({ ...o, tolerance: 300 }, sigH, {
    parse(value, req) {
      const id = header(req, idH);
      const ts = header(req, tsH);
      if (id === undefined) {
        return malformed(o.name, sigH, `the ${idH} header it depends on is missing`);
      }
      if (ts === undefined) {
        return malformed(o.name, sigH, `the ${tsH} header it depends on is missing`);
      }
      if (!/^\d+$/.test(ts.trim())) {
        return malformed(o.name, tsH, `"${ts}" is not a unix time`);
      }
      const entries = value.trim().split(/\s+/).filter(Boolean);
      const candidates: Candidate[] = [];
      let versioned = 0;
      for (const entry of entries) {
        const comma = entry.indexOf(',');
        if (comma <= 0) {
          continue;
        }
        versioned++;
        if (entry.slice(0, comma) === 'v1') {
          candidates.push({ value: entry.slice(comma + 1) });
        }
      }
      if (versioned === 0) {
        return malformed(o.name, sigH, 'expected space-separated "v1,<base64>" entries');
      }
      if (candidates.length === 0) {
        return malformed(o.name, sigH, 'no "v1," (HMAC-SHA256) entry; other versions such as v1a (Ed25519) are not supported');
      }
      return { candidates, time: Number(ts.trim()), scheme: schemeFor(id, ts.trim()) };
    },
    sign(req, secret, now) {
      const id = header(req, idH) ?? `msg_${randomUUID().replace(/-/g, '')}`;
      const ts = String(unixSeconds(now));
      return { [idH]: id, [tsH]: ts, [sigH]: `v1,${signWith(schemeFor(id, ts), secret, req.body)}` };
    },
  });
}

/** Seconds-precision RFC 3339 time, e.g. 2026-01-02T03:04:05Z. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A message of "timestamp + body" style with a free-form timestamp header (Zendesk, Discord, SendGrid...). */
export function readTimestampHeader(
  req: SignedRequest,
  name: string,
  headerName: string,
): { raw: string; time: number | undefined } | ParseFailure {
  const raw = header(req, headerName);
  if (raw === undefined) {
    return malformed(name, headerName, `the ${headerName} header is missing`);
  }
  return { raw, time: parseTimestamp(raw) };
}
