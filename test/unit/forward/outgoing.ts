/** The request the transport tests send: a POST with `host` and `content-length` set from the URL and body. */
import type { OutgoingRequest } from '../../../src/core/forward/types';

export function outgoing(url: string, { path = '/hook', body = '', headers = [] as Array<[string, string]> } = {}): OutgoingRequest {
  const origin = new URL(url);
  const bytes = Buffer.from(body);
  return {
    method: 'POST',
    origin,
    path,
    headers: [['host', origin.host], ['content-length', String(bytes.length)], ...headers],
    body: bytes,
  };
}
