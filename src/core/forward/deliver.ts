/** One attempt: send a prepared request through the transport and describe what happened. */
import { randomBytes } from 'node:crypto';
import type { OutgoingRequest, Transport } from './types';
import type { Delivery, DeliveryKind, ForwardState } from '../model/delivery';
import { DEFAULT_MAX_RESPONSE_BYTES, DeliveryError } from './types';
import type { Knob } from '../knobs';

/** Random bytes for ids, drawn 4 KB at a time (one `randomBytes` call per 512 ids instead of one per id). */
let idPool = Buffer.alloc(0);
let idOffset = 0;

export function newDeliveryId(): string {
  if (idOffset + 8 > idPool.length) {
    idPool = randomBytes(4096);
    idOffset = 0;
  }
  idOffset += 8;
  return `dlv_${idPool.toString('hex', idOffset - 8, idOffset)}`;
}

export interface AttemptOptions {
  readonly transport: Transport;
  readonly now: () => Date;
  readonly kind: DeliveryKind;
  readonly url: string;
  readonly resigned: boolean;
  readonly attempt?: number;
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
  readonly newId?: () => string;
  readonly state?: Exclude<ForwardState, 'pending'>;
}

/** Sends once. Never throws for a failed delivery: the record carries `error` and `errorCode`. */
export async function attemptDelivery(request: OutgoingRequest, o: AttemptOptions): Promise<Delivery> {
  const started = o.now();
  const base = {
    id: (o.newId ?? newDeliveryId)(),
    kind: o.kind,
    target: o.url,
    startedAt: started.toISOString(),
    attempt: o.attempt ?? 1,
    resigned: o.resigned,
  };
  try {
    const res = await o.transport(request, {
      maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const text = decodeUtf8(res.body);
    return {
      ...base,
      durationMs: Math.max(0, o.now().getTime() - started.getTime()),
      status: res.status,
      headers: res.headers,
      ...(text === undefined ? { body: res.body.toString('base64'), bodyEncoding: 'base64' as const } : { body: text }),
      bodySize: res.bodySize,
      truncated: res.truncated,
      ...(o.state ? { state: o.state } : {}),
    };
  } catch (err) {
    const e =
      err instanceof DeliveryError ? err : new DeliveryError(`The request failed: ${(err as Error).message}`, 'ERROR', { cause: err });
    return {
      ...base,
      durationMs: Math.max(0, o.now().getTime() - started.getTime()),
      headers: [],
      body: '',
      bodySize: 0,
      truncated: false,
      error: e.message,
      errorCode: e.code,
      ...(o.state ? { state: o.state } : {}),
    };
  }
}

/** The knob that fixes a failed delivery, by its error code (for the front door to word; see `src/core/knobs.ts`). */
export function deliveryKnob(d: Pick<Delivery, 'errorCode'>): Knob | undefined {
  switch (d.errorCode) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'INVALID_TARGET':
      return 'forwardTarget';
    case 'TIMEOUT':
      return 'forwardTimeout';
    default:
      return undefined;
  }
}

/** UTF-8 text, or undefined when the bytes are not valid UTF-8 (a cut-off multi-byte tail is tolerated). */
function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}

/** 2xx and 3xx: the handler took it. */
export function isSuccess(d: Pick<Delivery, 'status'>): boolean {
  return d.status !== undefined && d.status >= 200 && d.status < 400;
}

/** No answer, 5xx, 408 and 429 are worth another try; other 4xx mean the handler refused this request. */
export function isRetryable(d: Pick<Delivery, 'status' | 'errorCode'>): boolean {
  if (d.status === undefined) {
    return d.errorCode !== 'REFUSED_HOST' && d.errorCode !== 'ABORTED' && d.errorCode !== 'INVALID_REQUEST';
  }
  return d.status >= 500 || d.status === 408 || d.status === 429;
}

/** `Retry-After: <seconds>` on a 429 or 503, in ms. */
export function retryAfterMs(d: Delivery): number | undefined {
  if (d.status !== 429 && d.status !== 503) {
    return undefined;
  }
  const v = d.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) * 1000 : undefined;
}
