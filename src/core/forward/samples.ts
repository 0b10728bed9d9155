/**
 * Offline sample events, like `stripe trigger`: realistic payloads with the provider's headers
 * (event type, delivery ids, timestamps), signed with a given secret and sent to a target.
 * `buildSample` returns the request so the UI can open it in an editor first; `signSample` signs
 * the edited version; `sendSample` sends it (re-signing with a fresh timestamp when given a secret).
 */
import { randomBytes } from 'node:crypto';
import type { DeliveryLog } from './deliveryLog';
import { attemptDelivery } from './deliver';
import { replaceHeaders } from './headers';
import { prepareRequest, signedRequestOf } from './prepare';
import { signRequest } from '../signatures';
import type { HostGuard } from './target';
import { parseTarget } from './target';
import { httpTransport } from './transport';
import type { Transport } from './types';
import type { Delivery } from '../model/delivery';
import { BUILDERS, type SampleContext, type SampleInfo } from './sampleData';

export type { SampleInfo } from './sampleData';

export interface SampleRequest {
  readonly provider: string;
  readonly event: string;
  readonly method: string;
  /** Path (and query). */
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array;
}

export interface SampleOptions {
  /** Signs the sample; without it the signature headers are left out. */
  secret?: string;
  now?: Date;
  /** Random hex of `bytes` bytes, for ids (tests pass a fixed one). */
  randomHex?: (bytes: number) => string;
}

/** Display spelling of signature headers (signRequest names them in lower case). */
const HEADER_CASE: Readonly<Record<string, string>> = {
  'stripe-signature': 'Stripe-Signature',
  'x-hub-signature': 'X-Hub-Signature',
  'x-hub-signature-256': 'X-Hub-Signature-256',
  'x-shopify-hmac-sha256': 'X-Shopify-Hmac-Sha256',
  'x-slack-signature': 'X-Slack-Signature',
  'x-slack-request-timestamp': 'X-Slack-Request-Timestamp',
};

/** Every sample, for pickers and `send-sample --list`. */
export const samples: ReadonlyArray<SampleInfo> = BUILDERS.map((b) => b.info);

/** Builds a sample request; signed when `options.secret` is given. Throws for an unknown provider/event. */
export function buildSample(provider: string, event: string, options: SampleOptions = {}): SampleRequest {
  const builder = BUILDERS.find((b) => b.info.provider === provider && b.info.event === event);
  if (!builder) {
    const known = samples.filter((s) => s.provider === provider).map((s) => s.event);
    throw new Error(
      known.length
        ? `No ${provider} sample "${event}". Choose one of: ${known.join(', ')}.`
        : `No samples for "${provider}". Providers with samples: ${[...new Set(samples.map((s) => s.provider))].join(', ')}.`,
    );
  }
  const now = options.now ?? new Date();
  const hex = options.randomHex ?? ((n: number) => randomBytes(n).toString('hex'));
  const ctx: SampleContext = {
    now,
    unix: Math.floor(now.getTime() / 1000),
    iso: now.toISOString(),
    hex,
    sid: (prefix) => `${prefix}3${base62(hex(18)).slice(0, 23)}`,
    uuid: () => {
      const h = hex(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
  const req: SampleRequest = {
    provider,
    event,
    method: 'POST',
    url: builder.info.path,
    headers: builder.headers(ctx),
    body: new TextEncoder().encode(builder.body(ctx)),
  };
  return options.secret ? signSample(req, options.secret, now) : req;
}

/** Signs a (possibly edited) sample over its exact body bytes with a fresh timestamp (and id where the scheme has one). */
export function signSample(req: SampleRequest, secret: string, now: Date = new Date()): SampleRequest {
  const fresh = signRequest(signedRequestOf(req.method, req.url, req.headers, req.body), { provider: req.provider, secret, now });
  const named: Record<string, string> = {};
  for (const [k, v] of Object.entries(fresh)) {
    named[HEADER_CASE[k] ?? k] = v;
  }
  return { ...req, headers: replaceHeaders(req.headers, named) };
}

export interface SendSampleOptions {
  guard: HostGuard;
  /** Re-signs right before sending, with a fresh timestamp. */
  secret?: string;
  transport?: Transport;
  now?: () => Date;
  /** Records the delivery when the sample was also stored as an event (`eventId`). */
  log?: DeliveryLog;
  eventId?: string;
  signal?: AbortSignal;
  maxResponseBytes?: number;
}

/** Sends a sample to `target` (its path unless the target names one). */
export async function sendSample(req: SampleRequest, target: string | undefined, options: SendSampleOptions): Promise<Delivery> {
  const url = parseTarget(target);
  await options.guard.check(url);
  const now = options.now ?? (() => new Date());
  const signed = options.secret ? signSample(req, options.secret, now()) : req;
  const prepared = prepareRequest(
    { id: options.eventId ?? 'sample', method: signed.method, url: signed.url, headers: signed.headers },
    signed.body,
    url,
    {
      resign: 'never',
      now: now(),
    },
  );
  const delivery = await attemptDelivery(prepared.request, {
    transport: options.transport ?? httpTransport,
    now,
    kind: 'sample',
    url: prepared.url,
    resigned: !!options.secret,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  if (options.log && options.eventId) {
    await options.log.append(options.eventId, delivery);
  }
  return delivery;
}

function base62(hexText: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = BigInt(`0x${hexText || '0'}`);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(24, '0');
}
