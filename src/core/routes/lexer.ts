/**
 * A lexer-light pass over source text: comments become spaces and string contents are hidden, with
 * every offset and line break kept, so route patterns only match real code. The strings are kept
 * aside (by the offset of their opening quote) so a matcher can read a route's path argument.
 *
 * It is not a parser: it knows each language family's comments and quotes, nothing more. Unusual
 * code (a `/` after a `)` that starts a regex literal, heredocs) can hide or show a few characters
 * too many; the matchers then find a route less, never one inside a comment or a string.
 */

export type LanguageFamily = 'js' | 'python' | 'ruby' | 'php' | 'go';

export interface StringLiteral {
  /** Offset of the opening quote. */
  readonly start: number;
  /** Offset just after the closing quote. */
  readonly end: number;
  /** The text between the quotes, escapes left as written (route paths rarely have any). */
  readonly value: string;
  /** True for a JS template literal with `${…}` or a Python f-string: its value is not a fixed path. */
  readonly interpolated: boolean;
}

export interface MaskedSource {
  /** Same length as the input: comments blanked, string contents replaced by spaces (quotes kept). */
  readonly code: string;
  /** String literals by the offset of their opening quote. */
  readonly strings: ReadonlyMap<number, StringLiteral>;
}

export function languageOf(file: string): LanguageFamily | undefined {
  const m = /\.([A-Za-z]+)$/.exec(file);
  switch (m?.[1]?.toLowerCase()) {
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
    case 'ts':
    case 'mts':
    case 'cts':
    case 'tsx':
      return 'js';
    case 'py':
      return 'python';
    case 'rb':
      return 'ruby';
    case 'php':
      return 'php';
    case 'go':
      return 'go';
    default:
      return undefined;
  }
}

/** Blanks comments and string contents of `text` for `lang`, keeping length and line breaks. */
export function maskSource(text: string, lang: LanguageFamily): MaskedSource {
  const out = text.split('');
  const strings = new Map<number, StringLiteral>();
  const n = text.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < n; k++) {
      if (out[k] !== '\n' && out[k] !== '\r') {
        out[k] = ' ';
      }
    }
  };
  /** A quoted string from `i` (the opening quote, `q` long); returns the offset after it. */
  const str = (
    i: number,
    q: string,
    opts: { escapes: boolean; multiline: boolean; template?: boolean; interpolated?: boolean },
  ): number => {
    let j = i + q.length;
    let interpolated = opts.interpolated ?? false;
    while (j < n) {
      const c = text[j]!;
      if (opts.escapes && c === '\\') {
        j += 2;
        continue;
      }
      if (text.startsWith(q, j)) {
        break;
      }
      if (!opts.multiline && c === '\n') {
        break;
      }
      if (opts.template && c === '$' && text[j + 1] === '{') {
        interpolated = true;
      }
      j++;
    }
    const closed = j < n && text.startsWith(q, j);
    const end = closed ? j + q.length : j;
    strings.set(i, { start: i, end, value: text.slice(i + q.length, j), interpolated });
    blank(i + q.length, j);
    return end;
  };
  const lineComment = (i: number): number => {
    let j = i;
    while (j < n && text[j] !== '\n') {
      j++;
    }
    blank(i, j);
    return j;
  };
  const blockComment = (i: number, close: string): number => {
    const j = text.indexOf(close, i + 2);
    const end = j === -1 ? n : j + close.length;
    blank(i, end);
    return end;
  };

  let i = 0;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (lang === 'js' || lang === 'go' || lang === 'php') {
      if (c === '/' && next === '/') {
        i = lineComment(i);
        continue;
      }
      if (c === '/' && next === '*') {
        i = blockComment(i, '*/');
        continue;
      }
    }
    if ((lang === 'python' || lang === 'ruby' || (lang === 'php' && next !== '[')) && c === '#') {
      i = lineComment(i);
      continue;
    }
    if (lang === 'ruby' && c === '=' && text.startsWith('=begin', i) && (i === 0 || text[i - 1] === '\n')) {
      const j = text.indexOf('\n=end', i);
      const end = j === -1 ? n : text.indexOf('\n', j + 1) === -1 ? n : text.indexOf('\n', j + 1);
      blank(i, end);
      i = end;
      continue;
    }
    if (lang === 'js' && c === '/' && regexCanStart(out, i)) {
      i = skipRegex(text, i, blank);
      continue;
    }
    if (lang === 'python' && (c === '"' || c === "'")) {
      const prefix = /(?:^|[^\w])([rRbBuUfF]{1,2})$/.exec(text.slice(Math.max(0, i - 3), i))?.[1] ?? '';
      const f = /f/i.test(prefix);
      const raw = /r/i.test(prefix);
      const triple = text.startsWith(c.repeat(3), i);
      i = str(i, triple ? c.repeat(3) : c, { escapes: !raw, multiline: triple, interpolated: f });
      continue;
    }
    if (c === '"' || c === "'") {
      if (lang === 'go' && c === "'") {
        i = str(i, c, { escapes: true, multiline: false });
        continue;
      }
      i = str(i, c, { escapes: true, multiline: lang === 'ruby' || lang === 'php' });
      continue;
    }
    if (c === '`' && lang === 'js') {
      i = str(i, '`', { escapes: true, multiline: true, template: true });
      continue;
    }
    if (c === '`' && lang === 'go') {
      i = str(i, '`', { escapes: false, multiline: true });
      continue;
    }
    i++;
  }
  return { code: out.join(''), strings };
}

/** A `/` starts a regex literal after an operator or keyword, not after a value. */
function regexCanStart(out: string[], i: number): boolean {
  if (out[i + 1] === '/' || out[i + 1] === '*') {
    return false;
  }
  let k = i - 1;
  while (k >= 0 && /\s/.test(out[k]!)) {
    k--;
  }
  if (k < 0) {
    return true;
  }
  const p = out[k]!;
  if ('(,=:[!&|?{};+-*%<>~^'.includes(p)) {
    return true;
  }
  let w = '';
  while (k >= 0 && /[A-Za-z]/.test(out[k]!)) {
    w = out[k--]! + w;
  }
  return w === 'return' || w === 'typeof' || w === 'case' || w === 'in' || w === 'of' || w === 'void';
}

function skipRegex(text: string, i: number, blank: (a: number, b: number) => void): number {
  let j = i + 1;
  let inClass = false;
  while (j < text.length && text[j] !== '\n') {
    const c = text[j]!;
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (c === '[') {
      inClass = true;
    } else if (c === ']') {
      inClass = false;
    } else if (c === '/' && !inClass) {
      break;
    }
    j++;
  }
  if (j >= text.length || text[j] === '\n') {
    return i + 1;
  } // not a regex after all: a division
  blank(i + 1, j);
  return j + 1;
}

/** 0-based line and column of an offset. `lineStarts` from `lineStartsOf`. */
export function positionAt(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return { line: lo, column: offset - lineStarts[lo]! };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}
