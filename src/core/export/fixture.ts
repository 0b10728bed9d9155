import type { CapturedEvent } from '../model/event';
import { headerValue } from '../model/event';
import { detectFormat } from '../detail/contentKind';

/**
 * "Save as Fixture": the raw body as received (still compressed, if it was) in one file, and a JSON
 * metadata file beside it with everything needed to replay or assert on the request.
 */
export interface FixtureMetadata {
  readonly fixtureVersion: 1;
  readonly id: string;
  readonly receivedAt: string;
  readonly method: string;
  readonly url: string;
  /** Headers as received: order, case and duplicates kept. */
  readonly headers: Array<[string, string]>;
  readonly remoteAddress: string;
  readonly size: number;
  /** File name of the body, relative to the metadata file. */
  readonly bodyFile: string;
  readonly bodySha256: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly response: { status: number; contentType: string; body: string };
  readonly rejected?: string;
}

/** The body file's extension from the body's format (`.json`, `.xml`, `.txt`, `.bin`; `.gz` etc. when compressed). */
export function fixtureBodyExtension(event: Pick<CapturedEvent, 'headers'>, body: Uint8Array): string {
  const encoding = headerValue(event, 'content-encoding')?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    return '.gz';
  }
  if (encoding === 'br') {
    return '.br';
  }
  if (encoding === 'deflate') {
    return '.zz';
  }
  switch (detectFormat(body, headerValue(event, 'content-type'))) {
    case 'json':
      return '.json';
    case 'xml':
      return '.xml';
    case 'html':
      return '.html';
    case 'form':
    case 'text':
    case 'empty':
      return '.txt';
    default:
      return '.bin';
  }
}

/**
 * Names of the two files from the path the user chose: the chosen path holds the metadata
 * (`name.json`, `.json` added when missing) and the body sits beside it as `name.body<ext>`.
 */
export function fixtureFileNames(chosenPath: string, bodyExtension: string): { metadataPath: string; bodyPath: string; bodyFile: string } {
  const metadataPath = /\.json$/i.test(chosenPath) ? chosenPath : `${chosenPath}.json`;
  const stem = metadataPath.replace(/\.json$/i, '').replace(/\.meta$/i, '');
  const bodyPath = `${stem}.body${bodyExtension}`;
  const bodyFile = bodyPath.slice(Math.max(bodyPath.lastIndexOf('/'), bodyPath.lastIndexOf('\\')) + 1);
  return { metadataPath, bodyPath, bodyFile };
}

export function fixtureMetadata(event: CapturedEvent, bodyFile: string, bodySha256: string): FixtureMetadata {
  const contentType = headerValue(event, 'content-type');
  const contentEncoding = headerValue(event, 'content-encoding');
  return {
    fixtureVersion: 1,
    id: event.id,
    receivedAt: event.receivedAt,
    method: event.method,
    url: event.url,
    headers: event.headers.map(([k, v]) => [k, v]),
    remoteAddress: event.remoteAddress,
    size: event.size,
    bodyFile,
    bodySha256,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(contentEncoding !== undefined ? { contentEncoding } : {}),
    response: { status: event.response.status, contentType: event.response.contentType, body: event.response.body },
    ...(event.rejected ? { rejected: event.rejected } : {}),
  };
}
