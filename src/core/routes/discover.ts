/**
 * Finds webhook-capable POST routes in one source file, without running it: comments and strings are
 * masked first (`lexer.ts`), then each framework's route forms are matched on the masked code, the
 * path read from the string argument.
 */
import type { Ctx } from './finderKit';
import { nest, nextJs, nodeRouters, fastifyRoute } from './findersJs';
import { django, go, laravel, pythonDecorators, rails } from './findersOther';
import type { LanguageFamily } from './lexer';
import { languageOf, lineStartsOf, maskSource } from './lexer';
import type { RouteDefinition } from './routeTypes';

export { KNOWN_FRAMEWORKS } from './routeTypes';
export type { Framework, RouteDefinition } from './routeTypes';

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
