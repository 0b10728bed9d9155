import type { CapturedEvent, EventPatch } from '../model/event';
import type { BodyScan } from './bodies';
import { BAD_CRC, CRC_TAIL, NO_CRC, checkLine, type DeliveryFacts } from './records';
import { Entry } from './entry';
import type { IndexSource } from './source';
import type { BodyLocation, IndexRecord } from './types';

/** Why a line was skipped: not JSON (or a wrong checksum), or an `add` that is malformed or whose body bytes are missing. */
export type SkipReason = 'corrupt' | 'body';

const ADD_HEAD = Buffer.from('{"op":"add","id":"');
const E_MARK = Buffer.from(',"e":');
const B_MARK = Buffer.from(',"b":');

/** Where a run of lines comes from, and the counts so far (a load replays a file in chunks). */
export interface ReplayContext {
  /** The file the lines are in: unparsed events are read back from it. Without one, events are parsed at once. */
  src: IndexSource | undefined;
  /** Where `buf[0]` is in that file. */
  base: number;
  /** Lines seen before `buf` (for 1-based line numbers in `onSkip`), non-empty lines, lines of the earlier form. */
  lineNo: number;
  lines: number;
  legacy: number;
  /** Hears of each skipped line. */
  onSkip?: (lineNo: number, reason: SkipReason) => void;
  /** Gets the ids of the events added or changed, in order of their last change. */
  touched?: Set<string>;
}

export function replayContext(src: IndexSource | undefined, base = 0): ReplayContext {
  return { src, base, lineNo: 0, lines: 0, legacy: 0 };
}

/**
 * Replays the index lines in `buf[0, end)` into `entries` (only complete lines: `end` follows a newline),
 * counting them in `ctx`.
 */
export function replayLines(entries: Map<string, Entry>, buf: Buffer, end: number, bodies: BodyScan, ctx: ReplayContext): void {
  for (let start = 0; start < end;) {
    let stop = buf.indexOf(0x0a, start);
    if (stop === -1 || stop > end) {
      stop = end;
    }
    ctx.lineNo++;
    const lineStart = start;
    start = stop + 1;
    if (stop === lineStart) {
      continue;
    }
    ctx.lines++;
    const crc = checkLine(buf, lineStart, stop);
    ctx.legacy += crc === NO_CRC ? 1 : 0;
    const id = crc === BAD_CRC ? 'corrupt' : replayLine(entries, buf, lineStart, stop, crc, bodies, ctx);
    if (id === 'corrupt' || id === 'body') {
      ctx.onSkip?.(ctx.lineNo, id);
    } else if (id !== undefined && ctx.touched) {
      ctx.touched.delete(id);
      ctx.touched.add(id);
    }
  }
}

/** One line: the id it added or changed, undefined for none, or why it was skipped. */
function replayLine(
  entries: Map<string, Entry>,
  buf: Buffer,
  start: number,
  end: number,
  crc: number,
  bodies: BodyScan,
  ctx: ReplayContext,
): string | undefined | SkipReason {
  if (crc >= 0 && startsWith(buf, start, ADD_HEAD)) {
    const entry = readAddHead(buf, start, end - CRC_TAIL);
    if (entry === undefined) {
      return 'corrupt';
    }
    if (!bodyPresent(entry.body, bodies)) {
      return 'body';
    }
    if (ctx.src) {
      entry.locate(ctx.src, ctx.base + start, ctx.base + entry.from, ctx.base + entry.to, crc);
    } else {
      entry.event = JSON.parse(buf.toString('utf8', entry.from, entry.to)) as CapturedEvent;
    }
    if (entries.has(entry.id)) {
      entries.delete(entry.id); // a re-added id moves to the end, as it was appended again
    }
    entries.set(entry.id, entry);
    return entry.id;
  }
  let rec: IndexRecord;
  try {
    rec = JSON.parse(buf.toString('utf8', start, end)) as IndexRecord;
  } catch {
    return 'corrupt';
  }
  if (!applyRecord(entries, rec, bodies)) {
    return 'body';
  }
  return rec.op === 'add' ? rec.e.id : rec.op === 'set' || rec.op === 'push' ? rec.id : undefined;
}

/**
 * The lazy entry of an `add` line of the current form, from the part before the event (`{"op":"add","id":…,
 * "b":…,"d":…,"p":1,` then `"e":`); `eventEnd` is where the event's JSON ends. Its `from` and `to` are the
 * event's place in `buf`. Undefined when it is malformed.
 */
