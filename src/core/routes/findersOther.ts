/** Route finders for Python (Flask, FastAPI, Django), Ruby (Rails), PHP (Laravel) and Go (net/http, chi, gin, echo). */
import type { Ctx } from './finderKit';
import { add, closing, imports, matches, stringAt, stringsIn } from './finderKit';
import { joinPaths } from './pathPattern';
import type { Framework, RouteDefinition } from './routeTypes';

/** Flask `@app.route('/p', methods=['POST'])`, `@bp.post('/p')`; FastAPI `@app.post('/p')`, `APIRouter(prefix=…)`. */
export function pythonDecorators(ctx: Ctx): void {
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
export function django(ctx: Ctx): void {
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
export function rails(ctx: Ctx): void {
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
export function laravel(ctx: Ctx): void {
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
export function go(ctx: Ctx): void {
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
