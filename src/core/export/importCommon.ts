/**
 * What the importers share: the error for a file that cannot be imported, header checks, and the
 * requests read from text formats (`.http` files, cURL commands) before they become event drafts.
 */

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** An HTTP token (method, header name). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What no header value can hold. */
export const BAD_HEADER_VALUE = /[\r\n\0]/;

/**
 * Reads a file a request's body refers to (`< ./name` in a `.http` file, `--data-binary @path` in a
 * cURL command), by the path as written: relative to the imported file's folder, or absolute.
 * Returns `'too-large'` instead of reading a file over `maxBytes`.
 */
export type ReferencedFileReader = (ref: string, maxBytes: number) => Promise<Buffer | 'too-large'>;

/** One request read from a `.http` file or a cURL command. */
export interface TextRequest {
  readonly method: string;
  /** Path and query, as written. */
  readonly url: string;
  readonly headers: Array<[string, string]>;
  /** The body bytes; undefined for none (or when it was not kept, see `rejected`). */
  readonly body: Buffer | undefined;
  /** `'body-too-large'` when the body was over the limit. */
  readonly rejected?: string;
  /** Declared size of a body that was not kept. */
  readonly rejectedSize?: number;
  /** When the file says (our `.http` export writes the time in a comment). */
  readonly receivedAt?: string;
}

export interface TextImport {
  readonly requests: TextRequest[];
  /** One sentence per request skipped or changed. */
  readonly warnings: string[];
  /** Requests (or curl commands) found, read or not. */
  readonly found: number;
}

export interface TextImportContext {
  readonly maxBodyBytes: number;
  readonly readReferencedFile?: ReferencedFileReader;
}

/**
 * Reads a referenced body file. Throws an `Error` whose message completes "… was skipped: " when it
 * cannot be read; returns `'too-large'` over the limit.
 */
export async function readReferencedBody(ref: string, ctx: TextImportContext): Promise<Buffer | 'too-large'> {
  if (ref === '' || ref.includes('\0')) {
    throw new Error('its body file name is empty or invalid.');
  }
  if (!ctx.readReferencedFile) {
    throw new Error(`its body is in the file ${JSON.stringify(ref)}, which cannot be read here.`);
  }
  try {
    return await ctx.readReferencedFile(ref, ctx.maxBodyBytes);
  } catch (err) {
    throw new Error(`its body file ${JSON.stringify(ref)} could not be read (${(err as Error).message}).`, { cause: err });
  }
}

/** Checks a header read from text; returns a warning (and the header is left out) when it is not valid HTTP. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name) || BAD_HEADER_VALUE.test(value)) {
    return `the header ${JSON.stringify(name.slice(0, 40))} is not valid HTTP and was left out.`;
  }
  return undefined;
}

/** A request's body as kept: the bytes, or nothing and `rejected` when over the limit. */
export function limitBody(
  body: Buffer | 'too-large' | undefined,
  ctx: TextImportContext,
  warn: (w: string) => void,
): Pick<TextRequest, 'body' | 'rejected' | 'rejectedSize'> {
  if (body === 'too-large') {
    warn(`the body file is over the limit of ${ctx.maxBodyBytes} bytes; the event was imported without it.`);
    return { body: undefined, rejected: 'body-too-large' };
  }
  if (body && body.length > ctx.maxBodyBytes) {
    warn(`the body (${body.length} bytes) is over the limit of ${ctx.maxBodyBytes} bytes; the event was imported without it.`);
    return { body: undefined, rejected: 'body-too-large', rejectedSize: body.length };
  }
  return { body };
}

/** The path and query of a full URL, taken from the text (no normalisation: `//`, `..`, `%xx` stay). */
export function pathAndQuery(url: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  const rest = m ? url.slice(m[0].length) : url;
  const noFragment = rest.includes('#') ? rest.slice(0, rest.indexOf('#')) : rest;
  if (noFragment === '') {
    return '/';
  }
  return noFragment.startsWith('/') || noFragment === '*' ? noFragment : `/${noFragment}`;
}
