/**
 * Route discovery: which handler in the workspace a webhook path lands on. Pure: no `vscode`, no
 * execution of user code. See `discover.ts` (per-framework finders), `pathPattern.ts` (matching),
 * `scan.ts` (the bounded, yielding scan both the extension and the bench run).
 */
export { discoverRoutes, KNOWN_FRAMEWORKS, MAX_SOURCE_BYTES, type Framework, type RouteDefinition } from './discover';
export { compilePattern, joinPaths, normalisePath, stripTunnelPrefix, type CompiledPattern } from './pathPattern';
export { languageOf, maskSource } from './lexer';
export { routeMatches, routesForPath, type LocatedRoute } from './match';
export { RouteIndex, scanFiles, type ScanOptions, type ScanResult, SOURCE_GLOB, DEFAULT_EXCLUDES } from './scan';
