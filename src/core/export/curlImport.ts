import { headerProblem, limitBody, readReferencedBody, TOKEN } from './importCommon';
import type { TextImport, TextImportContext, TextRequest } from './importCommon';
import { IGNORED_FLAGS, IGNORED_WITH_VALUE, REFUSED, REQUEST_OPTIONS, SHORT, takesValue } from './curlOptions';
import { splitShellCommands } from './shellWords';
import type { ShellCommand } from './shellWords';

/**
 * Reads cURL commands (ours from "Copy as cURL", a browser's "Copy as cURL", hand-written ones) back
 * into requests: the method, the path and query of the URL (the host is where it was sent, not part
 * of the event), the headers in order with case and duplicates, and the body bytes curl would send.
 *
 * curl's own rules are followed: `-d`/`--data`/`--data-ascii` read from `@file` drop CR and LF,
 * `--data-binary @file` and `--json @file` do not, `--data-raw` never reads a file, `--data-urlencode`
 * encodes as curl does (space as `+`), several data options are joined with `&` (`--json` pieces
 * without), `-G` puts the data in the query, `-H 'Name:'` removes a header and `-H 'Name;'` sends it
 * empty, a form content type is added to data unless a content type is given or removed, and the path
 * loses its `.`/`..` segments unless `--path-as-is` is given. Options that only change how curl runs
 * (`-s`, `-v`, `-k`, `--compressed`, …) are ignored; any other option stops the import of that command
 * with a warning that names it, so nothing is imported that curl would not send.
 */

/** A command that cannot be imported: the message completes "Command N (line L) was skipped: ". */
class Skip extends Error {}

interface DataPart {
  readonly bytes: Buffer;
  readonly json: boolean;
}

interface CurlState {
  method?: string;
  head: boolean;
  get: boolean;
  urls: string[];
  /** `-H` headers, in order; `null` value: `Name:` (remove curl's own header). */
  custom: Array<[string, string | null]>;
  data: DataPart[];
  hasData: boolean;
  json: boolean;
  user?: string;
  userAgent?: string;
  referer?: string;
  cookie?: string;
  globoff: boolean;
  pathAsIs: boolean;
  tooLarge: boolean;
}

/** True when the first word of a command runs curl (`curl`, `/usr/bin/curl`, `curl.exe`). */
export function isCurlProgram(word: string): boolean {
  return /^(?:.*[/\\])?curl(?:\.exe)?$/i.test(word);
}

/** Reads every curl command of the text (a binary string, see `binaryString`). */
export async function parseCurlCommands(binary: string, ctx: TextImportContext): Promise<TextImport> {
  const requests: TextRequest[] = [];
  const warnings: string[] = [];
  let found = 0;
  for (const command of splitShellCommands(binary)) {
    const words = [...command.words];
    // A copied prompt (`$ curl …`) and variable assignments before the program (`LC_ALL=C curl …`).
    while (
      words.length > 1 &&
      (/^[$%]$/.test(words[0]!.toString('latin1')) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!.toString('latin1')))
    ) {
      words.shift();
    }
    const program = words[0]?.toString('utf8') ?? '';
    if (!isCurlProgram(program)) {
      const shown = program || '(a shell construct)';
      warnings.push(`Line ${command.line}: ${JSON.stringify(shown.slice(0, 40))} is not a curl command; it was ignored.`);
      continue;
    }
    found++;
    const label = `Command ${found} (line ${command.line})`;
    try {
      const request = await curlRequest({ ...command, words: words.slice(1) }, ctx, (w) => warnings.push(`${label}: ${w}`));
      requests.push(request);
    } catch (err) {
      if (!(err instanceof Skip)) {
        throw err;
      }
      warnings.push(`${label} was skipped: ${err.message}`);
    }
  }
  return { requests, warnings, found };
}

async function curlRequest(command: ShellCommand, ctx: TextImportContext, warn: (w: string) => void): Promise<TextRequest> {
  if (command.problem) {
    throw new Skip(`${command.problem}.`);
  }
  const state: CurlState = {
    head: false,
    get: false,
    urls: [],
    custom: [],
    data: [],
    hasData: false,
    json: false,
    globoff: false,
    pathAsIs: false,
    tooLarge: false,
  };
  const args = command.words;
  for (let k = 0; k < args.length; k++) {
    const raw = args[k]!;
    const arg = raw.toString('utf8');
    const nextValue = (name: string): Buffer => {
      const v = args[k + 1];
      if (v === undefined) {
        throw new Skip(`the option ${name} needs a value.`);
      }
      k++;
      return v;
    };
    if (arg.startsWith('--') && arg.length > 2) {
      const long = arg.slice(2);
      await applyOption(long, arg, takesValue(long) ? () => nextValue(arg) : undefined, state, ctx, warn);
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short options (`-sSL`, `-XPOST`): a value-taking one ends it.
      for (let p = 1; p < arg.length; p++) {
        const ch = arg[p]!;
        const long = SHORT[ch];
        if (long === undefined) {
          throw new Skip(`the option -${ch} is not one the import knows, and it may change the request.`);
        }
        if (takesValue(long)) {
          const rest = raw.subarray(Buffer.byteLength(arg.slice(0, p + 1), 'utf8'));
          const value = rest.length > 0 ? rest : nextValue(`-${ch}`);
          await applyOption(long, `-${ch}`, () => value, state, ctx, warn);
          break;
        }
        await applyOption(long, `-${ch}`, undefined, state, ctx, warn);
      }
    } else {
      state.urls.push(arg);
    }
  }
  return buildRequest(state, ctx, warn);
}

