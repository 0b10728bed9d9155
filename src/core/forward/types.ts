/** Shared types of the resend and live-forwarding core. */

/** How a request reached the handler: a manual resend, an edited resend, live forwarding, or a sample. */
export type DeliveryKind = 'resend' | 'edited' | 'immediate' | 'proxy' | 'sample';

/** Where a live delivery stands, per event and target. */
export type ForwardState = 'pending' | 'retrying' | 'delivered' | 'failed';

/**
 * One attempt to deliver an event to a handler, as recorded on the event (`CapturedEvent.deliveries`).
 * Plain JSON: it is written to the store's index as part of a `set` record.
 */
export interface Delivery {
  /** `dlv_…`, unique. */
  readonly id: string;
  readonly kind: DeliveryKind;
  /** The full URL the request went to (target origin + path + query). */
  readonly target: string;
  /** ISO 8601 time the request was started. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** 1 for the first try; retries count up. */
  readonly attempt: number;
  /** True when the signature headers were replaced by a fresh signature. */
  readonly resigned: boolean;
  /** The handler's status; absent when no answer came (see `error`). */
  readonly status?: number;
  /** The handler's response headers as received (order, case, duplicates kept). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The response body, at most `maxResponseBytes` of it: UTF-8 text, or base64 when `bodyEncoding` says so. */
  readonly body: string;
  readonly bodyEncoding?: 'base64';
  /** Full size of the response body in bytes (also when truncated). */
  readonly bodySize: number;
  readonly truncated: boolean;
  /** Why no answer came, in a sentence a user acts on. */
  readonly error?: string;
  /** Machine-readable reason: `ECONNREFUSED`, `TIMEOUT`, `ABORTED`, `REFUSED_HOST`, … */
  readonly errorCode?: string;
  /** For live forwarding: the event's state after this attempt. */
  readonly state?: Exclude<ForwardState, 'pending'>;
}

/** A request ready to go out. `path` is sent verbatim on the request line (never resolved as a URL). */
export interface OutgoingRequest {
  readonly method: string;
  /** The target's origin: protocol, hostname and port come from here only. */
  readonly origin: URL;
  /** Path and query, verbatim. */
  readonly path: string;
  /** Header pairs in order; `host` and `content-length` already set. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** At most `maxResponseBytes`. */
  readonly body: Buffer;
  readonly bodySize: number;
  readonly truncated: boolean;
}

export interface TransportOptions {
  /** Aborts the request (proxy timeout, shutdown). No signal: no timeout at all. */
  readonly signal?: AbortSignal;
  readonly maxResponseBytes: number;
}

/** Sends one request; rejects with a `DeliveryError` when no answer came. */
export type Transport = (req: OutgoingRequest, options: TransportOptions) => Promise<TransportResponse>;

/** A failure to get an answer, with a message for the user and a code for the program. */
export class DeliveryError extends Error {
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** `sleep(ms, signal)`: resolves after `ms`, or early when `signal` aborts. Injected so tests never sleep. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Default limit of the response body kept on a delivery record. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
