/** Exponential backoff with jitter, as a pure function so the schedule is testable. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. Default 1000 ms. */
  initialMs?: number;
  /** Upper bound for any delay. Default 60 000 ms. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /**
   * Share of the delay that is random, 0..1. Default 0.5: a delay is drawn from [base * 0.5, base].
   * Jitter keeps many clients from retrying in lockstep after a server outage.
   */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialMs: 1000,
  maxMs: 60_000,
  factor: 2,
  jitter: 0.5,
};

/**
 * The delay before retry number `attempt` (1 for the first retry): `min(maxMs, initialMs * factor^(attempt-1))`,
 * less up to `jitter` of it at random. `random` returns a number in [0, 1), like `Math.random`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...options };
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(maxMs, initialMs * Math.pow(factor, n - 1));
  const share = Math.min(1, Math.max(0, jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(base * (1 - share * r)));
}
