import type { IDisposable } from '../lifecycle';
import { Disposable, Emitter } from '../lifecycle';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { BackoffOptions } from '../backoff';
import { backoffDelay } from '../backoff';
import { canaryUrl, checkCanaryAnswer, newCanaryToken } from './canary';
import { createCloudflaredFactory } from './cloudflared';
import { createLocaltunnelFactory, DEFAULT_LOCALTUNNEL_HOST } from './localtunnelFactory';
import type { Clock, SelfTestResult, TunnelConnection, TunnelFactory, TunnelMode, TunnelState, TunnelStatus } from './types';
import { realClock, TunnelOpenError } from './types';

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

interface Session {
  readonly ctl: AbortController;
  done: Promise<void>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Why a supervised connection ended. */
interface ConnectionEnd {
  readonly reason: string | undefined;
  readonly wasOnline: boolean;
}

class StoppedError extends Error {
  constructor() {
    super('Stopped.');
    this.name = 'StoppedError';
  }
}

/**
 * Keeps a public URL in front of the local receiver and proves it works.
 *
 * localtunnel's client, left alone, retries its handshake every second forever and never notices a
 * dead public side. Around it this adds an open timeout, exponential backoff with jitter, cancellation
 * on stop, reaction to the client's `error`/`close`, and an end-to-end self-test: a canary request with
 * a random token sent to the public URL must come back from our receiver (see `canary.ts`). A failed
 * self-test reconnects, asking for the same subdomain so the URL pasted into a provider keeps working.
 */
export class TunnelSupervisor extends Disposable {
  private readonly mode: TunnelMode;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly openTunnel: TunnelFactory;
  private readonly selfTestIntervalMs: number;
  private readonly selfTestTimeoutMs: number;
  private readonly openTimeoutMs: number;
  private readonly subdomainRetries: number;
  private readonly subdomainRetryDelayMs: number;

  private current: Mutable<TunnelStatus>;
  private preferredSubdomain: string | undefined;
  private session: Session | undefined;
  /** Where the canary goes (the open connection's URL, or the external URL), and what cancels it. */
  private testTarget: { readonly url: string; readonly signal: AbortSignal } | undefined;
  /** Ends the supervised connection with a reason (set while one is supervised). */
  private failConnection: ((reason: string) => void) | undefined;
  private selfTestInFlight: { readonly url: string; readonly run: Promise<boolean> } | undefined;
  /** While a new connection may still be unreachable (its `readyGraceMs`), failed self-tests do not end it. */
  private graceCheck: { readonly signal: AbortSignal; inGrace(): boolean } | undefined;
  private readonly timers = new Set<unknown>();

  private readonly _onDidChangeState = this._register(new Emitter<TunnelStatus>());
  /** Fires when `state` changes, with the full status. */
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidChangeStatus = this._register(new Emitter<TunnelStatus>());
  /** Fires on any status change: state, reason, URL, scheduled retry, self-test result, subdomain. */
  readonly onDidChangeStatus = this._onDidChangeStatus.event;

  constructor(private readonly options: TunnelSupervisorOptions) {
    super();
    this.mode = options.mode ?? 'localtunnel';
    this.logger = options.logger ?? nullLogger;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.openTunnel =
      options.openTunnel ??
      (this.mode === 'cloudflared'
        ? createCloudflaredFactory({ logger: this.logger, ...(options.cloudflaredPath ? { binaryPath: options.cloudflaredPath } : {}) })
        : createLocaltunnelFactory({ fetch: this.fetchImpl, logger: this.logger }));
    this.selfTestIntervalMs = options.selfTestIntervalMs ?? DEFAULT_SELF_TEST_INTERVAL_MS;
    this.selfTestTimeoutMs = options.selfTestTimeoutMs ?? DEFAULT_SELF_TEST_TIMEOUT_MS;
    this.openTimeoutMs =
      options.openTimeoutMs ?? (this.mode === 'cloudflared' ? DEFAULT_CLOUDFLARED_OPEN_TIMEOUT_MS : DEFAULT_OPEN_TIMEOUT_MS);
    this.subdomainRetries = options.subdomainRetries ?? 2;
    this.subdomainRetryDelayMs = options.subdomainRetryDelayMs ?? 1500;
    this.preferredSubdomain = options.subdomain || undefined;
    this.current = { mode: this.mode, state: 'offline', reason: 'Not started.' };
    if (this.preferredSubdomain) {
      this.current.preferredSubdomain = this.preferredSubdomain;
    }
  }

