/**
 * Splits POSIX shell text (a pasted or saved cURL command, a small script) into commands and words
 * the way `sh` would, without running anything: single quotes, double quotes, backslashes, `$'…'`
 * (ANSI-C quoting, as bash and zsh read it, used by browsers' "Copy as cURL"), line continuations
 * (`\` newline), comments, and `;`, `&&`, `||`, `&` and newlines between commands. What would need a
 * shell to evaluate (`$VAR`, `$(…)`, backticks, subshells, here-documents) is not guessed at: the
 * command gets a `problem` that says so.
 *
 * The input is a binary string (one char a byte, see `binaryString`) so that words come out as the
 * exact bytes of the file, also when a quoted body is not UTF-8. Pipes and redirections are read and
 * left out of the words (`curl … | jq .` and `curl … > out.json` are the curl command alone).
 */

export interface ShellCommand {
  /** 1-based line of the command's first word. */
  readonly line: number;
  /** The words, quotes removed and escapes applied, as bytes. */
  readonly words: readonly Buffer[];
  /** Why the command cannot be taken as written (shell expansion, unterminated quote, …). */
  readonly problem?: string;
}

/** The bytes of a file (or the UTF-8 encoding of a string) as a binary string: char code = byte. */
export function binaryString(input: string | Uint8Array): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength)).toString(
    'latin1',
  );
}

/** Characters after `$` that make it an expansion rather than a literal dollar sign. */
const EXPANSION_START = /[A-Za-z_{(0-9@*#?$!-]/;

const ANSI_C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** The UTF-8 bytes of a code point, as a binary string. */
function utf8Chars(codePoint: number): string {
  return Buffer.from(String.fromCodePoint(codePoint), 'utf8').toString('latin1');
}

export function splitShellCommands(src: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: Buffer[] = [];
  /** The word being read (a binary string); `inWord` is false between words. */
  let word = '';
  let inWord = false;
  let problem: string | undefined;
  let line = 1;
  let startLine = 1;
  /** After `|`: the words belong to another program and are left out. */
  let piped = false;
  /** After `>`, `<`, …: the next word is a file name, not an argument. */
  let redirect = false;
  let i = 0;

  const fail = (why: string) => {
    problem ??= why;
  };
  const beginWord = () => {
    if (!inWord) {
      if (words.length === 0 && !piped && !redirect) {
        startLine = line;
      }
      word = '';
      inWord = true;
    }
  };
  const endWord = () => {
    if (!inWord) {
      return;
    }
    if (redirect) {
      redirect = false;
    } else if (!piped) {
      words.push(Buffer.from(word, 'latin1'));
    }
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (redirect) {
      fail('a redirection (>, <) has no file name');
    }
    if (words.length > 0 || problem) {
      commands.push(problem ? { line: startLine, words, problem } : { line: startLine, words });
    }
    words = [];
    problem = undefined;
    piped = false;
    redirect = false;
  };

  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1];
      if (next === '\n') {
        i += 2; // a line continuation, inside a word or between words
        line++;
      } else if (next === '\r' && src[i + 2] === '\n') {
        i += 3;
        line++;
      } else if (next === undefined) {
        i++;
      } else {
        beginWord();
        word += next;
        i += 2;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n') {
      endCommand();
      i++;
      line++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < src.length && src[i] !== '\n') {
        i++;
      }
      continue;
    }
    if (c === ';') {
      endCommand();
      i++;
      continue;
    }
    if (c === '&') {
      if (src[i + 1] === '>') {
        endWord();
        redirect = true;
        i += src[i + 2] === '>' ? 3 : 2;
        continue;
      }
      endCommand();
      i += src[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '|') {
      if (src[i + 1] === '|') {
        endCommand();
        i += 2;
        continue;
      }
      endWord();
      piped = true;
      i += src[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '>' || c === '<') {
      // `2>file`: the digits before the operator name a file descriptor, not a word.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else {
        endWord();
      }
      if (c === '<' && (src[i + 1] === '<' || src[i + 1] === '(')) {
        fail(src[i + 1] === '<' ? 'a here-document (<<) cannot be read here' : 'a process substitution <(…) cannot be evaluated here');
        i += 2;
        continue;
      }
      i++;
      if (src[i] === '>' || src[i] === '|') {
        i++;
      }
      if (src[i] === '&') {
        i++; // `>&2`: the target is a descriptor
      }
      redirect = true;
      continue;
    }
    if (c === '(' || c === ')' || c === '`') {
      fail(c === '`' ? 'a command substitution (`…`) cannot be evaluated here' : 'a subshell ( … ) cannot be evaluated here');
      i++;
      continue;
    }

    beginWord();
    if (c === "'" || c === '"' || (c === '$' && (src[i + 1] === '"' || src[i + 1] === "'"))) {
      const reader: QuoteReader = { src, i, line, fail };
      word += c === "'" ? singleQuoted(reader) : c === '"' || src[i + 1] === '"' ? doubleQuoted(reader) : ansiCQuoted(reader);
      ({ i, line } = reader);
      if (reader.unterminated) {
        break;
      }
      continue;
    }
    if (c === '$' && EXPANSION_START.test(src[i + 1] ?? '')) {
      fail(`the shell expansion "$${src[i + 1]}…" cannot be evaluated here`);
    }
    word += c;
    i++;
  }
  endCommand();
  return commands;
}

/** Where a quoted part starts (`i` at its opening quote or `$`), advanced past it by the reader. */
interface QuoteReader {
  readonly src: string;
  i: number;
  line: number;
  /** Set when the input ends inside the quote and nothing after it can be read. */
  unterminated?: boolean;
  fail(why: string): void;
}

/** `'…'`: every byte literal up to the next single quote. */
function singleQuoted(r: QuoteReader): string {
  const end = r.src.indexOf("'", r.i + 1);
  if (end < 0) {
    r.fail(`a single quote (') opened on line ${r.line} is never closed`);
    r.unterminated = true;
    const rest = r.src.slice(r.i + 1);
    r.i = r.src.length;
    return rest;
  }
  const quoted = r.src.slice(r.i + 1, end);
  r.line += countNewlines(quoted);
  r.i = end + 1;
  return quoted;
}

/** `"…"` (and bash's `$"…"`): backslash escapes only `$`, `` ` ``, `"`, `\` and newline; expansions are refused. */
function doubleQuoted(r: QuoteReader): string {
  const { src } = r;
  const opened = r.line;
  let j = src[r.i] === '$' ? r.i + 2 : r.i + 1;
  let closed = false;
  let out = '';
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === '"') {
      closed = true;
      j++;
      break;
    }
    if (ch === '\\') {
      const n = src[j + 1];
      if (n === '\n') {
        r.line++;
        j += 2;
      } else if (n === '$' || n === '`' || n === '"' || n === '\\') {
        out += n;
        j += 2;
      } else {
        out += '\\';
        j++;
      }
      continue;
    }
    if (ch === '$' && EXPANSION_START.test(src[j + 1] ?? '')) {
      r.fail(`the shell expansion "$${src[j + 1]}…" inside double quotes cannot be evaluated here`);
    } else if (ch === '`') {
      r.fail('a command substitution (`…`) cannot be evaluated here');
    }
    if (ch === '\n') {
      r.line++;
    }
    out += ch;
    j++;
  }
  if (!closed) {
    r.fail(`a double quote (") opened on line ${opened} is never closed`);
  }
  r.i = j;
  return out;
}

