/** The delivery history on an event, kept in the store (`set` records survive restarts). */
import type { CapturedEvent, EventPatch } from '../model/event';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { Delivery } from '../model/delivery';

/** The store methods the log needs (an `EventStore` fits). */
export interface DeliveryStore {
  get(id: string): CapturedEvent | undefined;
  update(id: string, patch: EventPatch): Promise<CapturedEvent | undefined>;
  /** Appends one item to a list field (one small record). Without it the log writes the whole list with `update`. */
  appendTo?(id: string, field: string, item: unknown, keep: number): Promise<CapturedEvent | undefined>;
}

/** The deliveries recorded on an event, oldest first. */
export function deliveriesOf(event: CapturedEvent | undefined): readonly Delivery[] {
  const list = (event as { deliveries?: unknown } | undefined)?.deliveries;
  return Array.isArray(list) ? (list as Delivery[]) : [];
}

export interface DeliveryLogOptions {
  /** The newest this many deliveries are kept per event. Default 50. */
  maxPerEvent?: number;
  logger?: Logger;
}

/**
 * Appends deliveries to `event.deliveries`: with `store.appendTo` (one index record per delivery,
 * whatever the history holds), else with `store.update` of the whole list. Appends for one event are
 * serialised, so concurrent deliveries (fan-out, parallel resends) never overwrite each other; with
 * `appendTo` the store appends atomically, so not even two logs over one store can.
 * `append` resolves once the record is written to the store's files (as `store.update` does).
 * A store that cannot be written (read-only, event deleted) is logged, never thrown.
 */
export class DeliveryLog {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly maxPerEvent: number;
  private readonly logger: Logger;

  constructor(
    private readonly store: DeliveryStore,
    options: DeliveryLogOptions = {},
  ) {
    this.maxPerEvent = Math.max(1, options.maxPerEvent ?? 50);
    this.logger = options.logger ?? nullLogger;
  }

  append(eventId: string, delivery: Delivery): Promise<void> {
    const prev = this.chains.get(eventId) ?? Promise.resolve();
    const next = prev.then(() => this.write(eventId, delivery));
    this.chains.set(eventId, next);
    void next.finally(() => {
      if (this.chains.get(eventId) === next) {
        this.chains.delete(eventId);
      }
    });
    return next;
  }

  private async write(eventId: string, delivery: Delivery): Promise<void> {
    const event = this.store.get(eventId);
    if (!event) {
      this.logger.debug(`Forward: event ${eventId} is gone; delivery ${delivery.id} not recorded.`);
      return;
    }
    try {
      if (this.store.appendTo) {
        await this.store.appendTo(eventId, 'deliveries', delivery, this.maxPerEvent);
      } else {
        await this.store.update(eventId, { deliveries: [...deliveriesOf(event), delivery].slice(-this.maxPerEvent) });
      }
    } catch (err) {
      this.logger.warn(`Forward: could not record delivery ${delivery.id} on ${eventId}: ${(err as Error).message}`);
    }
  }
}
