/** What route discovery finds: the route, its framework and where it is defined. */
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
