import { createHash } from 'node:crypto';
import { classify } from '../classify';
import type { CapturedEvent, CapturedResponse } from '../model/event';
import type { EventDraft, EventStore } from '../store';
import { isCurlProgram, parseCurlCommands } from './curlImport';
import { looksLikeHttpFile, parseHttpRequests } from './httpImport';
import { BAD_HEADER_VALUE, ImportError, pathAndQuery, TOKEN } from './importCommon';
import type { ReferencedFileReader, TextImport, TextRequest } from './importCommon';
import { binaryString } from './shellWords';

export { pathAndQuery };

export { ImportError } from './importCommon';
export type { ReferencedFileReader } from './importCommon';

/**
 * "Import Events": requests from a HAR file (ours or any tool's), a fixture saved by "Save as
 * Fixture", a `.http` file (REST Client format, see `httpImport.ts`) or cURL commands (see
 * `curlImport.ts`) go back into the event store with their original method, path and query, headers
 * (order, case, duplicates) and body bytes, and the time they were received when the file has it, so
 * they can be inspected, compared and resent like captured events. Imported events carry `imported`.
 *
 * The format is told from the content (JSON: HAR or fixture; a first line starting with `curl`; a
 * request line), the file name's extension deciding only when the content says nothing. Input is
 * validated: a file that is none of these is refused with a message that says what was expected;
 * entries, requests or commands that cannot be read are skipped with a warning each. A body over
 * `maxBodyBytes` is not kept: the event is stored without it and marked `rejected: 'body-too-large'`,
 * as the receiver does for requests over its limit.
 */

export type ImportFormat = 'har' | 'fixture' | 'http' | 'curl';

/** The draft to append (with `imported` set) and its body. */
export interface ImportedRequest {
  readonly draft: EventDraft & { readonly imported: ImportFormat };
  readonly body: Buffer | undefined;
}

export interface ImportResult {
  readonly format: ImportFormat;
  readonly requests: readonly ImportedRequest[];
  /** One sentence per entry skipped or changed. */
  readonly warnings: readonly string[];
}

