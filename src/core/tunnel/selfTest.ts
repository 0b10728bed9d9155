import type { Logger } from '../logger';
import { canaryUrl, checkCanaryAnswer, newCanaryToken } from './canary';
import type { Timers } from './schedule';
import type { Clock, SelfTestResult } from './types';

export interface SelfTesterOptions {
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly timers: Timers;
  /** How long a canary may take. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** What the supervisor makes of a result (status, reconnect); not called when the signal aborted. */
  readonly onResult: (result: SelfTestResult, signal: AbortSignal) => void;
}

/**
 * The end-to-end self-test: a canary request with a random token sent to the public URL must come back
 * from our receiver (see `canary.ts`). A test asked for while one to the same URL runs shares its result.
 */
export class SelfTester {
  private inFlight: { readonly url: string; readonly run: Promise<boolean> } | undefined;

  constructor(private readonly options: SelfTesterOptions) {}

  /** Resolves true when the canary came back; false when it did not or the signal aborted. */
  test(url: string, signal: AbortSignal): Promise<boolean> {
    const inFlight = this.inFlight;
    if (inFlight && inFlight.url === url) {
      return inFlight.run;
    }
    const entry = {
      url,
      run: this.run(url, signal).finally(() => {
        if (this.inFlight === entry) {
          this.inFlight = undefined;
        }
      }),
    };
    this.inFlight = entry;
    return entry.run;
  }

  private async run(url: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) {
      return false;
    }
    const { clock, timers, timeoutMs, logger } = this.options;
    const token = newCanaryToken();
    const started = clock.now();
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal.reason);
    signal.addEventListener('abort', onAbort);
    const timer = timers.set(() => ctl.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let error: string | undefined;
    try {
      const res = await this.options.fetch(canaryUrl(url, token), {
        signal: ctl.signal,
        headers: { accept: 'application/json', 'cache-control': 'no-store', 'bypass-tunnel-reminder': '1' },
      });
      const body = await res.text();
      error = checkCanaryAnswer(res.status, body, token);
    } catch (err) {
      error = ctl.signal.aborted ? describeTunnelError(ctl.signal.reason) : describeTunnelError(err);
    } finally {
      timers.clear(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) {
      return false;
    }
    const finished = clock.now();
    const ok = error === undefined;
    const result: SelfTestResult = {
      at: new Date(finished).toISOString(),
      ok,
      ms: Math.max(0, finished - started),
      ...(error !== undefined ? { error } : {}),
    };
    if (ok) {
      logger.debug(`Tunnel: self-test ok in ${result.ms} ms`);
    } else {
      logger.warn(`Tunnel: self-test failed: ${error}`);
    }
    this.options.onResult(result, signal);
    return ok;
  }
}

/** An error's message; for `fetch failed`, the cause's code or message, which says what went wrong. */
export function describeTunnelError(err: unknown): string {
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
