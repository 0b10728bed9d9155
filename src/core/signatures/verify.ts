import type { ProviderInfo, SignOptions, SignedRequest, VerificationResult, VerifyOptions } from './types';
import { PROVIDERS, providerDef } from './providers';

/** The provider id detected from the request's headers (Mailgun: from its body), or undefined. */
export function detectProvider(req: SignedRequest): string | undefined {
  return PROVIDERS.find((p) => p.detect(req))?.id;
}

/**
 * Verifies the request's signature. The provider is `opts.provider`, else detected, else
 * `generic-hmac` when `opts.generic` is given. Never throws for bad input; the result says why.
 */
export function verifyRequest(req: SignedRequest, opts: VerifyOptions): VerificationResult {
  const now = opts.now ?? new Date();
  const id = opts.provider ?? detectProvider(req) ?? (opts.generic ? 'generic-hmac' : undefined);
  if (id === undefined) {
    return {
      provider: undefined,
      status: 'no-signature',
      reason: 'No known webhook signature headers were found in this request.',
      hint: 'If the sender signs its requests, choose its provider or configure generic HMAC for this endpoint.',
    };
  }
  const def = providerDef(id);
  if (!def) {
    return {
      provider: id,
      status: 'unsupported',
      reason: `"${id}" is not a provider the inspector knows.`,
      hint: 'Choose one of the listed providers or generic HMAC.',
    };
  }
  const secrets = opts.secrets.every((s) => s.trim() === '') ? [] : opts.secrets;
  return def.verify(req, {
    secrets,
    now,
    ...(opts.toleranceSeconds !== undefined ? { toleranceSeconds: opts.toleranceSeconds } : {}),
    ...(opts.generic ? { generic: opts.generic } : {}),
  });
}

/** Headers to set so that the receiving handler accepts `req` as signed now; throws for verify-only schemes. */
export function signRequest(req: SignedRequest, opts: SignOptions): Record<string, string> {
  const def = providerDef(opts.provider);
  if (!def) {
    throw new Error(`Unknown provider "${opts.provider}".`);
  }
  if (!def.canSign || !def.sign) {
    throw new Error(`${def.name} requests cannot be re-signed here: ${verifyOnlyReason(def.id)}.`);
  }
  if (opts.secret === '') {
    throw new Error(`No secret given to sign the ${def.name} request.`);
  }
  return def.sign(req, opts.secret, opts.now ?? new Date(), opts.generic);
}

function verifyOnlyReason(id: string): string {
  if (id === 'discord' || id === 'sendgrid') {
    return "it is signed with the provider's private key and verified with a public key";
  }
  if (id === 'mailgun') {
    return 'its signature is part of the body, not a header';
  }
  return 'it is signed with a key only the provider has';
}

/** Every provider, with a human name and whether `signRequest` supports it. */
export const providers: ReadonlyArray<ProviderInfo> = PROVIDERS.map(({ id, name, canSign }) => ({ id, name, canSign }));
