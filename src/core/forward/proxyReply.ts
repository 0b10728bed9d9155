import type { Delivery } from '../model/delivery';
import type { ReplySpec } from '../receiver';
import { forwardableHeaders } from './headers';

/** Response headers a proxy passes back: not hop-by-hop, not the ones the receiver sets itself. */
const OWN = new Set(['content-type', 'content-length', 'date', 'x-content-type-options']);

/** What the provider gets in proxy mode. */
export function replyFor(d: Delivery): ReplySpec {
  if (d.status === undefined) {
    const timeout = d.errorCode === 'TIMEOUT';
    return {
      status: timeout ? 504 : 502,
      body: JSON.stringify({
        error: timeout ? 'handler_timeout' : 'handler_unreachable',
        message: d.error ?? 'The handler did not answer.',
      }),
      contentType: 'application/json; charset=utf-8',
    };
  }
  const headers: Record<string, string> = {};
  let contentType: string | undefined;
  for (const [k, v] of forwardableHeaders(d.headers)) {
    const lower = k.toLowerCase();
    if (lower === 'content-type') {
      contentType = v;
    } else if (!OWN.has(lower)) {
      headers[lower] = v;
    }
  }
  const body = d.bodyEncoding === 'base64' ? Buffer.from(d.body, 'base64') : d.body;
  return { status: d.status, body, ...(contentType ? { contentType } : {}), headers };
}
