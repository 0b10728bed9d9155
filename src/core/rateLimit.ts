/** The receiver's optional per-address rate limit (`rateLimitPerMinute`). */

/**
 * The sender's address. Behind the tunnel every request comes from loopback, so the first
 * X-Forwarded-For entry (set by the tunnel server) names the sender then.
 */
export function sourceAddress(remote: string, headers: ReadonlyArray<readonly [string, string]>): string {
  if (remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1') {
    const xff = headers.find(([k]) => k.toLowerCase() === 'x-forwarded-for')?.[1];
    if (xff) {
      return xff.split(',')[0]!.trim();
    }
  }
  return remote;
}

/** A fixed-window limit per key; returns the seconds to wait when over, else undefined. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  take(key: string, now: number): number | undefined {
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) {
        this.windows.clear(); // bounded memory under address floods
      }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > this.perMinute ? Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)) : undefined;
  }
}
