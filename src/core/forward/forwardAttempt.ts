/** One live-forwarding attempt: the target's checks (loop, refused host, host guard), re-signing, the send. */
import type { Delivery, DeliveryKind } from '../model/delivery';
import { detectProvider } from '../signatures';
import { attemptDelivery, newDeliveryId } from './deliver';
import type { ForwarderOptions } from './forwarderTypes';
import type { ResendSource } from './prepare';
import { prepareRequest, signedRequestOf } from './prepare';
import { parseTarget, TargetError } from './target';
import type { Transport } from './types';
import { DEFAULT_MAX_RESPONSE_BYTES } from './types';

export interface AttemptContext {
  readonly options: ForwarderOptions;
  /** Hosts the user refused; a refusal by the guard is added here. */
  readonly refusedHosts: Set<string>;
  readonly transport: Transport;
  readonly now: () => Date;
}

export interface TargetAttempt {
  readonly event: ResendSource;
  readonly body: Uint8Array;
  readonly target: string;
  readonly attempt: number;
  readonly kind: DeliveryKind;
  readonly signal: AbortSignal;
}

/** Never throws: target problems (bad URL, refused host, loop) become a failed delivery. */
export async function attemptTarget(ctx: AttemptContext, a: TargetAttempt): Promise<Delivery> {
  const { options } = ctx;
  const started = ctx.now();
  try {
    const url = parseTarget(a.target);
    if (options.isSelf?.(url)) {
      throw new TargetError(
        `The target ${url.host} is this receiver itself: forwarding there would loop. Change the target.`,
        'INVALID_TARGET',
      );
    }
    const host = url.hostname.toLowerCase();
    if (ctx.refusedHosts.has(host)) {
      throw new TargetError(
        `Forwarding to ${host} was not confirmed; change the target or forward again to be asked again.`,
        'REFUSED_HOST',
      );
    }
    try {
      await options.guard.check(url);
    } catch (err) {
      if (err instanceof TargetError && err.code === 'REFUSED_HOST') {
        ctx.refusedHosts.add(host);
      }
      throw err;
    }
    const { event, body } = a;
    const configured = options.signing;
    const signing =
      typeof configured === 'function'
        ? await configured(event, detectProvider(signedRequestOf(event.method, event.url, event.headers, body)))
        : (configured ?? {});
    const prepared = prepareRequest(event, body, url, { ...signing, now: ctx.now() });
    return await attemptDelivery(prepared.request, {
      transport: ctx.transport,
      now: ctx.now,
      kind: a.kind,
      url: prepared.url,
      resigned: prepared.resigned,
      attempt: a.attempt,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      signal: a.signal,
      ...(options.newId ? { newId: options.newId } : {}),
    });
  } catch (err) {
    const code = err instanceof TargetError ? err.code : ((err as { code?: string }).code ?? 'ERROR');
    return {
      id: (options.newId ?? newDeliveryId)(),
      kind: a.kind,
      target: a.target,
      startedAt: started.toISOString(),
      durationMs: 0,
      attempt: a.attempt,
      resigned: false,
      headers: [],
      body: '',
      bodySize: 0,
      truncated: false,
      error: (err as Error).message,
      errorCode: code === 'UNSUPPORTED_SCHEME' || code === 'INVALID_TARGET' ? 'REFUSED_HOST' : code,
    };
  }
}
