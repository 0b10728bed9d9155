import type { CapturedEvent } from '../model/event';
import type { EventStore } from '../store';
import { isCurlProgram, parseCurlCommands } from './curlImport';
import { parseFixture } from './fixtureImport';
import { parseHar } from './harImport';
import { looksLikeHttpFile, parseHttpRequests } from './httpImport';
import { ImportError, pathAndQuery } from './importCommon';
import type { TextImport, TextRequest } from './importCommon';
import type { ImportedRequest, ImportOptions, ImportResult } from './importDraft';
import { draftOf, IMPORT_REMOTE_ADDRESS, isObject } from './importDraft';
import { binaryString } from './shellWords';

export { pathAndQuery };

export { ImportError } from './importCommon';
export type { ReferencedFileReader } from './importCommon';
export type { ImportedRequest, ImportFormat, ImportOptions, ImportResult } from './importDraft';

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