function readAddHead(buf: Buffer, start: number, eventEnd: number): Entry | undefined {
  const idStart = start + ADD_HEAD.length;
  const idEnd = buf.indexOf(0x22, idStart);
  let head: { id?: unknown; b?: unknown; d?: unknown; p?: unknown } | undefined;
  let at = -1;
  if (idEnd !== -1 && idEnd < eventEnd && isPlain(buf, idStart, idEnd)) {
    // The common case, read by hand: a plain id, maybe `,"b":[seg,offset,length]`, then the event.
    let pos = idEnd + 1;
    let b: [number, number, number] | undefined;
    if (startsWith(buf, pos, B_MARK)) {
      const triple = readTriple(buf, pos + B_MARK.length, eventEnd);
      b = triple?.value;
      pos = triple?.next ?? -1;
    }
    if (pos !== -1 && startsWith(buf, pos, E_MARK)) {
      head = { id: buf.toString('latin1', idStart, idEnd), b };
      at = pos;
    }
  }
  if (!head) {
    // A delivery id, a pin, a large body's file or an escaped id: the head as JSON.
    at = buf.indexOf(E_MARK, start);
    if (at === -1 || at >= eventEnd) {
      return undefined;
    }
    head = parseHead(buf, start, at);
  }
  const { id, b, d, p } = head;
  if (typeof id !== 'string' || (b !== undefined && !isBodyLocation(b)) || (d !== undefined && !isFacts(d))) {
    return undefined;
  }
  const entry = new Entry(id, undefined, b);
  entry.pinned = p === 1;
  entry.facts = d;
  entry.from = at + E_MARK.length;
  entry.to = eventEnd;
  return entry;
}

function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (buf[at + i] !== prefix[i]) {
      return false;
    }
  }
  return true;
}

/** Whether `buf[from, to)` is printable ASCII without a backslash (a JSON string's content as it is). */
function isPlain(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x5c) {
      return false;
    }
  }
  return true;
}

function parseHead(buf: Buffer, start: number, at: number): { id?: unknown; b?: unknown; d?: unknown; p?: unknown } {
  try {
    return JSON.parse(`${buf.toString('utf8', start, at)}}`) as { id?: unknown };
  } catch {
    return {};
  }
}

/** `[n,n,n]` at `pos` (digits only, before `limit`): the numbers and the position after `]`. */
function readTriple(buf: Buffer, pos: number, limit: number): { value: [number, number, number]; next: number } | undefined {
  if (buf[pos] !== 0x5b) {
    return undefined;
  }
  const value: [number, number, number] = [0, 0, 0];
  let i = pos + 1;
  for (let k = 0; k < 3; k++) {
    const first = i;
    let n = 0;
    while (i < limit && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
      n = n * 10 + buf[i]! - 0x30;
      i++;
    }
    if (i === first || buf[i] !== (k < 2 ? 0x2c : 0x5d)) {
      return undefined;
    }
    value[k] = n;
    i++;
  }
  return { value, next: i };
}

function isBodyLocation(b: unknown): b is BodyLocation {
  return Array.isArray(b)
    ? b.length === 3 && b.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
    : typeof b === 'object' && b !== null && typeof (b as { file?: unknown }).file === 'string';
}

function isFacts(d: unknown): d is DeliveryFacts {
  return Array.isArray(d) && d.length === 4 && typeof d[1] === 'string';
}

function bodyPresent(b: BodyLocation | undefined, { segSizes, fileNames }: BodyScan): boolean {
  if (!b) {
    return true;
  }
  return 'file' in b ? fileNames.has(b.file) : Array.isArray(b) && (segSizes.get(b[0]) ?? -1) >= b[1] + b[2];
}

/** Applies one parsed record; false when it is not one the store can use (the line is skipped). */
export function applyRecord(entries: Map<string, Entry>, rec: IndexRecord, bodies: BodyScan): boolean {
  switch (rec?.op) {
    case 'add': {
      const e = rec.e;
      if (!e || typeof e.id !== 'string' || typeof e.method !== 'string' || !Array.isArray(e.headers) || !bodyPresent(rec.b, bodies)) {
        return false;
      }
      entries.delete(e.id);
      entries.set(e.id, new Entry(e.id, e, rec.b));
      return true;
    }
    case 'set': {
      const entry = entries.get(rec.id);
      if (entry && rec.p && typeof rec.p === 'object') {
        const patch: EventPatch = rec.p;
        entry.change((e) => ({ ...e, ...patch }), patch);
      }
      return true;
    }
    case 'push': {
      const entry = entries.get(rec.id);
      if (entry && typeof rec.f === 'string' && typeof rec.n === 'number') {
        const { f, v, n } = rec;
        entry.change((e) => withPushed(e, f, v, n));
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
