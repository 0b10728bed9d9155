import { constants as fsc, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { StoreFile, StoreIo } from './types';

export const defaultIo: StoreIo = {
  writev: async (_file, fh, chunks, position) => (await fh.writev(chunks, position)).bytesWritten,
  writeBodyFile: (file, data) => fsp.writeFile(file, data, { mode: 0o600 }),
};

/** Writes every chunk at `position`, continuing after short writes. */
export async function writeAllv(io: StoreIo, file: StoreFile, fh: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  let pos = position;
  let pending = chunks;
  while (pending.length) {
    const total = pending.reduce((n, c) => n + c.length, 0);
    const bytesWritten = await io.writev(file, fh, pending, pos);
    pos += bytesWritten;
    if (bytesWritten >= total) {
      return;
    }
    // A short write: continue after what was written.
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const c of pending) {
      if (skip >= c.length) {
        skip -= c.length;
      } else {
        rest.push(skip ? c.subarray(skip) : c);
        skip = 0;
      }
    }
    pending = rest;
  }
}

/** Opens for positional reads and writes (not O_APPEND: Linux ignores positions there), creating the file. */
export function openRw(file: string): Promise<FileHandle> {
  return fsp.open(file, fsc.O_RDWR | fsc.O_CREAT, 0o600);
}

/** Why a folder cannot be made: the nearest existing ancestor's own error (e.g. EROFS), when there is one. */
export async function explainUnwritable(dir: string): Promise<string | undefined> {
  let current = dir;
  for (;;) {
    try {
      await fsp.stat(current);
      break;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) {
        return undefined;
      }
      current = parent;
    }
  }
  try {
    await fsp.access(current, fsc.W_OK);
    return undefined;
  } catch (err) {
    return `${current} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}
