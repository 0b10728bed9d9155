import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { CapturedEvent } from '../model/event';
import type { BodyFiles, BodyScan } from './bodies';
import type { Entry } from './entry';
import { replayFile } from './indexLog';
import { replayContext, replayLines } from './replay';
import { IndexSource } from './source';
import type { StoreChange } from './types';

/** A read-only store's place in the writer's index. */
export interface FollowState extends BodyScan {
  /** Bytes of complete lines read from the index. */
  offset: number;
  /** The index file's inode: a compaction renames a new file into place. */
  ino: number;
  /** The index file as it was read (unparsed events are read from it), until a reload reads the new one. */
  source: IndexSource | undefined;
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
    return reloadAll(follow, entries, bodies, undefined);
  }
  let keep = false;
  try {
    const st = await fh.stat();
    if (st.ino !== follow.ino || st.size < follow.offset) {
      keep = true; // the new source
      return await reloadAll(follow, entries, bodies, await IndexSource.of(fh));
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
    const base = follow.offset;
    follow.offset += end;
    return await applyLines(follow, entries, bodies, chunk, end, base);
  } finally {
    if (!keep) {
      await fh.close();
    }
  }
}

/**
 * Reads the whole (new) index into `entries`. Events whose stored line is the same as before (a compaction
 * copies them as they are) count as unchanged without being parsed; others are compared as events.
 */
async function reloadAll(
  follow: FollowState,
  entries: Map<string, Entry>,
  bodies: BodyFiles,
  src: IndexSource | undefined,
): Promise<StoreChange> {
  const old = follow.source;
  const scan = await bodies.scan();
  // Read into a map of its own (the reads take turns of the event loop): the store stays whole meanwhile.
  const next = new Map<string, Entry>();
  let validBytes: number;
  try {
    validBytes = src ? (await replayFile(src, 0, next, scan, replayContext(src))).validBytes : 0;
  } catch (err) {
    await src?.close();
    throw err;
  }
  const before = new Map(entries);
  entries.clear();
  next.forEach((e, id) => entries.set(id, e));
  Object.assign(follow, { offset: validBytes, ino: src?.ino ?? 0, source: src }, scan);
  const added: CapturedEvent[] = [];
  const updated: CapturedEvent[] = [];
  try {
    for (const [id, e] of entries) {
      const prev = before.get(id);
      if (!prev) {
        added.push(e.event);
      } else if (!e.sameStoredAs(prev) && !sameEvent(prev, e)) {
        updated.push(e.event);
      }
    }
  } finally {
    await old?.close();
  }
  const removed = [...before.keys()].filter((id) => !entries.has(id));
  return { added, removed, updated, evicted: 0 };
}

/** Whether an entry read before a reload holds the same event as its reloaded one (false when it can no longer be read). */
function sameEvent(prev: Entry, next: Entry): boolean {
  try {
    const a = prev.event;
    const b = next.event;
    return a === b || JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

async function applyLines(
  follow: FollowState,
  entries: Map<string, Entry>,
  bodies: BodyFiles,
  buf: Buffer,
  end: number,
  base: number,
): Promise<StoreChange> {
  // A body named by a new line was written before the line: look at the files again if needed.
  if (buf.subarray(0, end).includes('"op":"add"')) {
    Object.assign(follow, await bodies.scan());
  }
  const before = new Set(entries.keys());
  // Where files are not held open, the lines' own bytes are where their events are read from.
  const src = !follow.source || follow.source.holdsFile ? follow.source : IndexSource.inMemory(buf.subarray(0, end), base, follow.ino);
  const ctx = replayContext(src, base);
  ctx.touched = new Set<string>();
  replayLines(entries, buf, end, follow, ctx);
  const added: CapturedEvent[] = [];
  const updated: CapturedEvent[] = [];
  for (const id of ctx.touched) {
    const e = entries.get(id);
    if (e) {
      (before.has(id) ? updated : added).push(e.event);
    }
  }
  const removed = [...before].filter((id) => !entries.has(id));
  return { added, removed, updated, evicted: 0 };
}
