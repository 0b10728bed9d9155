/**
 * Deliveries in flight: a `Transport` wrapper that knows which requests are waiting on a handler and
 * since when, so the UI can say "1 delivery waiting on your handler" while a breakpoint holds one.
 */
import { Disposable, Emitter } from '../lifecycle';
import type { Transport } from './types';

export interface InFlightDelivery {
  readonly id: number;
  /** `METHOD origin+path` of the request. */
  readonly request: string;
  /** `now()` when it went out. */
  readonly startedAt: number;
}

export class InFlightDeliveries extends Disposable {
  private readonly running = new Map<number, InFlightDelivery>();
  private seq = 0;
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** Fires when a request starts or ends. */
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  /** A transport that reports to this tracker, then does what `inner` does. */
  wrap(inner: Transport): Transport {
    return async (req, options) => {
      const id = ++this.seq;
      this.running.set(id, { id, request: `${req.method} ${req.origin.origin}${req.path}`, startedAt: this.now() });
      this._onDidChange.fire();
      try {
        return await inner(req, options);
      } finally {
        this.running.delete(id);
        this._onDidChange.fire();
      }
    };
  }

  get count(): number {
    return this.running.size;
  }

  /** Requests out for at least `ms`, oldest first. */
  waitingLongerThan(ms: number): InFlightDelivery[] {
    const t = this.now();
    return [...this.running.values()].filter((d) => t - d.startedAt >= ms).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** When the youngest request under `ms` will be `ms` old (for a timer), or undefined. */
  nextThreshold(ms: number): number | undefined {
    const t = this.now();
    const pending = [...this.running.values()].map((d) => d.startedAt + ms - t).filter((left) => left > 0);
    return pending.length ? Math.min(...pending) : undefined;
  }
}
