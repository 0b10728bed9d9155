import { randomFillSync } from 'node:crypto';

let lastIdMs = -1;
let lastIdSuffix = 0;

/** Random bytes drawn 4 KiB at a time (one `randomFillSync` per 819 new milliseconds, not one per id). */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function random40(): number {
  if (poolAt + 5 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const n = pool.readUIntBE(poolAt, 5);
  poolAt += 5;
  return n;
}

/**
 * A new event id: the time in ms (base 36), then 40 bits. Ids of one process sort in creation order: within
 * the same millisecond the suffix counts up from the previous one instead of being drawn anew.
 */
export function newEventId(now: Date = new Date()): string {
  const ms = now.getTime();
  const suffix = ms === lastIdMs && lastIdSuffix < 0xff_ffff_ffff ? lastIdSuffix + 1 : random40() % 0x80_0000_0000;
  lastIdMs = ms;
  lastIdSuffix = suffix;
  return `evt_${ms.toString(36).padStart(9, '0')}${suffix.toString(16).padStart(10, '0')}`;
}
