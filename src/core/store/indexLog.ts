import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../logger';
import type { BodyScan } from './bodies';
import { defaultIo, openRw, writeAllv } from './io';
import type { Entry } from './entry';
import { addHead, encodeLines, recordHead } from './records';
import { completeLength, replayLines } from './replay';
import { INDEX, type IndexRecord, type StoreIo } from './types';

/**
 * The writer's side of `index.jsonl`: positional appends of whole lines (a failed write is cut off again,
 * so the next record starts clean), the count of dead lines, and compaction (the live records rewritten
 * into a new file renamed into place, atomic on POSIX).
 */
export class IndexLog {
  private fh: FileHandle | undefined;
  private size = 0;
  /** Lines that no longer describe a live event as it is (replaced, patched or deleted). */
  deadLines = 0;
  /**
   * `[offset, length]` in the file of the `add` line of each event this writer wrote (or compacted) whose
   * line still describes it whole (no `set`, `push` or `del` after it). Compaction copies those bytes
   * instead of encoding the event again: at the default 1,000 events every batch evicts, and the index is
   * compacted every 1,000 events.
   */
  private lines = new Map<string, readonly [offset: number, length: number]>();

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
  }

  /** Appends records, one line each; resolves once `write(2)` returned for all of them. */
  async append(records: readonly IndexRecord[]): Promise<void> {
    if (!this.fh) {
      throw new Error('The event store is closed.');
    }
    const ends: number[] = [];
    const data = encodeLines(records.map(recordHead), ends);
    try {
      await writeAllv(this.io, 'index', this.fh, [data], this.size);
    } catch (err) {
      // Cut off whatever part of the line made it, so the next record starts clean.
      await this.fh.truncate(this.size).catch(() => undefined);
      throw err;
    }
    records.forEach((r, i) => {
      if (r.op === 'add') {
        const start = i === 0 ? 0 : ends[i - 1]!;
        this.lines.set(r.e.id, [this.size + start, ends[i]! - start]);
      } else if (r.op === 'clear') {
        this.lines.clear();
      } else {
        this.lines.delete(r.id);
      }
    });
    this.size += data.length;
  }

  /** Compacts when most lines are dead (or when forced). */
  async maybeCompact(entries: ReadonlyMap<string, Entry>, force = false): Promise<void> {
    if (force || this.deadLines > Math.max(1000, entries.size * 2)) {
      await this.compact(entries.values());
    }
  }

  /** Rewrites the index with only live records, then swaps it in with a rename (atomic on POSIX). */
  async compact(entries: Iterable<Entry>): Promise<void> {
    const indexPath = this.file;
    const tmp = `${indexPath}.tmp`;
    const { parts, lines } = await this.liveLines(entries);
    try {
      const out = await fsp.open(tmp, 'w', 0o600);
      try {
        await writeAllv(defaultIo, 'index', out, parts, 0);
      } finally {
        await out.close();
      }
      await this.fh?.close();
      await fsp.rename(tmp, indexPath);
      this.lines = lines;
    } catch (err) {
      this.logger.warn(`Event store: compaction failed, the old index stays: ${(err as Error).message}`);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
    this.fh = await openRw(indexPath);
    this.size = (await this.fh.stat()).size;
    this.deadLines = 0;
  }

  /**
   * The compacted index: each event's line copied from the file where this writer knows it (`lines`), else
   * encoded (from its stored JSON when it is unparsed and unchanged). Also where each line lands.
   */
  private async liveLines(entries: Iterable<Entry>): Promise<{ parts: Buffer[]; lines: Map<string, readonly [number, number]> }> {
    const live = Array.from(entries, (e) => ({ e, at: this.lines.get(e.id) }));
    let from = this.size;
    for (const { at } of live) {
      from = at && at[0] < from ? at[0] : from;
    }
    // Unreadable (it should not be): every line is encoded again instead.
    const old = from < this.size && this.fh ? await readRange(this.fh, from, this.size).catch(() => undefined) : undefined;
    const parts: Buffer[] = [];
    const lines = new Map<string, readonly [number, number]>();
    let pos = 0;
    let heads: Entry[] = [];
    /** The old file's range the last part was copied from. */
    let copied: { start: number; end: number } | undefined;
    const encodePending = () => {
      if (heads.length === 0) {
        return;
      }
      copied = undefined;
      const ends: number[] = [];
      const buf = encodeLines(
        heads.map((e) => {
          const json = e.storedJson;
          return json === undefined ? recordHead({ op: 'add', e: e.event, b: e.body }) : addHead(e.id, e.body, e.facts, e.pinned, json);
        }),
        ends,
      );
      heads.forEach((e, i) => {
        const start = i === 0 ? 0 : ends[i - 1]!;
        lines.set(e.id, [pos + start, ends[i]! - start]);
      });
      parts.push(buf);
      pos += buf.length;
      heads = [];
    };
    for (const { e, at } of live) {
      if (!at || !old) {
        heads.push(e);
        continue;
      }
      const start = at[0] - from;
      if (heads.length === 0 && copied && copied.end === start) {
        // The line right after the one copied last, in the old file too: one longer slice, one iovec.
        copied.end += at[1];
        parts[parts.length - 1] = old.subarray(copied.start, copied.end);
      } else {
        encodePending();
        copied = { start, end: start + at[1] };
        parts.push(old.subarray(start, start + at[1]));
      }
      lines.set(e.id, [pos, at[1]]);
      pos += at[1];
    }
    encodePending();
    return { parts, lines };
  }
}

/** Bytes `[from, to)` of an open file. */
async function readRange(fh: FileHandle, from: number, to: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(to - from);
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
    if (bytesRead === 0) {
      throw new Error('The event index is shorter than written.');
    }
    got += bytesRead;
  }
  return buf;
}

/** The index's text and inode, read through one handle (a rename between a stat and a read cannot mix two files). */
export async function readIndexFile(file: string): Promise<{ buf: Buffer; ino: number }> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { buf: Buffer.alloc(0), ino: 0 };
    }
    throw err;
  }
  try {
    const st = await fh.stat();
    return { buf: await fh.readFile(), ino: st.ino };
  } finally {
    await fh.close();
  }
}

/**
 * Replays the index file into `entries` (at open). A line without its newline was torn by a crash mid-write:
 * it is dropped (the writer cuts it off). A corrupt line, or one whose body is missing, is skipped. Each with
 * a log line. `validBytes`: the length of the complete lines; `legacy`: lines of the earlier form (no checksum).
 */
export async function loadIndex(
  file: string,
  entries: Map<string, Entry>,
  scan: BodyScan,
  logger: Logger,
): Promise<{ validBytes: number; ino: number; lines: number; skipped: number; legacy: number }> {
  const { buf, ino } = await readIndexFile(file);
  const validBytes = completeLength(buf);
  if (buf.length > validBytes) {
    logger.warn(`Event store: skipped a torn record at the end of ${INDEX} (${buf.length - validBytes} bytes).`);
  }
  let skipped = 0;
  const { lines, legacy } = replayLines(entries, buf, validBytes, scan, (lineNo, reason) => {
    skipped++;
    logger.warn(
      reason === 'corrupt'
        ? `Event store: skipped a corrupt record on line ${lineNo} of ${INDEX}.`
        : `Event store: skipped a record on line ${lineNo} of ${INDEX} whose body is missing or damaged.`,
    );
  });
  return { validBytes, ino, lines, skipped, legacy };
}
