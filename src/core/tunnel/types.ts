import type { IDisposable } from '../lifecycle';

/**
 * `localtunnel`: we open one. `cloudflared`: we run a cloudflared quick tunnel (the user installs the
 * binary). `none`: local only. `external`: the user runs ngrok/cloudflared/forwarding.
 */
export type TunnelMode = 'localtunnel' | 'cloudflared' | 'none' | 'external';

export const TUNNEL_MODES: readonly TunnelMode[] = ['localtunnel', 'cloudflared', 'none', 'external'];

/**
 * - `starting`: first connection (or first self-test in `external` mode) in progress.
 * - `online`: the public URL is up and the last self-test reached our receiver.
 * - `reconnecting`: the tunnel failed; a retry is scheduled or running (`reason` says why).
 * - `offline`: not trying: stopped, local only (`none`), a failure retrying cannot fix, or (in
 *   `external` mode) the user's URL does not reach us. `reason` says which.
 */
export type TunnelState = 'starting' | 'online' | 'reconnecting' | 'offline';

export interface SelfTestResult {
  /** ISO 8601 time the self-test finished. */
  readonly at: string;
  readonly ok: boolean;
  /** Round trip in milliseconds. */
  readonly ms?: number;
  readonly error?: string;
}

export interface TunnelStatus {
  readonly mode: TunnelMode;
  readonly state: TunnelState;
  /** The public URL while there is one (online, or external mode). */
  readonly publicUrl?: string;
  /** Why the tunnel is not online (reconnecting, offline). */
  readonly reason?: string;
  /** The subdomain the tunnel has now (localtunnel mode). */
  readonly subdomain?: string;
  /**
   * The subdomain asked for on every (re)connect: the `subdomain` option, else the first one the server
   * assigned. Persist it and pass it back as `subdomain` next time to keep the same URL.
   */
  readonly preferredSubdomain?: string;
  /** While `reconnecting`: the retry being waited for. `at` is ISO 8601. */
  readonly retry?: { readonly attempt: number; readonly delayMs: number; readonly at: string };
  readonly lastSelfTest?: SelfTestResult;
}

/** Time and timers, injected so tests can see and shorten every delay. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface TunnelOpenOptions {
  /** The localtunnel server, e.g. `https://localtunnel.me`. */
  readonly host: string;
  readonly subdomain?: string;
  readonly localPort: number;
  readonly localHost: string;
  /** Aborted on stop or open timeout: the factory must then reject and leave nothing open. */
  readonly signal: AbortSignal;
}

/** An open tunnel. Listeners are removed by `close()`; closing twice is harmless. */
export interface TunnelConnection {
  readonly url: string;
  readonly subdomain: string;
  /** The client reports a broken tunnel (e.g. the server's tunnel port refuses connections). */
  onError(listener: (err: Error) => void): IDisposable;
  /** The client closed without us asking. */
  onClose(listener: () => void): IDisposable;
  close(): void;
  /**
   * A new URL that may take a while to become reachable (a cloudflared quick tunnel's DNS): for this
   * long after opening, a failed first self-test is tried again instead of ending the connection.
   */
  readonly readyGraceMs?: number;
}

export type TunnelFactory = (options: TunnelOpenOptions) => Promise<TunnelConnection>;

/** An error opening a tunnel. `retryable: false` stops the retries (e.g. the server rejects the subdomain). */
export class TunnelOpenError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** Wait at least this long before the next attempt (e.g. a rate limit). */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown; retryAfterMs?: number }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TunnelOpenError';
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
