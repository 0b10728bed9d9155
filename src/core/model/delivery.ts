/** The record of a request sent on to a local handler: the resend and live-forwarding model. */

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
