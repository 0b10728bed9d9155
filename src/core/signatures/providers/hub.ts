import type { HmacAlgorithm, SignedRequest } from '../types';
import { type Candidate, type MacScheme, type ProviderDef, malformed, missing, signWith } from '../engine';
import { type MacParse, hmacOver, macProvider, splitAlgPrefix } from '../schemes';
import { hasHeader, hasHeaderPrefix, header } from '../util';

// ---------------------------------------------------------------------------------------------
// GitHub / Meta: X-Hub-Signature-256 (sha256=<hex>) with the legacy X-Hub-Signature (sha1=<hex>).
// ---------------------------------------------------------------------------------------------

function hubSignature(o: { id: string; name: string; detect(req: SignedRequest): boolean }): ProviderDef {
  const schemeOf = (alg: HmacAlgorithm): MacScheme => hmacOver(alg, 'hex');
  const spec = macProvider({
    id: o.id,
    name: o.name,
    detect: o.detect,
    parse(req): MacParse {
      const modern = header(req, 'x-hub-signature-256');
      const legacy = header(req, 'x-hub-signature');
      const value = modern ?? legacy;
      const headerName = modern !== undefined ? 'X-Hub-Signature-256' : 'X-Hub-Signature';
      if (value === undefined) {
        return missing(o.name, 'X-Hub-Signature-256');
      }
      const split = splitAlgPrefix(value);
      if (!split || !split.sig) {
        return malformed(o.name, headerName, 'expected "sha256=<hex>"');
      }
      if (modern === undefined) {
        // Only the legacy header was sent: verify it as the legacy SHA-1 scheme.
        if (split.alg !== 'sha1') {
          return malformed(o.name, headerName, 'expected "sha1=<hex>" in the legacy header');
        }
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

export const github = hubSignature({
  id: 'github',
  name: 'GitHub',
  detect: (req) => hasHeader(req, 'x-github-event', 'x-github-delivery', 'x-github-hook-id'),
});

export const meta = hubSignature({
  id: 'meta',
  name: 'Meta',
  detect: (req) =>
    /facebookexternalua|facebookplatform/i.test(header(req, 'user-agent') ?? '') ||
    (hasHeader(req, 'x-hub-signature-256') && !hasHeaderPrefix(req, 'x-github-')),
});
