import type { BackoffOptions } from '../backoff';
import { backoffDelay } from '../backoff';
import type { Clock, TunnelState } from './types';

/**
 * The supervisor's timers, on an injected clock: every pending one is known, so stopping clears them
 * all and tests can see and shorten each delay.
 */
export class Timers {
  private readonly handles = new Set<unknown>();

  constructor(private readonly clock: Clock) {}

  set(fn: () => void, ms: number): unknown {
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: unknown): void {
    if (this.handles.delete(handle)) {
      this.clock.clearTimeout(handle);
    }
  }

  clearAll(): void {
    for (const handle of this.handles) {
      this.clock.clearTimeout(handle);
    }
    this.handles.clear();
  }

  /** Resolves after `ms`, or at once when the signal aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        this.clear(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.set(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  /**
   * Runs `start` with a deadline: on timeout `start`'s signal aborts with `timeoutError()` and the promise
   * rejects with it; on abort of `signal` it rejects at once, even if `start` ignores its signal. A value
   * that arrives after either goes to `discard` (e.g. a tunnel opened too late is closed).
   */
  withDeadline<T>(
    signal: AbortSignal,
    ms: number,
    timeoutError: () => Error,
    start: (signal: AbortSignal) => Promise<T>,
    discard: (late: T) => void,
  ): Promise<T> {
    const ctl = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) {
          return false;
        }
        settled = true;
        this.clear(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
        return true;
      };
      const onAbort = () => {
        ctl.abort(signal.reason);
        settle(() => reject(signal.reason));
      };
      const timer = this.set(() => {
        const err = timeoutError();
        ctl.abort(err);
        settle(() => reject(err));
      }, ms);
      signal.addEventListener('abort', onAbort);
      let promise: Promise<T>;
      try {
        promise = start(ctl.signal);
      } catch (err) {
        promise = Promise.reject(err);
      }
      promise.then(
        (value) => {
          if (!settle(() => resolve(value))) {
            discard(value); // too late: timed out or stopped
          }
        },
        (err: unknown) => settle(() => reject(err)),
      );
      if (signal.aborted) {
        onAbort();
      }
    });
  }
}

/** Resolves when the signal aborts (at once if it has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
    } else {
      signal.addEventListener('abort', () => resolve(), { once: true });
    }
  });
}

/**
 * When the next (re)connect happens: at once the first time, then exponential backoff with jitter after
 * failures, at least as long as a server asked (e.g. a rate limit), or a short hold while a subdomain we
 * asked for is still taken.
 */
export class RetrySchedule {
  private failures = 0;
  /** The server asked us to wait at least this long. */
  private minDelayMs = 0;
  /** Set after the server offered another subdomain: wait for it to free ours, instead of backing off. */
  private holdDelayMs: number | undefined;
  private everOnline = false;
  /** How many times in a row the server offered another subdomain than the one asked for. */
  subdomainMisses = 0;

  constructor(
    private readonly backoff: BackoffOptions | undefined,
    private readonly random: () => number,
  ) {}

  /** The next attempt: the state to show, the wait before it (0: at once) and its number. */
  next(): { state: TunnelState; delayMs: number; attempt: number } {
    const state: TunnelState = this.everOnline || this.failures > 0 ? 'reconnecting' : 'starting';
    const backoff = this.failures > 0 ? backoffDelay(this.failures, this.backoff, this.random) : 0;
    const delayMs = this.holdDelayMs ?? Math.max(this.minDelayMs, backoff);
    const attempt = this.holdDelayMs !== undefined ? this.subdomainMisses : this.failures;
    this.holdDelayMs = undefined;
    this.minDelayMs = 0;
    return { state, delayMs, attempt };
  }

  /** Opening failed; `retryAfterMs` is the least wait the server asked for. */
  openFailed(retryAfterMs: number | undefined): void {
    if (retryAfterMs) {
      this.minDelayMs = retryAfterMs;
    }
    this.failures++;
  }

  /** The subdomain asked for is still taken: ask again after `delayMs`. */
  subdomainTaken(delayMs: number): void {
    this.subdomainMisses++;
    this.holdDelayMs = delayMs;
  }

  /** A connection ended; after one that was online the backoff starts again at its first step. */
  ended(wasOnline: boolean): void {
    if (wasOnline) {
      this.everOnline = true;
      this.failures = 1;
    } else {
      this.failures++;
    }
  }
}
