/**
 * Resend a captured event to a handler (optionally edited, re-signed), and the idempotency check.
 */
import type { DeliveryLog } from './deliveryLog';
import { attemptDelivery } from './deliver';
import type { PreflightResult, PreflightWarning, ResendSource, SigningOptions } from './prepare';
import { preflight, preflightWithRequest, prepareRequest } from './prepare';
import type { HostGuard } from './target';
import { parseTarget } from './target';
import { httpTransport } from './transport';
import type { Transport } from './types';
import type { Delivery, DeliveryKind } from '../model/delivery';

export interface ResendOptions extends SigningOptions {
  /** Decides about hosts other than localhost (required, so safety cannot be forgotten). */
  guard: HostGuard;
  /** The user has seen the preflight warnings and wants to send anyway. */
  confirmed?: boolean;
  /** Records the delivery on the event. */
  log?: DeliveryLog;
  transport?: Transport;
  now?: () => Date;
  newId?: () => string;
  /** Response bytes kept on the record. Default 64 KB. */
  maxResponseBytes?: number;
  /** Cancels the request. There is no timeout otherwise: a handler may sit on a breakpoint. */
  signal?: AbortSignal;
  attempt?: number;
}

/** The preflight found something the user must confirm first (`confirmed: true`). */
export class ConfirmationRequiredError extends Error {
  constructor(readonly preflight: PreflightResult) {
    super(
      preflight.warnings
        .filter((w) => w.blocking)
        .map((w) => w.message)
        .join(' '),
    );
    this.name = 'ConfirmationRequiredError';
  }

  get warnings(): readonly PreflightWarning[] {
    return this.preflight.warnings;
  }
}

/**
 * Sends the event to `target` (default `http://localhost:3000`): original method, path and query,
 * headers as received (hop-by-hop and `host` dropped, `content-length` recomputed), the exact body.
 * Re-signs per `resign`. Throws `ConfirmationRequiredError` when the preflight warns and `confirmed`
 * is not set, `TargetError` for a refused or unusable target, `ResendError` when the event has no
 * body. A handler that is down or answers with an error is not a throw: it is in the returned
 * (and recorded) delivery.
 */
export async function resend(event: ResendSource, body: Uint8Array, target: string | undefined, options: ResendOptions): Promise<Delivery> {
  return send(event, body, target, options, 'resend', false);
}

/** Like `resend`, with an edited body; re-signed over the new bytes (unless `resign: 'never'`). */
export async function sendEdited(
  baseEvent: ResendSource,
  editedBody: Uint8Array,
  target: string | undefined,
  options: ResendOptions,
): Promise<Delivery> {
  return send(baseEvent, editedBody, target, options, 'edited', true);
}

async function send(
  event: ResendSource,
  body: Uint8Array,
  target: string | undefined,
  options: ResendOptions,
  kind: DeliveryKind,
  edited: boolean,
): Promise<Delivery> {
  const url = parseTarget(target);
  const now = options.now ?? (() => new Date());
  const check = preflightWithRequest(event, body, url, { ...options, now, edited });
  if (check.result.needsConfirmation && !options.confirmed) {
    throw new ConfirmationRequiredError(check.result);
  }
  await options.guard.check(url);
  // Without re-signing the request does not depend on the clock: send the one the preflight built.
  // A re-signed one is signed now, after the guard (which may have waited for the user).
  const prepared = check.prepared.resigned ? prepareRequest(event, body, url, { ...options, now: now() }) : check.prepared;
  const delivery = await attemptDelivery(prepared.request, {
    transport: options.transport ?? httpTransport,
    now,
    kind,
    url: prepared.url,
    resigned: prepared.resigned,
    ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.newId ? { newId: options.newId } : {}),
  });
  await options.log?.append(event.id, delivery);
  return delivery;
}

export interface ResendTimesOptions extends ResendOptions {
  /** Send all at once (a race, as providers' retries can overlap) instead of one after another. Default false. */
  parallel?: boolean;
}

export interface IdempotencyReport {
  readonly deliveries: readonly Delivery[];
  /** True when every answer had the same status (or error) and body. */
  readonly consistent: boolean;
  /** One line per answer that differs from the first. */
  readonly differences: readonly string[];
}

/**
 * Sends the same event `n` times (same message id: `freshId` defaults to false here, as a provider's
 * retry keeps it) and reports whether the handler's answers differ in status or body.
 */
export async function resendTimes(
  event: ResendSource,
  body: Uint8Array,
  target: string | undefined,
  n: number,
  options: ResendTimesOptions,
): Promise<IdempotencyReport> {
  const count = Math.max(1, Math.floor(n));
  const url = parseTarget(target);
  const now = options.now ?? (() => new Date());
  const opts: ResendOptions = { ...options, freshId: options.freshId ?? false, now };
  const check = preflight(event, body, url, opts);
  if (check.needsConfirmation && !options.confirmed) {
    throw new ConfirmationRequiredError(check);
  }
  await options.guard.check(url);
  const one = (i: number) => send(event, body, target, { ...opts, confirmed: true, attempt: i + 1 }, 'resend', false);
  let deliveries: Delivery[];
  if (options.parallel) {
    deliveries = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  } else {
    deliveries = [];
    for (let i = 0; i < count; i++) {
      deliveries.push(await one(i));
    }
  }
  const first = deliveries[0]!;
  const differences: string[] = [];
  deliveries.forEach((d, i) => {
    if (i === 0) {
      return;
    }
    if (answerOf(d) !== answerOf(first)) {
      differences.push(`#${i + 1}: ${answerOf(d)} (first: ${answerOf(first)})`);
    } else if (d.body !== first.body || d.bodyEncoding !== first.bodyEncoding) {
      differences.push(`#${i + 1}: same status ${answerOf(d)}, different body: ${preview(d.body)} (first: ${preview(first.body)})`);
    }
  });
  return { deliveries, consistent: differences.length === 0, differences };
}

function answerOf(d: Delivery): string {
  return d.status !== undefined ? `status ${d.status}` : `error ${d.errorCode ?? 'ERROR'}`;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
