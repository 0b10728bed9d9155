/**
 * Finds webhook-capable POST routes in one source file, without running it: comments and strings are
 * masked first (`lexer.ts`), then each framework's route forms are matched on the masked code, the
 * path read from the string argument.
 */
import type { LanguageFamily, MaskedSource } from './lexer';
import { languageOf, lineStartsOf, maskSource, positionAt } from './lexer';
import { joinPaths } from './pathPattern';

export type Framework =
  | 'express'
  | 'koa-router'
  | 'fastify'
  | 'hono'
  | 'nestjs'
  | 'next-app'
  | 'next-pages'
  | 'flask'
  | 'fastapi'
  | 'django'
  | 'rails'
  | 'laravel'
  | 'net/http'
  | 'chi'
  | 'gin'
  | 'echo';

/** The frameworks the scanner knows, for messages ("known: express, …"). */
export const KNOWN_FRAMEWORKS: readonly string[] = [
  'express',
  'koa-router',
  'fastify',
  'hono',
  'NestJS',
  'Next.js (App and Pages Router)',
  'Flask',
  'FastAPI',
  'Django',
  'Rails',
  'Laravel',
  'Go net/http',
  'chi',
  'gin',
  'echo',
];

export interface RouteDefinition {
  /** `POST`, or `*` when the framework sends every method to the handler (Django `path`, Next.js Pages API routes, Go `http.HandleFunc`). */
  readonly method: 'POST' | '*';
  /** The path pattern as the framework writes it, with a leading slash (`/webhooks/:id`). */
  readonly path: string;
  readonly framework: Framework;
  /** 0-based line and column of the route's definition (the call, decorator or export). */
  readonly line: number;
  readonly column: number;
  /** Go `http.HandleFunc("/p/")`: serves every path under it. */
  readonly subtree?: boolean;
}

