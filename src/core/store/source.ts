import { promises as fsp, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Whether an index file is held open (read back on demand) or read into memory. Windows cannot replace a
 * file that any process holds open (a rename over it fails even with shared-delete handles), so there a
 * held handle would make every compaction fail, the writer's and, through a follower, another process's:
 * there the index's bytes are kept in memory, as before. Tests switch it to run both ways.
 */
export const sourceMode = { holdOpen: process.platform !== 'win32' };

/**
 * The index file that unparsed events are read back from. A load keeps only where each event's line is
 * (`Entry`), not the file's bytes; an event is read with one positional read when it is first asked for.
 * The file is held open, so a compaction by this process or another (a new file renamed into place) does not
 * pull the bytes away: the old inode stays readable through this handle until its entries move to the new
 * file (the writer knows the new offsets) or are read again from it (a follower reloads), and it is closed.
 * Where files are not held open (`sourceMode`), the source is the bytes themselves, from `base` on.
 */
export class IndexSource {
  private closed = false;

  private constructor(
    private readonly fh: FileHandle | undefined,
    private readonly bytes: Buffer | undefined,
    private readonly base: number,
    /** The inode this source reads (a follower compares it with the path's to see a compaction). */
    readonly ino: number,
  ) {}

  /** Opens `file` for reading; undefined when there is none. */
  static async open(file: string): Promise<IndexSource | undefined> {
    let fh: FileHandle;
    try {
      fh = await fsp.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
    return IndexSource.of(fh);
  }

  /** A source over a handle already open for reading (closed with the source, or at once when its bytes are read into memory). */
  static async of(fh: FileHandle): Promise<IndexSource> {
    try {
      const { ino } = await fh.stat();
      if (!sourceMode.holdOpen) {
        const bytes = await fh.readFile();
        await fh.close();
        return new IndexSource(undefined, bytes, 0, ino);
      }
      return new IndexSource(fh, undefined, 0, ino);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }

  /** A source over bytes of the file with inode `ino` that start at `base` (lines a follower read, when files are not held open). */
  static inMemory(bytes: Buffer, base: number, ino: number): IndexSource {
    return new IndexSource(undefined, bytes, base, ino);
  }

  /** Whether the file is held open (reads see every byte of it, also those appended later). */
  get holdsFile(): boolean {
    return !!this.fh;
  }

  /** Reads up to `length` bytes at `position` into `buf[offset…]` (fewer at the end of the file). */
  async readInto(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.fh
      ? (await this.fh.read(buf, offset, length, position)).bytesRead
      : this.readSyncInto(buf.subarray(offset, offset + length), position);
  }

  /**
   * The bytes `[from, to)`, read now: an event is asked for synchronously (`list`, `get`), and one small
   * read from the page cache costs less than making every caller wait. Throws when the file is shorter.
   */
  read(from: number, to: number): Buffer {
    const buf = Buffer.allocUnsafe(to - from);
    const got = this.readSyncInto(buf, from);
    if (got < buf.length) {
      throw new Error(`The event store's index is shorter than when it was read (${from + got} of ${to} bytes).`);
    }
    return buf;
  }

  /** Fills `buf` from `position` on; returns how many bytes there were (fewer at the end of the file). */
  readSyncInto(buf: Buffer, position: number): number {
    if (this.closed) {
      throw new Error('The event store is closed.');
    }
    if (!this.fh) {
      const start = position - this.base;
      return start < 0 || start >= this.bytes!.length
        ? 0
        : this.bytes!.copy(buf, 0, start, Math.min(this.bytes!.length, start + buf.length));
    }
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fh.fd, buf, got, buf.length - got, position + got);
      if (n === 0) {
        break;
      }
      got += n;
    }
    return got;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.fh?.close().catch(() => undefined);
  }
}

/** Bytes read at a time by a `SourceWindow`. */
const WINDOW = 1024 * 1024;

/**
 * Reads many ranges of one source in about ascending order (a compaction copying every unparsed event)
 * through a window: one read a MiB instead of one a range.
 */
export class SourceWindow {
  private readonly buf = Buffer.allocUnsafe(WINDOW);
  private start = 0;
  private end = 0;

  constructor(readonly src: IndexSource) {}

  /** The bytes `[from, to)`: a view into the window (valid until the next call) or a read of their own. */
  slice(from: number, to: number): Buffer {
    if (from < this.start || to > this.end) {
      if (to - from > this.buf.length) {
        return this.src.read(from, to);
      }
      this.start = from;
      this.end = from + this.src.readSyncInto(this.buf, from);
      if (to > this.end) {
        throw new Error(`The event store's index is shorter than when it was read (${this.end} of ${to} bytes).`);
      }
    }
    return this.buf.subarray(from - this.start, to - this.start);
  }
}
