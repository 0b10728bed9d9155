import type { BenchItem } from './types';

/** A placeholder item for a feature that has not landed: one "not measured yet" row. Replace the file when it lands. */
export function notYet(name: string, title: string, order: number, why: string): BenchItem {
  return {
    name,
    title,
    order,
    estimateSeconds: 0,
    run: async () => ({
      rows: [{ label: title, subject: `not measured yet: ${why}`, baseline: '—', goal: '—' }],
      raw: { measured: false, why },
    }),
  };
}
