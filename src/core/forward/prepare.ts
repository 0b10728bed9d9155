/**
 * Building the request that goes to the handler, re-signing it, and the checks shown before a resend.
 */
import type { CapturedEvent } from '../model/event';
import { headerRecord } from '../model/event';
import type { GenericHmacConfig, SignedRequest, VerificationResult } from '../signatures';
import { detectProvider, providers, signRequest, verifyRequest } from '../signatures';
import { forwardableHeaders, replaceHeaders } from './headers';
import type { HostGuard } from './target';
import { displayUrl, parseTarget, targetPath } from './target';
import type { OutgoingRequest } from './types';

/** `auto`: re-sign when the provider can sign and a secret is set; `always`: re-sign or refuse; `never`: send the stored signature. */
export type ResignMode = 'auto' | 'always' | 'never';

export interface SigningOptions {
  /** Default `auto`. */
  resign?: ResignMode;
  /** The provider id; detected from the headers when omitted. */
  provider?: string;
  /** The provider's signing secrets (rotation: several). Signing uses the one that matched the stored signature, else the first. */
  secrets?: readonly string[];
  /** Give schemes with a signed message id (Standard Webhooks, Svix) a new id. Default true. */
  freshId?: boolean;
  /** For `provider: 'generic-hmac'`. */
  generic?: GenericHmacConfig;
}

/** The parts of an event a resend reads. Never its host: the target alone decides where a request goes. */
export type ResendSource = Pick<CapturedEvent, 'id' | 'method' | 'url' | 'headers'> &
  Partial<Pick<CapturedEvent, 'receivedAt' | 'rejected'>>;

export interface PreparedRequest {
  readonly request: OutgoingRequest;
  /** The full URL, for display and the delivery record. */
  readonly url: string;
  readonly provider: string | undefined;
  readonly resigned: boolean;
}

/** A resend that cannot go out as asked (no body kept, re-signing impossible with `resign: 'always'`). */
export class ResendError extends Error {
  constructor(
    message: string,
    readonly code: 'NO_BODY' | 'CANNOT_RESIGN',
  ) {
    super(message);
    this.name = 'ResendError';
  }
}

/** Message-id headers of the schemes that sign one. */
const ID_HEADERS: Readonly<Record<string, string>> = {
  'standard-webhooks': 'webhook-id',
  gitlab: 'webhook-id',
  svix: 'svix-id',
  clerk: 'svix-id',
  resend: 'svix-id',
};

/** Providers whose signature carries a timestamp that receivers check (used when no secret lets us verify). */
const TIMESTAMPED = new Set([
  'stripe',
  'slack',
  'standard-webhooks',
  'svix',
  'clerk',
  'resend',
  'gitlab',
  'calendly',
  'zoom',
  'twitch',
  'paddle',
  'square',
  'hubspot',
]);
const DEFAULT_TOLERANCE_S = 300;

export function signedRequestOf(
  method: string,
  url: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
): SignedRequest {
  return { method, url, headers: headerRecord(headers), body };
}

export interface ResignPlan {
  readonly provider: string | undefined;
  readonly canSign: boolean;
  readonly resign: boolean;
  /** Why it will not re-sign, when `resign` is false and re-signing was not turned off. */
  readonly reason?: string;
}

export function resignPlan(
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
  method: string,
  url: string,
  opts: SigningOptions,
): ResignPlan {
  const mode = opts.resign ?? 'auto';
  const provider =
    opts.provider ?? detectProvider(signedRequestOf(method, url, headers, body)) ?? (opts.generic ? 'generic-hmac' : undefined);
  const info = provider ? providers.find((p) => p.id === provider) : undefined;
  const canSign = !!info?.canSign;
  const hasSecret = (opts.secrets ?? []).some((s) => s.trim() !== '');
  if (mode === 'never') {
    return { provider, canSign, resign: false };
  }
  if (!provider) {
    return {
      provider,
      canSign,
      resign: false,
      reason: 'No webhook provider was recognised in the headers, so there is no signature to renew.',
    };
  }
  if (!info) {
    return { provider, canSign, resign: false, reason: `"${provider}" is not a provider the inspector knows.` };
  }
  if (!canSign) {
    return { provider, canSign, resign: false, reason: `${info.name} requests cannot be re-signed (verify-only scheme).` };
  }
  if (!hasSecret) {
    return {
      provider,
      canSign,
      resign: false,
      reason: `No ${info.name} signing secret is set, so the request cannot be re-signed. Set the secret to re-sign.`,
    };
  }
  return { provider, canSign, resign: true };
}

