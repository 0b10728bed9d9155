import type { JsonNode } from './protocol';

export interface JsonTreeLimits {
  /** Most values (objects, arrays, scalars) in the tree. */
  readonly maxNodes: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
}

export type JsonTreeResult =
  | { readonly ok: true; readonly tree: JsonNode; readonly nodes: number }
  | { readonly ok: false; readonly reason: 'invalid' | 'too-many-nodes' | 'too-deep'; readonly message: string };

type MutObject = { t: 'object'; entries: Array<[string, JsonNode]> };
type MutArray = { t: 'array'; items: JsonNode[] };
type Frame = { node: MutObject; key: string } | { node: MutArray };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON text into a tree that keeps what `JSON.parse` loses for display: key order (also for
 * integer-like keys), duplicate keys and numbers exactly as written. Iterative, so deep nesting
 * cannot overflow the stack; bounded by `limits`.
 */
export function parseJsonTree(text: string, limits: JsonTreeLimits): JsonTreeResult {
  let i = 0;
  let nodes = 0;
  const stack: Frame[] = [];
  const invalid = (what: string): JsonTreeResult => ({ ok: false, reason: 'invalid', message: `${what} at position ${i}` });

  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else {
        return;
      }
    }
  };

  const readString = (): string | undefined => {
    if (text.charCodeAt(i) !== 0x22) {
      return undefined;
    }
    const start = i++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c < 0x20) {
        return undefined;
      }
      if (c === 0x22) {
        break;
      }
      if (c === 0x5c) {
        escaped = true;
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return undefined;
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return undefined;
        }
        continue;
      }
      i++;
    }
    i++;
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };

  /** After `,` or `{` in an object: reads `"key":`. */
  const readKey = (): string | undefined => {
    ws();
    const key = readString();
    if (key === undefined) {
      return undefined;
    }
    ws();
    if (text.charCodeAt(i) !== 0x3a) {
      return undefined;
    }
    i++;
    return key;
  };

  for (;;) {
    ws();
    if (++nodes > limits.maxNodes) {
      return { ok: false, reason: 'too-many-nodes', message: `more than ${limits.maxNodes} values` };
    }
    let value: JsonNode;
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      const isObject = c === 0x7b;
      i++;
      ws();
      if (text.charCodeAt(i) === (isObject ? 0x7d : 0x5d)) {
        i++;
        value = isObject ? { t: 'object', entries: [] } : { t: 'array', items: [] };
      } else {
        if (stack.length >= limits.maxDepth) {
          return { ok: false, reason: 'too-deep', message: `nested deeper than ${limits.maxDepth} levels` };
        }
        if (isObject) {
          const key = readKey();
          if (key === undefined) {
            return invalid('Expected a property name');
          }
          stack.push({ node: { t: 'object', entries: [] }, key });
        } else {
          stack.push({ node: { t: 'array', items: [] } });
        }
        continue;
      }
    } else if (c === 0x22) {
      const s = readString();
      if (s === undefined) {
        return invalid('Bad string');
      }
      value = { t: 'string', v: s };
    } else if (text.startsWith('true', i)) {
      i += 4;
      value = { t: 'boolean', v: true };
    } else if (text.startsWith('false', i)) {
      i += 5;
      value = { t: 'boolean', v: false };
    } else if (text.startsWith('null', i)) {
      i += 4;
      value = { t: 'null' };
    } else {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) {
        return invalid(Number.isNaN(c) ? 'Unexpected end of JSON' : 'Unexpected character');
      }
      i += m[0].length;
      value = { t: 'number', v: m[0] };
    }

    // A value is complete: attach it, closing every container it completes.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        ws();
        return i === text.length ? { ok: true, tree: value, nodes } : invalid('Unexpected text after the JSON value');
      }
      if ('key' in top) {
        top.node.entries.push([top.key, value]);
      } else {
        top.node.items.push(value);
      }
      ws();
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        if ('key' in top) {
          const key = readKey();
          if (key === undefined) {
            return invalid('Expected a property name');
          }
          top.key = key;
        }
        break;
      }
      if (d === (top.node.t === 'object' ? 0x7d : 0x5d)) {
        i++;
        stack.pop();
        value = top.node;
        continue;
      }
      return invalid(Number.isNaN(d) ? 'Unexpected end of JSON' : `Expected ',' or '${top.node.t === 'object' ? '}' : ']'}'`);
    }
  }
}

