import * as zlib from 'node:zlib';
import type { CapturedEvent } from '../model/event';
import type { BodyLocation, IndexRecord } from './types';

/**
 * The line format of `index.jsonl` (one JSON object a line, valid JSON either way):
 *
 * - Since 0.2: every line ends with `,"c":"<crc32 of the bytes before it, 8 hex digits>"}`, and an `add`
 *   record leads with what a load needs, before the event: `{"op":"add","id":…,"b":…,"d":…,"p":1,"e":{…},"c":…}`
 *   (`b` the body location, `d` `[provider, deliveryId, attempt, duplicateOf]` when the event has a delivery
 *   id, `p` when pinned). A load checks the checksum and reads that prefix; the event itself is parsed when
 *   it is first asked for (`Entry`), so loading costs about one pass over the bytes in native code.
 * - Before: the same records without `c` and with `e` first (`{"op":"add","e":{…},"b":…}`). They still load
 *   (parsed whole, checked field by field); the writer rewrites such an index in the new form at open.
 */

/** `,"c":"` + 8 hex digits + `"}`: the checksum's tail on every line of the current form. */
export const CRC_TAIL = 16;
const CRC_MARK = Buffer.from(',"c":"');

/** The facts of an event a load needs without parsing it: `[provider, deliveryId, attempt, duplicateOf]`. */
export type DeliveryFacts = [provider: string | null, deliveryId: string, attempt: number | null, duplicateOf: string | null];

export function deliveryFacts(e: CapturedEvent): DeliveryFacts | undefined {
  return e.deliveryId ? [e.provider ?? null, e.deliveryId, e.attempt ?? null, e.duplicateOf ?? null] : undefined;
}

/** One record as a line of the current form, without its newline. */
export function encodeRecord(rec: IndexRecord): string {
  return withChecksum(recordHead(rec));
}

/** A record's line up to its checksum tail (`encodeLines` turns heads into the bytes written). */
export function recordHead(rec: IndexRecord): string {
  if (rec.op === 'add') {
    return encodeAddHead(rec.e.id, rec.b, deliveryFacts(rec.e), !!rec.e.pinned) + JSON.stringify(rec.e);
  }
  return JSON.stringify(rec).slice(0, -1);
}

/**
 * An `add` line of the current form around an event's stored JSON bytes (compaction copies them as they are),
 * without its newline, and the line's checksum.
 */
export function encodeAdd(
  id: string,
  b: BodyLocation | undefined,
  facts: DeliveryFacts | undefined,
  pinned: boolean,
  eventJson: Uint8Array,
): { line: Buffer; crc: number; eventAt: number } {
  const head = encodeAddHead(id, b, facts, pinned);
  const eventAt = Buffer.byteLength(head);
  const line = Buffer.allocUnsafe(eventAt + eventJson.length + CRC_TAIL);
  line.write(head, 0, 'utf8');
  line.set(eventJson, eventAt);
  const crc = crc32(line.subarray(0, eventAt + eventJson.length));
  line.write(`,"c":"${hex8(crc)}"}`, eventAt + eventJson.length, 'latin1');
  return { line, crc, eventAt };
}

const TAIL_TEXT = ',"c":"00000000"}\n';
const HEX_DIGITS = Buffer.from('0123456789abcdef');

/**
 * Whole lines (each with its checksum tail and newline) as the bytes written, from their heads: the text
 * is encoded to UTF-8 once, and each checksum is computed over the line's bytes and written into place.
 * A head never holds a newline byte (JSON escapes control characters; UTF-8 never uses 0x0a in a sequence).
 */
export function encodeLines(heads: readonly string[]): Buffer {
  if (heads.length === 0) {
    return Buffer.alloc(0);
  }
  const buf = Buffer.from(heads.join(TAIL_TEXT) + TAIL_TEXT);
  let start = 0;
  for (let i = 0; i < heads.length; i++) {
    const newline = buf.indexOf(0x0a, start);
    const tail = newline - CRC_TAIL;
    let crc = crc32(buf.subarray(start, tail)) >>> 0;
    // The 8 hex digits sit between `,"c":"` and `"}`.
    for (let k = tail + CRC_MARK.length + 7; k >= tail + CRC_MARK.length; k--) {
      buf[k] = HEX_DIGITS[crc & 0xf]!;
      crc >>>= 4;
    }
    start = newline + 1;
  }
  return buf;
}

function encodeAddHead(id: string, b: BodyLocation | undefined, facts: DeliveryFacts | undefined, pinned: boolean): string {
  let head = `{"op":"add","id":${JSON.stringify(id)}`;
  if (b) {
    head += `,"b":${JSON.stringify(b)}`;
  }
  if (facts) {
    head += `,"d":${JSON.stringify(facts)}`;
  }
  if (pinned) {
    head += ',"p":1';
  }
  return head + ',"e":';
}

function withChecksum(head: string): string {
  return `${head},"c":"${hex8(crc32(head))}"}`;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** `checkLine`: the line has no checksum tail (the earlier form). */
export const NO_CRC = -1;
/** `checkLine`: the line's checksum does not match its bytes. */
export const BAD_CRC = -2;

/**
 * Whether the line `buf[start, end)` carries a checksum tail, and if so whether it matches: `NO_CRC` for a
 * line of the earlier form, `BAD_CRC`, or the checksum (of the bytes before the tail, `[start, end - CRC_TAIL)`).
 */
export function checkLine(buf: Buffer, start: number, end: number): number {
  const tail = end - CRC_TAIL;
  if (tail < start || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22) {
    return NO_CRC;
  }
  for (let i = 0; i < CRC_MARK.length; i++) {
    if (buf[tail + i] !== CRC_MARK[i]) {
      return NO_CRC;
    }
  }
  let stated = 0;
  for (let i = tail + CRC_MARK.length; i < end - 2; i++) {
    const c = buf[i]!;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) {
      return BAD_CRC;
    }
    stated = stated * 16 + digit;
  }
  return stated === crc32(buf.subarray(start, tail)) ? stated : BAD_CRC;
}

const nativeCrc32 = (zlib as { crc32?: (data: string | Uint8Array) => number }).crc32;
let table: Int32Array | undefined;

/** CRC-32 (zlib's); node's own when it has one (Node ≥ 20.15), else a table-driven one. */
export function crc32(data: string | Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) : tableCrc32(data);
}

/** zlib's CRC-32 from a table, for a Node without `zlib.crc32` (older than 20.15). */
export function tableCrc32(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  table ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c;
  });
  let crc = -1;
  for (const byte of bytes) {
    crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}
