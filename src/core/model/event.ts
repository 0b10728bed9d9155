import type { Delivery } from './delivery';
import type { Verification } from './verification';

/** One captured request, as the store keeps it (the body lives apart, on disk). */
export interface CapturedEvent {
  /** Stable, unique, time-ordered id, e.g. `evt_lx2k9a1c7f3e9b2d`. */
  readonly id: string;
  /** ISO 8601 time the request arrived. */
  readonly receivedAt: string;
  readonly method: string;
  /** Path and query exactly as they arrived on the request line. */
  readonly url: string;
  /** Headers as received: order, case and duplicates kept. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly remoteAddress: string;
  /** Body size in bytes: received bytes, or the declared length of a rejected body. */
  readonly size: number;
  /** The response the receiver gave the sender. */
  readonly response: CapturedResponse;
  /** Set when the body was not kept, e.g. `"body-too-large"`: the event is metadata only. */
  readonly rejected?: string;
  readonly pinned?: boolean;
  /** The sender, when it can be told from the request (e.g. `stripe`, `github`). */
  readonly provider?: string;
  /** What the event is about, e.g. `payment_intent.succeeded` or `pull_request.opened`. */
  readonly eventType?: string;
  /** The full URL the sender used (public tunnel URL + path and query), for schemes that sign the URL. */
  readonly publicUrl?: string;
  /** The signature verdict, once checked. */
  readonly verification?: Verification;
  /** Set when the request was a provider's endpoint handshake that the receiver answered. */
  readonly handshake?: string;
  /** Why the handshake answer may not satisfy the provider (e.g. no secret to sign it with). */
  readonly handshakeProblem?: string;
  /** Set when the event came from a file rather than the receiver: the file's format. */
  readonly imported?: 'har' | 'fixture' | 'http' | 'curl';
  /** Resends and live deliveries to local handlers, oldest first (see `src/core/forward`). */
  readonly deliveries?: readonly Delivery[];
  /** The provider's id of this logical delivery (a retry keeps it), e.g. `X-GitHub-Delivery` (see `src/core/delivery`). */
  readonly deliveryId?: string;
  /** The attempt number: stated by a header (Slack `X-Slack-Retry-Num`), else the position among the stored attempts of a repeat. */
  readonly attempt?: number;
  /** The id of the first stored event with the same provider and `deliveryId`: this one is a repeat. */
  readonly duplicateOf?: string;
  /** The path of the custom response rule that answered the sender, when one did. */
  readonly customResponse?: string;
}

/** The fields that may change after capture: each `set` record of the index carries one of these. */
export type EventPatch = Partial<
  Pick<
    CapturedEvent,
    'pinned' | 'response' | 'provider' | 'eventType' | 'verification' | 'deliveries' | 'handshake' | 'handshakeProblem' | 'customResponse'
  >
>;

export interface CapturedResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** The JSON line the CLI prints for an event (`--json`), also used by `events --json` and `show --json`. */
export interface EventJson {
  type: 'event';
  id: string;
  receivedAt: string;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  size: number;
  status: number;
  remoteAddress: string;
  rejected?: string;
  pinned?: boolean;
  provider?: string;
  eventType?: string;
  verification?: Verification;
  handshake?: string;
  deliveryId?: string;
  attempt?: number;
  duplicateOf?: string;
  /** The raw body, base64. Left out above `inlineBodyLimit`; then `bodyFile` names the stored file. */
  body?: string;
  bodyFile?: string;
}

/** First value of a header, matched case-insensitively. */
export function headerValue(event: Pick<CapturedEvent, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of event.headers) {
    if (k.toLowerCase() === lower) {
      return v;
    }
  }
  return undefined;
}

/** Headers as a record with lower-case names; repeated headers become arrays (the signature module's shape). */
export function headerRecord(headers: ReadonlyArray<readonly [string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of headers) {
    const key = k.toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The path part of an event's URL, without the query. */
export function eventPath(event: Pick<CapturedEvent, 'url'>): string {
  const q = event.url.indexOf('?');
  return q === -1 ? event.url : event.url.slice(0, q);
}
