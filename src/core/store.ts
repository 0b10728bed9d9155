import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { CapturedEvent, EventPatch } from './model/event';
import { DeliveryIndex } from './delivery/deliveryIndex';
import { Disposable, Emitter } from './lifecycle';
import type { Logger } from './logger';
import { nullLogger } from './logger';

/**
 * The durable event store.
 *
 * Layout of a store folder:
 * - `index.jsonl`: an append-only log of small JSON records (`add`, `set`, `push`, `del`, `clear`), one a line.
 *   Replaying it gives the list of events. It is compacted (rewritten and renamed into place) when
 *   most of its lines are dead.
 * - `bodies/NNNNNN.seg`: append-only segment files holding small bodies back to back; an index record
 *   names `[segment, offset, length]`. Segments are deleted once no live event points into them.
 * - `bodies/<id>.bin`: bodies over `largeBodyThreshold`, one file each (so the CLI can name the file).
 * - `store.lock`: the pid of the process that writes the store.
 *
 * Durability: `append` resolves only after the body and its index line have been written to the
 * file (write(2) has returned), so an event whose sender got a 2xx survives `kill -9` of the process.
 * Appends that arrive together are written together (one writev per file), which keeps throughput up.
 * A torn or corrupt line is skipped at load with a log line; everything else still loads.
 */

export interface StoreOptions {
  /** Maximum number of events kept; the oldest unpinned ones are evicted past it. */
  maxEvents: number;
  logger?: Logger;
  /** Open without writing: no lock, no compaction, `append` and friends throw. */
  readOnly?: boolean;
  /** Bodies larger than this go to a file of their own. Default 1 MiB. */
  largeBodyThreshold?: number;
  /** Segment files roll over at this size. Default 64 MiB. */
  segmentSize?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The writes an append waits for, for tests that hold or fail one of them. Default: the file handle's own. */
  io?: Partial<StoreIo>;
}

/** Which file a positional write goes to: the index log or the current body segment. */
export type StoreFile = 'index' | 'segment';

/** The file writes of the store (a seam: tests hold or fail one kind and watch what `append` does). */
export interface StoreIo {
  /** One positional `writev` into an open file; may write less than asked (the store continues). */
  writev(file: StoreFile, fh: FileHandle, chunks: Uint8Array[], position: number): Promise<number>;
  /** Writes a large body's own file (`bodies/<id>.bin`). */
  writeBodyFile(file: string, data: Uint8Array): Promise<void>;
}

const defaultIo: StoreIo = {
  writev: async (_file, fh, chunks, position) => (await fh.writev(chunks, position)).bytesWritten,
  writeBodyFile: (file, data) => fsp.writeFile(file, data, { mode: 0o600 }),
};

export interface StoreChange {
  readonly added: readonly CapturedEvent[];
  readonly removed: readonly string[];
  readonly updated: readonly CapturedEvent[];
  /** How many of `removed` were evicted because the store was full. */
  readonly evicted: number;
}

export type EventDraft = Omit<CapturedEvent, 'id' | 'receivedAt' | 'pinned'> & { id?: string; receivedAt?: string };

type BodyLocation = readonly [segment: number, offset: number, length: number] | { readonly file: string };

interface Entry {
  event: CapturedEvent;
  body?: BodyLocation;
}

type Record_ =
  | { op: 'add'; e: CapturedEvent; b?: BodyLocation }
  | { op: 'set'; id: string; p: EventPatch }
  | { op: 'push'; id: string; f: string; v: unknown; n: number }
  | { op: 'del'; id: string }
  | { op: 'clear' };

export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The event store ${dir} is in use by another process (pid ${pid}). Stop it, or use another store folder.`);
    this.name = 'StoreLockedError';
  }
}

export class StoreWriteError extends Error {
  constructor(override readonly cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(
      code === 'ENOSPC'
        ? 'The disk is full: the event could not be saved. Free some space; capture resumes by itself.'
        : `The event could not be saved: ${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = 'StoreWriteError';
  }
}

const INDEX = 'index.jsonl';
const BODIES = 'bodies';
const LOCK = 'store.lock';

interface Pending {
  draft: EventDraft;
  body: Uint8Array | undefined;
  resolve: (e: CapturedEvent) => void;
  reject: (err: unknown) => void;
}

let lastIdMs = -1;
let lastIdSuffix = 0;