/** Files larger than this are skipped (bundles, generated code). */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/** The POST routes defined in `text`; `file` is the workspace-relative (or absolute) path, `/` separated. */
export function discoverRoutes(file: string, text: string): RouteDefinition[] {
  const lang = languageOf(file);
  if (!lang || text.length > MAX_SOURCE_BYTES) {
    return [];
  }
  // Most files have no route at all: skip the masking when no finder could match.
  if (!/post|urlpatterns|handle/i.test(text) && !/(?:^|\/)pages\/api\//.test(file)) {
    return [];
  }
  const src = maskSource(text, lang);
  const ctx: Ctx = { file: file.replace(/\\/g, '/'), text, src, lines: lineStartsOf(text), out: [] };
  FINDERS[lang](ctx);
  const seen = new Set<string>();
  return ctx.out
    .filter((r) => {
      const key = `${r.line}:${r.column}:${r.path}`;
      if (seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

interface Ctx {
  readonly file: string;
  readonly text: string;
  readonly src: MaskedSource;
  readonly lines: number[];
  readonly out: RouteDefinition[];
}

const FINDERS: Record<LanguageFamily, (ctx: Ctx) => void> = {
  js: (ctx) => {
    nextJs(ctx);
    nodeRouters(ctx);
    fastifyRoute(ctx);
    nest(ctx);
  },
  python: (ctx) => {
    pythonDecorators(ctx);
    django(ctx);
  },
  ruby: rails,
  php: laravel,
  go,
};

// ---- helpers -------------------------------------------------------------------------------------

const Q = `["'\`]`;

/** The string literal whose opening quote is at `offset` (a fixed one: no interpolation). */
function stringAt(ctx: Ctx, offset: number): string | undefined {
  const s = ctx.src.strings.get(offset);
  return s && !s.interpolated ? s.value : undefined;
}

function add(ctx: Ctx, offset: number, r: Omit<RouteDefinition, 'line' | 'column'>): void {
  const { line, column } = positionAt(ctx.lines, offset);
  ctx.out.push({ ...r, line, column });
}

/** Every match of `re` (global) on the masked code. */
function* matches(ctx: Ctx, re: RegExp): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(ctx.src.code); m; m = re.exec(ctx.src.code)) {
    yield m;
    if (m[0].length === 0) {
      re.lastIndex++;
    }
  }
}

/** Which module names the file imports or requires (as written in the string). */
function imports(ctx: Ctx): Set<string> {
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
function closing(code: string, open: number): number {
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
function stringsIn(ctx: Ctx, from: number, to: number): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  for (const s of ctx.src.strings.values()) {
    if (s.start >= from && s.start < to && !s.interpolated) {
      out.push({ offset: s.start, value: s.value });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const looksLikePath = (v: string) => v === '' || /^[/*]/.test(v) || /^[\w.\-:[\]{}<>~()]+(\/|$)/.test(v);

// ---- Node ----------------------------------------------------------------------------------------

function nodeFramework(mods: Set<string>, receiver: string): Framework {
  const has = (re: RegExp) => [...mods].some((m) => re.test(m));
  if (has(/^hono(\/|$)/)) {
    return 'hono';
  }
  if (has(/^fastify$/) || /^fastify$/i.test(receiver)) {
    return 'fastify';
  }
  if (has(/^(@koa\/router|koa-router)$/)) {
    return 'koa-router';
  }
  return 'express';
}

/** `app.post('/p'`, `router.post(`, `fastify.post(`, koa-router's named `router.post('name', '/p'`, express's `.route('/p').post(`. */
function nodeRouters(ctx: Ctx): void {
  const mods = imports(ctx);
  for (const m of matches(ctx, new RegExp(`([A-Za-z_$][\\w$]*)\\s*(\\?\\.|\\.)\\s*post\\s*\\(\\s*(${Q})`, 'g'))) {
    const quote = m.index + m[0].length - 1;
    let path = stringAt(ctx, quote);
    if (path === undefined) {
      continue;
    }
    const framework = nodeFramework(mods, m[1]!);
    if (framework === 'koa-router' || !path.startsWith('/')) {
      // koa-router: router.post('name', '/path', …)
      const after = ctx.src.strings.get(quote)!.end;
      const second = new RegExp(`^\\s*,\\s*(${Q})`).exec(ctx.src.code.slice(after, after + 200));
      const v = second ? stringAt(ctx, after + second[0].length - 1) : undefined;
      if (v !== undefined && v.startsWith('/')) {
        path = v;
      }
    }
    if (!looksLikePath(path)) {
      continue;
    }
    add(ctx, m.index, { method: 'POST', path: joinPaths(path), framework });
  }
  // app.route('/p').get(…).post(…)
  for (const m of matches(ctx, new RegExp(`\\.\\s*route\\s*\\(\\s*(${Q})`, 'g'))) {
    const quote = m.index + m[0].length - 1;
    const path = stringAt(ctx, quote);
    if (path === undefined) {
      continue;
    }
    const open = ctx.src.code.lastIndexOf('(', quote);
    const end = closing(ctx.src.code, open);
    const chain = /^(?:\s*\.\s*\w+\s*\([^]*?\))*?\s*\.\s*post\s*\(/.exec(ctx.src.code.slice(end + 1, end + 2000));
    if (chain && looksLikePath(path)) {
      add(ctx, m.index + 1, { method: 'POST', path: joinPaths(path), framework: 'express' });
    }
  }
}

/** `fastify.route({ method: 'POST', url: '/p', … })` (also `method: ['GET', 'POST']`, `path:`). */
function fastifyRoute(ctx: Ctx): void {
  for (const m of matches(ctx, /\.\s*route\s*\(\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    const end = closing(ctx.src.code, open);
    const body = ctx.src.code.slice(open, end);
    const method = /\bmethod\s*:\s*(\[[^\]]*\]|["'`])/.exec(body);
    if (!method) {
      continue;
    }
    const methodFrom = open + method.index + method[0].length - method[1]!.length;
    const methods = stringsIn(ctx, methodFrom, methodFrom + method[1]!.length + (method[1]!.startsWith('[') ? 0 : 40)).map((s) =>
      s.value.toUpperCase(),
    );
    const isPost = method[1]!.startsWith('[') ? methods.includes('POST') : methods[0] === 'POST';
    if (!isPost) {
      continue;
    }
    const url = /\b(?:url|path)\s*:\s*(["'`])/.exec(body);
    const path = url ? stringAt(ctx, open + url.index + url[0].length - 1) : undefined;
    if (path === undefined || !looksLikePath(path)) {
      continue;
    }
    add(ctx, m.index + 1, { method: 'POST', path: joinPaths(path), framework: 'fastify' });
  }
}

/** NestJS: `@Controller('x')` (or `{ path: 'x' }`) then `@Post('y')` / `@Post()` in the class. */
function nest(ctx: Ctx): void {
  const controllers: { offset: number; prefix: string }[] = [];
  for (const m of matches(ctx, /@Controller\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const end = closing(ctx.src.code, open);
    const inner = ctx.src.code.slice(open + 1, end);
    let prefix = '';
    const direct = /^\s*(["'`])/.exec(inner);
    const keyed = /\bpath\s*:\s*(["'`])/.exec(inner);
    if (direct) {
      prefix = stringAt(ctx, open + 1 + direct[0].length - 1) ?? '';
    } else if (keyed) {
      prefix = stringAt(ctx, open + 1 + keyed.index + keyed[0].length - 1) ?? '';
    }
    controllers.push({ offset: m.index, prefix });
  }
  if (controllers.length === 0) {
    return;
  }
  for (const m of matches(ctx, /@Post\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const inner = ctx.src.code.slice(open + 1, closing(ctx.src.code, open));
    const arg = /^\s*(["'`])/.exec(inner);
    const sub = arg ? stringAt(ctx, open + 1 + arg[0].length - 1) : '';
    if (sub === undefined) {
      continue;
    }
    const owner = [...controllers].reverse().find((c) => c.offset < m.index);
    if (!owner) {
      continue;
    }
    add(ctx, m.index, { method: 'POST', path: joinPaths(owner.prefix, sub), framework: 'nestjs' });
  }
}

/**
 * Next.js: App Router `app/**\/route.{ts,js}` exporting `POST` (path from the folders: route groups
 * `(x)` and parallel slots `@x` dropped, `[id]`/`[...slug]` kept), and Pages Router `pages/api/**`.
 */
function nextJs(ctx: Ctx): void {
  const app = /(?:^|\/)app\/((?:[^/]+\/)*)route\.(?:ts|js|mjs|tsx|jsx)$/.exec(ctx.file);
  if (app) {
    const segs = app[1]!.split('/').filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith('@'));
    const path = joinPaths(...segs);
    const exp = /\bexport\s+(?:async\s+)?function\s+POST\b|\bexport\s+(?:const|let|var)\s+POST\b|\bexport\s*\{[^}]*\bPOST\b[^}]*\}/.exec(
      ctx.src.code,
    );
    if (exp) {
      add(ctx, exp.index, { method: 'POST', path, framework: 'next-app' });
    }
    return;
  }
  const pages = /(?:^|\/)pages\/api\/((?:[^/]+\/)*)([^/]+)\.(?:ts|js|mjs|tsx|jsx)$/.exec(ctx.file);
  if (pages) {
    const segs = ['api', ...pages[1]!.split('/').filter(Boolean)];
    if (pages[2] !== 'index') {
      segs.push(pages[2]!);
    }
    const exp = /\bexport\s+default\b/.exec(ctx.src.code);
    if (exp) {
      add(ctx, exp.index, { method: '*', path: joinPaths(...segs), framework: 'next-pages' });
    }
  }
}

// ---- Python --------------------------------------------------------------------------------------

/** Flask `@app.route('/p', methods=['POST'])`, `@bp.post('/p')`; FastAPI `@app.post('/p')`, `APIRouter(prefix=…)`. */
function pythonDecorators(ctx: Ctx): void {
  const code = ctx.src.code;
  const fastapi = /^\s*(?:from\s+fastapi\b|import\s+fastapi\b)/m.test(code);
  // Prefixes written in this file: `router = APIRouter(prefix="/x")`, `bp = Blueprint('x', __name__, url_prefix='/x')`,
  // `app.include_router(router, prefix="/y")`, `app.register_blueprint(bp, url_prefix='/y')`.
  const prefixes = new Map<string, string[]>();
  const prefixArg = (from: number, to: number) => {
    const kw = /\b(?:url_)?prefix\s*=\s*(["'])/.exec(code.slice(from, to));
    return kw ? stringAt(ctx, from + kw.index + kw[0].length - 1) : undefined;
  };
  for (const m of matches(ctx, /\b([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?(APIRouter|Blueprint)\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const p = prefixArg(open, closing(code, open));
    if (p) {
      prefixes.set(m[1]!, [p]);
    }
  }
  for (const m of matches(ctx, /\.\s*(?:include_router|register_blueprint)\s*\(\s*([A-Za-z_][\w.]*)/g)) {
    const open = code.indexOf('(', m.index);
    const p = prefixArg(open, closing(code, open));
    const name = m[1]!.split('.').pop()!;
    if (p) {
      prefixes.set(name, [p, ...(prefixes.get(name) ?? [])]);
    }
  }
  for (const m of matches(ctx, /@\s*([A-Za-z_]\w*)\s*\.\s*(route|post|api_route)\s*\(\s*(["'])?/g)) {
    const open = code.indexOf('(', m.index);
    const end = closing(code, open);
    const first = m[3] ? stringAt(ctx, m.index + m[0].length - 1) : undefined;
    const pathKw = /\bpath\s*=\s*(["'])/.exec(code.slice(open, end));
    const path = first ?? (pathKw ? stringAt(ctx, open + pathKw.index + pathKw[0].length - 1) : undefined);
    if (path === undefined) {
      continue;
    }
    if (m[2] !== 'post') {
      const methods = /\bmethods\s*=\s*[[({]/.exec(code.slice(open, end));
      if (!methods) {
        continue;
      }
      const mOpen = open + methods.index + methods[0].length - 1;
      const list = stringsIn(ctx, mOpen, closing(code, mOpen)).map((s) => s.value.toUpperCase());
      if (!list.includes('POST')) {
        continue;
      }
    }
    const framework: Framework = m[2] === 'api_route' || (m[2] === 'post' && fastapi) ? 'fastapi' : 'flask';
    add(ctx, m.index, { method: 'POST', path: joinPaths(...(prefixes.get(m[1]!) ?? []), path), framework });
  }
}

/** Django `path('p/', view)` in a module with `urlpatterns`. Every method reaches the view. */
function django(ctx: Ctx): void {
  if (!/\burlpatterns\b/.test(ctx.src.code)) {
    return;
  }
  for (const m of matches(ctx, /(?<![\w.])path\s*\(\s*(["'])/g)) {
    const path = stringAt(ctx, m.index + m[0].length - 1);
    if (path === undefined) {
      continue;
    }
    // `path('api/', include(…))` is a prefix for another module's routes, not a handler.
    const open = ctx.src.code.indexOf('(', m.index);
    if (/\binclude\s*\(/.test(ctx.src.code.slice(open, closing(ctx.src.code, open)))) {
      continue;
    }
    add(ctx, m.index, { method: '*', path: joinPaths(path), framework: 'django' });
  }
}

// ---- Ruby, PHP, Go -------------------------------------------------------------------------------

/** Rails `post '/p'` / `post 'p', to: …` (routes files); Sinatra's `post '/p' do` reads the same. */
function rails(ctx: Ctx): void {
  for (const m of matches(ctx, /^[ \t]*post\s*\(?\s*(["'])/gm)) {
    const path = stringAt(ctx, m.index + m[0].length - 1);
    if (path === undefined) {
      continue;
    }
    const col = m[0].search(/post/);
    add(ctx, m.index + col, { method: 'POST', path: joinPaths(path), framework: 'rails' });
  }
}

/** Laravel `Route::post('/p'`, and `Route::match(['get', 'post'], '/p'`. */
function laravel(ctx: Ctx): void {
  for (const m of matches(ctx, /\bRoute\s*::\s*post\s*\(\s*(["'])/g)) {
    const path = stringAt(ctx, m.index + m[0].length - 1);
    if (path !== undefined) {
      add(ctx, m.index, { method: 'POST', path: joinPaths(path), framework: 'laravel' });
    }
  }
  for (const m of matches(ctx, /\bRoute\s*::\s*match\s*\(\s*\[/g)) {
    const open = m.index + m[0].length - 1;
    const end = closing(ctx.src.code, open);
    if (!stringsIn(ctx, open, end).some((s) => s.value.toUpperCase() === 'POST')) {
      continue;
    }
    const next = /^\s*,\s*(["'])/.exec(ctx.src.code.slice(end + 1, end + 200));
    const path = next ? stringAt(ctx, end + 1 + next[0].length - 1) : undefined;
    if (path !== undefined) {
      add(ctx, m.index, { method: 'POST', path: joinPaths(path), framework: 'laravel' });
    }
  }
}

/** Go: `http.HandleFunc("/p"` (and `mux.Handle…`, Go 1.22 `"POST /p"`), chi `r.Post("/p"`, gin/echo `r.POST("/p"`. */
function go(ctx: Ctx): void {
  const mods = imports(ctx);
  const has = (s: string) => [...mods].some((m) => m.includes(s));
  for (const m of matches(ctx, /\b[A-Za-z_]\w*\s*\.\s*(HandleFunc|Handle|POST|Post)\s*\(\s*(["`])/g)) {
    let path = stringAt(ctx, m.index + m[0].length - 1);
    if (path === undefined) {
      continue;
    }
    const kind = m[1]!;
    let method: RouteDefinition['method'] = 'POST';
    let framework: Framework;
    let subtree = false;
    if (kind === 'HandleFunc' || kind === 'Handle') {
      framework = has('go-chi/chi') ? 'chi' : 'net/http';
      const pm = /^([A-Z]+)\s+(\S*)$/.exec(path);
      if (pm) {
        if (pm[1] !== 'POST') {
          continue;
        }
        path = pm[2]!;
      } else {
        method = '*';
      }
      // Go 1.22: a host before the path (`example.com/p`) is not a webhook path we can match.
      if (!path.startsWith('/')) {
        continue;
      }
      subtree = framework === 'net/http' && path.endsWith('/') && !path.endsWith('{$}');
      path = path.replace(/\{\$\}$/, '');
    } else if (kind === 'Post') {
      framework = 'chi';
    } else {
      framework = has('labstack/echo') ? 'echo' : 'gin';
    }
    add(ctx, m.index, { method, path: joinPaths(path), framework, ...(subtree ? { subtree } : {}) });
  }
}
