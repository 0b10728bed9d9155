import { headerProblem, limitBody, pathAndQuery, readReferencedBody, TOKEN } from './importCommon';
import type { TextImport, TextImportContext, TextRequest } from './importCommon';

/**
 * Reads a `.http`/`.rest` file in the REST Client format (ours from "Save as .http", or hand-written)
 * back into requests, with REST Client's rules: requests apart at `###` lines; comment lines (`#`,
 * `//`) dropped; file variables (`@name = value`) before a request, substituted for `{{name}}`; the
 * request line `[METHOD] URL [HTTP/1.1]` (GET when no method) with `?`/`&` lines continuing the query;
 * headers up to the first blank line; then the body, blank lines at its end cut. A body line
 * `< path` (or `<@ path`, variables substituted) stands for the file's bytes, resolved beside the
 * `.http` file. Body lines are joined with LF (REST Client uses the platform's line ending; CRLF for
 * multipart), form lines that start with `&` without one, and an `x-ndjson` body ends with one.
 *
 * "Save as .http" writes inline only what reads back unchanged (see `canInlineHttpBody`), everything
 * else to a file referenced with `< ./name`, and the time received in the comment above each
 * request, so its files come back byte for byte, with their times.
 */

const DELIMITER = /^#{3,}/;
const COMMENT = /^\s*(#|\/\/)/;
const FILE_VARIABLE = /^\s*@([^\s=]+)\s*=\s*(.*?)\s*$/;
const RESPONSE_STATUS = /^\s*HTTP\/[\d.]+/;
const QUERY_CONTINUATION = /^\s*[?&]/;
const FILE_REFERENCE = /^<(?:(@)(\w+)?)?\s+(.+?)\s*$/;
const VARIABLE_REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;
/** Our export's comment: `# evt_… · type · provider · 2026-11-29T12:00:00.000Z`. */
const EXPORT_TIME = /^\s*#.*·\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\s*$/;
const EXPORT_REJECTED = /^\s*# The body was not kept \(([^)]+)\)/;
/** What a request line's URL starts with: a scheme, a path, or a variable. */
const REQUEST_URL = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|\/|\{\{)/;

/** `METHOD URL [HTTP/x.y]` or `URL`: the method and the URL, or undefined when the line is not a request line. */
export function parseRequestLine(line: string): { method: string; url: string } | undefined {
  const trimmed = line.trim();
  let method = 'GET';
  let rest = trimmed;
  const m = /^(\S+)\s+(.*)$/.exec(trimmed);
  if (m && !REQUEST_URL.test(m[1]!)) {
    method = m[1]!;
    rest = m[2]!;
  }
  rest = rest.replace(/\s+HTTP\/.*$/i, '').trim();
  if (!TOKEN.test(method) || !REQUEST_URL.test(rest)) {
    return undefined;
  }
  return { method, url: rest };
}

/** True when the first line that is not blank, a comment or a variable is a request line. */
export function looksLikeHttpFile(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || COMMENT.test(line) || FILE_VARIABLE.test(line)) {
      continue;
    }
    return parseRequestLine(line) !== undefined;
  }
  return false;
}

interface Block {
  /** 1-based line of the request line. */
  readonly line: number;
  /** The request's lines from the request line on, comments dropped, blank lines at the end cut. */
  readonly lines: string[];
  readonly receivedAt?: string;
  readonly rejected?: string;
}

/** Request blocks and the file's variables. */
function splitBlocks(lines: readonly string[]): { blocks: Block[]; variables: Map<string, string> } {
  const variables = new Map<string, string>();
  const blocks: Block[] = [];
  let start = 0;
  const take = (end: number) => {
    let k = start;
    let receivedAt: string | undefined;
    let rejected: string | undefined;
    for (; k < end; k++) {
      const l = lines[k]!;
      const variable = FILE_VARIABLE.exec(l);
      if (variable && !COMMENT.test(l)) {
        variables.set(variable[1]!, variable[2]!);
      } else if (COMMENT.test(l)) {
        receivedAt = EXPORT_TIME.exec(l)?.[1] ?? receivedAt;
        rejected = EXPORT_REJECTED.exec(l)?.[1] ?? rejected;
      } else if (l.trim() !== '') {
        break;
      }
    }
    if (k < end && !RESPONSE_STATUS.test(lines[k]!)) {
      const kept = lines.slice(k, end).filter((l) => !COMMENT.test(l));
      while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') {
        kept.pop();
      }
      blocks.push({ line: k + 1, lines: kept, ...(receivedAt ? { receivedAt } : {}), ...(rejected ? { rejected } : {}) });
    }
  };
  lines.forEach((l, k) => {
    if (DELIMITER.test(l)) {
      take(k);
      start = k + 1;
    }
  });
  take(lines.length);
  return { blocks, variables };
}

