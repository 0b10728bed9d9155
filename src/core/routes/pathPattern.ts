/**
 * Route path patterns of every known framework, matched against concrete request paths.
 *
 * | Syntax | Frameworks | Matches |
 * | --- | --- | --- |
 * | `:id`, `:id?`, `:id(\\d+)` | express, koa-router, fastify, hono, Rails, gin, echo | one segment (optional with `?`) |
 * | `[id]`, `[...slug]`, `[[...slug]]` | Next.js | one segment; one or more; zero or more |
 * | `{id}`, `{id?}`, `{id:[0-9]+}`, `{path:path}`, `{rest...}` | FastAPI, Laravel, chi, Go 1.22 | one segment (optional with `?`); the rest of the path |
 * | `<id>`, `<int:id>`, `<path:p>` | Flask, Django | one segment; the rest of the path |
 * | `*`, `*name` | express, fastify, hono, gin, echo, Rails | the rest of the path (zero or more segments) |
 *
 * Trailing slashes are ignored (`/hooks/` and `/hooks` are the same route) unless `subtree` is set
 * (Go's `http.HandleFunc("/hooks/")`, which serves everything under it).
 */

type Part = { kind: 'literal'; text: string } | { kind: 'param'; optional: boolean } | { kind: 'rest'; min: 0 | 1 };

export interface CompiledPattern {
  readonly pattern: string;
  /** Higher is more specific: literal segments count most, then parameters; rests least. */
  readonly specificity: number;
  matches(path: string): boolean;
}

export function compilePattern(pattern: string, options: { subtree?: boolean } = {}): CompiledPattern {
  const segments = splitPath(pattern);
  const parts: Part[][] = segments.map(parseSegment);
  let specificity = 0;
  for (const seg of parts) {
    for (const p of seg) {
      specificity += p.kind === 'literal' ? 100 : p.kind === 'param' ? 10 : 1;
    }
  }
  const re = new RegExp(`^${parts.map(segmentRegex).join('')}${options.subtree ? '(?:/.*)?' : ''}/?$`, 's');
  return {
    pattern,
    specificity,
    matches: (path) => re.test(normalisePath(path)),
  };
}

/** The path without query and with one leading slash; `//` runs kept as written. */
export function normalisePath(path: string): string {
  const q = path.search(/[?#]/);
  const p = q === -1 ? path : path.slice(0, q);
  return p.startsWith('/') ? p : `/${p}`;
}

function splitPath(pattern: string): string[] {
  return pattern.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
}

/** One segment into literal text and parameters (a segment can mix them: `file.:ext`, `v{n}`). */
function parseSegment(seg: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  const flush = () => {
    if (lit) {
      parts.push({ kind: 'literal', text: lit });
    }
    lit = '';
  };
  let i = 0;
  while (i < seg.length) {
    const c = seg[i]!;
    const rest = seg.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\[\[\.\.\.[^\]]*\]\]/.exec(rest))) {
      flush();
      parts.push({ kind: 'rest', min: 0 });
    } else if ((m = /^\[\.\.\.[^\]]*\]/.exec(rest))) {
      flush();
      parts.push({ kind: 'rest', min: 1 });
    } else if ((m = /^\[[^\]]+\]/.exec(rest))) {
      flush();
      parts.push({ kind: 'param', optional: false });
    } else if ((m = /^\{[A-Za-z_]\w*(:path|\.\.\.)\}/.exec(rest))) {
      flush();
      parts.push({ kind: 'rest', min: 0 });
    } else if ((m = /^\{[^}]*\}/.exec(rest))) {
      flush();
      parts.push({ kind: 'param', optional: /\?\}$/.test(m[0]) });
    } else if ((m = /^<path:[^>]*>/.exec(rest))) {
      flush();
      parts.push({ kind: 'rest', min: 0 });
    } else if ((m = /^<[^>]+>/.exec(rest))) {
      flush();
      parts.push({ kind: 'param', optional: false });
    } else if ((m = /^:[A-Za-z_$][\w$]*(\([^)]*\))?(\?)?/.exec(rest)) && (i === 0 || /[.\-~]/.test(seg[i - 1]!))) {
      flush();
      parts.push({ kind: 'param', optional: m[2] === '?' });
    } else if ((m = /^\*[\w$]*/.exec(rest))) {
      flush();
      parts.push({ kind: 'rest', min: 0 });
    } else {
      lit += c;
      i++;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return parts;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function segmentRegex(parts: Part[]): string {
  if (parts.length === 1 && parts[0]!.kind === 'rest') {
    return parts[0].min === 0 ? '(?:/.*)?' : '/.+';
  }
  if (parts.length === 1 && parts[0]!.kind === 'param' && parts[0].optional) {
    return '(?:/[^/]+)?';
  }
  let re = '/';
  for (const p of parts) {
    if (p.kind === 'literal') {
      re += esc(p.text);
    } else if (p.kind === 'param') {
      re += p.optional ? '[^/]*' : '[^/]+';
    } else {
      re += p.min === 0 ? '.*' : '.+';
    }
  }
  return re;
}

/** Joins a prefix and a path as frameworks do: one slash between, a leading slash, no trailing one unless the path had it. */
export function joinPaths(...parts: string[]): string {
  const segs = parts.map((p) => p.trim()).filter((p) => p !== '' && p !== '/');
  if (segs.length === 0) {
    return '/';
  }
  const last = parts[parts.length - 1] ?? '';
  const joined = `/${segs
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return last.length > 1 && last.endsWith('/') ? `${joined}/` : joined;
}

/**
 * The path a route would see once the tunnel's own prefix is removed: an `external` tunnel URL may
 * carry a path (`https://proxy.example/hooks` forwarding `/hooks/stripe` as is). Localtunnel URLs
 * have none, so their paths come through unchanged.
 */
export function stripTunnelPrefix(path: string, publicUrl?: string): string {
  const p = normalisePath(path);
  if (!publicUrl) {
    return p;
  }
  let prefix: string;
  try {
    prefix = new URL(publicUrl).pathname.replace(/\/+$/, '');
  } catch {
    return p;
  }
  if (prefix === '' || prefix === '/') {
    return p;
  }
  if (p === prefix) {
    return '/';
  }
  return p.startsWith(`${prefix}/`) ? p.slice(prefix.length) : p;
}
