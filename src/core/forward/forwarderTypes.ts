import type { Logger } from '../logger';
import type { Delivery, ForwardState } from '../model/delivery';
import type { BackoffOptions } from '../backoff';
import type { DeliveryLog, DeliveryStore } from './deliveryLog';
import type { ResendSource, SigningOptions } from './prepare';
import type { RouteRule } from './routing';
import type { HostGuard } from './target';
import type { Sleep, Transport } from './types';

export type ResponseMode = 'immediate' | 'proxy';

export interface ForwarderOptions {
  /** Where bodies are read from and deliveries recorded (an `EventStore` fits). */
  store: DeliveryStore & { readBody(id: string): Promise<Uint8Array> };
  /** Default target base URL. Default `http://localhost:3000`. */
  target?: string;
  /** Routing rules; events no rule matches go to `target`. */
  routes?: readonly RouteRule[];
  /** Default `immediate`. */
  mode?: ResponseMode;
  /** Proxy mode only: how long the provider waits for the handler. Default 10 000 ms (GitHub gives up after 10 s). */
  timeoutMs?: number;
  /**
   * Asked when the proxy timeout is reached: true (e.g. while a debugger is attached) keeps the handler
   * request going with no timeout, and `proxy()` resolves with the receiver's own `200 {"ok":true,"id":…}`
   * (what hold mode answers). Immediate mode and resends never time out anyway.
   */
  noTimeout?: () => boolean;
  /** Immediate mode: attempts per event and target, the first included. Default 5. */
  maxAttempts?: number;
  /** Retry delays (the shared schedule, with jitter); `maxMs` also caps a handler's `Retry-After`. */
  backoff?: BackoffOptions;
  /** For backoff jitter, so retries to one handler do not run in lockstep. Default `Math.random`. */
  random?: () => number;
  /** Decides about hosts other than localhost. */
  guard: HostGuard;
  /**
   * Re-signing and secrets, per event: a fixed value, or a function given the event and its detected
   * provider (so the extension can read that provider's secret from SecretStorage). Default: `auto`
   * without secrets, i.e. the stored signature goes out unchanged.
   */
  signing?: SigningOptions | ((event: ResendSource, provider: string | undefined) => SigningOptions | Promise<SigningOptions>);
  /** True for a URL that is this receiver itself (forwarding there would loop). */
  isSelf?(url: URL): boolean;
  log?: DeliveryLog;
  transport?: Transport;
  now?: () => Date;
  sleep?: Sleep;
  logger?: Logger;
  newId?: () => string;
  maxResponseBytes?: number;
}

export interface ForwardStateChange {
  readonly eventId: string;
  /** The target base URL as configured (the routing key). */
  readonly target: string;
  readonly state: ForwardState;
  /** The attempt that just ended (0 while pending). */
  readonly attempt: number;
  readonly delivery?: Delivery;
  /** When `retrying`: the delay before the next attempt. */
  readonly nextDelayMs?: number;
}

/** A request the receiver is about to store, as its async `respond` hook sees it. */
export interface ProxyRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array;
  readonly receivedAt?: string;
  /** Aborts when the sender hangs up: the handler request is cancelled too. */
  readonly signal?: AbortSignal;
}
