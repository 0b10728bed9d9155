import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { discoverRoutes, maskSource, MAX_SOURCE_BYTES } from '../../../src/core/routes';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'routes');

/** Routes of a fixture as `METHOD path framework line` (1-based lines, as an editor shows them). */
function routesOf(rel: string): string[] {
  const text = readFileSync(path.join(FIXTURES, rel), 'utf8');
  return discoverRoutes(rel, text).map((r) => `${r.method} ${r.path} ${r.framework} ${r.line + 1}${r.subtree ? ' subtree' : ''}`);
}

/** The text a route's line holds, to prove the position points at the definition. */
function lineOf(rel: string, line: number): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8').split('\n')[line]!;
}

describe('route discovery per framework (test/fixtures/routes)', () => {
  test('express: app.post, router.post, app.route().post, optional chaining; not comments, strings, templates, regex literals, GET', () => {
    assert.deepEqual(routesOf('express/server.js'), [
      'POST /webhooks/stripe express 10',
      'POST /orders/:orderId/events express 14',
      'POST /webhooks/github express 16',
      'POST /files/* express 19',
    ]);
    const [first] = discoverRoutes('express/server.js', readFileSync(path.join(FIXTURES, 'express/server.js'), 'utf8'));
    assert.ok(lineOf('express/server.js', first!.line).slice(first!.column).startsWith("app.post('/webhooks/stripe'"));
  });

  test('koa-router: named routes take the second string', () => {
    assert.deepEqual(routesOf('koa/router.ts'), ['POST /webhooks/shopify/:topic koa-router 3', 'POST /webhooks/slack koa-router 4']);
  });

  test('fastify: fastify.post and fastify.route({ method, url }) in any key order, method arrays; GET-only routes left out', () => {
    assert.deepEqual(routesOf('fastify/app.mjs'), [
      'POST /webhooks/paddle fastify 3',
      'POST /webhooks/clerk/:tenant fastify 4',
      'POST /webhooks/many fastify 9',
    ]);
  });

  test('hono', () => {
    assert.deepEqual(routesOf('hono/index.ts'), ['POST /webhooks/resend hono 3', 'POST /webhooks/:provider/* hono 4']);
  });

  test('NestJS: @Controller prefix (string or { path }) joined with @Post; @Post() alone; commented decorator ignored', () => {
    assert.deepEqual(routesOf('nest/webhooks.controller.ts'), [
      'POST /webhooks/stripe nestjs 5',
      'POST /webhooks/:provider/events nestjs 12',
      'POST /admin nestjs 18',
    ]);
  });

  test('Next.js App Router: path from folders, route groups dropped, [param] kept, only files exporting POST', () => {
    assert.deepEqual(routesOf('next/app/webhooks/stripe/route.ts'), ['POST /webhooks/stripe next-app 7']);
    assert.deepEqual(routesOf('next/app/(hooks)/hooks/[provider]/route.js'), ['POST /hooks/[provider] next-app 1']);
    assert.deepEqual(routesOf('next/app/api/events/[...slug]/route.ts'), [], 'a commented-out POST export does not count');
    assert.deepEqual(discoverRoutes('src/app/api/[[...all]]/route.ts', 'export { handler as GET, handler as POST };'), [
      { method: 'POST', path: '/api/[[...all]]', framework: 'next-app', line: 0, column: 0 },
    ]);
    assert.deepEqual(discoverRoutes('app/webhooks/page.tsx', 'export async function POST() {}'), [], 'only route files');
  });

  test('Next.js Pages Router: pages/api/** default exports, index files name their folder', () => {
    assert.deepEqual(routesOf('next/pages/api/webhooks/github.ts'), ['* /api/webhooks/github next-pages 3']);
    assert.deepEqual(
      discoverRoutes('web/pages/api/hooks/index.js', 'export default function h(req, res) { res.end() }').map((r) => r.path),
      ['/api/hooks'],
    );
  });

  test('Flask: route with methods containing POST (list or tuple), blueprint .post with url_prefix; docstrings and comments ignored', () => {
    assert.deepEqual(routesOf('flask/app.py'), [
      'POST /webhooks/twilio flask 11',
      'POST /users/<int:user_id>/hooks flask 19',
      'POST /bp/events/<path:rest> flask 23',
    ]);
  });

  test('FastAPI: @app.post, APIRouter prefix in the same file; f-strings ignored', () => {
    assert.deepEqual(routesOf('fastapi/main.py'), ['POST /webhooks/github fastapi 6', 'POST /integrations/{provider}/callback fastapi 10']);
    const text =
      'from fastapi import FastAPI, APIRouter\nrouter = APIRouter()\n@router.post("/x")\ndef x(): pass\napp.include_router(router, prefix="/v1")\n';
    assert.deepEqual(
      discoverRoutes('api.py', text).map((r) => r.path),
      ['/v1/x'],
      'include_router prefix',
    );
  });

  test('Django: path() in urlpatterns, include() prefixes and comments left out', () => {
    assert.deepEqual(routesOf('django/urls.py'), ['* /webhooks/stripe/ django 5', '* /orders/<int:order_id>/hook django 6']);
    assert.deepEqual(discoverRoutes('views.py', "path('no/urlpatterns/', view)"), [], 'only URL modules');
  });

  test('Rails: post with and without a leading slash; =begin blocks and # comments ignored', () => {
    assert.deepEqual(routesOf('rails/routes.rb'), ['POST /webhooks/stripe rails 2', 'POST /webhooks/:provider rails 3']);
  });

  test('Laravel: Route::post, Route::match with post; comments and strings ignored', () => {
    assert.deepEqual(routesOf('laravel/api.php'), [
      'POST /webhooks/paddle laravel 5',
      'POST /webhooks/{provider}/{id?} laravel 6',
      'POST /webhooks/lemonsqueezy laravel 9',
    ]);
  });

  test('Go: http.HandleFunc (any method), Go 1.22 "POST /p" patterns, subtree patterns, gin, chi, echo; raw strings and comments ignored', () => {
    assert.deepEqual(routesOf('go/main.go'), [
      '* /webhooks/stripe net/http 10',
      'POST /webhooks/{provider}/events net/http 12',
      '* /hooks/ net/http 14 subtree',
      'POST /webhooks/github/*path gin 17',
    ]);
    assert.deepEqual(routesOf('go/chi.go'), ['POST /webhooks/{id:[0-9]+} chi 7']);
    assert.deepEqual(routesOf('go/echo.go'), ['POST /webhooks/echo/:id echo 7']);
  });
});