async function applyOption(
  long: string,
  shown: string,
  value: (() => Buffer) | undefined,
  state: CurlState,
  ctx: TextImportContext,
  warn: (w: string) => void,
): Promise<void> {
  if (IGNORED_FLAGS.has(long)) {
    if (long === 'globoff') {
      state.globoff = true;
    } else if (long === 'path-as-is') {
      state.pathAsIs = true;
    }
    return;
  }
  if (IGNORED_WITH_VALUE.has(long)) {
    value?.();
    return;
  }
  const refused = REFUSED[long];
  if (refused !== undefined) {
    throw new Skip(`the option ${shown} is not supported (${refused}).`);
  }
  if (!(long in REQUEST_OPTIONS)) {
    throw new Skip(`the option ${shown} is not one the import knows, and it may change the request.`);
  }
  const text = () => value!().toString('utf8');
  switch (long) {
    case 'request':
      state.method = text();
      if (!TOKEN.test(state.method)) {
        throw new Skip(`the method ${JSON.stringify(state.method.slice(0, 40))} is not a valid HTTP method.`);
      }
      return;
    case 'url':
      state.urls.push(text());
      return;
    case 'head':
      state.head = true;
      return;
    case 'get':
      state.get = true;
      return;
    case 'header': {
      const h = text();
      if (h.startsWith('@')) {
        throw new Skip(`${shown} ${h.slice(0, 40)} reads headers from a file, which is not supported.`);
      }
      const colon = h.indexOf(':');
      if (colon < 0) {
        const empty = /^([^;]*);\s*$/.exec(h);
        if (empty) {
          state.custom.push([empty[1]!.trim(), '']);
        } else {
          warn(`the header ${JSON.stringify(h.slice(0, 40))} has no colon; curl does not send it, so it was left out.`);
        }
        return;
      }
      const v = h.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      state.custom.push([h.slice(0, colon).trim(), v === '' ? null : v]);
      return;
    }
    case 'user': {
      const u = text();
      if (!u.includes(':')) {
        throw new Skip(`${shown} without a password makes curl ask for one.`);
      }
      state.user = u;
      return;
    }
    case 'user-agent':
      state.userAgent = text();
      return;
    case 'referer':
      state.referer = text().replace(/;auto$/, '');
      return;
    case 'cookie': {
      const c = text();
      if (!c.includes('=')) {
        throw new Skip(`${shown} ${c.slice(0, 40)} reads cookies from a file, which is not supported.`);
      }
      state.cookie = c;
      return;
    }
    default:
      break;
  }
  // The data options.
  const bytes = value!();
  state.hasData = true;
  const fromFile = async (ref: Buffer): Promise<Buffer | undefined> => {
    const name = ref.toString('utf8');
    if (name === '-') {
      throw new Skip(`${shown} @- reads the body from standard input, which is not part of the command.`);
    }
    const read = await readReferencedBody(name, ctx).catch((err: Error) => {
      throw new Skip(err.message);
    });
    if (read === 'too-large') {
      state.tooLarge = true;
      return undefined;
    }
    return read;
  };
  const at = bytes[0] === 0x40; // '@'
  switch (long) {
    case 'data':
    case 'data-ascii': {
      const content = at ? await fromFile(bytes.subarray(1)) : bytes;
      // curl drops carriage returns and newlines from a file read by --data.
      state.data.push({
        bytes: at && content ? Buffer.from(content.filter((b) => b !== 0x0d && b !== 0x0a)) : (content ?? Buffer.alloc(0)),
        json: false,
      });
      return;
    }
    case 'data-binary':
    case 'json': {
      const content = at ? await fromFile(bytes.subarray(1)) : bytes;
      state.data.push({ bytes: content ?? Buffer.alloc(0), json: long === 'json' });
      state.json ||= long === 'json';
      return;
    }
    case 'data-raw':
      state.data.push({ bytes, json: false });
      return;
    case 'data-urlencode': {
      state.data.push({ bytes: await urlencodeData(bytes, fromFile), json: false });
      return;
    }
    default:
      throw new Skip(`the option ${shown} is not supported.`);
  }
}

