import type { CapturedEvent } from '../model/event';

/**
 * "Copy as cURL": a POSIX-shell command that sends the event again, byte for byte, to the receiver
 * (or any base URL). Every argument is single-quoted (`'` becomes `'"'"'`), so nothing in the
 * request is ever interpreted by the shell. Bodies that cannot travel safely inside a pasted
 * command line (binary, NUL, CR or other control bytes, invalid UTF-8, or large) are sent with
 * `--data-binary @FILE`: the caller writes the bytes to `bodyFilePath`. An inline body that starts
 * with `@` is sent with `--data-raw` (curl would read `--data-binary '@…'` as a file name).
 * `curlImport.ts` reads these commands back.
 */

/** Headers curl must not copy: it sets them itself, or they describe the old connection. */
export const CURL_SKIPPED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Largest body put inline; Linux caps one argument at 128 KiB and pasting megabytes is no fun. */
export const CURL_INLINE_MAX = 64 * 1024;

export interface CurlOptions {
  /** Where to send it, e.g. `http://127.0.0.1:4000`; the event's path and query are appended. */
  readonly baseUrl: string;
  /** Path of the file that holds the body when it cannot be inlined. */
  readonly bodyFilePath: string;
  /** Put each option on its own line (joined with ` \` newline). Default true. */
  readonly multiline?: boolean;
}

export interface CurlCommand {
  readonly command: string;
  /** True when the command reads the body from `bodyFilePath`: the caller must write the body there. */
  readonly needsBodyFile: boolean;
}

/** Single-quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** True when the body can be pasted inside single quotes and arrive unchanged. */
export function canInlineBody(body: Uint8Array): boolean {
  if (body.length > CURL_INLINE_MAX) {
    return false;
  }
  for (const b of body) {
    // Tab and LF survive pasting; CR does not (terminals turn it into LF), nor do other controls.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a) || b === 0x7f) {
      return false;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** `baseUrl` without trailing slashes + the event's path and query as received. */
export function targetUrl(baseUrl: string, eventUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return base + (eventUrl.startsWith('/') ? eventUrl : `/${eventUrl}`);
}

export function curlCommand(event: Pick<CapturedEvent, 'method' | 'url' | 'headers'>, body: Uint8Array, options: CurlOptions): CurlCommand {
  /** One entry per option, e.g. `-H 'a: b'`; shown one a line. */
  const lines: string[] = [];
  const method = event.method.toUpperCase();
  const hasBody = body.length > 0;
  const methodArg = method === 'HEAD' && !hasBody ? '--head' : `-X ${shellQuote(event.method)}`;
  lines.push(`curl ${methodArg} ${shellQuote(targetUrl(options.baseUrl, event.url))}`);
  // --path-as-is: keep `/../` and `//` as received; --globoff: `[]{}` in the URL are literal.
  lines.push('--path-as-is --globoff');

  const present = new Set<string>();
  for (const [name, value] of event.headers) {
    const lower = name.toLowerCase();
    present.add(lower);
    if (CURL_SKIPPED_HEADERS.has(lower)) {
      continue;
    }
    // `Name:` would make curl drop the header; `Name;` sends it with an empty value.
    lines.push(`-H ${shellQuote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  // Stop curl from adding headers the original request did not have.
  const suppress = (lower: string, name: string) => {
    if (!present.has(lower)) {
      lines.push(`-H ${shellQuote(`${name}:`)}`);
    }
  };
  suppress('user-agent', 'User-Agent');
  suppress('accept', 'Accept');
  suppress('expect', 'Expect');

  let needsBodyFile = false;
  if (hasBody) {
    suppress('content-type', 'Content-Type');
    if (canInlineBody(body)) {
      // `--data-binary '@x'` would read the file x: a body that starts with `@` goes as --data-raw,
      // which sends its argument as it is (and, like --data-binary, keeps newlines).
      const option = body[0] === 0x40 ? '--data-raw' : '--data-binary';
      lines.push(`${option} ${shellQuote(new TextDecoder().decode(body))}`);
    } else {
      needsBodyFile = true;
      lines.push(`--data-binary ${shellQuote(`@${options.bodyFilePath}`)}`);
    }
  } else if (present.has('content-length') && method !== 'GET' && method !== 'HEAD') {
    // The original said `content-length: 0`: send an empty body, not none.
    suppress('content-type', 'Content-Type');
    lines.push("--data-binary ''");
  }
  return { command: lines.join((options.multiline ?? true) ? ' \\\n  ' : ' '), needsBodyFile };
}