/**
 * Builds the outgoing request: original method, the event's path and query (unless the target names a
 * path), headers as received minus hop-by-hop headers and `host`, `content-length` recomputed, and the
 * exact body; with fresh signature headers when re-signing.
 */
export function prepareRequest(source: ResendSource, body: Uint8Array, target: URL, opts: SigningOptions & { now: Date }): PreparedRequest {
  return prepare(source, body, target, opts).prepared;
}

/** `prepareRequest`, plus the re-signing plan it followed (the preflight reads it instead of detecting the provider again). */
function prepare(
  source: ResendSource,
  body: Uint8Array,
  target: URL,
  opts: SigningOptions & { now: Date },
): { prepared: PreparedRequest; plan: ResignPlan } {
  const path = targetPath(target, source.url);
  const url = displayUrl(target, path);
  const plan = resignPlan(source.headers, body, source.method, url, opts);
  if ((opts.resign ?? 'auto') === 'always' && !plan.resign) {
    throw new ResendError(plan.reason ?? 'The request cannot be re-signed.', 'CANNOT_RESIGN');
  }
  let headers = forwardableHeaders(source.headers);
  let resigned = false;
  if (plan.resign && plan.provider) {
    const secret = signingSecret(source, body, plan.provider, opts);
    const idHeader = (opts.freshId ?? true) ? ID_HEADERS[plan.provider] : undefined;
    const signInput = signedRequestOf(source.method, url, idHeader ? headers.filter(([k]) => k.toLowerCase() !== idHeader) : headers, body);
    const fresh = signRequest(signInput, {
      provider: plan.provider,
      secret,
      now: opts.now,
      ...(opts.generic ? { generic: opts.generic } : {}),
    });
    headers = replaceHeaders(headers, fresh);
    resigned = true;
  }
  const out: Array<[string, string]> = [['Host', target.host], ...headers, ['Content-Length', String(body.byteLength)]];
  return {
    prepared: { request: { method: source.method, origin: target, path, headers: out, body }, url, provider: plan.provider, resigned },
    plan,
  };
}

function signingSecret(source: ResendSource, body: Uint8Array, provider: string, opts: SigningOptions): string {
  const secrets = (opts.secrets ?? []).filter((s) => s.trim() !== '');
  if (secrets.length > 1) {
    const r = verifyRequest(signedRequestOf(source.method, `http://127.0.0.1${source.url}`, source.headers, body), {
      secrets: [...secrets],
      provider,
      toleranceSeconds: 0,
      ...(opts.generic ? { generic: opts.generic } : {}),
    });
    if (r.matchedSecretIndex !== undefined) {
      return secrets[r.matchedSecretIndex]!;
    }
  }
  return secrets[0]!;
}

// ---- preflight ------------------------------------------------------------------------------------

export type PreflightCode = 'stale-signature' | 'possibly-stale' | 'invalid-signature' | 'unsigned-edit' | 'confirm-host';

export interface PreflightWarning {
  readonly code: PreflightCode;
  readonly message: string;
  /** True when the send must wait for the user's go (`confirmed: true`). */
  readonly blocking: boolean;
}

export interface PreflightResult {
  /** Where it would go. */
  readonly url: string;
  readonly provider: string | undefined;
  /** Whether the request will be re-signed. */
  readonly resign: boolean;
  /** The stored signature checked with the clock, when it is sent as stored. */
  readonly verification?: VerificationResult;
  readonly warnings: readonly PreflightWarning[];
  /** True when any warning needs the user's confirmation. */
  readonly needsConfirmation: boolean;
}