/** `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`, as curl reads them. */
async function urlencodeData(arg: Buffer, fromFile: (ref: Buffer) => Promise<Buffer | undefined>): Promise<Buffer> {
  const eq = arg.indexOf(0x3d);
  const atSign = arg.indexOf(0x40);
  if (atSign >= 0 && (eq < 0 || atSign < eq)) {
    const name = arg.subarray(0, atSign);
    const content = (await fromFile(arg.subarray(atSign + 1))) ?? Buffer.alloc(0);
    return name.length ? Buffer.concat([name, Buffer.from('='), formEncode(content)]) : formEncode(content);
  }
  if (eq >= 0) {
    const name = arg.subarray(0, eq);
    const content = formEncode(arg.subarray(eq + 1));
    return name.length ? Buffer.concat([name, Buffer.from('='), content]) : content;
  }
  return formEncode(arg);
}

/** curl's encoding for `--data-urlencode`: unreserved bytes kept, space as `+`, the rest `%XX`. */
function formEncode(bytes: Buffer): Buffer {
  let out = '';
  for (const b of bytes) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return Buffer.from(out, 'latin1');
}

function buildRequest(state: CurlState, ctx: TextImportContext, warn: (w: string) => void): TextRequest {
  if (state.urls.length === 0) {
    throw new Skip('it has no URL.');
  }
  if (state.urls.length > 1) {
    warn(`it has ${state.urls.length} URLs; only the first (${state.urls[0]!.slice(0, 80)}) was imported.`);
  }
  let body: Buffer | undefined;
  if (state.hasData) {
    const pieces: Buffer[] = [];
    state.data.forEach((part, n) => {
      if (n > 0 && !(part.json && state.data[n - 1]!.json)) {
        pieces.push(Buffer.from('&'));
      }
      pieces.push(part.bytes);
    });
    body = Buffer.concat(pieces);
  }
  let url = curlPathAndQuery(state.urls[0]!, state.pathAsIs);
  if (!state.globoff && /[[\]{}]/.test(url)) {
    warn('the URL has [ ] or { } and no --globoff: curl would read them as a pattern of several URLs; it was imported as written.');
  }
  if (state.get && body !== undefined) {
    url += (url.includes('?') ? '&' : '?') + body.toString('utf8');
    body = undefined;
  }
  const method = state.method ?? (state.head ? 'HEAD' : state.get ? 'GET' : state.hasData ? 'POST' : 'GET');

  // curl's own headers that the command sets, in the order curl sends them, unless a -H replaces or
  // removes them; then the -H headers; then the content type curl adds to data.
  const customNames = new Set(state.custom.map(([name]) => name.toLowerCase()));
  const headers: Array<[string, string]> = [];
  const own = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '' && !customNames.has(name.toLowerCase())) {
      headers.push([name, value]);
    }
  };
  own('Authorization', state.user === undefined ? undefined : `Basic ${Buffer.from(state.user, 'utf8').toString('base64')}`);
  own('User-Agent', state.userAgent);
  own('Referer', state.referer);
  own('Cookie', state.cookie);
  for (const [name, value] of state.custom) {
    if (value === null) {
      continue;
    }
    const problem = headerProblem(name, value);
    if (problem) {
      warn(problem);
    } else {
      headers.push([name, value]);
    }
  }
  if (state.json) {
    own('Content-Type', 'application/json');
    own('Accept', 'application/json');
  } else if (state.hasData && !state.get) {
    own('Content-Type', 'application/x-www-form-urlencoded');
  }
  const kept = state.tooLarge ? limitBody('too-large', ctx, warn) : limitBody(body, ctx, warn);
  return { method, url, headers, ...kept };
}

/**
 * The path and query curl sends for a URL: after the scheme and host (a URL without a scheme starts
 * with the host), without the fragment, `/` when empty, dot segments resolved unless `--path-as-is`.
 */
export function curlPathAndQuery(url: string, pathAsIs: boolean): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  let rest = scheme ? url.slice(scheme[0].length) : url;
  const hostEnd = rest.search(/[/?#]/);
  rest = hostEnd < 0 ? '' : rest.slice(hostEnd);
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  let path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q);
  if (path === '') {
    path = '/';
  }
  return (pathAsIs ? path : removeDotSegments(path)) + query;
}

/** RFC 3986 section 5.2.4. */
export function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  while (input.length > 0) {
    if (input.startsWith('../')) {
      input = input.slice(3);
    } else if (input.startsWith('./')) {
      input = input.slice(2);
    } else if (input.startsWith('/./')) {
      input = input.slice(2);
    } else if (input === '/.') {
      input = '/';
    } else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') {
      input = '';
    } else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next < 0 ? input : input.slice(0, next);
      output.push(segment);
      input = input.slice(segment.length);
    }
  }
  return output.join('');
}
