/** Shared types of the resend and live-forwarding core (the delivery record itself is in `../model/delivery`). */

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
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
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