/**
 * A new event id: the time in ms (base 36), then 40 bits. Ids of one process sort in creation order: within
 * the same millisecond the suffix counts up from the previous one instead of being drawn anew.
 */
export function newEventId(now: Date = new Date()): string {
  const ms = now.getTime();
  const suffix = ms === lastIdMs && lastIdSuffix < 0xff_ffff_ffff ? lastIdSuffix + 1 : randomBytes(5).readUIntBE(0, 5) % 0x80_0000_0000;
  lastIdMs = ms;
  lastIdSuffix = suffix;
  return `evt_${ms.toString(36).padStart(9, '0')}${suffix.toString(16).padStart(10, '0')}`;
}

export class EventStore extends Disposable {
  /** Folders this process holds open for writing (the lock file alone cannot tell two stores of one process apart). */
  private static readonly openForWriting = new Set<string>();
  private readonly entries = new Map<string, Entry>();
  private newestFirst: CapturedEvent[] | undefined;
  private readonly segmentRefs = new Map<number, number>();
  /** (provider, deliveryId) → first attempt, for `duplicateOf` (see `delivery/deliveryIndex.ts`). */
  private readonly deliveries = new DeliveryIndex();
  private indexFh: FileHandle | undefined;
  private indexSize = 0;
  private deadLines = 0;
  private segFh: FileHandle | undefined;
  private segNo = 0;
  private segSize = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Every change to the files runs inside this chain, one at a time (positions are tracked in memory). */
  private chain: Promise<unknown> = Promise.resolve();
  private maxEvents: number;
  private readonly logger: Logger;
  private readonly largeBodyThreshold: number;
  private readonly segmentSize: number;
  private readonly now: () => Date;
  private readonly io: StoreIo;

  /** Read-only stores: where the last read of the index stopped, to pick up later appends (`refresh`). */
  private follow: FollowState | undefined;
  private refreshing: Promise<StoreChange | undefined> | undefined;

  private readonly _onDidChange = this._register(new Emitter<StoreChange>());
  /** Fires once per written batch. Consumers (the tree) batch further as they need. */
  readonly onDidChange = this._onDidChange.event;

  private constructor(
    readonly dir: string,
    private readonly options: StoreOptions,
  ) {
    super();
    this.maxEvents = Math.max(1, options.maxEvents);
    this.logger = options.logger ?? nullLogger;
    this.largeBodyThreshold = options.largeBodyThreshold ?? 1024 * 1024;
    this.segmentSize = options.segmentSize ?? 64 * 1024 * 1024;
    this.now = options.now ?? (() => new Date());
    this.io = { ...defaultIo, ...options.io };
  }

  /** Opens (creating when needed) the store in `dir`. Throws a clear error when the folder cannot be written. */
  static async open(dir: string, options: StoreOptions): Promise<EventStore> {
    const store = new EventStore(path.resolve(dir), options);
    try {
      await store.load();
    } catch (err) {
      if (!(err instanceof StoreLockedError) && EventStore.openForWriting.has(store.dir)) {
        await store.close();
      }
      throw err;
    }
    return store;
  }

  get size(): number {
    return this.entries.size;
  }

  get maxEventsLimit(): number {
    return this.maxEvents;
  }

  get readOnly(): boolean {
    return !!this.options.readOnly;
  }

  /** Events, newest first. */
  list(offset = 0, limit = Number.POSITIVE_INFINITY): readonly CapturedEvent[] {
    if (!this.newestFirst) {
      this.newestFirst = Array.from(this.entries.values(), (e) => e.event).reverse();
    }
    return offset === 0 && limit >= this.newestFirst.length ? this.newestFirst : this.newestFirst.slice(offset, offset + limit);
  }

  get(id: string): CapturedEvent | undefined {
    return this.entries.get(id)?.event;
  }

