/** Content-type parsing and body sniffing, for display. Storage never depends on any of this. */

export type BodyFormat = 'empty' | 'json' | 'form' | 'xml' | 'html' | 'text' | 'binary';

export interface MediaType {
  /** `type/subtype` in lower case, e.g. `application/vnd.api+json`. */
  readonly essence: string;
  readonly type: string;
  readonly subtype: string;
  /** Structured syntax suffix, e.g. `json` of `application/vnd.api+json`. */
  readonly suffix?: string;
  readonly charset?: string;
}

export function parseMediaType(contentType: string | undefined): MediaType | undefined {
  if (!contentType) {
    return undefined;
  }
  const [head = '', ...params] = contentType.split(';');
  const m = /^\s*([a-z0-9!#$&^_.+-]+)\/([a-z0-9!#$&^_.+-]+)\s*$/i.exec(head);
  if (!m) {
    return undefined;
  }
  const type = m[1]!.toLowerCase();
  const subtype = m[2]!.toLowerCase();
  const plus = subtype.lastIndexOf('+');
  let charset: string | undefined;
  for (const p of params) {
    const pm = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p);
    if (pm) {
      charset = pm[1]!.toLowerCase();
    }
  }
  return {
    essence: `${type}/${subtype}`,
    type,
    subtype,
    ...(plus > 0 ? { suffix: subtype.slice(plus + 1) } : {}),
    ...(charset ? { charset } : {}),
  };
}

/** How many leading bytes are looked at to tell text from binary. */
export const SNIFF_BYTES = 64 * 1024;

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/**
 * True when the first `SNIFF_BYTES` look like text: no NUL, (for UTF-8 and undeclared charsets)
 * valid UTF-8, and few other control characters.
 */
export function looksLikeText(bytes: Uint8Array, charset?: string): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (const b of sample) {
    if (b === 0) {
      return false;
    }
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) || b === 0x7f) {
      controls++;
    }
  }
  if (controls > sample.length / 100 + 2) {
    return false;
  }
  if (charset && !UTF8_LABELS.has(charset) && textDecoderFor(charset)) {
    return true;
  }
  try {
    // stream: true, so a multi-byte character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function textDecoderFor(charset: string | undefined): TextDecoder | undefined {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return undefined;
  }
}

/**
 * Decodes the first `maxBytes` bytes as text in `charset` (UTF-8 when unknown), dropping a
 * character cut at the end and a leading byte-order mark. Invalid sequences become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, charset?: string, maxBytes = bytes.length): string {
  const decoder = textDecoderFor(charset) ?? new TextDecoder('utf-8');
  const cut = maxBytes < bytes.length;
  const text = decoder.decode(bytes.subarray(0, maxBytes), { stream: cut });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const FORM_LIKE = /^[\w.\-*%+[\]]+=[^\s&]*(?:&[\w.\-*%+[\]]+=[^\s&]*)*&?$/;

/** Decides how to show a body from its declared content type and its first bytes. */
export function detectFormat(bytes: Uint8Array, contentType: string | undefined): BodyFormat {
  if (bytes.length === 0) {
    return 'empty';
  }
  const mt = parseMediaType(contentType);
  if (!looksLikeText(bytes, mt?.charset)) {
    return 'binary';
  }
  if (mt) {
    if (mt.subtype === 'json' || mt.suffix === 'json') {
      return 'json';
    }
    if (mt.essence === 'application/x-www-form-urlencoded') {
      return 'form';
    }
    if (mt.subtype === 'xml' || mt.suffix === 'xml') {
      return 'xml';
    }
    if (mt.essence === 'text/html' || mt.essence === 'application/xhtml+xml') {
      return 'html';
    }
    if (mt.type === 'text' && mt.subtype !== 'plain') {
      return 'text';
    }
  }
  // No type, text/plain or a generic one (application/octet-stream, ...): sniff the text.
  const head = decodeText(bytes, mt?.charset, 4096).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    return 'json';
  }
  if (/^<!doctype html|^<html[\s>]/i.test(head)) {
    return 'html';
  }
  if (head.startsWith('<')) {
    return 'xml';
  }
  if (bytes.length <= 4096 && FORM_LIKE.test(head.trimEnd())) {
    return 'form';
  }
  return 'text';
}

/** True when the format was taken from the content type rather than guessed from the bytes. */
export function declaredFormat(contentType: string | undefined): BodyFormat | undefined {
  const mt = parseMediaType(contentType);
  if (!mt) {
    return undefined;
  }
  if (mt.subtype === 'json' || mt.suffix === 'json') {
    return 'json';
  }
  if (mt.essence === 'application/x-www-form-urlencoded') {
    return 'form';
  }
  return undefined;
}

export const FORMAT_LABELS: Readonly<Record<BodyFormat, string>> = {
  empty: 'Empty',
  json: 'JSON',
  form: 'Form (urlencoded)',
  xml: 'XML',
  html: 'HTML (shown as text)',
  text: 'Text',
  binary: 'Binary',
};

/** The editor language id and file extension for a body shown in an editor. */
export function editorLanguage(format: BodyFormat): {
  language: 'json' | 'xml' | 'html' | 'plaintext';
  extension: 'json' | 'xml' | 'html' | 'txt';
} {
  switch (format) {
    case 'json':
      return { language: 'json', extension: 'json' };
    case 'xml':
      return { language: 'xml', extension: 'xml' };
    case 'html':
      return { language: 'html', extension: 'html' };
    default:
      return { language: 'plaintext', extension: 'txt' };
  }
}
