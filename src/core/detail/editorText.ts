import { decodeForDisplay } from '../bodyDecode';
import type { CapturedEvent } from '../model/event';
import { headerValue } from '../model/event';
import { formatBytes } from '../format';
import { decodeText, detectFormat, editorLanguage, parseMediaType } from './contentKind';
import type { BodyFormat } from './contentKind';
import { hexDumpText } from './hexDump';
import { prettyJson } from './json';

/** A body as text for a (read-only or untitled) editor. */
export interface EditorBody {
  readonly text: string;
  readonly format: BodyFormat;
  readonly language: 'json' | 'xml' | 'html' | 'plaintext';
  readonly extension: 'json' | 'xml' | 'html' | 'txt';
  /** Sentences about what was done, e.g. decompressed, cut. */
  readonly notes: readonly string[];
}

export interface EditorBodyLimits {
  /** Largest decoded body turned into text. */
  readonly maxTextBytes: number;
  /** Bytes of a binary body dumped as hex (each byte costs about 4.5 characters). */
  readonly maxHexBytes: number;
}

export const DEFAULT_EDITOR_LIMITS: EditorBodyLimits = { maxTextBytes: 50 * 1024 * 1024, maxHexBytes: 2 * 1024 * 1024 };

/**
 * The text shown when a body opens in an editor: decompressed, JSON pretty-printed (key order and
 * numbers as written; invalid JSON as received), binary as a hex dump. Forms and text as received.
 */
export async function bodyForEditor(
  event: CapturedEvent,
  body: Uint8Array,
  limits: EditorBodyLimits = DEFAULT_EDITOR_LIMITS,
): Promise<EditorBody> {
  const notes: string[] = [];
  const decoded = await decodeForDisplay(
    Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    headerValue(event, 'content-encoding'),
    limits.maxTextBytes,
  );
  if (decoded.decodedFrom) {
    notes.push(`decompressed from ${decoded.decodedFrom}`);
  }
  if (decoded.error) {
    notes.push(decoded.error);
  }
  const bytes = decoded.bytes;
  const contentType = headerValue(event, 'content-type');
  const format = detectFormat(bytes, contentType);
  const { language, extension } = editorLanguage(format);
  if (format === 'binary') {
    if (bytes.length > limits.maxHexBytes) {
      notes.push(`hex dump of the first ${formatBytes(limits.maxHexBytes)}`);
    }
    return { text: hexDumpText(bytes, limits.maxHexBytes), format, language, extension, notes };
  }
  const cut = decoded.truncated || bytes.length > limits.maxTextBytes;
  if (cut) {
    notes.push(`only the first ${formatBytes(limits.maxTextBytes)}`);
  }
  const text = decodeText(bytes, parseMediaType(contentType)?.charset, limits.maxTextBytes);
  if (format === 'json' && !cut && isJson(text)) {
    return { text: prettyJson(text).text + '\n', format, language, extension, notes };
  }
  return { text, format, language: format === 'json' ? 'plaintext' : language, extension: format === 'json' ? 'txt' : extension, notes };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
