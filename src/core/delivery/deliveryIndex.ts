import type { CapturedEvent } from '../model/event';

/** What a newly stored event learns from the events before it with the same provider and delivery id. */
export interface DuplicateMark {
  /** The id of the first stored event of this delivery. */
  duplicateOf?: string;
  /** The attempt number: the header's when it states one, else the position in the chain of stored attempts. */
  attempt?: number;
}

interface Chain {
  /** The first attempt's id (it may since have been evicted or deleted). */
  readonly first: string;
  /** Live events of this delivery in the store. */
  live: number;
  /** The highest attempt number seen. */
  seen: number;
}

/**
 * (provider, deliveryId) → the first stored event of that delivery. The store keeps one, rebuilds
 * it from the live events at load, and stores the marks on the events (`add` records), so flags
 * survive restarts.
 *
 * Evictions and deletions: a chain is remembered while any of its events is stored. When the
 * first attempt goes (evicted past `maxEvents`, or deleted), the retries keep `duplicateOf` naming
 * it and later repeats still point at it; once no attempt is left, the chain is forgotten and the
 * next delivery with that id counts as a first attempt again.
 */
export class DeliveryIndex {
  private readonly chains = new Map<string, Chain>();

  /** The mark a new event gets; it is not recorded until `add`. */
  mark(event: Pick<CapturedEvent, 'id' | 'provider' | 'deliveryId' | 'attempt'>): DuplicateMark {
    const k = key(event);
    if (k === undefined) {
      return {};
    }
    const chain = this.chains.get(k);
    if (!chain) {
      return event.attempt !== undefined ? { attempt: event.attempt } : {};
    }
    return { duplicateOf: chain.first, attempt: event.attempt ?? chain.seen + 1 };
  }

  /** Records a stored event (in arrival order). */
  add(event: Pick<CapturedEvent, 'id' | 'provider' | 'deliveryId' | 'attempt' | 'duplicateOf'>): void {
    const k = key(event);
    if (k === undefined) {
      return;
    }
    const chain = this.chains.get(k);
    const attempt = event.attempt ?? (chain ? chain.seen + 1 : 1);
    if (chain) {
      chain.live++;
      chain.seen = Math.max(chain.seen, attempt);
    } else {
      this.chains.set(k, { first: event.duplicateOf ?? event.id, live: 1, seen: attempt });
    }
  }

  /** Forgets a removed event; the chain goes with its last event. */
  remove(event: Pick<CapturedEvent, 'provider' | 'deliveryId'>): void {
    const k = key(event);
    const chain = k === undefined ? undefined : this.chains.get(k);
    if (chain && --chain.live <= 0) {
      this.chains.delete(k!);
    }
  }

  clear(): void {
    this.chains.clear();
  }

  get size(): number {
    return this.chains.size;
  }
}

function key(event: Pick<CapturedEvent, 'provider' | 'deliveryId'>): string | undefined {
  return event.deliveryId ? `${event.provider ?? ''}\u0000${event.deliveryId}` : undefined;
}
