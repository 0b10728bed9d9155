import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** One entry of a ZIP's central directory (a VSIX is a ZIP). */
export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly size: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** Offset of the entry's local header. */
  readonly offset: number;
}

/**
 * Lists a ZIP file's entries from its central directory, without extracting anything. Enough for the
 * VSIX that vsce writes (no ZIP64: every file far below 4 GiB).
 */
export function zipEntries(file: string): ZipEntry[] {
  const buf = readFileSync(file);
  // End of central directory: 22 bytes plus a comment of up to 64 KiB, at the very end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) {
    throw new Error(`${file}: not a ZIP file (no end of central directory)`);
  }
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) {
      throw new Error(`${file}: bad central directory entry ${k}`);
    }
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLength), compressedSize, size, method: buf.readUInt16LE(p + 10), offset: buf.readUInt32LE(p + 42) });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/** The bytes of one entry (stored or deflated). */
export function zipRead(file: string, name: string): Buffer {
  const entry = zipEntries(file).find((e) => e.name === name);
  if (!entry) {
    throw new Error(`${file}: no entry ${name}`);
  }
  const buf = readFileSync(file);
  const p = entry.offset;
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    return Buffer.from(data);
  }
  if (entry.method === 8) {
    return inflateRawSync(data);
  }
  throw new Error(`${file}: ${name} uses compression method ${entry.method}`);
}
