/** One stored event as the CLI prints it: a line for `listen` and `events`, or the `--json` object. */
import { sanitizeLabel } from '../core/detail/displayText';
import { toEventJson } from '../core/eventJson';
import { formatBytes } from '../core/format';
import type { CapturedEvent } from '../core/model/event';
import { EventStore } from '../core/store';
import type { CliIo } from './io';

/**
 * The event's line: local time, method, path, status, size, event type, verdict, id, notes. The time
 * is `toLocaleTimeString(undefined, { hour12: false })` of `receivedAt`, formatted once per second
 * (Intl formatting costs more than the rest of the line; a burst shares its seconds).
 */
export function eventLine(event: CapturedEvent): string {
  const time = clockTime(event.receivedAt);
  const retry = event.duplicateOf ? `  (retry${event.attempt !== undefined ? ` ${event.attempt}` : ''} of ${event.duplicateOf})` : '';
  const note = (event.rejected ? `  (${event.rejected})` : event.handshake ? `  (handshake: ${event.handshake})` : '') + retry;
  const what = event.eventType ? `  ${sanitizeLabel(event.eventType)}` : '';
  return `${time}  ${sanitizeLabel(event.method).padEnd(6)} ${sanitizeLabel(event.url)}  ${event.response.status}  ${formatBytes(event.size)}${what}  ${verdictText(event)}  ${event.id}${note}`;
}

let lastSecond = '';
let lastClock = '';

function clockTime(receivedAt: string): string {
  // ISO 8601 (`2026-12-04T15:30:12.345Z`): the first 19 characters name the second.
  const second = receivedAt.slice(0, 19);
  if (second !== lastSecond || !lastClock) {
    lastClock = new Date(receivedAt).toLocaleTimeString(undefined, { hour12: false });
    lastSecond = second;
  }
  return lastClock;
}

export async function printEvent(io: CliIo, store: EventStore, event: CapturedEvent, json: boolean): Promise<void> {
  io.stdout(json ? JSON.stringify(await toEventJson(store, event)) : eventLine(event));
}

/**
 * `listen`'s per-event output: the events of one processed batch (they arrive in one synchronous run)
 * go out in one stdout write, in the order they were stored. `--json` objects need the stored body, so
 * they are read first; the batches still print in order.
 */
export class EventPrinter {
  private pending: CapturedEvent[] = [];
  private printing = Promise.resolve();

  constructor(
    private readonly io: CliIo,
    private readonly store: EventStore,
    private readonly json: boolean,
  ) {}

  add(event: CapturedEvent): void {
    this.pending.push(event);
    if (this.pending.length === 1) {
      queueMicrotask(() => this.flush());
    }
  }

  /** Resolves when everything added so far is printed. */
  async idle(): Promise<void> {
    this.flush();
    await this.printing;
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) {
      return;
    }
    this.pending = [];
    if (!this.json) {
      this.io.stdout(batch.map(eventLine).join('\n'));
      return;
    }
    this.printing = this.printing.then(async () => {
      const lines = await Promise.all(
        batch.map((event) =>
          toEventJson(this.store, event).then(
            (j) => JSON.stringify(j),
            (err: unknown) => {
              this.io.stderr(`error: ${(err as Error).message}`);
              return undefined;
            },
          ),
        ),
      );
      const out = lines.filter((l): l is string => l !== undefined);
      if (out.length) {
        this.io.stdout(out.join('\n'));
      }
    });
  }
}

/** The verdict as the CLI words it: `github ✓ verified`, `stripe ✗ invalid: …`, or the provider alone. */
export function verdictText(event: CapturedEvent): string {
  const v = event.verification;
  if (!v) {
    return event.provider ?? '-';
  }
  const who = v.provider ?? event.provider ?? 'unknown';
  return v.status === 'valid' ? `${who} ✓ verified` : `${who} ✗ ${v.status}: ${v.reason}`;
}

/** A reader's view of the store (`events`, `show`): no lock, nothing evicted. */
export function openForReading(storeDir: string): Promise<EventStore> {
  return EventStore.open(storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
}