export interface ImportOptions {
  /** Bodies larger than this are not kept. */
  readonly maxBodyBytes: number;
  /**
   * Reads a fixture's body file, named relative to the metadata file (a plain file name; the
   * importer refuses paths). Returns `'too-large'` instead of reading a file over `maxBytes`.
   */
  readonly readBodyFile?: (name: string, maxBytes: number) => Promise<Buffer | 'too-large'>;
  /**
   * Reads a file a `.http` request (`< ./name`) or a cURL command (`--data-binary @path`) takes its
   * body from: the path as written, relative to the imported file's folder, or absolute.
   */
  readonly readReferencedFile?: ReferencedFileReader;
  /** The imported file's name: its extension decides the format when the content does not. */
  readonly fileName?: string;
  /** Clock, for a missing or invalid time. */
  readonly now?: () => Date;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const IMPORT_REMOTE_ADDRESS = 'imported';

const EXPECTED =
  'Import reads HAR files and fixtures (JSON), .http files in the REST Client format (requests like "POST https://host/path HTTP/1.1", apart by ###) and cURL commands (starting with "curl").';

/**
 * Parses the content of a `.har`, fixture `.json`, `.http`/`.rest` or cURL file (`.sh`, `.curl`,
 * `.txt`). Pass the bytes when you have them: cURL commands are read byte for byte. Throws
 * `ImportError` when the content is none of these, or when not one of its requests can be read.
 */
export async function parseImport(input: string | Uint8Array, options: ImportOptions): Promise<ImportResult> {
  let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  const format = detectFormat(text, options.fileName);
  if (format === 'http') {
    return textResult('http', await parseHttpRequests(text, options), options);
  }
  if (format === 'curl') {
    let binary = binaryString(input);
    if (binary.startsWith('\xef\xbb\xbf')) {
      binary = binary.slice(3);
    }
    return textResult('curl', await parseCurlCommands(binary, options), options);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImportError(
      `The file is not valid JSON (${(err as Error).message}). Choose a .har file or a fixture .json saved by Webhook Inspector.`,
    );
  }
  if (isObject(doc) && 'log' in doc) {
    return parseHar(doc.log, options);
  }
  if (isObject(doc) && 'fixtureVersion' in doc) {
    return parseFixture(doc, options);
  }
  throw new ImportError('The file is neither a HAR file (no "log.entries") nor a Webhook Inspector fixture (no "fixtureVersion").');
}

/**
 * The format of a file's text: JSON (HAR or fixture) when it starts with `{` or `[`; cURL when its
 * first command runs curl (or a later one does, in a script); `.http` when its first request line
 * reads as one; else the extension (`.har`/`.json`, `.http`/`.rest`, `.sh`/`.curl`). Throws
 * `ImportError` when nothing tells.
 */
export function detectFormat(text: string, fileName?: string): 'json' | 'http' | 'curl' {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    return 'json';
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ext === 'har' || ext === 'json') {
    return 'json';
  }
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '' && !/^\s*(#|\/\/)/.test(l));
  const firstWord =
    firstLine
      ?.trim()
      .replace(/^[$%]\s+/, '')
      .split(/\s/, 1)[0] ?? '';
  if (isCurlProgram(firstWord.replace(/^['"]|['"]$/g, ''))) {
    return 'curl';
  }
  if (looksLikeHttpFile(text)) {
    return 'http';
  }
  if (ext === 'http' || ext === 'rest') {
    return 'http';
  }
  if (ext === 'sh' || ext === 'curl' || /^\s*curl\s/m.test(text)) {
    return 'curl';
  }
  throw new ImportError(`The file is not in a format Import reads. ${EXPECTED}`);
}

function textResult(format: 'http' | 'curl', parsed: TextImport, options: ImportOptions): ImportResult {
  const what = format === 'http' ? 'the .http file' : 'the cURL file';
  if (parsed.found === 0) {
    throw new ImportError(
      format === 'http'
        ? `The .http file holds no request: expected a request line like "POST https://host/path HTTP/1.1". ${parsed.warnings[0] ?? ''}`.trim()
        : `The file holds no curl command: expected a command like "curl -X POST https://host/path --data-binary '…'". ${parsed.warnings[0] ?? ''}`.trim(),
    );
  }
  if (parsed.requests.length === 0) {
    throw new ImportError(
      `No request of ${what} could be imported. ${parsed.warnings.find((w) => w.includes('skipped')) ?? parsed.warnings[0] ?? ''}`.trim(),
    );
  }
  const now = (options.now?.() ?? new Date()).toISOString();
  const warnings = [...parsed.warnings];
  return {
    format,
    warnings,
    requests: parsed.requests.map((r, i) => textRequest(r, format, now, warnings, i + 1)),
  };
}

function textRequest(r: TextRequest, format: 'http' | 'curl', now: string, warnings: string[], n: number): ImportedRequest {
  let receivedAt = now;
  if (r.receivedAt !== undefined) {
    const t = Date.parse(r.receivedAt);
    if (Number.isNaN(t)) {
      warnings.push(`Request ${n}: the time ${JSON.stringify(r.receivedAt)} in its comment is not valid; the time of the import was used.`);
    } else {
      receivedAt = new Date(t).toISOString();
    }
  }
  return {
    draft: draftOf({
      method: r.method,
      url: r.url,
      headers: r.headers,
      body: r.body,
      size: r.body ? r.body.length : (r.rejectedSize ?? 0),
      receivedAt,
      response: { status: 0, body: '', contentType: '' },
      remoteAddress: IMPORT_REMOTE_ADDRESS,
      rejected: r.rejected,
      imported: format,
    }),
    body: r.body,
  };
}

/** Appends the imported requests to the store, in order. Resolves with the stored events. */
export async function importInto(store: Pick<EventStore, 'append'>, result: ImportResult): Promise<CapturedEvent[]> {
  const added: CapturedEvent[] = [];
  for (const r of result.requests) {
    added.push(await store.append(r.draft, r.body));
  }
  return added;
}

// ---- HAR ---------------------------------------------------------------------------------------------

function parseHar(log: unknown, options: ImportOptions): ImportResult {
  if (!isObject(log) || !Array.isArray(log.entries)) {
    throw new ImportError('The file is not a HAR file: "log.entries" is missing or not a list.');
  }
  if (typeof log.version === 'string' && !/^1\.\d+$/.test(log.version)) {
    throw new ImportError(`The HAR version ${JSON.stringify(log.version).slice(0, 40)} is not supported (only 1.x).`);
  }
  const requests: ImportedRequest[] = [];
  const warnings: string[] = [];
  log.entries.forEach((entry: unknown, i: number) => {
    try {
      requests.push(harRequest(entry, options, warnings, i + 1));
    } catch (err) {
      warnings.push(`Entry ${i + 1} was skipped: ${(err as Error).message}`);
    }
  });
  if (requests.length === 0 && log.entries.length > 0) {
    throw new ImportError(`No entry of the HAR file could be imported. ${warnings[0] ?? ''}`.trim());
  }
  return { format: 'har', requests, warnings };
}

function harRequest(entry: unknown, options: ImportOptions, warnings: string[], n: number): ImportedRequest {
  if (!isObject(entry) || !isObject(entry.request)) {
    throw new Error('it has no "request".');
  }
  const req = entry.request;
  const extras = isObject(entry._webhookInspector) ? entry._webhookInspector : {};
  const method = str(req.method);
  if (!method || !TOKEN.test(method)) {
    throw new Error('its method is missing or not a valid HTTP method.');
  }
  const fullUrl = str(req.url);
  if (fullUrl === undefined) {
    throw new Error('its URL is missing.');
  }
  const extrasUrl = str(extras.url);
  const url = extrasUrl && extrasUrl.length > 0 && fullUrl.endsWith(extrasUrl) ? extrasUrl : pathAndQuery(fullUrl);
  if (!Array.isArray(req.headers)) {
    throw new Error('its "headers" is not a list.');
  }
  const headers: Array<[string, string]> = [];
  for (const h of req.headers as unknown[]) {
    const name = isObject(h) ? str(h.name) : undefined;
    const value = isObject(h) ? str(h.value) : undefined;
    if (name === undefined || value === undefined) {
      throw new Error('a header is not a {name, value} pair of strings.');
    }
    if (name.startsWith(':')) {
      continue; // HTTP/2 pseudo-headers (:method, :authority, …) are in the request line already
    }
    if (!TOKEN.test(name) || BAD_HEADER_VALUE.test(value)) {
      warnings.push(`Entry ${n}: the header ${JSON.stringify(name.slice(0, 40))} is not valid HTTP and was left out.`);
      continue;
    }
    headers.push([name, value]);
  }

  let body: Buffer | undefined;
  let declared = 0;
  let rejected: string | undefined = str(extras.rejected);
  const post = req.postData;
  if (isObject(post)) {
    const text = str(post.text);
    const base64 = post.encoding === 'base64';
    if (text === undefined) {
      if (Array.isArray(post.params) && post.params.length > 0) {
        warnings.push(`Entry ${n}: the body is given as "params" only; it was imported without a body.`);
      }
    } else if (base64 && !BASE64.test(text)) {
      throw new Error('its body says base64 but is not.');
    } else {
      declared = base64 ? Math.floor((text.replace(/[\s=]/g, '').length * 3) / 4) : Buffer.byteLength(text, 'utf8');
      if (declared > options.maxBodyBytes) {
        rejected = 'body-too-large';
        warnings.push(
          `Entry ${n}: the body (${declared} bytes) is over the limit of ${options.maxBodyBytes} bytes; the event was imported without it.`,
        );
      } else {
        body = Buffer.from(text, base64 ? 'base64' : 'utf8');
        declared = body.length;
      }
    }
  } else if (post !== undefined) {
    throw new Error('its "postData" is not an object.');
  }
  const receivedAt = isoTime(entry.startedDateTime, options, warnings, n);
  return {
    draft: draftOf({
      method,
      url,
      headers,
      body,
      size: body ? body.length : rejected ? (num(extras.size) ?? declared) : 0,
      receivedAt,
      response: harResponse(entry.response),
      remoteAddress: str(extras.remoteAddress) || IMPORT_REMOTE_ADDRESS,
      rejected,
      provider: str(extras.provider),
      eventType: str(extras.eventType),
      imported: 'har',
    }),
    body,
  };
}

function harResponse(res: unknown): CapturedResponse {
  if (!isObject(res)) {
    return { status: 0, body: '', contentType: '' };
  }
  const content = isObject(res.content) ? res.content : {};
  const text = str(content.text) ?? '';
  return {
    status: num(res.status) ?? 0,
    body: content.encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text,
    contentType: str(content.mimeType) ?? '',
  };
}

// ---- fixtures ------------------------------------------------------------------------------------------

async function parseFixture(meta: Record<string, unknown>, options: ImportOptions): Promise<ImportResult> {
  if (meta.fixtureVersion !== 1) {
    throw new ImportError(`The fixture version ${JSON.stringify(meta.fixtureVersion)} is not supported (only 1).`);
  }
  const method = str(meta.method);
  const url = str(meta.url);
  if (!method || !TOKEN.test(method) || url === undefined) {
    throw new ImportError('The fixture has no valid "method" and "url".');
  }
  if (
    !Array.isArray(meta.headers) ||
    !meta.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')
  ) {
    throw new ImportError('The fixture\'s "headers" must be a list of [name, value] pairs.');
  }
  const warnings: string[] = [];
  const headers = (meta.headers as Array<[string, string]>).filter(([name, value]) => {
    const ok = TOKEN.test(name) && !BAD_HEADER_VALUE.test(value);
    if (!ok) {
      warnings.push(`The header ${JSON.stringify(name.slice(0, 40))} is not valid HTTP and was left out.`);
    }
    return ok;
  });
  const bodyFile = str(meta.bodyFile);
  let body: Buffer | undefined;
  let rejected = str(meta.rejected);
  if (bodyFile) {
    if (/[/\\]/.test(bodyFile) || bodyFile === '.' || bodyFile === '..') {
      throw new ImportError(
        `The fixture's "bodyFile" must be a file name beside the metadata file, not a path (${JSON.stringify(bodyFile.slice(0, 80))}).`,
      );
    }
    if (!options.readBodyFile) {
      throw new ImportError("The fixture's body file cannot be read here.");
    }
    let read: Buffer | 'too-large';
    try {
      read = await options.readBodyFile(bodyFile, options.maxBodyBytes);
    } catch (err) {
      throw new ImportError(`The fixture's body file ${bodyFile} could not be read: ${(err as Error).message}`);
    }
    if (read === 'too-large') {
      rejected = 'body-too-large';
      warnings.push(`The body file ${bodyFile} is over the limit of ${options.maxBodyBytes} bytes; the event was imported without it.`);
    } else {
      const sha = str(meta.bodySha256);
      if (sha && createHash('sha256').update(read).digest('hex') !== sha.toLowerCase()) {
        throw new ImportError(
          `The body file ${bodyFile} does not match the fixture's bodySha256: it was changed or belongs to another fixture.`,
        );
      }
      body = read;
    }
  }
  const response = isObject(meta.response) ? meta.response : {};
  return {
    format: 'fixture',
    warnings,
    requests: [
      {
        draft: draftOf({
          method,
          url,
          headers,
          body,
          size: body ? body.length : (num(meta.size) ?? 0),
          receivedAt: isoTime(meta.receivedAt, options, warnings, 1),
          response: { status: num(response.status) ?? 0, body: str(response.body) ?? '', contentType: str(response.contentType) ?? '' },
          remoteAddress: str(meta.remoteAddress) || IMPORT_REMOTE_ADDRESS,
          rejected,
          imported: 'fixture',
        }),
        body,
      },
    ],
  };
}

// ---- helpers -------------------------------------------------------------------------------------------

interface DraftParts {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Buffer | undefined;
  size: number;
  receivedAt: string;
  response: CapturedResponse;
  remoteAddress: string;
  rejected?: string;
  provider?: string;
  eventType?: string;
  imported: ImportFormat;
}

/** The draft to append; provider and event type from the file, else classified as the receiver does. */
function draftOf(p: DraftParts): ImportedRequest['draft'] {
  const classified =
    p.provider || p.eventType ? { provider: p.provider, eventType: p.eventType } : classify(p.headers, p.body ?? Buffer.alloc(0));
  return {
    receivedAt: p.receivedAt,
    method: p.method,
    url: p.url,
    headers: p.headers,
    remoteAddress: p.remoteAddress,
    size: p.size,
    response: p.response,
    ...(p.rejected ? { rejected: p.rejected } : {}),
    ...(classified.provider ? { provider: classified.provider } : {}),
    ...(classified.eventType ? { eventType: classified.eventType } : {}),
    imported: p.imported,
  };
}

function isoTime(value: unknown, options: ImportOptions, warnings: string[], n: number): string {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) {
    warnings.push(`Entry ${n}: no valid time; the time of the import was used.`);
    return (options.now?.() ?? new Date()).toISOString();
  }
  return new Date(t).toISOString();
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}