const MAX_INDENT_LEVELS = 64;

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Bytes that end a run of literal text (number, true, ...) in `prettyJson`. */
function isDelimiter(c: number): boolean {
  return isWs(c) || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x2c || c === 0x3a || c === 0x22;
}

/**
 * Re-indents JSON (2 spaces) without parsing it, so key order and numbers stay as written and the
 * cost is one pass over the bytes with no per-token allocation. Stops once `maxBytes` bytes are
 * produced. Works on a prefix of a document too (the rest is simply missing). Input that is not
 * JSON comes out re-spaced but whole. Works on UTF-8 bytes: every byte JSON structure uses is ASCII.
 */
export function prettyJsonBytes(input: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): { bytes: Buffer; truncated: boolean } {
  const src = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const n = src.length;
  let out = Buffer.allocUnsafe(Math.max(64, Math.min(Number.isFinite(maxBytes) ? maxBytes + 256 : Infinity, n * 2 + 64)));
  let o = 0;
  const ensure = (extra: number): void => {
    if (o + extra > out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, o + extra));
      out.copy(bigger, 0, 0, o);
      out = bigger;
    }
  };
  const newline = (level: number): void => {
    const width = 2 * Math.min(level, MAX_INDENT_LEVELS);
    ensure(1 + width);
    out[o++] = 0x0a;
    out.fill(0x20, o, o + width);
    o += width;
  };
  let level = 0;
  let i = n >= 3 && src[0] === 0xef && src[1] === 0xbb && src[2] === 0xbf ? 3 : 0;
  while (i < n && o < maxBytes) {
    const c = src[i]!;
    if (c === 0x22) {
      let j = i + 1;
      while (j < n) {
        const d = src[j]!;
        if (d === 0x5c) {
          j += 2;
        } else {
          j++;
          if (d === 0x22) {
            break;
          }
        }
      }
      j = Math.min(j, n);
      ensure(j - i);
      o += src.copy(out, o, i, j);
      i = j;
    } else if (isWs(c)) {
      i++;
    } else if (c === 0x7b || c === 0x5b) {
      let j = i + 1;
      while (j < n && isWs(src[j])) {
        j++;
      }
      ensure(2);
      out[o++] = c;
      if (src[j] === c + 2) {
        // `{` + 2 is `}`, `[` + 2 is `]`: an empty container stays on one line.
        out[o++] = c + 2;
        i = j + 1;
      } else {
        newline(++level);
        i++;
      }
    } else if (c === 0x7d || c === 0x5d) {
      level = Math.max(0, level - 1);
      newline(level);
      ensure(1);
      out[o++] = c;
      i++;
    } else if (c === 0x2c) {
      ensure(1);
      out[o++] = c;
      newline(level);
      i++;
    } else if (c === 0x3a) {
      ensure(2);
      out[o++] = 0x3a;
      out[o++] = 0x20;
      i++;
    } else {
      let j = i + 1;
      while (j < n && !isDelimiter(src[j]!)) {
        j++;
      }
      ensure(j - i);
      o += src.copy(out, o, i, j);
      i = j;
    }
  }
  const truncated = i < n || o > maxBytes;
  return { bytes: out.subarray(0, Math.min(o, maxBytes)), truncated };
}

/**
 * `prettyJsonBytes` for text or bytes, returning text. `maxBytes` bounds the UTF-8 output; a
 * character cut at the end is dropped.
 */
export function prettyJson(input: string | Uint8Array, maxBytes = Number.POSITIVE_INFINITY): { text: string; truncated: boolean } {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const r = prettyJsonBytes(bytes, maxBytes);
  return { text: new TextDecoder().decode(r.bytes, { stream: r.truncated }), truncated: r.truncated };
}
