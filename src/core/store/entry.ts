import type { CapturedEvent, EventPatch } from '../model/event';
import type { DeliveryFacts } from './records';
import type { BodyLocation } from './types';

type DeliveryKey = Pick<CapturedEvent, 'id' | 'provider' | 'deliveryId' | 'attempt' | 'duplicateOf'>;

/**
 * One live event in memory. An event loaded from the index stays as its JSON bytes (`raw[from, to)`, a
 * slice of the buffer the index was read into) until something asks for it; then it is parsed once, with
 * the changes replayed since (`set` and `push` records) applied, and kept. What the store needs before that
 * (eviction, duplicate marks) is known from the line's head: `pinned` and the delivery facts.
 */
export class Entry {
  pinned: boolean;
  /** `[provider, deliveryId, attempt, duplicateOf]` of an unparsed event that has a delivery id. */
  facts: DeliveryFacts | undefined;
  raw: Buffer | undefined;
  from = 0;
  to = 0;
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

  get event(): CapturedEvent {
    if (!this.parsed) {
      let e = JSON.parse(this.raw!.toString('utf8', this.from, this.to)) as CapturedEvent;
      for (const fn of this.pending ?? []) {
        e = fn(e);
      }
      this.parsed = e;
      this.raw = this.pending = this.facts = undefined;
    }
    return this.parsed;
  }

  set event(e: CapturedEvent) {
    this.parsed = e;
    this.pinned = !!e.pinned;
    this.raw = this.pending = this.facts = undefined;
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

  /** The event's JSON as stored, while it is unparsed and unchanged (compaction copies it as it is). */
  get storedJson(): string | undefined {
    return this.raw && !this.pending ? this.raw.toString('utf8', this.from, this.to) : undefined;
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
