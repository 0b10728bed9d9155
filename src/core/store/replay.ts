import type { CapturedEvent } from '../model/event';
import type { BodyScan } from './bodies';
import type { Entry, IndexRecord } from './types';

/** Why a line was skipped: not JSON, or an `add` whose event is malformed or whose body bytes are missing. */
export type SkipReason = 'corrupt' | 'body';

/** The text up to and including its last newline: a line without one was torn by a crash mid-write. */
export function completeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

/**
 * Replays index lines into `entries`. Returns how many non-empty lines there were and the ids of the
 * events they added or changed, in order of their last change. `onSkip` hears of each skipped line.
 */
export function replayLines(
  entries: Map<string, Entry>,
  text: string,
  bodies: BodyScan,
  onSkip?: (lineNo: number, reason: SkipReason) => void,
): { lines: number; touched: Set<string> } {
  const touched = new Set<string>();
  let lineNo = 0;
  let lines = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line) {
      continue;
    }
    lines++;
    let rec: IndexRecord;
    try {
      rec = JSON.parse(line) as IndexRecord;
    } catch {
      onSkip?.(lineNo, 'corrupt');
      continue;
    }
    if (!applyRecord(entries, rec, bodies)) {
      onSkip?.(lineNo, 'body');
      continue;
    }
    const id = rec.op === 'add' ? rec.e.id : rec.op === 'set' || rec.op === 'push' ? rec.id : undefined;
    if (id) {
      touched.delete(id);
      touched.add(id);
    }
  }
  return { lines, touched };
}

/** Applies one record; false when it is not one the store can use (the line is skipped). */
export function applyRecord(entries: Map<string, Entry>, rec: IndexRecord, { segSizes, fileNames }: BodyScan): boolean {
  switch (rec?.op) {
    case 'add': {
      const e = rec.e;
      if (!e || typeof e.id !== 'string' || typeof e.method !== 'string' || !Array.isArray(e.headers)) {
        return false;
      }
      const b = rec.b;
      if (b) {
        if ('file' in b) {
          if (!fileNames.has(b.file)) {
            return false;
          }
        } else if (!Array.isArray(b) || (segSizes.get(b[0]) ?? -1) < b[1] + b[2]) {
          return false;
        }
      }
      entries.delete(e.id);
      entries.set(e.id, { event: e, body: b });
      return true;
    }
    case 'set': {
      const entry = entries.get(rec.id);
      if (entry && rec.p && typeof rec.p === 'object') {
        entry.event = { ...entry.event, ...rec.p };
      }
      return true;
    }
    case 'push': {
      const entry = entries.get(rec.id);
      if (entry && typeof rec.f === 'string' && typeof rec.n === 'number') {
        entry.event = withPushed(entry.event, rec.f, rec.v, rec.n);
      }
      return true;
    }
    case 'del':
      entries.delete(rec.id);
      return true;
    case 'clear':
      entries.clear();
      return true;
    default:
      return false;
  }
}

/** The event with `item` appended to its list `field`, of which the newest `keep` items stay. */
export function withPushed(event: CapturedEvent, field: string, item: unknown, keep: number): CapturedEvent {
  const prev = (event as unknown as Record<string, unknown>)[field];
  const list = Array.isArray(prev) ? (prev as unknown[]) : [];
  const next = list.slice(Math.max(0, list.length - Math.max(1, keep) + 1));
  next.push(item);
  return { ...event, [field]: next };
}
