import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DeliveryIndex } from '../delivery/deliveryIndex';
import { Disposable, Emitter } from '../lifecycle';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { CapturedEvent, EventPatch } from '../model/event';
import { BodyFiles } from './bodies';
import { StoreLockedError, StoreWriteError } from './errors';
import { type FollowState, followIndex } from './follow';
import { newEventId } from './ids';
import { IndexLog, loadIndex } from './indexLog';
import { defaultIo, explainUnwritable } from './io';
import { holdsLock, releaseLock, takeLock } from './lock';
import { withPushed } from './replay';
import { searchBodies } from './search';
import { Entry, evictionVictims } from './entry';
import { BODIES, type BodyLocation, type EventDraft, type IndexRecord } from './types';
import type { PendingAppend, StoreChange, StoreOptions } from './types';

export { StoreLockedError, StoreWriteError } from './errors';
export { newEventId } from './ids';
export { isProcessAlive } from './lock';
export type { EventDraft, StoreChange, StoreFile, StoreIo, StoreOptions } from './types';

/**
 * The durable event store. Layout and guarantees: ARCHITECTURE.md, "The store on disk". `append` resolves only
 * after the body and its index line were written (write(2) returned): an event whose sender got a 2xx survives
 * `kill -9`. Appends that arrive together are written together (one writev per file).
 */
