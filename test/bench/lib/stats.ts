/** Small statistics helpers for the benchmark. Every figure is summarised as median and spread. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
  readonly n: number;
}

/** Quantile by linear interpolation between closest ranks, `q` in [0, 1]. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function sortNumbers(values: readonly number[]): number[] {
  return [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

export function summarize(values: readonly number[]): Summary {
  const s = sortNumbers(values);
  return {
    median: quantile(s, 0.5),
    min: s.length ? s[0]! : Number.NaN,
    max: s.length ? s[s.length - 1]! : Number.NaN,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    n: s.length,
  };
}

/** Percentiles of a latency sample (ms). */
export function percentiles(values: readonly number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const s = sortNumbers(values);
  return {
    p50: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    p99: quantile(s, 0.99),
    max: s.length ? s[s.length - 1]! : Number.NaN,
    n: s.length,
  };
}

/** Element-wise ratio of paired samples (round i of the subject over round i of the baseline). */
export function pairedRatios(subject: readonly number[], baseline: readonly number[]): number[] {
  const n = Math.min(subject.length, baseline.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(subject[i]! / baseline[i]!);
  }
  return out;
}

/** Formats a number with a sensible number of significant digits. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs >= 10_000) {
    return Math.round(value).toLocaleString('en-US');
  }
  if (abs >= 100) {
    return value.toFixed(0);
  }
  return String(Number.parseFloat(value.toPrecision(digits)));
}

export function fmtSpread(s: Summary, digits = 3): string {
  return `${fmt(s.min, digits)}–${fmt(s.max, digits)}`;
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
