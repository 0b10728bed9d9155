import type { IDisposable } from '../lifecycle';
import { Disposable, Emitter } from '../lifecycle';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import { externalVerdict, runExternal } from './externalUrl';
import { DEFAULT_LOCALTUNNEL_HOST } from './localtunnelFactory';
import { RetrySchedule, Timers, untilAborted } from './schedule';
import { describeTunnelError as describe, SelfTester } from './selfTest';
import type { TunnelSupervisorOptions } from './supervisorOptions';
import { DEFAULT_SELF_TEST_INTERVAL_MS, DEFAULT_SELF_TEST_TIMEOUT_MS, defaultFactory, defaultOpenTimeoutMs } from './supervisorOptions';
import type { Clock, SelfTestResult, TunnelConnection, TunnelFactory, TunnelMode, TunnelState, TunnelStatus } from './types';
import { realClock, TunnelOpenError } from './types';

export type { TunnelSupervisorOptions } from './supervisorOptions';
export {
  DEFAULT_CLOUDFLARED_OPEN_TIMEOUT_MS,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_SELF_TEST_INTERVAL_MS,
  DEFAULT_SELF_TEST_TIMEOUT_MS,
} from './supervisorOptions';

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
  private readonly openTunnel: TunnelFactory;
  private readonly selfTestIntervalMs: number;
  private readonly openTimeoutMs: number;

  private current: Mutable<TunnelStatus>;
  private preferredSubdomain: string | undefined;
  private session: Session | undefined;
  /** Where the canary goes (the open connection's URL, or the external URL), and what cancels it. */
  private testTarget: { readonly url: string; readonly signal: AbortSignal } | undefined;
  /** Ends the supervised connection with a reason (set while one is supervised). */
  private failConnection: ((reason: string) => void) | undefined;
  /** While a new connection may still be unreachable (its `readyGraceMs`), failed self-tests do not end it. */
  private graceCheck: { readonly signal: AbortSignal; inGrace(): boolean } | undefined;
  private readonly timers: Timers;
  private readonly selfTester: SelfTester;

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
    const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.timers = new Timers(this.clock);
    this.openTunnel = options.openTunnel ?? defaultFactory(this.mode, options.cloudflaredPath, fetchImpl, this.logger, options.wording);
    this.selfTestIntervalMs = options.selfTestIntervalMs ?? DEFAULT_SELF_TEST_INTERVAL_MS;
    this.selfTester = new SelfTester({
      fetch: fetchImpl,
      clock: this.clock,
      timers: this.timers,
      timeoutMs: options.selfTestTimeoutMs ?? DEFAULT_SELF_TEST_TIMEOUT_MS,
      logger: this.logger,
      onResult: (result, signal) => this.onSelfTest(result, signal),
    });
    this.openTimeoutMs = options.openTimeoutMs ?? defaultOpenTimeoutMs(this.mode);
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
    this.timers.clearAll();
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
    this.timers.clearAll();
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

  private runExternal(signal: AbortSignal): Promise<void> {
    return runExternal(
      {
        rawUrl: this.options.externalUrl,
        selfTestIntervalMs: this.selfTestIntervalMs,
        timers: this.timers,
        setTarget: (url, target) => (this.testTarget = { url, signal: target }),
        update: (sig, patch) => this.update(sig, patch),
        selfTest: (url, sig) => this.selfTest(url, sig),
      },
      signal,
    );
  }

  /** Opens, supervises and reopens tunnels from the factory; `keepSubdomain` asks for the same one each time. */
  private async runTunnel(signal: AbortSignal, keepSubdomain: boolean): Promise<void> {
    const host = this.options.host || DEFAULT_LOCALTUNNEL_HOST;
    const schedule = new RetrySchedule(this.options.backoff, this.options.random ?? Math.random);
    let reason: string | undefined;
    while (!signal.aborted) {
      const { state, delayMs, attempt } = schedule.next();
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
        await this.timers.sleep(delayMs, signal);
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
        schedule.openFailed(err instanceof TunnelOpenError ? err.retryAfterMs : undefined);
        continue;
      }

      const wanted = keepSubdomain ? this.preferredSubdomain : undefined;
      if (wanted !== undefined && conn.subdomain !== wanted && schedule.subdomainMisses < (this.options.subdomainRetries ?? 2)) {
        conn.close();
        reason = `The subdomain "${wanted}" is still taken (the server offered "${conn.subdomain}"); asking again.`;
        this.logger.warn(`Tunnel: ${reason}`);
        schedule.subdomainTaken(this.options.subdomainRetryDelayMs ?? 1500);
        continue;
      }
      if (wanted !== undefined && conn.subdomain !== wanted) {
        this.logger.warn(`Tunnel: the subdomain "${wanted}" stays taken; using "${conn.subdomain}" for now, the URL changed.`);
      }
      schedule.subdomainMisses = 0;
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
      schedule.ended(end.wasOnline);
    }
  }

  /** Opens with a timeout; on abort rejects at once, even if the factory ignores the signal. */
  private open(host: string, signal: AbortSignal): Promise<TunnelConnection> {
    const subdomain = this.mode === 'cloudflared' ? undefined : this.preferredSubdomain;
    return this.timers.withDeadline(
      signal,
      this.openTimeoutMs,
      () => new TunnelOpenError(`Opening the tunnel timed out after ${this.openTimeoutMs} ms.`, { retryable: true }),
      (ctlSignal) =>
        this.openTunnel({
          host,
          localPort: this.options.localPort,
          localHost: this.options.localHost ?? '127.0.0.1',
          signal: ctlSignal,
          ...(subdomain !== undefined ? { subdomain } : {}),
        }),
      (conn) => conn.close(),
    );
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
          this.timers.clear(timer);
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
          timer = this.timers.set(() => void tick(), Math.min(1000, this.selfTestIntervalMs || 1000));
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
          timer = this.timers.set(() => void tick(), this.selfTestIntervalMs);
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
    return this.selfTester.test(url, signal);
  }

  private onSelfTest(result: SelfTestResult, signal: AbortSignal): void {
    this.update(signal, { lastSelfTest: result });
    if (this.mode === 'external') {
      this.update(signal, externalVerdict(result));
    } else if (!result.ok && this.testTarget?.signal === signal && !(this.graceCheck?.signal === signal && this.graceCheck.inGrace())) {
      this.failConnection?.(`Self-test failed: ${result.error}`);
    }
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
}
