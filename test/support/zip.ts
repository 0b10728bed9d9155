// A tiny reader of a zip's central directory (a VSIX is a zip): names and sizes, no extraction
// except for small stored/deflated entries read on demand.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly method: number;
  readonly localHeaderOffset: number;
}

export interface Zip {
  readonly entries: ZipEntry[];
  read(name: string): Buffer;
}

export function readZip(file: string): Zip {
  const buf = readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new Error(`${file}: not a zip (no end of central directory)`);
  }
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) {
      throw new Error(`${file}: bad central directory entry ${n}`);
    }
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, size, compressedSize, method, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return {
    entries,
    read(name: string): Buffer {
      const e = entries.find((x) => x.name === name);
      if (!e) {
        throw new Error(`${name} is not in ${file}`);
      }
      const h = e.localHeaderOffset;
      const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
      const data = buf.subarray(start, start + e.compressedSize);
      if (e.method === 0) {
        return Buffer.from(data);
      }
      if (e.method === 8) {
        return inflateRawSync(data);
      }
      throw new Error(`${name}: unsupported compression method ${e.method}`);
    },
  };
}
