import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../logger';
import type { BodyScan } from './bodies';
import { openRw, writeAllv } from './io';
import type { Entry } from './entry';
import { encodeAdd, encodeRecord } from './records';
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
    const data = Buffer.from(records.map(encodeRecord).join('\n') + '\n');
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

  /** Rewrites the index with only live records, then swaps it in with a rename (atomic on POSIX). */
  async compact(entries: Iterable<Entry>): Promise<void> {
    const indexPath = this.file;
    const tmp = `${indexPath}.tmp`;
    const lines = Array.from(entries, (e) => {
      const json = e.storedJson;
      return json === undefined ? encodeRecord({ op: 'add', e: e.event, b: e.body }) : encodeAdd(e.id, e.body, e.facts, e.pinned, json);
    });
    const data = lines.length ? lines.join('\n') + '\n' : '';
    try {
      await fsp.writeFile(tmp, data, { mode: 0o600 });
      await this.fh?.close();
      this.fh = undefined;
      await fsp.rename(tmp, indexPath);
    } catch (err) {
      this.logger.warn(`Event store: compaction failed, the old index stays: ${(err as Error).message}`);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
    // A failure before the rename leaves the old handle open: close it before opening the index again.
    await this.fh?.close().catch(() => undefined);
    this.fh = await openRw(indexPath);
    this.size = (await this.fh.stat()).size;
    this.deadLines = 0;
  }
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
