/** Route finders for Node frameworks: express, koa-router, fastify, hono, NestJS, Next.js. */
import type { Ctx } from './finderKit';
import { add, closing, imports, looksLikePath, matches, Q, stringAt, stringsIn } from './finderKit';
import { joinPaths } from './pathPattern';
import type { Framework } from './routeTypes';

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
export function nodeRouters(ctx: Ctx): void {
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
export function fastifyRoute(ctx: Ctx): void {
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
export function nest(ctx: Ctx): void {
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
export function nextJs(ctx: Ctx): void {
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
