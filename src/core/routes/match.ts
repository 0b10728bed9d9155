/** Matching events' paths to discovered routes. */
import type { RouteDefinition } from './discover';
import { compilePattern, normalisePath, stripTunnelPrefix } from './pathPattern';

/** A route found in a file. */
export interface LocatedRoute extends RouteDefinition {
  /** The file, as the scanner named it (a URI string in VS Code, a path in the CLI and tests). */
  readonly file: string;
}

const compiled = new WeakMap<RouteDefinition, ReturnType<typeof compilePattern>>();

function patternOf(r: RouteDefinition) {
  let c = compiled.get(r);
  if (!c) {
    c = compilePattern(r.path, { subtree: r.subtree === true });
    compiled.set(r, c);
  }
  return c;
}

/** Whether a route serves a concrete request path (query ignored). */
export function routeMatches(route: RouteDefinition, path: string): boolean {
  return patternOf(route).matches(normalisePath(path));
}

/**
 * The routes that serve an event's path, most specific first (literal segments before parameters,
 * parameters before catch-alls). The tunnel prefix (an `external` URL's path) is removed first;
 * `lookedFor` is the path actually matched, for messages.
 */
export function routesForPath<R extends RouteDefinition>(
  routes: Iterable<R>,
  path: string,
  publicUrl?: string,
): { lookedFor: string; matches: R[] } {
  const lookedFor = stripTunnelPrefix(path, publicUrl);
  const found: R[] = [];
  for (const r of routes) {
    if (routeMatches(r, lookedFor)) {
      found.push(r);
    }
  }
  found.sort((a, b) => patternOf(b).specificity - patternOf(a).specificity);
  return { lookedFor, matches: found };
}