export interface PreflightOptions extends SigningOptions {
  now?: () => Date;
  /** When given, a target host that will be asked about is listed as a (non-blocking) warning. */
  guard?: HostGuard;
  /** The body differs from the captured one (`sendEdited`). */
  edited?: boolean;
}

/**
 * What the user should know before a resend: a stored signature that is too old (or wrong) when the
 * request is not re-signed, an edited body that goes out unsigned, a host that will be asked about.
 * Throws `TargetError` for an unusable target and `ResendError` when the event has no body or cannot
 * be re-signed with `resign: 'always'`.
 */
export function preflight(
  source: ResendSource,
  body: Uint8Array,
  targetUrl: URL | string | undefined,
  opts: PreflightOptions = {},
): PreflightResult {
  return preflightWithRequest(source, body, targetUrl, opts).result;
}

/** `preflight`, plus the request it prepared on the way (a resend sends it when it was not re-signed, instead of building it twice). */
export function preflightWithRequest(
  source: ResendSource,
  body: Uint8Array,
  targetUrl: URL | string | undefined,
  opts: PreflightOptions = {},
): { result: PreflightResult; prepared: PreparedRequest } {
  const target = targetUrl instanceof URL ? targetUrl : parseTarget(targetUrl);
  if (source.rejected) {
    throw new ResendError(`This event's body was not kept (${source.rejected}), so it cannot be resent.`, 'NO_BODY');
  }
  const now = opts.now?.() ?? new Date();
  const { prepared, plan } = prepare(source, body, target, { ...opts, now });
  const warnings: PreflightWarning[] = [];
  let verification: VerificationResult | undefined;
  if (!prepared.resigned && prepared.provider) {
    const why = plan.reason ? ` ${plan.reason}` : ' Re-signing is turned off.';
    const secrets = (opts.secrets ?? []).filter((s) => s.trim() !== '');
    if (secrets.length > 0) {
      verification = verifyRequest(signedRequestOf(source.method, `http://127.0.0.1${source.url}`, source.headers, body), {
        secrets: [...secrets],
        provider: prepared.provider,
        now,
        ...(opts.generic ? { generic: opts.generic } : {}),
      });
      if (verification.status === 'stale') {
        warnings.push({
          code: 'stale-signature',
          message: `The stored signature is too old: ${verification.reason} The handler will likely refuse it.${why}`,
          blocking: true,
        });
      } else if (verification.status === 'invalid') {
        warnings.push({
          code: opts.edited ? 'unsigned-edit' : 'invalid-signature',
          message: `The signature does not match${opts.edited ? ' the edited body' : ''}: ${verification.reason} The handler will likely refuse it.${why}`,
          blocking: true,
        });
      }
    } else if (opts.edited) {
      warnings.push({
        code: 'unsigned-edit',
        message: `The body was edited but keeps its old signature, so a handler that checks signatures will refuse it.${why}`,
        blocking: true,
      });
    } else if (TIMESTAMPED.has(prepared.provider) && source.receivedAt) {
      const ageS = Math.round((now.getTime() - Date.parse(source.receivedAt)) / 1000);
      if (ageS > DEFAULT_TOLERANCE_S) {
        warnings.push({
          code: 'possibly-stale',
          message: `This event arrived ${describeAge(ageS)} ago; its signed timestamp is probably outside the ${DEFAULT_TOLERANCE_S} s tolerance and the handler may refuse it.${why}`,
          blocking: true,
        });
      }
    }
  }
  if (opts.guard && !opts.guard.isAllowed(target)) {
    warnings.push({
      code: 'confirm-host',
      message: `${target.hostname} is not this machine: you will be asked to confirm sending there.`,
      blocking: false,
    });
  }
  const result: PreflightResult = {
    url: prepared.url,
    provider: prepared.provider,
    resign: prepared.resigned,
    ...(verification ? { verification } : {}),
    warnings,
    needsConfirmation: warnings.some((w) => w.blocking),
  };
  return { result, prepared };
}

function describeAge(seconds: number): string {
  if (seconds < 120) {
    return `${seconds} s`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`;
  }
  if (seconds < 172800) {
    return `${Math.round(seconds / 3600)} h`;
  }
  return `${Math.round(seconds / 86400)} days`;
}
