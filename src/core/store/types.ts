import type { FileHandle } from 'node:fs/promises';
import type { CapturedEvent, EventPatch } from '../model/event';
import type { Logger } from '../logger';

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

export interface StoreChange {
  readonly added: readonly CapturedEvent[];
  readonly removed: readonly string[];
  readonly updated: readonly CapturedEvent[];
  /** How many of `removed` were evicted because the store was full. */
  readonly evicted: number;
}

export type EventDraft = Omit<CapturedEvent, 'id' | 'receivedAt' | 'pinned'> & { id?: string; receivedAt?: string };

/** Where a body is: `[segment, offset, length]` in a segment file, or a file of its own under `bodies/`. */
export type BodyLocation = readonly [segment: number, offset: number, length: number] | { readonly file: string };

/** One line of `index.jsonl`. */
export type IndexRecord =
  | { op: 'add'; e: CapturedEvent; b?: BodyLocation }
  | { op: 'set'; id: string; p: EventPatch }
  | { op: 'push'; id: string; f: string; v: unknown; n: number }
  | { op: 'del'; id: string }
  | { op: 'clear' };

/** The store's file names inside its folder. */
export const INDEX = 'index.jsonl';
export const BODIES = 'bodies';
export const LOCK = 'store.lock';

/** An `append` waiting for the next group write. */
export interface PendingAppend {
  draft: EventDraft;
  body: Uint8Array | undefined;
  resolve: (e: CapturedEvent) => void;
  reject: (err: unknown) => void;
}
