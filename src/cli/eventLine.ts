/** One stored event as the CLI prints it: a line for `listen` and `events`, or the `--json` object. */
import { sanitizeLabel } from '../core/detail/displayText';
import { toEventJson } from '../core/eventJson';
import { formatBytes } from '../core/format';
import type { CapturedEvent } from '../core/model/event';
import { EventStore } from '../core/store';
import type { CliIo } from './io';

export async function printEvent(io: CliIo, store: EventStore, event: CapturedEvent, json: boolean): Promise<void> {
  if (json) {
    io.stdout(JSON.stringify(await toEventJson(store, event)));
    return;
  }
  const time = new Date(event.receivedAt).toLocaleTimeString(undefined, { hour12: false });
  const retry = event.duplicateOf ? `  (retry${event.attempt !== undefined ? ` ${event.attempt}` : ''} of ${event.duplicateOf})` : '';
  const note = (event.rejected ? `  (${event.rejected})` : event.handshake ? `  (handshake: ${event.handshake})` : '') + retry;
  const what = event.eventType ? `  ${sanitizeLabel(event.eventType)}` : '';
  io.stdout(
    `${time}  ${sanitizeLabel(event.method).padEnd(6)} ${sanitizeLabel(event.url)}  ${event.response.status}  ${formatBytes(event.size)}${what}  ${verdictText(event)}  ${event.id}${note}`,
  );
}

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