/** `$'…'` (ANSI-C quoting): C-style escapes, everything else literal. */
function ansiCQuoted(r: QuoteReader): string {
  const { src } = r;
  const opened = r.line;
  let j = r.i + 2;
  let closed = false;
  let out = '';
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === "'") {
      closed = true;
      j++;
      break;
    }
    if (ch !== '\\') {
      if (ch === '\n') {
        r.line++;
      }
      out += ch;
      j++;
      continue;
    }
    if (src[j + 1] === undefined) {
      j++;
      break;
    }
    const escape = ansiCEscape(src, j, r.fail);
    out += escape.text;
    j += escape.length;
  }
  if (!closed) {
    r.fail(`a quote $' opened on line ${opened} is never closed`);
  }
  r.i = j;
  return out;
}

/** One escape inside `$'…'`, `j` at its backslash: the bytes it stands for and how many chars it takes. */
function ansiCEscape(src: string, j: number, fail: (why: string) => void): { text: string; length: number } {
  const n = src[j + 1]!;
  const simple = ANSI_C_ESCAPES[n];
  if (simple !== undefined) {
    return { text: simple, length: 2 };
  }
  if (n === 'x') {
    const hex = /^[0-9A-Fa-f]{1,2}/.exec(src.slice(j + 2, j + 4));
    return { text: hex ? String.fromCharCode(parseInt(hex[0], 16)) : '\\x', length: 2 + (hex ? hex[0].length : 0) };
  }
  if (n === 'u' || n === 'U') {
    const hex = (n === 'u' ? /^[0-9A-Fa-f]{1,4}/ : /^[0-9A-Fa-f]{1,8}/).exec(src.slice(j + 2, j + 10));
    const cp = hex ? parseInt(hex[0], 16) : -1;
    if (hex && cp > 0x10ffff) {
      fail(`the escape \\${n}${hex[0]} is not a Unicode code point`);
    }
    return { text: cp >= 0 && cp <= 0x10ffff ? utf8Chars(cp) : `\\${n}`, length: 2 + (hex ? hex[0].length : 0) };
  }
  if (n >= '0' && n <= '7') {
    const oct = /^[0-7]{1,3}/.exec(src.slice(j + 1, j + 4))!;
    return { text: String.fromCharCode(parseInt(oct[0], 8) & 0xff), length: 1 + oct[0].length };
  }
  if (n === 'c' && j + 2 < src.length) {
    return { text: String.fromCharCode(src.charCodeAt(j + 2) & 0x1f), length: 3 };
  }
  return { text: `\\${n}`, length: 2 };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) {
    n++;
  }
  return n;
}
