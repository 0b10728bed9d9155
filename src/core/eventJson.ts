import type { CapturedEvent, EventJson } from './model/event';
import type { EventStore } from './store';

/** Bodies up to this size are inlined (base64) in JSON output; larger ones are named by `bodyFile`. */
export const INLINE_BODY_LIMIT = 1024 * 1024;

/** The `--json` object of an event: what `listen --json`, `events --json` and `show --json` print. */
export async function toEventJson(store: EventStore, event: CapturedEvent, inlineLimit = INLINE_BODY_LIMIT): Promise<EventJson> {
  const json: EventJson = {
    type: 'event',
    id: event.id,
    receivedAt: event.receivedAt,
    method: event.method,
    url: event.url,
    headers: event.headers.map(([k, v]) => [k, v]),
    size: event.size,
    status: event.response.status,
    remoteAddress: event.remoteAddress,
  };
  if (event.rejected) {
    json.rejected = event.rejected;
  }
  if (event.pinned) {
    json.pinned = true;
  }
  if (event.provider) {
    json.provider = event.provider;
  }
  if (event.eventType) {
    json.eventType = event.eventType;
  }
  if (event.verification) {
    json.verification = event.verification;
  }
  if (event.handshake) {
    json.handshake = event.handshake;
  }
  if (event.deliveryId) {
    json.deliveryId = event.deliveryId;
  }
  if (event.attempt !== undefined) {
    json.attempt = event.attempt;
  }
  if (event.duplicateOf) {
    json.duplicateOf = event.duplicateOf;
  }
  if (!event.rejected) {
    const file = store.bodyFile(event.id);
    if (event.size > inlineLimit && file) {
      json.bodyFile = file;
    } else {
      json.body = (await store.readBody(event.id)).toString('base64');
    }
  }
  return json;
}
