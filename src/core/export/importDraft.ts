/** What an import yields (one event draft and body per request) and the helpers every format's reader shares. */
import { classify } from '../classify';
import type { CapturedResponse } from '../model/event';
import type { EventDraft } from '../store';
import type { ReferencedFileReader } from './importCommon';

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

/** The remote address of an imported event without one. */
export const IMPORT_REMOTE_ADDRESS = 'imported';

export interface DraftParts {
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
export function draftOf(p: DraftParts): ImportedRequest['draft'] {
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

export function isoTime(value: unknown, options: ImportOptions, warnings: string[], n: number): string {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) {
    warnings.push(`Entry ${n}: no valid time; the time of the import was used.`);
    return (options.now?.() ?? new Date()).toISOString();
  }
  return new Date(t).toISOString();
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}