  /** The stored body bytes; an empty buffer for events without a body. */
  async readBody(id: string): Promise<Buffer> {
    const entry = this.entries.get(id);
    if (!entry) {
      throw new Error(`No event with id ${id}.`);
    }
    const loc = entry.body;
    if (!loc) {
      return Buffer.alloc(0);
    }
    if ('file' in loc) {
      return fsp.readFile(path.join(this.dir, BODIES, loc.file));
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

  /**
   * Ids of the events whose body contains every word, ignoring ASCII case. Reads each segment file
   * once and finds all occurrences in one pass, so the cost stays close to a linear scan of the bytes.
   */
  async searchBodies(words: readonly string[]): Promise<Set<string>> {
    const needles = words.filter(Boolean).map((w) => Buffer.from(w, 'utf8').toString('latin1').toLowerCase());
    const hits = new Set<string>();
    if (needles.length === 0) {
      return hits;
    }
    const bySegment = new Map<number, Array<{ id: string; offset: number; end: number }>>();
    const files: Array<{ id: string; file: string }> = [];
    for (const [id, entry] of this.entries) {
      const b = entry.body;
      if (!b) {
        continue;
      }
      if ('file' in b) {
        files.push({ id, file: b.file });
      } else {
        let list = bySegment.get(b[0]);
        if (!list) {
          bySegment.set(b[0], (list = []));
        }
        list.push({ id, offset: b[1], end: b[1] + b[2] });
      }
    }
    for (const [seg, list] of bySegment) {
      let text: string;
      try {
        text = (await fsp.readFile(this.segmentPath(seg))).toString('latin1').toLowerCase();
      } catch {
        continue;
      }
      list.sort((a, b) => a.offset - b.offset);
      const counts = new Map<string, number>();
      for (const needle of needles) {
        const found = new Set<string>();
        for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
          const owner = findOwner(list, at, needle.length);
          if (owner) {
            found.add(owner);
          }
        }
        for (const id of found) {
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
      }
      for (const [id, n] of counts) {
        if (n === needles.length) {
          hits.add(id);
        }
      }
    }
    for (const { id, file } of files) {
      const text = (await fsp.readFile(path.join(this.dir, BODIES, file)).catch(() => Buffer.alloc(0))).toString('latin1').toLowerCase();
      if (needles.every((n) => text.includes(n))) {
        hits.add(id);
      }
    }
    return hits;
  }

  /** The file that holds a large body on its own, if it has one (the CLI prints it as `bodyFile`). */
  bodyFile(id: string): string | undefined {
    const loc = this.entries.get(id)?.body;
    return loc && 'file' in loc ? path.join(this.dir, BODIES, loc.file) : undefined;
  }

  /**
   * Stores an event and its body. Resolves once both are written to disk; rejects with a
   * `StoreWriteError` when they could not be (disk full, folder gone), leaving the store consistent.
   */
  append(draft: EventDraft, body: Uint8Array | undefined): Promise<CapturedEvent> {
    this.assertWritable();
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, body, resolve, reject });
      if (!this.flushing) {
        this.flushing = new Promise<void>((done) => setImmediate(() => void this.flush().finally(done)));
      }
    });
  }

  /** Changes the fields that may change after capture (`EventPatch`): pin, verdict, deliveries, …. */
  async update(id: string, patch: EventPatch): Promise<CapturedEvent | undefined> {
    this.assertWritable();
    return this.exclusive(async () => {
      const entry = this.entries.get(id);
      if (!entry) {
        return undefined;
      }
      await this.writeIndex([{ op: 'set', id, p: patch }]);
      entry.event = { ...entry.event, ...patch };
      this.deadLines++;
      this.newestFirst = undefined;
      this._onDidChange.fire({ added: [], removed: [], updated: [entry.event], evicted: 0 });
      return entry.event;
    });
  }

  /**
   * Appends `item` to the list in field `field` of an event, keeping its newest `keep` items (the
   * delivery history). The index gets one small `push` record, not the whole list as `update` would
   * write, so the cost does not grow with the list. Resolves once the record is written, like `update`.
   */
  async appendTo(id: string, field: string, item: unknown, keep: number): Promise<CapturedEvent | undefined> {
    this.assertWritable();
    return this.exclusive(async () => {
      const entry = this.entries.get(id);
      if (!entry) {
        return undefined;
      }
      const n = Math.max(1, Math.floor(keep));
      await this.writeIndex([{ op: 'push', id, f: field, v: item, n }]);
      entry.event = withPushed(entry.event, field, item, n);
      this.deadLines++;
      this.newestFirst = undefined;
      this._onDidChange.fire({ added: [], removed: [], updated: [entry.event], evicted: 0 });
      return entry.event;
    });
  }

  /** Several updates in one index write and one change event (verdicts of a burst). */
  async updateMany(patches: ReadonlyArray<{ id: string; patch: EventPatch }>): Promise<void> {
    this.assertWritable();
    await this.exclusive(async () => {
      const live = patches.filter((p) => this.entries.has(p.id));
      if (live.length === 0) {
        return;
      }
      await this.writeIndex(live.map((p): Record_ => ({ op: 'set', id: p.id, p: p.patch })));
      const updated: CapturedEvent[] = [];
      for (const { id, patch } of live) {
        const entry = this.entries.get(id)!;
        entry.event = { ...entry.event, ...patch };
        updated.push(entry.event);
      }
      this.deadLines += live.length;
      this.newestFirst = undefined;
      this._onDidChange.fire({ added: [], removed: [], updated, evicted: 0 });
    });
  }

  async setPinned(id: string, pinned: boolean): Promise<CapturedEvent | undefined> {
    return this.update(id, { pinned: pinned || undefined });
  }

  async delete(ids: readonly string[]): Promise<number> {
    this.assertWritable();
    return this.exclusive(async () => {
      const live = ids.filter((id) => this.entries.has(id));
      if (live.length === 0) {
        return 0;
      }
      await this.writeIndex(live.map((id) => ({ op: 'del', id })));
      await this.forget(live);
      this._onDidChange.fire({ added: [], removed: live, updated: [], evicted: 0 });
      await this.maybeCompact();
      return live.length;
    });
  }

  async clear(): Promise<number> {
    this.assertWritable();
    return this.exclusive(async () => {
      const ids = [...this.entries.keys()];
      await this.writeIndex([{ op: 'clear' }]);
      await this.forget(ids);
      this._onDidChange.fire({ added: [], removed: ids, updated: [], evicted: 0 });
      await this.compact();
      return ids.length;
    });
  }

  /** Applies a new bound; evicts at once when the store holds more. */
  async setMaxEvents(maxEvents: number): Promise<void> {
    this.maxEvents = Math.max(1, maxEvents);
    if (!this.readOnly) {
      await this.exclusive(async () => {
        const victims = this.evictionVictims(0);
        if (victims.length) {
          await this.writeIndex(victims.map((id) => ({ op: 'del', id })));
          await this.forget(victims);
          this._onDidChange.fire({ added: [], removed: victims, updated: [], evicted: victims.length });
        }
      });
    }
  }

  /** Waits for queued appends, then closes the files and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    while (this.flushing) {
      await this.flushing;
    }
    await this.chain;
    this.closed = true;
    await this.segFh?.close().catch(() => undefined);
    await this.indexFh?.close().catch(() => undefined);
    this.segFh = this.indexFh = undefined;
    if (!this.readOnly) {
      await fsp.rm(path.join(this.dir, LOCK), { force: true }).catch(() => undefined);
      EventStore.openForWriting.delete(this.dir);
    }
    this.dispose();
  }

  /** Runs `fn` after every change queued before it; a failure does not block later changes. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  // ---- loading ---------------------------------------------------------------------------------

  private async load(): Promise<void> {
    if (!this.readOnly) {
      try {
        await fsp.mkdir(path.join(this.dir, BODIES), { recursive: true, mode: 0o700 });
        await this.takeLock();
      } catch (err) {
        if (err instanceof StoreLockedError) {
          throw err;
        }
        const detail = (await explainUnwritable(this.dir)) ?? (err as Error).message;
        throw new Error(`Cannot write the event store folder ${this.dir}: ${detail}. Choose a folder you can write to.`, { cause: err });
      }
    }
    const index = await readIndexFile(path.join(this.dir, INDEX));
    const text = index.text;
    const { segSizes, fileNames } = await this.scanBodies();

    // A line without its newline was torn by a crash mid-write: it is dropped (and cut off below).
    let complete = text;
    const lastNl = text.lastIndexOf('\n');
    if (lastNl !== text.length - 1) {
      complete = text.slice(0, lastNl + 1);
      if (text.length > complete.length) {
        this.logger.warn(`Event store: skipped a torn record at the end of ${INDEX} (${text.length - complete.length} bytes).`);
      }
    }
    let lineNo = 0;
    let skipped = 0;
    let lines = 0;
    for (const line of complete.split('\n')) {
      lineNo++;
      if (!line) {
        continue;
      }
      lines++;
      let rec: Record_;
      try {
        rec = JSON.parse(line) as Record_;
      } catch {
        skipped++;
        this.logger.warn(`Event store: skipped a corrupt record on line ${lineNo} of ${INDEX}.`);
        continue;
      }
      if (!this.replay(rec, segSizes, fileNames)) {
        skipped++;
        this.logger.warn(`Event store: skipped a record on line ${lineNo} of ${INDEX} whose body is missing or damaged.`);
      }
    }
    this.deadLines = lines - this.entries.size;
    for (const e of this.entries.values()) {
      this.deliveries.add(e.event);
      if (e.body && !('file' in e.body)) {
        this.segmentRefs.set(e.body[0], (this.segmentRefs.get(e.body[0]) ?? 0) + 1);
      }
    }
    if (this.readOnly) {
      this.follow = { offset: Buffer.byteLength(complete), ino: index.ino, segSizes, fileNames };
      return;
    }
    this.indexSize = Buffer.byteLength(complete);
    this.indexFh = await openRw(path.join(this.dir, INDEX));
    if ((await this.indexFh.stat()).size !== this.indexSize) {
      await this.indexFh.truncate(this.indexSize);
    }
    this.segNo = Math.max(0, ...segSizes.keys());
    await this.openSegment(this.segNo === 0 ? 1 : this.segNo);
    const victims = this.evictionVictims(0);
    if (victims.length) {
      await this.writeIndex(victims.map((id) => ({ op: 'del', id })));
      await this.forget(victims);
    }
    if (skipped > 0 || this.deadLines > 0) {
      await this.maybeCompact(skipped > 0);
    }
    await this.removeUnreferencedSegments(segSizes.keys());
    // A large body written just before a crash, whose index line never made it, is garbage.
    const referenced = new Set<string>();
    for (const e of this.entries.values()) {
      if (e.body && 'file' in e.body) {
        referenced.add(e.body.file);
      }
    }
    for (const name of fileNames) {
      if (!referenced.has(name)) {
        this.logger.warn(`Event store: removed ${name}, a body whose record was never written (a crash mid-write).`);
        await fsp.rm(path.join(this.dir, BODIES, name), { force: true }).catch(() => undefined);
      }
    }
  }

  /** Sizes of the segment files and names of the large-body files on disk now. */
  private async scanBodies(): Promise<{ segSizes: Map<number, number>; fileNames: Set<string> }> {
    const segSizes = new Map<number, number>();
    let segNames: string[] = [];
    try {
      segNames = await fsp.readdir(path.join(this.dir, BODIES));
    } catch {
      // no bodies yet
    }
    for (const name of segNames) {
      const m = /^(\d{6})\.seg$/.exec(name);
      if (m) {
        const st = await fsp.stat(path.join(this.dir, BODIES, name)).catch(() => undefined);
        if (st) {
          segSizes.set(Number(m[1]), st.size);
        }
      }
    }
    return { segSizes, fileNames: new Set(segNames.filter((n) => n.endsWith('.bin'))) };
  }

  /**
   * Read-only stores: picks up what the writing process appended since the last look, by reading the
   * index from where the last read stopped (complete lines only). When the writer compacted the index
   * (a new file renamed into place) or cut it shorter, the whole index is read again. Fires
   * `onDidChange` when something changed and returns the change. A writable store has nothing to pick
   * up (it made every change itself) and returns undefined.
   */
  refresh(): Promise<StoreChange | undefined> {
    if (!this.readOnly || this.closed) {
      return Promise.resolve(undefined);
    }
    // One refresh at a time: concurrent callers share the running one.
    this.refreshing ??= this.refreshNow().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshNow(): Promise<StoreChange | undefined> {
    const follow = this.follow;
    if (!follow) {
      return undefined;
    }
    const indexPath = path.join(this.dir, INDEX);
    let fh: FileHandle;
    try {
      fh = await fsp.open(indexPath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || this.entries.size === 0) {
        return undefined;
      }
      return this.reloadAll(follow, '', 0);
    }
    try {
      const st = await fh.stat();
      if (st.ino !== follow.ino || st.size < follow.offset) {
        return this.reloadAll(follow, (await fh.readFile()).toString('utf8'), st.ino);
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
      return this.applyLines(follow, chunk.subarray(0, end).toString('utf8'));
    } finally {
      await fh.close();
    }
  }

  private async reloadAll(follow: FollowState, text: string, ino: number): Promise<StoreChange | undefined> {
    const before = new Map(Array.from(this.entries, ([id, e]) => [id, e.event]));
    this.entries.clear();
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    Object.assign(follow, { offset: Buffer.byteLength(complete), ino }, await this.scanBodies());
    this.replayLines(follow, complete);
    const added: CapturedEvent[] = [];
    const updated: CapturedEvent[] = [];
    for (const [id, e] of this.entries) {
      const old = before.get(id);
      if (!old) {
        added.push(e.event);
      } else if (old !== e.event && JSON.stringify(old) !== JSON.stringify(e.event)) {
        updated.push(e.event);
      }
    }
    const removed = [...before.keys()].filter((id) => !this.entries.has(id));
    return this.announce({ added, removed, updated, evicted: 0 });
  }

  private async applyLines(follow: FollowState, text: string): Promise<StoreChange | undefined> {
    // A body named by a new line was written before the line: look at the files again if needed.
    if (/"op":"add"/.test(text)) {
      Object.assign(follow, await this.scanBodies());
    }
    const before = new Set(this.entries.keys());
    const touched = this.replayLines(follow, text);
    const added: CapturedEvent[] = [];
    const updated: CapturedEvent[] = [];
    for (const id of touched) {
      const e = this.entries.get(id);
      if (e) {
        (before.has(id) ? updated : added).push(e.event);
      }
    }
    const removed = [...before].filter((id) => !this.entries.has(id));
    return this.announce({ added, removed, updated, evicted: 0 });
  }

  /** Replays index lines; returns the ids of the events they added or changed, in order. */
  private replayLines(follow: FollowState, text: string): Set<string> {
    const touched = new Set<string>();
    for (const line of text.split('\n')) {
      if (!line) {
        continue;
      }
      let rec: Record_;
      try {
        rec = JSON.parse(line) as Record_;
      } catch {
        continue;
      }
      if (this.replay(rec, follow.segSizes, follow.fileNames)) {
        const id = rec.op === 'add' ? rec.e.id : rec.op === 'set' || rec.op === 'push' ? rec.id : undefined;
        if (id) {
          touched.delete(id);
          touched.add(id);
        }
      }
    }
    return touched;
  }

  private announce(change: StoreChange): StoreChange | undefined {
    if (!change.added.length && !change.removed.length && !change.updated.length) {
      return undefined;
    }
    this.newestFirst = undefined;
    this._onDidChange.fire(change);
    return change;
  }

  private replay(rec: Record_, segSizes: Map<number, number>, fileNames: Set<string>): boolean {
    switch (rec?.op) {
      case 'add': {
        const e = rec.e;
        if (!e || typeof e.id !== 'string' || typeof e.method !== 'string' || !Array.isArray(e.headers)) {
          return false;
        }
        const b = rec.b;
        if (b) {
          if ('file' in b) {
            if (!fileNames.has(b.file)) {
              return false;
            }
          } else if (!Array.isArray(b) || (segSizes.get(b[0]) ?? -1) < b[1] + b[2]) {
            return false;
          }
        }
        this.entries.delete(e.id);
        this.entries.set(e.id, { event: e, body: b });
        return true;
      }
      case 'set': {
        const entry = this.entries.get(rec.id);
        if (entry && rec.p && typeof rec.p === 'object') {
          entry.event = { ...entry.event, ...rec.p };
        }
        return true;
      }
      case 'push': {
        const entry = this.entries.get(rec.id);
        if (entry && typeof rec.f === 'string' && typeof rec.n === 'number') {
          entry.event = withPushed(entry.event, rec.f, rec.v, rec.n);
        }
        return true;
      }
      case 'del':
        this.entries.delete(rec.id);
        return true;
      case 'clear':
        this.entries.clear();
        return true;
      default:
        return false;
    }
  }

  private async takeLock(): Promise<void> {
    const lockPath = path.join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fsp.writeFile(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
        EventStore.openForWriting.add(this.dir);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
        const pid = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
        const heldHere = pid === process.pid && EventStore.openForWriting.has(this.dir);
        if (heldHere || (pid && pid !== process.pid && isProcessAlive(pid))) {
          throw new StoreLockedError(this.dir, pid);
        }
        await fsp.rm(lockPath, { force: true });
      }
    }
    throw new Error(`Could not lock ${lockPath}.`);
  }

  // ---- writing ---------------------------------------------------------------------------------

  private assertWritable(): void {
    if (this.readOnly) {
      throw new Error('This event store was opened read-only.');
    }
    if (this.closed) {
      throw new Error('The event store is closed.');
    }
  }

  private segmentPath(seg: number): string {
    return path.join(this.dir, BODIES, `${String(seg).padStart(6, '0')}.seg`);
  }

  private async openSegment(seg: number): Promise<void> {
    await this.segFh?.close();
    this.segNo = seg;
    this.segFh = await openRw(this.segmentPath(seg));
    this.segSize = (await this.segFh.stat()).size;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          await this.exclusive(() => this.writeBatch(batch));
        } catch (err) {
          const error = err instanceof StoreWriteError ? err : new StoreWriteError(err);
          this.logger.error(error.message);
          for (const p of batch) {
            p.reject(error);
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (this.segSize >= this.segmentSize) {
      await this.openSegment(this.segNo + 1);
    }
    const now = this.now();
    const records: Array<{ op: 'add'; e: CapturedEvent; b?: BodyLocation }> = [];
    const segChunks: Uint8Array[] = [];
    const files: Array<{ name: string; body: Uint8Array }> = [];
    let pos = this.segSize;
    const marked: CapturedEvent[] = [];
    const unmark = () => marked.forEach((e) => this.deliveries.remove(e));
    for (const { draft, body } of batch) {
      const { id, receivedAt, ...rest } = draft;
      const fresh: CapturedEvent = { id: id ?? newEventId(now), receivedAt: receivedAt ?? now.toISOString(), ...rest };
      // A repeat of a stored delivery is flagged (never dropped); the mark is written with the event.
      const event: CapturedEvent = fresh.duplicateOf ? fresh : { ...fresh, ...this.deliveries.mark(fresh) };
      this.deliveries.add(event);
      marked.push(event);
      let b: BodyLocation | undefined;
      if (body && body.length > this.largeBodyThreshold) {
        b = { file: `${event.id}.bin` };
        files.push({ name: b.file, body });
      } else if (body && body.length > 0) {
        b = [this.segNo, pos, body.length];
        segChunks.push(body);
        pos += body.length;
      }
      records.push(b ? { op: 'add', e: event, b } : { op: 'add', e: event });
    }
    try {
      await Promise.all(files.map((f) => this.io.writeBodyFile(path.join(this.dir, BODIES, f.name), f.body)));
      if (segChunks.length) {
        await writeAllv(this.io, 'segment', this.segFh!, segChunks, this.segSize);
      }
    } catch (err) {
      unmark();
      await Promise.all(files.map((f) => fsp.rm(path.join(this.dir, BODIES, f.name), { force: true })));
      throw new StoreWriteError(err);
    }
    const victims = this.evictionVictims(records.length);
    const lines: Record_[] = [...records, ...victims.map((id): Record_ => ({ op: 'del', id }))];
    try {
      await this.writeIndex(lines);
    } catch (err) {
      unmark();
      await Promise.all(files.map((f) => fsp.rm(path.join(this.dir, BODIES, f.name), { force: true })));
      throw new StoreWriteError(err);
    }
    // Only now, with both writes done, does the batch exist.
    this.segSize = pos;
    for (const r of records) {
      this.entries.set(r.e.id, { event: r.e, body: r.b });
      if (r.b && !('file' in r.b)) {
        this.segmentRefs.set(r.b[0], (this.segmentRefs.get(r.b[0]) ?? 0) + 1);
      }
    }
    this.newestFirst = undefined;
    await this.forget(victims);
    const added = records.map((r) => r.e);
    batch.forEach((p, i) => p.resolve(added[i]!));
    this._onDidChange.fire({ added, removed: victims, updated: [], evicted: victims.length });
    if (victims.length) {
      await this.maybeCompact();
    }
  }

  /** Oldest unpinned ids that must go so that `incoming` more fit under `maxEvents`. */
  private evictionVictims(incoming: number): string[] {
    let excess = this.entries.size + incoming - this.maxEvents;
    const victims: string[] = [];
    if (excess <= 0) {
      return victims;
    }
    for (const [id, entry] of this.entries) {
      if (excess <= 0) {
        break;
      }
      if (!entry.event.pinned) {
        victims.push(id);
        excess--;
      }
    }
    return victims;
  }

  private async writeIndex(records: readonly Record_[]): Promise<void> {
    if (!this.indexFh) {
      throw new Error('The event store is closed.');
    }
    const data = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    try {
      await writeAllv(this.io, 'index', this.indexFh, [data], this.indexSize);
    } catch (err) {
      // Cut off whatever part of the line made it, so the next record starts clean.
      await this.indexFh.truncate(this.indexSize).catch(() => undefined);
      throw err;
    }
    this.indexSize += data.length;
  }

  /** Drops entries from memory and their bodies from disk (after their `del` lines are written). */
  private async forget(ids: readonly string[]): Promise<void> {
    const freedSegments: number[] = [];
    const files: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) {
        continue;
      }
      this.entries.delete(id);
      this.deliveries.remove(entry.event);
      this.deadLines += 2;
      const b = entry.body;
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
    this.newestFirst = undefined;
    await Promise.all(files.map((f) => fsp.rm(path.join(this.dir, BODIES, f), { force: true }).catch(() => undefined)));
    await this.removeUnreferencedSegments(freedSegments);
  }

  private async removeUnreferencedSegments(candidates: Iterable<number>): Promise<void> {
    for (const seg of candidates) {
      if (seg !== this.segNo && !this.segmentRefs.has(seg)) {
        await fsp.rm(this.segmentPath(seg), { force: true }).catch(() => undefined);
      }
    }
  }

  private async maybeCompact(force = false): Promise<void> {
    if (force || this.deadLines > Math.max(1000, this.entries.size * 2)) {
      await this.compact();
    }
  }

  /** Rewrites the index with only live records, then swaps it in with a rename (atomic on POSIX). */
  private async compact(): Promise<void> {
    const indexPath = path.join(this.dir, INDEX);
    const tmp = `${indexPath}.tmp`;
    const lines = Array.from(this.entries.values(), (e) =>
      JSON.stringify(e.body ? { op: 'add', e: e.event, b: e.body } : { op: 'add', e: e.event }),
    );
    const data = lines.length ? lines.join('\n') + '\n' : '';
    try {
      await fsp.writeFile(tmp, data, { mode: 0o600 });
      await this.indexFh?.close();
      await fsp.rename(tmp, indexPath);
    } catch (err) {
      this.logger.warn(`Event store: compaction failed, the old index stays: ${(err as Error).message}`);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
    this.indexFh = await openRw(indexPath);
    this.indexSize = (await this.indexFh.stat()).size;
    this.deadLines = 0;
  }
}

interface FollowState {
  /** Bytes of complete lines read from the index. */
  offset: number;
  /** The index file's inode: a compaction renames a new file into place. */
  ino: number;
  segSizes: Map<number, number>;
  fileNames: Set<string>;
}

/** The index's text and inode, read through one handle (a rename between a stat and a read cannot mix two files). */
async function readIndexFile(file: string): Promise<{ text: string; ino: number }> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { text: '', ino: 0 };
    }
    throw err;
  }
  try {
    const st = await fh.stat();
    return { text: (await fh.readFile()).toString('utf8'), ino: st.ino };
  } finally {
    await fh.close();
  }
}

