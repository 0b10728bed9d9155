import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../logger';
import type { BodyScan } from './bodies';
import { defaultIo, openRw, writeAllv } from './io';
import type { Entry } from './entry';
import { encodeAdd, encodeLines, encodeRecord, recordHead } from './records';
import { type ReplayContext, replayContext, replayLines } from './replay';
import { IndexSource, SourceWindow } from './source';
import { INDEX, type IndexRecord, type StoreIo } from './types';

/**
 * The writer's side of `index.jsonl`: positional appends of whole lines (a failed write is cut off again,
 * so the next record starts clean), the count of dead lines, and compaction (the live records rewritten
 * into a new file renamed into place, atomic on POSIX).
 */
export class IndexLog {
  private fh: FileHandle | undefined;
  private size = 0;
  /** The file unparsed events are read from (the one loaded, then each compaction's). */
  source: IndexSource | undefined;
  /** Lines that no longer describe a live event as it is (replaced, patched or deleted). */
  deadLines = 0;

  constructor(
    private readonly dir: string,
    private readonly io: StoreIo,
    private readonly logger: Logger,
  ) {}

  get file(): string {
    return path.join(this.dir, INDEX);
  }

  /** Opens the index for appending after its first `validBytes` (a torn tail past them is cut off). */
  async open(validBytes: number): Promise<void> {
    this.size = validBytes;
    this.fh = await openRw(this.file);
    if ((await this.fh.stat()).size !== this.size) {
      await this.fh.truncate(this.size);
    }
  }

  async close(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    this.fh = undefined;
    await this.source?.close();
  }

  /** Appends records, one line each; resolves once `write(2)` returned for all of them. */
  async append(records: readonly IndexRecord[]): Promise<void> {
    if (!this.fh) {
      throw new Error('The event store is closed.');
    }
    const data = encodeLines(records.map(recordHead));
    try {
      await writeAllv(this.io, 'index', this.fh, [data], this.size);
    } catch (err) {
      // Cut off whatever part of the line made it, so the next record starts clean.
      await this.fh.truncate(this.size).catch(() => undefined);
      throw err;
    }
    this.size += data.length;
  }

  /** Compacts when most lines are dead (or when forced). */
  async maybeCompact(entries: ReadonlyMap<string, Entry>, force = false): Promise<void> {
    if (force || this.deadLines > Math.max(1000, entries.size * 2)) {
      await this.compact(entries.values());
    }
  }

