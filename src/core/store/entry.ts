import type { CapturedEvent, EventPatch } from '../model/event';
import { crc32, type DeliveryFacts } from './records';
import type { IndexSource, SourceWindow } from './source';
import type { BodyLocation } from './types';

type DeliveryKey = Pick<CapturedEvent, 'id' | 'provider' | 'deliveryId' | 'attempt' | 'duplicateOf'>;

/**
 * One live event in memory. An event loaded from the index is kept only as where its line is in the index
 * file (`src`, the line's first byte `line`, its JSON `[from, to)`, the line's checksum `crc`) until
 * something asks for it; then its line is read back (one positional read, the checksum checked again), the
 * event parsed once, with the changes replayed since (`set` and `push` records) applied, and kept. What the
 * store needs before that (eviction, duplicate marks) is known from the line's head: `pinned` and the
 * delivery facts.
 */
export class Entry {
  pinned: boolean;
  /** `[provider, deliveryId, attempt, duplicateOf]` of an unparsed event that has a delivery id. */
  facts: DeliveryFacts | undefined;
  src: IndexSource | undefined;
  line = 0;
  from = 0;
  to = 0;
  /** CRC-32 of the line's bytes `[line, to)` (what its `"c"` states). */
  crc = 0;
  private parsed: CapturedEvent | undefined;
  private pending: Array<(e: CapturedEvent) => CapturedEvent> | undefined;

  constructor(
    readonly id: string,
    event: CapturedEvent | undefined,
    public body: BodyLocation | undefined,
  ) {
    this.parsed = event;
    this.pinned = !!event?.pinned;
  }

  /** Where the unparsed event is: the line at `line` in `src`, its JSON `[from, to)`, its checksum. */
  locate(src: IndexSource, line: number, from: number, to: number, crc: number): void {
    this.src = src;
    this.line = line;
    this.from = from;
    this.to = to;
    this.crc = crc;
  }

  get event(): CapturedEvent {
    if (!this.parsed) {
      let e = JSON.parse(this.read().toString('utf8')) as CapturedEvent;
      for (const fn of this.pending ?? []) {
        e = fn(e);
      }
      this.event = e;
    }
    return this.parsed!;
  }

  set event(e: CapturedEvent) {
    this.parsed = e;
    this.pinned = !!e.pinned;
    this.src = this.pending = this.facts = undefined;
  }

  /** Whether the event is still only a place in the index file. */
  get unparsed(): boolean {
    return !this.parsed;
  }

  /** Applies a change now when the event is parsed, else when it is (`patch`: what it sets, to keep `pinned` and the facts current). */
  change(fn: (e: CapturedEvent) => CapturedEvent, patch?: EventPatch): void {
    if (this.parsed) {
      this.event = fn(this.parsed);
      return;
    }
    (this.pending ??= []).push(fn);
    if (patch && 'pinned' in patch) {
      this.pinned = !!patch.pinned;
    }
    if (patch && 'provider' in patch && this.facts) {
      this.facts[0] = patch.provider ?? null;
    }
  }

  /** The event's JSON bytes as stored, while it is unparsed and unchanged (compaction copies them as they are). */
  storedJson(window?: SourceWindow): Buffer | undefined {
    return this.parsed || this.pending ? undefined : this.read(window);
  }

  /** Whether both are the same stored line, unparsed and unchanged (a follower's reload keeps such events as they are). */
  sameStoredAs(other: Entry): boolean {
    return (
      !this.parsed &&
      !this.pending &&
      !other.parsed &&
      !other.pending &&
      this.crc === other.crc &&
      this.to - this.from === other.to - other.from
    );
  }

  /** The event's JSON, read back from the index file; its line's checksum must still match. */
  private read(window?: SourceWindow): Buffer {
    const src = this.src;
    if (!src) {
      throw new Error(`Event ${this.id} has no stored record.`);
    }
    const bytes = window?.src === src ? window.slice(this.line, this.to) : src.read(this.line, this.to);
    if (crc32(bytes) !== this.crc) {
      throw new Error(`The stored record of event ${this.id} changed on disk since the store was loaded.`);
    }
    return bytes.subarray(this.from - this.line);
  }

  /** What the delivery index keys on, without parsing the event. */
  get deliveryKey(): DeliveryKey {
    if (this.parsed || !this.facts) {
      return this.parsed ?? { id: this.id };
    }
    const [provider, deliveryId, attempt, duplicateOf] = this.facts;
    return {
      id: this.id,
      provider: provider ?? undefined,
      deliveryId,
      attempt: attempt ?? undefined,
      duplicateOf: duplicateOf ?? undefined,
    };
  }
}

/** Oldest unpinned ids (in insertion order) that must go so that `incoming` more fit under `maxEvents`. */
export function evictionVictims(entries: ReadonlyMap<string, Entry>, maxEvents: number, incoming: number): string[] {
  let excess = entries.size + incoming - maxEvents;
  const victims: string[] = [];
  if (excess <= 0) {
    return victims;
  }
  for (const [id, entry] of entries) {
    if (excess <= 0) {
      break;
    }
    if (!entry.pinned) {
      victims.push(id);
      excess--;
    }
  }
  return victims;
}
