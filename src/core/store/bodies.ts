import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { openRw, writeAllv } from './io';
import type { Logger } from '../logger';
import type { Entry } from './entry';
import { BODIES, type BodyLocation, type StoreIo } from './types';

/** What is on disk under `bodies/` now: segment sizes and large-body file names. */
export interface BodyScan {
  segSizes: Map<number, number>;
  fileNames: Set<string>;
}

/** Bodies of one batch, placed but not yet written (`BodyFiles.place`, then `write`). */
export interface PlacedBodies {
  segChunks: Uint8Array[];
  files: Array<{ name: string; body: Uint8Array }>;
  /** The segment's size once the chunks are written. */
  end: number;
}

/**
 * The body files of a store: append-only segments (`bodies/NNNNNN.seg`, small bodies back to back, rolling
 * over at `segmentSize`) and one file per large body (`bodies/<id>.bin`). Counts the live bodies per
 * segment, so a segment no live event points into is deleted.
 */
export class BodyFiles {
  private segFh: FileHandle | undefined;
  private segNo = 0;
  private segSize = 0;
  private readonly segmentRefs = new Map<number, number>();

  constructor(
    private readonly dir: string,
    private readonly io: StoreIo,
    private readonly largeBodyThreshold: number,
    private readonly segmentSize: number,
  ) {}

  segmentPath(seg: number): string {
    return path.join(this.dir, BODIES, `${String(seg).padStart(6, '0')}.seg`);
  }

  filePath(name: string): string {
    return path.join(this.dir, BODIES, name);
  }

  /** Sizes of the segment files and names of the large-body files on disk now. */
  async scan(): Promise<BodyScan> {
    const segSizes = new Map<number, number>();
    let names: string[] = [];
    try {
      names = await fsp.readdir(path.join(this.dir, BODIES));
    } catch {
      // no bodies yet
    }
    for (const name of names) {
      const m = /^(\d{6})\.seg$/.exec(name);
      if (m) {
        const st = await fsp.stat(path.join(this.dir, BODIES, name)).catch(() => undefined);
        if (st) {
          segSizes.set(Number(m[1]), st.size);
        }
      }
    }
    return { segSizes, fileNames: new Set(names.filter((n) => n.endsWith('.bin'))) };
  }

  /** Opens the newest segment for appending (the first one in an empty store). */
  async openForWriting(segSizes: Map<number, number>): Promise<void> {
    const newest = Math.max(0, ...segSizes.keys());
    await this.openSegment(newest === 0 ? 1 : newest);
  }

  private async openSegment(seg: number): Promise<void> {
    await this.segFh?.close();
    this.segNo = seg;
    this.segFh = await openRw(this.segmentPath(seg));
    this.segSize = (await this.segFh.stat()).size;
  }

  async close(): Promise<void> {
    await this.segFh?.close().catch(() => undefined);
    this.segFh = undefined;
  }

  /** Rolls over to a new segment when the current one is full. */
  async rollIfFull(): Promise<void> {
    if (this.segSize >= this.segmentSize) {
      await this.openSegment(this.segNo + 1);
    }
  }

  /** Where each body of a batch goes (in order); `write` then writes them. */
  place(bodies: ReadonlyArray<{ id: string; body: Uint8Array | undefined }>): {
    locations: Array<BodyLocation | undefined>;
    placed: PlacedBodies;
  } {
    const placed: PlacedBodies = { segChunks: [], files: [], end: this.segSize };
    const locations = bodies.map(({ id, body }): BodyLocation | undefined => {
      if (body && body.length > this.largeBodyThreshold) {
        const name = `${id}.bin`;
        placed.files.push({ name, body });
        return { file: name };
      }
      if (body && body.length > 0) {
        const loc: BodyLocation = [this.segNo, placed.end, body.length];
        placed.segChunks.push(body);
        placed.end += body.length;
        return loc;
      }
      return undefined;
    });
    return { locations, placed };
  }

  /** Writes placed bodies: the large-body files, then one `writev` into the segment. */
  async write(placed: PlacedBodies): Promise<void> {
    await Promise.all(placed.files.map((f) => this.io.writeBodyFile(this.filePath(f.name), f.body)));
    if (placed.segChunks.length) {
      await writeAllv(this.io, 'segment', this.segFh!, placed.segChunks, this.segSize);
    }
  }

  /** Removes the large-body files of a batch whose index line was not written. */
  async discard(placed: PlacedBodies): Promise<void> {
    await Promise.all(placed.files.map((f) => fsp.rm(this.filePath(f.name), { force: true })));
  }

  /** The batch is in the index: its bytes count as written. */
  commit(placed: PlacedBodies): void {
    this.segSize = placed.end;
  }

  /** Counts a live body (at load, and for each written event). */
  ref(loc: BodyLocation | undefined): void {
    if (loc && !('file' in loc)) {
      this.segmentRefs.set(loc[0], (this.segmentRefs.get(loc[0]) ?? 0) + 1);
    }
  }

  /** Removes the bodies of forgotten events: their large-body files, and segments left with no live body. */
  async release(locations: ReadonlyArray<BodyLocation | undefined>): Promise<void> {
    const freedSegments: number[] = [];
    const files: string[] = [];
    for (const b of locations) {
      if (b && 'file' in b) {
        files.push(b.file);
      } else if (b) {
        const left = (this.segmentRefs.get(b[0]) ?? 1) - 1;
        if (left <= 0) {
          this.segmentRefs.delete(b[0]);
          freedSegments.push(b[0]);
        } else {
          this.segmentRefs.set(b[0], left);
        }
      }
    }
    await Promise.all(files.map((f) => fsp.rm(this.filePath(f), { force: true }).catch(() => undefined)));
    await this.removeUnreferencedSegments(freedSegments);
  }

  async removeUnreferencedSegments(candidates: Iterable<number>): Promise<void> {
    for (const seg of candidates) {
      if (seg !== this.segNo && !this.segmentRefs.has(seg)) {
        await fsp.rm(this.segmentPath(seg), { force: true }).catch(() => undefined);
      }
    }
  }

  /** Removes large-body files no live event names: written just before a crash, their index line never made it. */
  async removeOrphanFiles(fileNames: Iterable<string>, live: Iterable<Entry>, logger: Logger): Promise<void> {
    const referenced = new Set<string>();
    for (const e of live) {
      if (e.body && 'file' in e.body) {
        referenced.add(e.body.file);
      }
    }
    for (const name of fileNames) {
      if (!referenced.has(name)) {
        logger.warn(`Event store: removed ${name}, a body whose record was never written (a crash mid-write).`);
        await fsp.rm(this.filePath(name), { force: true }).catch(() => undefined);
      }
    }
  }

  /** Reads one body; an empty buffer for none. */
  async read(id: string, loc: BodyLocation | undefined): Promise<Buffer> {
    if (!loc) {
      return Buffer.alloc(0);
    }
    if ('file' in loc) {
      return fsp.readFile(this.filePath(loc.file));
    }
    const [seg, offset, length] = loc;
    const fh = await fsp.open(this.segmentPath(seg), 'r');
    try {
      const buf = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await fh.read(buf, read, length - read, offset + read);
        if (bytesRead === 0) {
          throw new Error(`The body of ${id} is cut short on disk.`);
        }
        read += bytesRead;
      }
      return buf;
    } finally {
      await fh.close();
    }
  }
}