describe('route discovery: bad and odd input', () => {
  test('unknown file types, empty text, binary garbage and oversized files give no routes and do not throw', () => {
    assert.deepEqual(discoverRoutes('README.md', "app.post('/x')"), []);
    assert.deepEqual(discoverRoutes('a.js', ''), []);
    assert.deepEqual(discoverRoutes('a.js', '\u0000\u0001post("\u0000'), []);
    const big = `app.post('/big', h);\n${' '.repeat(MAX_SOURCE_BYTES)}`;
    assert.deepEqual(discoverRoutes('big.js', big), []);
  });

  test('unterminated strings and comments do not throw, and routes before them are still found', () => {
    assert.deepEqual(
      discoverRoutes('a.js', "app.post('/ok', h);\nconst s = 'never closed\n/* open comment").map((r) => r.path),
      ['/ok'],
    );
    assert.deepEqual(
      discoverRoutes('a.py', "@app.post('/ok')\ndef f(): pass\nx = '''open").map((r) => r.path),
      ['/ok'],
    );
  });

  test('Windows separators in the file name still place Next.js routes', () => {
    assert.deepEqual(
      discoverRoutes('web\\app\\hooks\\route.ts', 'export function POST() {}').map((r) => r.path),
      ['/hooks'],
    );
  });

  test('masking keeps length and line breaks, blanks comments and string contents, remembers strings', () => {
    const text = "a('/x') // app.post('/y')\n/* z */ b";
    const m = maskSource(text, 'js');
    assert.equal(m.code.length, text.length);
    assert.equal(m.code.split('\n').length, 2);
    assert.ok(!m.code.includes('/y') && !m.code.includes('z'));
    assert.equal(m.strings.get(2)?.value, '/x');
  });
});