  /**
   * Rewrites the index with only live records, then swaps it in with a rename (atomic on POSIX). Unparsed,
   * unchanged events are copied as their stored bytes and then read from the new file (their new places are
   * known here); the old file stays open until they moved, so a reader never sees them missing.
   */
  async compact(entries: Iterable<Entry>): Promise<void> {
    const indexPath = this.file;
    const tmp = `${indexPath}.tmp`;
    const old = this.source;
    const moved: Array<{ entry: Entry; line: number; from: number; to: number; crc: number }> = [];
    let swapped = false;
    try {
      const out = await fsp.open(tmp, 'w', 0o600);
      try {
        const window = old && new SourceWindow(old);
        let pos = 0;
        let chunk: Buffer[] = [];
        let chunkBytes = 0;
        for (const e of entries) {
          const json = e.storedJson(window);
          let line: Buffer;
          if (json) {
            const encoded = encodeAdd(e.id, e.body, e.facts, e.pinned, json);
            line = encoded.line;
            const from = pos + chunkBytes + encoded.eventAt;
            moved.push({ entry: e, line: pos + chunkBytes, from, to: from + json.length, crc: encoded.crc });
          } else {
            line = Buffer.from(encodeRecord({ op: 'add', e: e.event, b: e.body }));
          }
          chunk.push(line, NEWLINE);
          chunkBytes += line.length + 1;
          if (chunkBytes >= COMPACT_CHUNK) {
            await writeAll(out, chunk, pos);
            pos += chunkBytes;
            chunk = [];
            chunkBytes = 0;
          }
        }
        await writeAll(out, chunk, pos);
      } finally {
        await out.close();
      }
      await this.fh?.close();
      this.fh = undefined;
      await fsp.rename(tmp, indexPath);
      swapped = true;
    } catch (err) {
      this.logger.warn(`Event store: compaction failed, the old index stays: ${(err as Error).message}`);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
    // A failure before the rename leaves the old handle open: close it before opening the index again.
    await this.fh?.close().catch(() => undefined);
    this.fh = await openRw(indexPath);
    this.size = (await this.fh.stat()).size;
    this.deadLines = 0;
    if (swapped) {
      this.source = await IndexSource.open(indexPath);
      for (const m of moved) {
        // An event parsed (or changed) since it was copied is in memory: it needs no place in the file.
        if (m.entry.src === old && m.entry.unparsed) {
          m.entry.locate(this.source!, m.line, m.from, m.to, m.crc);
        }
      }
      await old?.close();
    }
  }
}

/** Bytes a compaction collects before it writes them. */
const COMPACT_CHUNK = 4 * 1024 * 1024;
const NEWLINE = Buffer.from('\n');

async function writeAll(fh: FileHandle, chunks: Buffer[], position: number): Promise<void> {
  if (chunks.length) {
    await writeAllv(defaultIo, 'index', fh, chunks, position);
  }
}

/** Bytes a load reads at a time (one buffer, reused; a longer line grows it). */
const LOAD_CHUNK = 8 * 1024 * 1024;

/**
 * Replays the lines of `src` from byte `start` on into `entries`, reading a chunk at a time: the complete
 * lines only. Returns where they end (`validBytes`) and how many bytes follow (a line still being written,
 * or torn by a crash).
 */
export async function replayFile(
  src: IndexSource,
  start: number,
  entries: Map<string, Entry>,
  bodies: BodyScan,
  ctx: ReplayContext,
): Promise<{ validBytes: number; tail: number }> {
  let buf = Buffer.allocUnsafe(LOAD_CHUNK);
  let base = start;
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = await src.readInto(buf, have, buf.length - have, base + have);
    if (n === 0) {
      break;
    }
    have += n;
    const end = buf.lastIndexOf(0x0a, have - 1) + 1;
    if (end > 0) {
      ctx.base = base;
      replayLines(entries, buf, end, bodies, ctx);
      buf.copy(buf, 0, end, have);
      have -= end;
      base += end;
    }
  }
  return { validBytes: base, tail: have };
}

/**
 * Replays the index file into `entries` (at open), keeping it open as the source of unparsed events. A line
 * without its newline was torn by a crash mid-write: it is dropped (the writer cuts it off). A corrupt line,
 * or one whose body is missing, is skipped. Each with a log line. `validBytes`: the length of the complete
 * lines; `legacy`: lines of the earlier form (no checksum).
 */
export async function loadIndex(
  file: string,
  entries: Map<string, Entry>,
  scan: BodyScan,
  logger: Logger,
): Promise<{ source: IndexSource | undefined; validBytes: number; ino: number; lines: number; skipped: number; legacy: number }> {
  const source = await IndexSource.open(file);
  if (!source) {
    return { source, validBytes: 0, ino: 0, lines: 0, skipped: 0, legacy: 0 };
  }
  let skipped = 0;
  const ctx = replayContext(source);
  ctx.onSkip = (lineNo, reason) => {
    skipped++;
    logger.warn(
      reason === 'corrupt'
        ? `Event store: skipped a corrupt record on line ${lineNo} of ${INDEX}.`
        : `Event store: skipped a record on line ${lineNo} of ${INDEX} whose body is missing or damaged.`,
    );
  };
  try {
    const { validBytes, tail } = await replayFile(source, 0, entries, scan, ctx);
    if (tail > 0) {
      logger.warn(`Event store: skipped a torn record at the end of ${INDEX} (${tail} bytes).`);
    }
    return { source, validBytes, ino: source.ino, lines: ctx.lines, skipped, legacy: ctx.legacy };
  } catch (err) {
    await source.close();
    throw err;
  }
}
