import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { CapturedEvent } from '../model/event';
import type { BodyFiles, BodyScan } from './bodies';
import type { Entry } from './entry';
import { completeLength, replayLines } from './replay';
import type { StoreChange } from './types';

/** A read-only store's place in the writer's index. */
export interface FollowState extends BodyScan {
  /** Bytes of complete lines read from the index. */
  offset: number;
  /** The index file's inode: a compaction renames a new file into place. */
  ino: number;
}

/**
 * Picks up what the writing process appended since the last look, by reading the index from where the
 * last read stopped (complete lines only). When the writer compacted the index (a new file renamed into
 * place) or cut it shorter, the whole index is read again. Applies it to `entries` and returns the change.
 */
export async function followIndex(
  indexPath: string,
  follow: FollowState,
  entries: Map<string, Entry>,
  bodies: BodyFiles,
): Promise<StoreChange | undefined> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(indexPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || entries.size === 0) {
      return undefined;
    }
    return reloadAll(follow, entries, bodies, Buffer.alloc(0), 0);
  }
  try {
    const st = await fh.stat();
    if (st.ino !== follow.ino || st.size < follow.offset) {
      return await reloadAll(follow, entries, bodies, await fh.readFile(), st.ino);
    }
    if (st.size === follow.offset) {
      return undefined;
    }
    const buf = Buffer.alloc(st.size - follow.offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, follow.offset);
    const chunk = buf.subarray(0, bytesRead);
    const end = chunk.lastIndexOf(0x0a) + 1;
    if (end === 0) {
      return undefined; // a line still being written
    }
    follow.offset += end;
    return await applyLines(follow, entries, bodies, chunk, end);
  } finally {
    await fh.close();
  }
}

async function reloadAll(
  follow: FollowState,
  entries: Map<string, Entry>,
  bodies: BodyFiles,
  buf: Buffer,
  ino: number,
): Promise<StoreChange> {
  const before = new Map(Array.from(entries, ([id, e]) => [id, e.event]));
  entries.clear();
  const complete = completeLength(buf);
  Object.assign(follow, { offset: complete, ino }, await bodies.scan());
  replayLines(entries, buf, complete, follow);
  const added: CapturedEvent[] = [];
  const updated: CapturedEvent[] = [];
  for (const [id, e] of entries) {
    const old = before.get(id);
    if (!old) {
      added.push(e.event);
    } else if (old !== e.event && JSON.stringify(old) !== JSON.stringify(e.event)) {
      updated.push(e.event);
    }
  }
  const removed = [...before.keys()].filter((id) => !entries.has(id));
  return { added, removed, updated, evicted: 0 };
}

async function applyLines(
  follow: FollowState,
  entries: Map<string, Entry>,
  bodies: BodyFiles,
  buf: Buffer,
  end: number,
): Promise<StoreChange> {
  // A body named by a new line was written before the line: look at the files again if needed.
  if (buf.subarray(0, end).includes('"op":"add"')) {
    Object.assign(follow, await bodies.scan());
  }
  const before = new Set(entries.keys());
  const touched = new Set<string>();
  replayLines(entries, buf, end, follow, undefined, touched);
  const added: CapturedEvent[] = [];
  const updated: CapturedEvent[] = [];
  for (const id of touched) {
    const e = entries.get(id);
    if (e) {
      (before.has(id) ? updated : added).push(e.event);
    }
  }
  const removed = [...before].filter((id) => !entries.has(id));
  return { added, removed, updated, evicted: 0 };
}