export class EventStore extends Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Entries newest first, and (once a caller asked for all) their events: dropped on every change. */
  private order: { entries: Entry[]; events?: CapturedEvent[] } | undefined;
  /** (provider, deliveryId) → first attempt, for `duplicateOf` (see `delivery/deliveryIndex.ts`). */
  private readonly deliveries = new DeliveryIndex();
  private readonly index: IndexLog;
  private readonly bodies: BodyFiles;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Every change to the files runs inside this chain, one at a time (positions are tracked in memory). */
  private chain: Promise<unknown> = Promise.resolve();
  private maxEvents: number;
  private readonly logger: Logger;
  private readonly now: () => Date;

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
    this.now = options.now ?? (() => new Date());
    const io = { ...defaultIo, ...options.io };
    this.index = new IndexLog(dir, io, this.logger);
    this.bodies = new BodyFiles(dir, io, options.largeBodyThreshold ?? 1024 * 1024, options.segmentSize ?? 64 * 1024 * 1024);
  }

  /** Opens (creating when needed) the store in `dir`. Throws a clear error when the folder cannot be written. */
  static async open(dir: string, options: StoreOptions): Promise<EventStore> {
    const store = new EventStore(path.resolve(dir), options);
    try {
      await store.load();
    } catch (err) {
      if (!(err instanceof StoreLockedError) && holdsLock(store.dir)) {
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
    // Events still in their index bytes are parsed here, only those of the page asked for.
    const order = (this.order ??= { entries: Array.from(this.entries.values()).reverse() });
    if (offset === 0 && limit >= order.entries.length) {
      return (order.events ??= order.entries.map((e) => e.event));
    }
    return order.entries.slice(offset, offset + limit).map((e) => e.event);
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
    return this.bodies.read(id, entry.body);
  }

  /** Ids of the events whose body contains every word, ignoring ASCII case (one pass over each segment). */
  searchBodies(words: readonly string[]): Promise<Set<string>> {
    return searchBodies(this.entries, this.bodies, words);
  }

  /** The file that holds a large body on its own, if it has one (the CLI prints it as `bodyFile`). */
  bodyFile(id: string): string | undefined {
    const loc = this.entries.get(id)?.body;
    return loc && 'file' in loc ? this.bodies.filePath(loc.file) : undefined;
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
    const [event] = await this.patch([{ id, record: { op: 'set', id, p: patch }, apply: (e) => ({ ...e, ...patch }) }]);
    return event;
  }

  /**
   * Appends `item` to the list in field `field` of an event, keeping its newest `keep` items (the
   * delivery history). The index gets one small `push` record, not the whole list as `update` would
   * write, so the cost does not grow with the list. Resolves once the record is written, like `update`.
   */
  async appendTo(id: string, field: string, item: unknown, keep: number): Promise<CapturedEvent | undefined> {
    const n = Math.max(1, Math.floor(keep));
    const [event] = await this.patch([
      { id, record: { op: 'push', id, f: field, v: item, n }, apply: (e) => withPushed(e, field, item, n) },
    ]);
    return event;
  }

  /** Several updates in one index write and one change event (verdicts of a burst). */
  async updateMany(patches: ReadonlyArray<{ id: string; patch: EventPatch }>): Promise<void> {
    await this.patch(patches.map(({ id, patch }) => ({ id, record: { op: 'set', id, p: patch }, apply: (e) => ({ ...e, ...patch }) })));
  }

  /**
   * Writes the records of the changes whose event is still stored (one index write), then applies them in
   * memory and fires one change event. Resolves with the changed events (none when no event is stored).
   */
  private patch(
    changes: ReadonlyArray<{ id: string; record: IndexRecord; apply: (e: CapturedEvent) => CapturedEvent }>,
  ): Promise<CapturedEvent[]> {
    this.assertWritable();
    return this.exclusive(async () => {
      const live = changes.filter((c) => this.entries.has(c.id));
      if (live.length === 0) {
        return [];
      }
      await this.index.append(live.map((c) => c.record));
      const updated: CapturedEvent[] = [];
      for (const { id, apply } of live) {
        const entry = this.entries.get(id)!;
        entry.event = apply(entry.event);
        updated.push(entry.event);
      }
      this.index.deadLines += live.length;
      this.order = undefined;
      this._onDidChange.fire({ added: [], removed: [], updated, evicted: 0 });
      return updated;
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
      await this.index.append(live.map((id) => ({ op: 'del', id })));
      await this.forget(live);
      this._onDidChange.fire({ added: [], removed: live, updated: [], evicted: 0 });
      await this.index.maybeCompact(this.entries);
      return live.length;
    });
  }

  async clear(): Promise<number> {
    this.assertWritable();
    return this.exclusive(async () => {
      const ids = [...this.entries.keys()];
      await this.index.append([{ op: 'clear' }]);
      await this.forget(ids);
      this._onDidChange.fire({ added: [], removed: ids, updated: [], evicted: 0 });
      await this.index.compact(this.entries.values());
      return ids.length;
    });
  }

  /** Applies a new bound; evicts at once when the store holds more. */
  async setMaxEvents(maxEvents: number): Promise<void> {
    this.maxEvents = Math.max(1, maxEvents);
    if (!this.readOnly) {
      await this.exclusive(async () => {
        const victims = evictionVictims(this.entries, this.maxEvents, 0);
        if (victims.length) {
          await this.index.append(victims.map((id) => ({ op: 'del', id })));
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
    await this.refreshing?.catch(() => undefined);
    this.closed = true;
    await this.bodies.close();
    await this.index.close();
    await this.follow?.source?.close();
    if (!this.readOnly) {
      await releaseLock(this.dir);
    }
    this.dispose();
  }

  /**
   * Read-only stores: picks up what the writing process changed since the last look (see `follow.ts`).
   * Fires `onDidChange` when something changed and returns the change. A writable store has nothing to
   * pick up (it made every change itself) and returns undefined.
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
    if (!this.follow) {
      return undefined;
    }
    const change = await followIndex(this.index.file, this.follow, this.entries, this.bodies);
    if (change) {
      this.order = undefined; // a reload made new entries even when no event changed
    }
    if (!change || (!change.added.length && !change.removed.length && !change.updated.length)) {
      return undefined;
    }
    this._onDidChange.fire(change);
    return change;
  }

  /** Runs `fn` after every change queued before it; a failure does not block later changes. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private assertWritable(): void {
    if (this.readOnly) {
      throw new Error('This event store was opened read-only.');
    }
    if (this.closed) {
      throw new Error('The event store is closed.');
    }
  }

  // ---- loading ---------------------------------------------------------------------------------

  private async load(): Promise<void> {
    if (!this.readOnly) {
      try {
        await fsp.mkdir(path.join(this.dir, BODIES), { recursive: true, mode: 0o700 });
        await takeLock(this.dir);
      } catch (err) {
        if (err instanceof StoreLockedError) {
          throw err;
        }
        const detail = (await explainUnwritable(this.dir)) ?? (err as Error).message;
        throw new Error(`Cannot write the event store folder ${this.dir}: ${detail}. Choose a folder you can write to.`, { cause: err });
      }
    }
    const scan = await this.bodies.scan();
    const { source, validBytes, ino, lines, skipped, legacy } = await loadIndex(this.index.file, this.entries, scan, this.logger);
    this.index.deadLines = lines - this.entries.size;
    for (const e of this.entries.values()) {
      this.deliveries.add(e.deliveryKey);
      this.bodies.ref(e.body);
    }
    if (this.readOnly) {
      this.follow = { offset: validBytes, ino, source, ...scan };
      return;
    }
    this.index.source = source;
    await this.index.open(validBytes);
    await this.bodies.openForWriting(scan.segSizes);
    const victims = evictionVictims(this.entries, this.maxEvents, 0);
    if (victims.length) {
      await this.index.append(victims.map((id) => ({ op: 'del', id })));
      await this.forget(victims);
    }
    if (skipped > 0 || legacy > 0 || this.index.deadLines > 0) {
      // An index with skipped lines, or written by an earlier version, is rewritten (in the current form) at once.
      await this.index.maybeCompact(this.entries, skipped > 0 || legacy > 0);
    }
    await this.bodies.removeUnreferencedSegments(scan.segSizes.keys());
    await this.bodies.removeOrphanFiles(scan.fileNames, this.entries.values(), this.logger);
  }

  // ---- writing ---------------------------------------------------------------------------------

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

  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    await this.bodies.rollIfFull();
    const now = this.now();
    const events = batch.map(({ draft }) => {
      const { id: given, receivedAt, ...rest } = draft;
      const id = given ?? newEventId(now);
      // A repeat of a stored delivery is flagged (never dropped); the mark is written with the event.
      const mark = rest.duplicateOf
        ? undefined
        : this.deliveries.mark({ id, provider: rest.provider, deliveryId: rest.deliveryId, attempt: rest.attempt });
      const event: CapturedEvent = { id, receivedAt: receivedAt ?? now.toISOString(), ...rest, ...mark };
      this.deliveries.add(event);
      return event;
    });
    const unmark = () => events.forEach((e) => this.deliveries.remove(e));
    const { locations, placed } = this.bodies.place(batch.map((p, i) => ({ id: events[i]!.id, body: p.body })));
    const records = events.map((e, i) => {
      const b = locations[i];
      return b ? { op: 'add' as const, e, b } : { op: 'add' as const, e };
    });
    try {
      await this.bodies.write(placed);
    } catch (err) {
      unmark();
      await this.bodies.discard(placed);
      throw new StoreWriteError(err);
    }
    const victims = evictionVictims(this.entries, this.maxEvents, records.length);
    try {
      await this.index.append([...records, ...victims.map((id): IndexRecord => ({ op: 'del', id }))]);
    } catch (err) {
      unmark();
      await this.bodies.discard(placed);
      throw new StoreWriteError(err);
    }
    // Only now, with both writes done, does the batch exist.
    this.bodies.commit(placed);
    for (const r of records) {
      this.entries.set(r.e.id, new Entry(r.e.id, r.e, r.b));
      this.bodies.ref(r.b);
    }
    this.order = undefined;
    await this.forget(victims);
    batch.forEach((p, i) => p.resolve(events[i]!));
    this._onDidChange.fire({ added: events, removed: victims, updated: [], evicted: victims.length });
    if (victims.length) {
      await this.index.maybeCompact(this.entries);
    }
  }

  /** Drops entries from memory and their bodies from disk (after their `del` lines are written). */
  private async forget(ids: readonly string[]): Promise<void> {
    const released: Array<BodyLocation | undefined> = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) {
        continue;
      }
      this.entries.delete(id);
      this.deliveries.remove(entry.deliveryKey);
      this.index.deadLines += 2;
      released.push(entry.body);
    }
    this.order = undefined;
    await this.bodies.release(released);
  }
}
