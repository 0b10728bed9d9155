/** HAR 1.x (ours, with `_webhookInspector` extras, or any tool's) back into event drafts. */
import type { CapturedResponse } from '../model/event';
import { BAD_HEADER_VALUE, ImportError, pathAndQuery, TOKEN } from './importCommon';
import type { ImportedRequest, ImportOptions, ImportResult } from './importDraft';
import { draftOf, IMPORT_REMOTE_ADDRESS, isObject, isoTime, num, str } from './importDraft';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function parseHar(log: unknown, options: ImportOptions): ImportResult {
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
