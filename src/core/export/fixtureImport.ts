/** A fixture saved by "Save as Fixture" (metadata JSON, body in a file beside it) back into an event draft. */
import { createHash } from 'node:crypto';
import { BAD_HEADER_VALUE, ImportError, TOKEN } from './importCommon';
import type { ImportOptions, ImportResult } from './importDraft';
import { draftOf, IMPORT_REMOTE_ADDRESS, isObject, isoTime, num, str } from './importDraft';

export async function parseFixture(meta: Record<string, unknown>, options: ImportOptions): Promise<ImportResult> {
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
