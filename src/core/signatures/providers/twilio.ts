import * as querystring from 'node:querystring';
import type { HmacAlgorithm, SignedRequest } from '../types';
import { type MacScheme, type ProviderDef, malformed, missing, signWith } from '../engine';
import { macProvider } from '../schemes';
import { decode, hasHeader, header, safeEqual, sha, text, utf8 } from '../util';

// ---------------------------------------------------------------------------------------------
// Twilio: base64 HMAC-SHA1 (or SHA-256) over URL + sorted form params, or URL with bodySHA256.
// ---------------------------------------------------------------------------------------------

function urlVariants(url: string): string[] {
  const out = [url];
  const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) {
    return out;
  }
  const scheme = m[1].toLowerCase();
  const defaultPort = scheme === 'https' ? '443' : '80';
  const authority = m[2];
  const portMatch = /:(\d+)$/.exec(authority);
  if (portMatch) {
    if (portMatch[1] === defaultPort) {
      out.push(`${m[1]}://${authority.slice(0, -portMatch[0].length)}${m[3]}`);
    }
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
  if (q < 0 || q === url.length - 1) {
    return url;
  }
  return `${url.slice(0, q)}?${querystring.stringify(querystring.parse(url.slice(q + 1)))}`;
}

function twilioParams(req: SignedRequest, body: Uint8Array): string {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.includes('application/x-www-form-urlencoded')) {
    return '';
  }
  const params = new URLSearchParams(text(body));
  const keys = [...new Set([...params.keys()])].sort();
  let out = '';
  for (const key of keys) {
    const values = [...new Set(params.getAll(key))].sort();
    for (const value of values) {
      out += key + value;
    }
  }
  return out;
}

function bodyHashParam(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) {
    return undefined;
  }
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
    if (value === undefined) {
      return missing('Twilio', 'X-Twilio-Signature');
    }
    if (!value.trim()) {
      return malformed('Twilio', 'X-Twilio-Signature', 'the signature is empty');
    }
    return { candidates: [{ value: value.trim() }], scheme: twilioScheme(req) };
  },
  sign(req, secret) {
    return { 'x-twilio-signature': signWith(twilioScheme(req), secret, req.body) };
  },
});

export const twilio: ProviderDef = {
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
