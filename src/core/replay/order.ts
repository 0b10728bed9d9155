/**
 * Replay order and pacing: pure functions shared by the CLI and VS Code. A shuffle is driven by a
 * small seeded PRNG (mulberry32), so a seed that is shown can be given again for the same order.
 */

export type ReplayOrder = 'received' | 'reverse' | 'shuffle';
export const REPLAY_ORDERS: readonly ReplayOrder[] = ['received', 'reverse', 'shuffle'];

/** No delay; a fixed delay before each delivery after the first; or the gaps as received, divided by `speed`. */
export type Pacing =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly delayMs: number }
  | { readonly kind: 'asReceived'; readonly speed: number };

/** The largest seed (seeds are unsigned 32-bit integers). */
export const MAX_SEED = 0xffffffff;

/** A fresh random seed. */
export function newSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (MAX_SEED + 1)) >>> 0;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `items` (in received order, oldest first) in the replay order. `shuffle` is a Fisher–Yates shuffle
 * driven by `seededRandom(seed)`.
 */
export function orderItems<T>(items: readonly T[], order: ReplayOrder, seed = 0): T[] {
  const out = [...items];
  if (order === 'reverse') {
    return out.reverse();
  }
  if (order === 'shuffle') {
    const random = seededRandom(seed);
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  return out;
}

/**
 * The wait before each delivery, in replay order. `offsetsMs` are the items' arrival times (ms, any
 * origin) in replay order. The first delivery goes at once. As received: the gap between two
 * consecutive deliveries is the distance between their arrival times, divided by `speed`.
 */
export function delaysFor(offsetsMs: readonly number[], pacing: Pacing): number[] {
  return offsetsMs.map((t, i) => {
    if (i === 0 || pacing.kind === 'none') {
      return 0;
    }
    if (pacing.kind === 'fixed') {
      return Math.max(0, pacing.delayMs);
    }
    return Math.max(0, Math.round(Math.abs(t - offsetsMs[i - 1]!) / Math.max(pacing.speed, 1e-6)));
  });
}

/** `--order` and friends, checked: a clear message for bad input. */
export function parseOrder(raw: string | undefined): ReplayOrder {
  const value = (raw ?? 'received').toLowerCase();
  const alias = value === 'reversed' ? 'reverse' : value === 'shuffled' ? 'shuffle' : value;
  if (!(REPLAY_ORDERS as readonly string[]).includes(alias)) {
    throw new Error(`The order must be received, reverse or shuffle, not "${raw}".`);
  }
  return alias as ReplayOrder;
}

export function parseSeed(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > MAX_SEED) {
    throw new Error(`The seed must be a whole number from 0 to ${MAX_SEED}, not "${raw}".`);
  }
  return n;
}

/** A short description, e.g. "shuffled (seed 42)", "as received ×10". */
export function describeReplay(order: ReplayOrder, seed: number | undefined, pacing: Pacing): string {
  const o = order === 'shuffle' ? `shuffled (seed ${seed ?? 0})` : order === 'reverse' ? 'reversed' : 'in received order';
  const p =
    pacing.kind === 'none'
      ? 'no delay'
      : pacing.kind === 'fixed'
        ? `${pacing.delayMs} ms apart`
        : pacing.speed === 1
          ? 'paced as received'
          : `paced as received ×${pacing.speed}`;
  return `${o}, ${p}`;
}