  get state(): TunnelState {
    return this.current.state;
  }

  /** A snapshot, safe to serialise (`--json`). */
  status(): TunnelStatus {
    const s: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.current)) {
      if (v !== undefined) {
        s[k] = v;
      }
    }
    return s as unknown as TunnelStatus;
  }

  /** Starts keeping the tunnel up. Does nothing while already started. */
  start(): void {
    if (this.isDisposed) {
      throw new Error('The tunnel supervisor is disposed.');
    }
    if (this.session) {
      return;
    }
    const session: Session = { ctl: new AbortController(), done: Promise.resolve() };
    this.session = session;
    session.done = this.runSession(session.ctl.signal)
      .catch((err: unknown) => {
        this.logger.error(`Tunnel: unexpected failure: ${describe(err)}`);
        this.update(session.ctl.signal, { state: 'offline', reason: `Unexpected failure: ${describe(err)}` });
      })
      .finally(() => {
        if (this.session === session) {
          this.session = undefined;
        }
      });
  }

  /** Stops and releases everything (sockets, timers, requests in flight); resolves when all is released. */
  async stop(): Promise<void> {
    await this.halt();
    this.update(undefined, {
      state: 'offline',
      reason: 'Stopped.',
      publicUrl: undefined,
      subdomain: undefined,
      retry: undefined,
    });
  }

  /**
   * Drops the current connection and starts again at once (no backoff), asking for the same subdomain.
   * Goes straight to `starting`, without passing through `offline`.
   */
  async restart(): Promise<void> {
    await this.halt();
    if (!this.isDisposed) {
      this.start();
    }
  }

  private async halt(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.ctl.abort(new StoppedError());
      await session.done;
    }
    this.clearAllTimers();
    this.testTarget = undefined;
  }

  /**
   * Runs a self-test now (e.g. after a resume or a network change) and resolves with its result. A
   * failure in `localtunnel` mode reconnects. Resolves false when there is no public URL to test.
   */
  async selfTestNow(): Promise<boolean> {
    const target = this.testTarget;
    if (!this.session || !target || target.signal.aborted) {
      return false;
    }
    return this.selfTest(target.url, target.signal);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const session = this.session;
    this.session = undefined;
    session?.ctl.abort(new StoppedError());
    this.clearAllTimers();
    super.dispose();
  }

  // ---- sessions ----

  private async runSession(signal: AbortSignal): Promise<void> {
    switch (this.mode) {
      case 'none':
        this.update(signal, {
          state: 'offline',
          reason: 'Local only: tunnel mode is "none", so the receiver is reachable from this machine only.',
          publicUrl: undefined,
        });
        await untilAborted(signal);
        return;
      case 'external':
        return this.runExternal(signal);
      case 'cloudflared':
        // Every cloudflared process gets a new random URL: there is no subdomain to ask for again.
        return this.runTunnel(signal, false);
      default:
        return this.runTunnel(signal, true);
    }
  }

  private async runExternal(signal: AbortSignal): Promise<void> {
    const url = normaliseExternalUrl(this.options.externalUrl);
    if (typeof url !== 'string') {
      this.update(signal, { state: 'offline', reason: url.error, publicUrl: undefined });
      await untilAborted(signal);
      return;
    }
    this.testTarget = { url, signal };
    this.update(signal, { state: 'starting', publicUrl: url, reason: undefined });
    while (!signal.aborted) {
      await this.selfTest(url, signal);
      if (this.selfTestIntervalMs > 0) {
        await this.sleep(this.selfTestIntervalMs, signal);
      } else {
        await untilAborted(signal);
      }
    }
  }

  /** Opens, supervises and reopens tunnels from the factory; `keepSubdomain` asks for the same one each time. */
  private async runTunnel(signal: AbortSignal, keepSubdomain: boolean): Promise<void> {
    const host = this.options.host || DEFAULT_LOCALTUNNEL_HOST;
    let failures = 0;
    /** The server asked us to wait at least this long (e.g. a rate limit). */
    let minDelayMs = 0;
    let subdomainMisses = 0;
    /** Set after the server offered another subdomain: wait for it to free ours, instead of backing off. */
    let holdDelayMs: number | undefined;
    let reason: string | undefined;
    let everOnline = false;
    while (!signal.aborted) {
      const state: TunnelState = everOnline || failures > 0 ? 'reconnecting' : 'starting';
      const delayMs = holdDelayMs ?? Math.max(minDelayMs, failures > 0 ? backoffDelay(failures, this.options.backoff, this.random) : 0);
      const attempt = holdDelayMs !== undefined ? subdomainMisses : failures;
      holdDelayMs = undefined;
      minDelayMs = 0;
      if (delayMs > 0) {
        const at = new Date(this.clock.now() + delayMs).toISOString();
        this.logger.info(`Tunnel: retry ${attempt} in ${delayMs} ms (${reason ?? 'no reason'}).`);
        this.update(signal, {
          state,
          reason,
          retry: { attempt, delayMs, at },
          publicUrl: undefined,
          subdomain: undefined,
        });
        await this.sleep(delayMs, signal);
        if (signal.aborted) {
          break;
        }
        this.update(signal, { retry: undefined });
      } else {
        this.update(signal, { state, reason, retry: undefined, publicUrl: undefined, subdomain: undefined });
      }

      let conn: TunnelConnection;
      try {
        conn = await this.open(host, signal);
      } catch (err) {
        if (signal.aborted) {
          break;
        }
        reason = describe(err);
        if (err instanceof TunnelOpenError && !err.retryable) {
          this.logger.error(`Tunnel: ${reason}`);
          this.update(signal, { state: 'offline', reason, publicUrl: undefined, retry: undefined });
          return;
        }
        this.logger.warn(`Tunnel: could not open: ${reason}`);
        if (err instanceof TunnelOpenError && err.retryAfterMs) {
          minDelayMs = err.retryAfterMs;
        }
        failures++;
        continue;
      }

      const wanted = keepSubdomain ? this.preferredSubdomain : undefined;
      if (wanted !== undefined && conn.subdomain !== wanted && subdomainMisses < this.subdomainRetries) {
        subdomainMisses++;
        conn.close();
        reason = `The subdomain "${wanted}" is still taken (the server offered "${conn.subdomain}"); asking again.`;
        this.logger.warn(`Tunnel: ${reason}`);
        holdDelayMs = this.subdomainRetryDelayMs;
        continue;
      }
      if (wanted !== undefined && conn.subdomain !== wanted) {
        this.logger.warn(`Tunnel: the subdomain "${wanted}" stays taken; using "${conn.subdomain}" for now, the URL changed.`);
      }
      subdomainMisses = 0;
      if (keepSubdomain && wanted === undefined) {
        this.preferredSubdomain = conn.subdomain;
        this.update(signal, { preferredSubdomain: conn.subdomain });
      }

      const end = await this.supervise(conn, signal);
      conn.close();
      if (signal.aborted) {
        break;
      }
      reason = end.reason;
      this.logger.warn(`Tunnel: ${reason ?? 'connection ended'}; reconnecting.`);
      if (end.wasOnline) {
        everOnline = true;
        failures = 1;
      } else {
        failures++;
      }
    }
  }

  /** Opens with a timeout; on abort rejects at once, even if the factory ignores the signal. */
  private open(host: string, signal: AbortSignal): Promise<TunnelConnection> {
    const ctl = new AbortController();
    return new Promise<TunnelConnection>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) {
          return false;
        }
        settled = true;
        this.clearTimer(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
        return true;
      };
      const onAbort = () => {
        ctl.abort(signal.reason);
        settle(() => reject(signal.reason));
      };
      const timer = this.setTimer(() => {
        const err = new TunnelOpenError(`Opening the tunnel timed out after ${this.openTimeoutMs} ms.`, {
          retryable: true,
        });
        ctl.abort(err);
        settle(() => reject(err));
      }, this.openTimeoutMs);
      signal.addEventListener('abort', onAbort);
      let promise: Promise<TunnelConnection>;
      try {
        const subdomain = this.mode === 'cloudflared' ? undefined : this.preferredSubdomain;
        promise = this.openTunnel({
          host,
          localPort: this.options.localPort,
          localHost: this.options.localHost ?? '127.0.0.1',
          signal: ctl.signal,
          ...(subdomain !== undefined ? { subdomain } : {}),
        });
      } catch (err) {
        promise = Promise.reject(err);
      }
      promise.then(
        (conn) => {
          if (!settle(() => resolve(conn))) {
            conn.close();
          } // too late: timed out or stopped
        },
        (err: unknown) => settle(() => reject(err)),
      );
      if (signal.aborted) {
        onAbort();
      }
    });
  }

  /**
   * Watches an open connection until it fails (client error or close, failed self-test) or the session
   * is aborted. Goes `online` after the first good self-test.
   */
  private supervise(conn: TunnelConnection, signal: AbortSignal): Promise<ConnectionEnd> {
    return new Promise<ConnectionEnd>((resolve) => {
      let settled = false;
      let wasOnline = false;
      let timer: unknown;
      const subscriptions: IDisposable[] = [];
      // Cancels this connection's canaries when it ends, so a late answer cannot judge the next one.
      const connCtl = new AbortController();
      const target = { url: conn.url, signal: connCtl.signal };
      const graceUntil = conn.readyGraceMs ? this.clock.now() + conn.readyGraceMs : undefined;
      const finish = (reason: string | undefined) => {
        if (settled) {
          return;
        }
        settled = true;
        for (const s of subscriptions) {
          s.dispose();
        }
        if (timer !== undefined) {
          this.clearTimer(timer);
        }
        signal.removeEventListener('abort', onAbort);
        if (this.failConnection === finish) {
          this.failConnection = undefined;
        }
        if (this.testTarget === target) {
          this.testTarget = undefined;
        }
        connCtl.abort(reason === undefined ? signal.reason : new Error(reason));
        if (reason !== undefined) {
          // Said at once, so a caller of selfTestNow() sees the outcome when its promise resolves.
          this.update(signal, { state: 'reconnecting', reason, publicUrl: undefined, subdomain: undefined });
        }
        resolve({ reason, wasOnline });
      };
      const onAbort = () => finish(undefined);
      signal.addEventListener('abort', onAbort);
      subscriptions.push(conn.onError((err) => finish(`The tunnel broke: ${err.message}`)));
      subscriptions.push(conn.onClose(() => finish('The tunnel client closed.')));
      this.failConnection = finish;
      this.testTarget = target;
      const inGrace = () => !wasOnline && graceUntil !== undefined && this.clock.now() < graceUntil;
      this.graceCheck = { signal: target.signal, inGrace };

      const tick = async (): Promise<void> => {
        timer = undefined;
        const ok = await this.selfTest(target.url, target.signal);
        if (!settled && !ok && inGrace()) {
          // A new URL not reachable yet: test again shortly, the connection stays.
          timer = this.setTimer(() => void tick(), Math.min(1000, this.selfTestIntervalMs || 1000));
          return;
        }
        if (settled || !ok) {
          return; // a failed self-test has already ended the connection
        }
        if (!wasOnline) {
          wasOnline = true;
          this.logger.info(`Tunnel: online at ${conn.url}`);
          this.update(signal, {
            state: 'online',
            publicUrl: conn.url,
            subdomain: conn.subdomain,
            reason: undefined,
            retry: undefined,
          });
        }
        if (this.selfTestIntervalMs > 0) {
          timer = this.setTimer(() => void tick(), this.selfTestIntervalMs);
        }
      };
      if (signal.aborted) {
        onAbort();
      } else {
        void tick();
      }
    });
  }

  // ---- self-test ----

  private selfTest(url: string, signal: AbortSignal): Promise<boolean> {
    const inFlight = this.selfTestInFlight;
    if (inFlight && inFlight.url === url) {
      return inFlight.run;
    }
    const entry = {
      url,
      run: this.runSelfTest(url, signal).finally(() => {
        if (this.selfTestInFlight === entry) {
          this.selfTestInFlight = undefined;
        }
      }),
    };
    this.selfTestInFlight = entry;
    return entry.run;
  }

  private async runSelfTest(url: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) {
      return false;
    }
    const token = newCanaryToken();
    const started = this.clock.now();
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal.reason);
    signal.addEventListener('abort', onAbort);
    const timer = this.setTimer(() => ctl.abort(new Error(`no answer within ${this.selfTestTimeoutMs} ms`)), this.selfTestTimeoutMs);
    let error: string | undefined;
    try {
      const res = await this.fetchImpl(canaryUrl(url, token), {
        signal: ctl.signal,
        headers: { accept: 'application/json', 'cache-control': 'no-store', 'bypass-tunnel-reminder': '1' },
      });
      const body = await res.text();
      error = checkCanaryAnswer(res.status, body, token);
    } catch (err) {
      error = ctl.signal.aborted ? describe(ctl.signal.reason) : describe(err);
    } finally {
      this.clearTimer(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) {
      return false;
    }
    const finished = this.clock.now();
    const ok = error === undefined;
    const result: SelfTestResult = {
      at: new Date(finished).toISOString(),
      ok,
      ms: Math.max(0, finished - started),
      ...(error !== undefined ? { error } : {}),
    };
    if (ok) {
      this.logger.debug(`Tunnel: self-test ok in ${result.ms} ms`);
    } else {
      this.logger.warn(`Tunnel: self-test failed: ${error}`);
    }
    this.update(signal, { lastSelfTest: result });

    if (this.mode === 'external') {
      this.update(
        signal,
        ok
          ? { state: 'online', reason: undefined }
          : { state: 'offline', reason: `Self-test failed: ${error}. Check that your tunnel forwards to this receiver.` },
      );
    } else if (!ok && this.testTarget?.signal === signal && !(this.graceCheck?.signal === signal && this.graceCheck.inGrace())) {
      this.failConnection?.(`Self-test failed: ${error}`);
    }
    return ok;
  }

  // ---- status ----

  private update(signal: AbortSignal | undefined, patch: Partial<Mutable<TunnelStatus>>): void {
    if (signal?.aborted || this.isDisposed) {
      return;
    }
    const before = this.current;
    const next: Mutable<TunnelStatus> = { ...before, ...patch };
    const changed = (Object.keys(patch) as Array<keyof TunnelStatus>).some((k) => before[k] !== next[k]);
    if (!changed) {
      return;
    }
    this.current = next;
    const snapshot = this.status();
    if (before.state !== next.state) {
      this.logger.debug(`Tunnel: ${before.state} -> ${next.state}${next.reason ? ` (${next.reason})` : ''}`);
      this._onDidChangeState.fire(snapshot);
    }
    this._onDidChangeStatus.fire(snapshot);
  }

  // ---- timers ----

  private setTimer(fn: () => void, ms: number): unknown {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private clearTimer(handle: unknown): void {
    if (this.timers.delete(handle)) {
      this.clock.clearTimeout(handle);
    }
  }

  private clearAllTimers(): void {
    for (const handle of this.timers) {
      this.clock.clearTimeout(handle);
    }
    this.timers.clear();
  }

  /** Resolves after `ms`, or at once when the signal aborts (never rejects). */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        this.clearTimer(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.setTimer(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
    } else {
      signal.addEventListener('abort', () => resolve(), { once: true });
    }
  });
}

function normaliseExternalUrl(raw: string | undefined): string | { error: string } {
  if (!raw || !raw.trim()) {
    return { error: 'Tunnel mode is "external" but no public URL is set.' };
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: `The external public URL "${raw}" is not a valid URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `The external public URL must be http: or https:, not "${url.protocol}".` };
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (err.message === 'fetch failed' && cause) {
      if (typeof cause.code === 'string') {
        return `fetch failed (${cause.code})`;
      }
      if (typeof cause.message === 'string') {
        return `fetch failed (${cause.message})`;
      }
    }
    return err.message;
  }
  return String(err);
}
