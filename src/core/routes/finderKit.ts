/** The shared tools of the per-framework finders: the file being read, its masked code and what was found. */
import type { MaskedSource } from './lexer';
import { positionAt } from './lexer';
import type { RouteDefinition } from './routeTypes';

export interface Ctx {
  readonly file: string;
  readonly text: string;
  readonly src: MaskedSource;
  readonly lines: number[];
  readonly out: RouteDefinition[];
}

export const Q = `["'\`]`;

/** The string literal whose opening quote is at `offset` (a fixed one: no interpolation). */
export function stringAt(ctx: Ctx, offset: number): string | undefined {
  const s = ctx.src.strings.get(offset);
  return s && !s.interpolated ? s.value : undefined;
}

export function add(ctx: Ctx, offset: number, r: Omit<RouteDefinition, 'line' | 'column'>): void {
  const { line, column } = positionAt(ctx.lines, offset);
  ctx.out.push({ ...r, line, column });
}

/** Every match of `re` (global) on the masked code. */
export function* matches(ctx: Ctx, re: RegExp): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(ctx.src.code); m; m = re.exec(ctx.src.code)) {
    yield m;
    if (m[0].length === 0) {
      re.lastIndex++;
    }
  }
}

/** Which module names the file imports or requires (as written in the string). */
export function imports(ctx: Ctx): Set<string> {
  const out = new Set<string>();
  for (const m of matches(ctx, /\b(?:from|require\s*\(|import\s*\(?)\s*(["'])/g)) {
    const v = stringAt(ctx, m.index + m[0].length - 1);
    if (v) {
      out.add(v);
    }
  }
  for (const m of matches(ctx, /^\s*import\s+(["'`])/gm)) {
    const v = stringAt(ctx, m.index + m[0].length - 1);
    if (v) {
      out.add(v);
    }
  }
  return out;
}

/** Offset of the bracket that closes the one at `open` in masked code (or the end). */
export function closing(code: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (pairs[c]) {
      stack.push(pairs[c]);
    } else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) {
        return i;
      }
    }
  }
  return code.length;
}

/** Strings in masked code between `from` and `to`, in order. */
export function stringsIn(ctx: Ctx, from: number, to: number): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  for (const s of ctx.src.strings.values()) {
    if (s.start >= from && s.start < to && !s.interpolated) {
      out.push({ offset: s.start, value: s.value });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export const looksLikePath = (v: string) => v === '' || /^[/*]/.test(v) || /^[\w.\-:[\]{}<>~()]+(\/|$)/.test(v);