/** Reads every request of a `.http` file's text. */
export async function parseHttpRequests(text: string, ctx: TextImportContext): Promise<TextImport> {
  const { blocks, variables } = splitBlocks(text.split(/\r?\n/));
  const requests: TextRequest[] = [];
  const warnings: string[] = [];
  const resolve = (name: string, depth: number): string | undefined => {
    const raw = variables.get(name);
    return raw === undefined || depth > 10
      ? raw
      : raw.replace(VARIABLE_REFERENCE, (whole, inner: string) => resolve(inner, depth + 1) ?? whole);
  };
  for (const [index, block] of blocks.entries()) {
    const label = `Request ${index + 1} (line ${block.line})`;
    const unresolved = new Set<string>();
    const substitute = (s: string) =>
      s.replace(VARIABLE_REFERENCE, (whole, name: string) => {
        const value = resolve(name, 0);
        if (value === undefined) {
          unresolved.add(name);
        }
        return value ?? whole;
      });
    const warn = (w: string) => warnings.push(`${label}: ${w}`);
    try {
      const request = await httpRequest(block, ctx, substitute, warn);
      if (unresolved.size > 0) {
        warn(
          `${[...unresolved].map((n) => `{{${n}}}`).join(', ')} ${unresolved.size === 1 ? 'is a REST Client variable' : 'are REST Client variables'} this file does not define; imported as written.`,
        );
      }
      requests.push(request);
    } catch (err) {
      warnings.push(`${label} was skipped: ${(err as Error).message}`);
    }
  }
  return { requests, warnings, found: blocks.length };
}

async function httpRequest(
  block: Block,
  ctx: TextImportContext,
  substitute: (s: string) => string,
  warn: (w: string) => void,
): Promise<TextRequest> {
  const lines = block.lines;
  let requestLine = substitute(lines[0]!).trim();
  let k = 1;
  while (k < lines.length && QUERY_CONTINUATION.test(lines[k]!)) {
    requestLine += substitute(lines[k]!).trim();
    k++;
  }
  const parsed = parseRequestLine(requestLine);
  if (!parsed) {
    throw new Error(`its first line ${JSON.stringify(requestLine.slice(0, 80))} is not a request line (METHOD URL [HTTP/1.1]).`);
  }
  const headers: Array<[string, string]> = [];
  for (; k < lines.length && lines[k]!.trim() !== ''; k++) {
    const line = substitute(lines[k]!).trim();
    const colon = line.indexOf(':');
    if (colon <= 0) {
      warn(`the line ${JSON.stringify(line.slice(0, 60))} is not a header (Name: value) and was left out.`);
      continue;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const problem = headerProblem(name, value);
    if (problem) {
      warn(problem);
    } else {
      headers.push([name, value]);
    }
  }
  const bodyLines = lines.slice(k + 1);
  const contentType = (headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '').toLowerCase();
  let body: Buffer | 'too-large' | undefined;
  if (bodyLines.length > 0) {
    body = await httpBody(bodyLines, contentType, ctx, substitute, warn);
  }
  const kept = limitBody(body, ctx, warn);
  return {
    method: parsed.method,
    url: pathAndQuery(parsed.url),
    headers,
    ...kept,
    ...(kept.rejected ? {} : block.rejected && body === undefined ? { rejected: block.rejected } : {}),
    ...(block.receivedAt ? { receivedAt: block.receivedAt } : {}),
  };
}

async function httpBody(
  lines: readonly string[],
  contentType: string,
  ctx: TextImportContext,
  substitute: (s: string) => string,
  warn: (w: string) => void,
): Promise<Buffer | 'too-large'> {
  const references = lines.map((l) => FILE_REFERENCE.exec(l));
  if (references.every((r) => r === null)) {
    const text = lines.map(substitute);
    if (contentType.includes('x-www-form-urlencoded')) {
      return Buffer.from(
        text.reduce((all, l, i) => all + (i === 0 || l.startsWith('&') ? '' : '\n') + l, ''),
        'utf8',
      );
    }
    return Buffer.from(text.join('\n') + (contentType.includes('x-ndjson') ? '\n' : ''), 'utf8');
  }
  const lineEnd = Buffer.from(contentType.includes('multipart/form-data') ? '\r\n' : '\n');
  const parts: Buffer[] = [];
  for (const [i, line] of lines.entries()) {
    if (i > 0) {
      parts.push(lineEnd);
    }
    const ref = references[i];
    if (!ref) {
      parts.push(Buffer.from(substitute(line), 'utf8'));
      continue;
    }
    const read = await readReferencedBody(ref[3]!, ctx);
    if (read === 'too-large') {
      return 'too-large';
    }
    if (ref[1]) {
      const encoding = ref[2]?.toLowerCase();
      if (encoding && encoding !== 'utf8' && encoding !== 'utf-8') {
        warn(`the file ${ref[3]} is read as UTF-8, not ${ref[2]}.`);
      }
      parts.push(Buffer.from(substitute(read.toString('utf8')), 'utf8'));
    } else {
      parts.push(read);
    }
  }
  return Buffer.concat(parts);
}
