import type { CapturedEvent } from '../model/event';
import { headerValue } from '../model/event';
import { CURL_SKIPPED_HEADERS, targetUrl } from './curl';
import { redactHeaders } from './redact';

/**
 * "Save as .http": the events as requests in the REST Client format (humao.rest-client, also read by
 * JetBrains' HTTP Client and httpyac): request line, headers, a blank line, the body; requests apart
 * by `###` lines.
 *
 * REST Client rewrites some bodies before it sends them: it drops lines that look like comments
 * (`#`, `//`), cuts blank lines at the end, ends at a `###` line, expands `{{variables}}`, treats
 * `< path` lines as file references and re-joins lines with the platform's line ending. A body that
 * any of this would change (and every binary or non-UTF-8 body) is therefore not written inline: it
 * is saved to a file beside the `.http` file and referenced with `< ./name`, which REST Client sends
 * byte for byte. On Windows, REST Client joins the lines of a multi-line inline body with CRLF.
 *
 * Each request ends with its last header or body line; requests are joined by a blank line, `###`
 * and a blank line, and the file ends with one newline. An inline body never ends with a blank line
 * nor holds a `###` or comment line, so the line before the separator is always its last line:
 * `httpImport.ts` reads the file back byte for byte, with the time from the comment above each request.
 */

/** Headers left out: REST Client (or the HTTP stack) sets them, or they describe the old connection. */
export const HTTP_FILE_SKIPPED_HEADERS: ReadonlySet<string> = CURL_SKIPPED_HEADERS;

export interface HttpFileOptions {
  /** The receiver's origin, e.g. `http://127.0.0.1:4000`; each event's path and query are appended. */
  readonly baseUrl: string;
  /** Replace credential header values by `[redacted]`. */
  readonly redact: boolean;
  /**
   * The file name (relative to the `.http` file) for a body that must be saved apart, e.g.
   * `hooks.1.body.bin`. Called only for those bodies.
   */
  readonly bodyFileName: (event: CapturedEvent, index: number) => string;
}

export interface HttpFileResult {
  readonly text: string;
  /** Bodies to write beside the `.http` file, by the names `bodyFileName` gave. */
  readonly bodyFiles: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
}

const COMMENT_LINE = /^\s*(#|\/\/)/;
const DELIMITER_LINE = /^#{3,}/;
const FILE_REFERENCE_LINE = /^<(?:@\w*)?\s+.+/;
const TEST_BLOCK_LINE = /^\s*```/;
const REQUEST_VARIABLE = /^\s*@\w+\s*=/;
const RESPONSE_STATUS_LINE = /^\s*HTTP\/[\d.]+/;
/** A form body REST Client sends unchanged: characters a URL keeps as they are, and `%XX` escapes. */
const FORM_SAFE = /^(?:[A-Za-z0-9\-._~!*'()&=+,;:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * True when REST Client would send this body, written inline, unchanged: valid UTF-8 text without
 * CR or other control bytes (tab and LF are fine), no line it would read as something else, no
 * `{{`, nothing blank at either end, and no newlines in a form body (REST Client joins those lines).
 */
export function canInlineHttpBody(body: Uint8Array, contentType: string | undefined): boolean {
  if (body.length === 0) {
    return true;
  }
  for (const b of body) {
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a) || b === 0x7f) {
      return false;
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return false;
  }
  if (text.charCodeAt(0) === 0xfeff || text.includes('{{')) {
    return false;
  }
  const lines = text.split('\n');
  if (lines[0]!.trim() === '' || lines[lines.length - 1]!.trim() === '') {
    return false;
  }
  const type = contentType?.toLowerCase() ?? '';
  if (lines.length > 1 && (type.includes('x-www-form-urlencoded') || type.includes('multipart/'))) {
    return false;
  }
  // REST Client ends an x-ndjson body with a line break, and percent-encodes what a URL cannot hold
  // in a form body (space, `"`, non-ASCII, a `%` not followed by two hex digits, …).
  if (type.includes('ndjson') || (type.includes('x-www-form-urlencoded') && !FORM_SAFE.test(text))) {
    return false;
  }
  if (RESPONSE_STATUS_LINE.test(lines[0]!) || REQUEST_VARIABLE.test(lines[0]!)) {
    return false;
  }
  return !lines.some((l) => COMMENT_LINE.test(l) || DELIMITER_LINE.test(l) || FILE_REFERENCE_LINE.test(l) || TEST_BLOCK_LINE.test(l));
}

/** One line of a comment, with control characters (and so line breaks) made visible. */
function commentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
}

/** The `.http` text for the events (in the order given; callers pass oldest first). */
export function httpFileText(
  items: ReadonlyArray<{ readonly event: CapturedEvent; readonly body: Uint8Array }>,
  options: HttpFileOptions,
): HttpFileResult {
  const blocks: string[] = [];
  const bodyFiles: Array<{ name: string; bytes: Uint8Array }> = [];
  items.forEach(({ event, body }, index) => {
    const lines: string[] = [];
    const about = [event.id, event.eventType, event.provider, event.receivedAt].filter(Boolean).join(' · ');
    lines.push(`# ${commentText(about)}`);
    if (event.rejected) {
      lines.push(`# The body was not kept (${commentText(event.rejected)}): the request is sent without it.`);
    }
    lines.push(`${event.method} ${targetUrl(options.baseUrl, event.url)} HTTP/1.1`);
    for (const [name, value] of redactHeaders(event.headers, options.redact)) {
      if (!HTTP_FILE_SKIPPED_HEADERS.has(name.toLowerCase())) {
        // REST Client has no escape for `{{` in a header: such a value is written as is.
        lines.push(`${name}: ${value}`);
      }
    }
    if (body.length > 0) {
      lines.push('');
      if (canInlineHttpBody(body, headerValue(event, 'content-type'))) {
        lines.push(new TextDecoder().decode(body));
      } else {
        const name = options.bodyFileName(event, index);
        bodyFiles.push({ name, bytes: body });
        lines.push(`< ./${name}`);
      }
    }
    blocks.push(lines.join('\n'));
  });
  return { text: blocks.join('\n\n###\n\n') + '\n', bodyFiles };
}

/**
 * The text of an event as the Compare editor shows it: the request line, the headers as received
 * (order, case, duplicates), a blank line and the body as the body editor shows it (decompressed,
 * JSON pretty-printed, binary as a hex dump; see `bodyForEditor`).
 */
export function compareText(event: Pick<CapturedEvent, 'method' | 'url' | 'headers' | 'rejected'>, prettyBody: string): string {
  const lines = [`${event.method} ${event.url} HTTP/1.1`, ...event.headers.map(([name, value]) => `${name}: ${commentText(value)}`), ''];
  if (event.rejected) {
    lines.push(`(body not kept: ${event.rejected})`);
  } else {
    lines.push(prettyBody);
  }
  return lines.join('\n');
}
