import { STATUS_CODES } from 'node:http';
import type { Cookie, Entry, Log, PostDataCommon, PostDataText, Request, Response } from 'har-format';
import type { CapturedEvent } from '../model/event';
import { headerValue } from '../model/event';
import { queryPairs } from '../detail/snapshot';
import { targetUrl } from './curl';
import { isCredentialHeader, REDACTED, redactHeaders } from './redact';

/**
 * "Export as HAR": the selected events as an HTTP Archive 1.2 (http://www.softwareishard.com/blog/har-12-spec/),
 * which browsers' dev tools, proxies (Charles, Fiddler, mitmproxy) and HAR viewers read.
 *
 * Byte-exactness: headers keep their order, case and duplicates; a body that is valid UTF-8 goes in
 * `postData.text`, any other body (binary, compressed, another charset) as base64 with
 * `encoding: "base64"` (the field HAR defines for response content, used the same way for requests
 * by the common tools). `importRequests` in `./import` reads both back to the same bytes.
 * Fields HAR has no place for (event id, remote address, provider, …) go in `_webhookInspector`
 * (custom fields start with `_`, as the spec allows).
 */

/** A request body as we write it: text, or base64 with `encoding` (HAR defines that field for response content only). */
export type HarPostData = PostDataCommon & PostDataText & { encoding?: 'base64' };

/** A HAR request whose body may be base64 (see `HarPostData`). */
export type HarRequest = Omit<Request, 'postData'> & { postData?: HarPostData };

/** What HAR cannot say about a captured event. */
export interface HarEventExtras {
  id: string;
  /** The path and query exactly as received (the `request.url` adds the receiver's origin to it). */
  url: string;
  remoteAddress: string;
  size: number;
  provider?: string;
  eventType?: string;
  rejected?: string;
  /** True when credential header values were replaced by `[redacted]`. */
  redacted?: boolean;
}

/** A HAR entry with our request shape and the `_webhookInspector` extras. */
export type HarEntry = Omit<Entry, 'request'> & { request: HarRequest; _webhookInspector?: HarEventExtras };

/** The archive we write: HAR 1.2 with our entries. */
export interface HarLog {
  log: Omit<Log, 'entries' | 'version'> & { version: '1.2'; entries: HarEntry[] };
}

export interface HarOptions {
  /** The receiver's origin, e.g. `http://127.0.0.1:4000`; each event's path and query are appended. */
  readonly baseUrl: string;
  /** Replace credential header values (`Authorization`, `Cookie`, …) by `[redacted]`. */
  readonly redact: boolean;
  /** The creator version written to the log. Default `dev`. */
  readonly version?: string;
}

export interface EventWithBody {
  readonly event: CapturedEvent;
  readonly body: Uint8Array;
}

export const HAR_CREATOR = 'Webhook Inspector';
/** What the receiver speaks; the captured event does not record the HTTP version. */
const HTTP_VERSION = 'HTTP/1.1';

/** The body as HAR text: UTF-8 text as is (BOM kept), anything else base64. */
export function harBodyText(body: Uint8Array): { text: string; encoding?: 'base64' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'), encoding: 'base64' };
  }
}

/** Bytes of the request line and header block as received (`headersSize`). */
function requestHeadersSize(event: CapturedEvent): number {
  let size = Buffer.byteLength(`${event.method} ${event.url} ${HTTP_VERSION}\r\n`, 'latin1');
  for (const [name, value] of event.headers) {
    size += Buffer.byteLength(`${name}: ${value}\r\n`, 'utf8');
  }
  return size + 2;
}

/** Cookies of the `Cookie` headers, as HAR lists them (values redacted like the header). */
function requestCookies(event: CapturedEvent, redact: boolean): Cookie[] {
  const cookies: Cookie[] = [];
  for (const [name, value] of event.headers) {
    if (name.toLowerCase() !== 'cookie') {
      continue;
    }
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      const cookieName = (eq === -1 ? part : part.slice(0, eq)).trim();
      if (cookieName) {
        cookies.push({ name: cookieName, value: redact ? REDACTED : eq === -1 ? '' : part.slice(eq + 1).trim() });
      }
    }
  }
  return cookies;
}

export function harEntry(event: CapturedEvent, body: Uint8Array, options: HarOptions): HarEntry {
  const headers = redactHeaders(event.headers, options.redact);
  const request: HarRequest = {
    method: event.method,
    url: targetUrl(options.baseUrl, event.url),
    httpVersion: HTTP_VERSION,
    cookies: requestCookies(event, options.redact),
    headers: headers.map(([name, value]) => ({ name, value })),
    queryString: queryPairs(event.url).map(([name, value]) => ({ name, value })),
    headersSize: requestHeadersSize(event),
    bodySize: event.rejected ? -1 : body.length,
  };
  if (body.length > 0) {
    const contentType = headerValue(event, 'content-type');
    request.postData = { mimeType: contentType ?? 'application/octet-stream', ...harBodyText(body) };
  }
  const res = event.response;
  const resBytes = Buffer.byteLength(res.body, 'utf8');
  const response: Response = {
    status: res.status,
    statusText: STATUS_CODES[res.status] ?? '',
    httpVersion: HTTP_VERSION,
    cookies: [],
    headers: [
      ...(res.contentType ? [{ name: 'Content-Type', value: res.contentType }] : []),
      { name: 'Content-Length', value: String(resBytes) },
    ],
    content: { size: resBytes, mimeType: res.contentType || 'text/plain', text: res.body },
    redirectURL: '',
    headersSize: -1,
    bodySize: resBytes,
  };
  const redacted = options.redact && event.headers.some(([name]) => isCredentialHeader(name));
  return {
    startedDateTime: event.receivedAt,
    time: 0,
    request,
    response,
    cache: {},
    // The receiver does not time the phases of a request; HAR uses -1 for "not available".
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 },
    _webhookInspector: {
      id: event.id,
      url: event.url,
      remoteAddress: event.remoteAddress,
      size: event.size,
      ...(event.provider ? { provider: event.provider } : {}),
      ...(event.eventType ? { eventType: event.eventType } : {}),
      ...(event.rejected ? { rejected: event.rejected } : {}),
      ...(redacted ? { redacted: true } : {}),
    },
  };
}

/** The HAR document of the events, in the order given (callers pass oldest first). */
export function harLog(items: readonly EventWithBody[], options: HarOptions): HarLog {
  return {
    log: {
      version: '1.2',
      creator: { name: HAR_CREATOR, version: options.version ?? 'dev' },
      entries: items.map(({ event, body }) => harEntry(event, body, options)),
    },
  };
}

/** `harLog` as the text of a `.har` file (pretty, newline at the end). */
export function harText(items: readonly EventWithBody[], options: HarOptions): string {
  return JSON.stringify(harLog(items, options), null, 2) + '\n';
}
