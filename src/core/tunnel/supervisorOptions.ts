import type { BackoffOptions } from '../backoff';
import type { KnobWording } from '../knobs';
import type { Logger } from '../logger';
import { createCloudflaredFactory } from './cloudflared';
import { createLocaltunnelFactory } from './localtunnelFactory';
import type { Clock, TunnelFactory, TunnelMode } from './types';

export interface TunnelSupervisorOptions {
  /** Default `localtunnel`. */
  mode?: TunnelMode;
  /** The local receiver's port. */
  localPort: number;
  /** The local receiver's address. Default `127.0.0.1`. */
  localHost?: string;
  /** The localtunnel server. Default `https://localtunnel.me`; a self-hosted server works the same. */
  host?: string;
  /** The subdomain to ask for: a user setting, or the `preferredSubdomain` persisted from last time. */
  subdomain?: string;
  /** `external` mode: the public URL the user's own tunnel (ngrok, cloudflared, forwarding) gives. */
  externalUrl?: string;
  /** `cloudflared` mode: the executable. Default `cloudflared` on PATH. */
  cloudflaredPath?: string;
  /** Words knobs in tunnel errors (the cloudflared path): each front door passes its own. */
  wording?: KnobWording;
  /** Self-test period. Default 30 000 ms; 0 turns the periodic self-test off (`selfTestNow()` still works). */
  selfTestIntervalMs?: number;
  /** How long a canary may take. Default 10 000 ms. */
  selfTestTimeoutMs?: number;
  /** How long opening a tunnel may take. Default 15 000 ms (30 000 ms for cloudflared). */
  openTimeoutMs?: number;
  backoff?: BackoffOptions;
  /**
   * When the server hands out another subdomain than the preferred one (it is still held, e.g. by our
   * previous connection during the server's grace period), ask again this many times before accepting it.
   * Default 2.
   */
  subdomainRetries?: number;
  /**
   * The wait before asking again for a held subdomain. localtunnel's server frees a subdomain 1 s after
   * its last socket goes (e.g. right after a restart or a failed self-test). Default 1500 ms.
   */
  subdomainRetryDelayMs?: number;
  logger?: Logger;
  /** Opens a tunnel. Default: the localtunnel client, loaded on first start; in `cloudflared` mode, cloudflared. */
  openTunnel?: TunnelFactory;
  /** Used for the canary (and the default factory's handshake). Default: global `fetch`. */
  fetch?: typeof fetch;
  /** For backoff jitter. Default `Math.random`. */
  random?: () => number;
  clock?: Clock;
}

export const DEFAULT_SELF_TEST_INTERVAL_MS = 30_000;
export const DEFAULT_SELF_TEST_TIMEOUT_MS = 10_000;
export const DEFAULT_OPEN_TIMEOUT_MS = 15_000;
/** Creating a quick tunnel asks Cloudflare's API and then registers a connection: it takes longer. */
export const DEFAULT_CLOUDFLARED_OPEN_TIMEOUT_MS = 30_000;

export function defaultOpenTimeoutMs(mode: TunnelMode): number {
  return mode === 'cloudflared' ? DEFAULT_CLOUDFLARED_OPEN_TIMEOUT_MS : DEFAULT_OPEN_TIMEOUT_MS;
}

/** The factory a mode uses when none is injected: cloudflared, or the localtunnel client (loaded on first start). */
export function defaultFactory(
  mode: TunnelMode,
  cloudflaredPath: string | undefined,
  fetchImpl: typeof fetch,
  logger: Logger,
  wording?: KnobWording,
): TunnelFactory {
  return mode === 'cloudflared'
    ? createCloudflaredFactory({ logger, ...(cloudflaredPath ? { binaryPath: cloudflaredPath } : {}), ...(wording ? { wording } : {}) })
    : createLocaltunnelFactory({ fetch: fetchImpl, logger });
}