/** The event with `item` appended to its list `field`, of which the newest `keep` items stay. */
function withPushed(event: CapturedEvent, field: string, item: unknown, keep: number): CapturedEvent {
  const prev = (event as unknown as Record<string, unknown>)[field];
  const list = Array.isArray(prev) ? (prev as unknown[]) : [];
  const next = list.slice(Math.max(0, list.length - Math.max(1, keep) + 1));
  next.push(item);
  return { ...event, [field]: next };
}

async function writeAllv(io: StoreIo, file: StoreFile, fh: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
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

/** The event whose body range [offset, end) holds the match at `at` (binary search over sorted ranges). */
function findOwner(list: ReadonlyArray<{ id: string; offset: number; end: number }>, at: number, length: number): string | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid]!;
    if (at < r.offset) {
      hi = mid - 1;
    } else if (at >= r.end) {
      lo = mid + 1;
    } else {
      return at + length <= r.end ? r.id : undefined;
    }
  }
  return undefined;
}

/** Why a folder cannot be made: the nearest existing ancestor's own error (e.g. EROFS), when there is one. */
async function explainUnwritable(dir: string): Promise<string | undefined> {
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

/** Opens for positional reads and writes (not O_APPEND: Linux ignores positions there), creating the file. */
function openRw(file: string): Promise<FileHandle> {
  return fsp.open(file, fsc.O_RDWR | fsc.O_CREAT, 0o600);
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
