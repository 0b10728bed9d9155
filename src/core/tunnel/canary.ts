/**
 * The tunnel's end-to-end canary: a request with a random token, sent to the public URL, that must come
 * back from OUR receiver with the same token. The receiver answers it without listing it as an event.
 *
 *   GET <publicUrl>/__webhook-inspector/canary/<token>  ->  200 {"canary":"<token>","ok":true}
 */
import { randomBytes } from 'node:crypto';

export const CANARY_PATH_PREFIX = '/__webhook-inspector/canary/';

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

/** A fresh random token (URL-safe, 128 bits). */
export function newCanaryToken(): string {
  return randomBytes(16).toString('base64url');
}

/** The full canary URL for a public URL (which may itself have a path, e.g. a reverse proxy prefix). */
export function canaryUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${CANARY_PATH_PREFIX}${token}`;
}

/**
 * The token of a canary request path (a query string is allowed and ignored), or undefined when the
 * path is not a canary. Only well-formed tokens count, so an ordinary webhook path is never swallowed.
 */
export function canaryTokenFromPath(path: string): string | undefined {
  const q = path.indexOf('?');
  const pathname = q >= 0 ? path.slice(0, q) : path;
  if (!pathname.startsWith(CANARY_PATH_PREFIX)) {
    return undefined;
  }
  const token = pathname.slice(CANARY_PATH_PREFIX.length);
  return TOKEN.test(token) ? token : undefined;
}

export function isCanaryPath(path: string): boolean {
  return canaryTokenFromPath(path) !== undefined;
}

/** What the receiver sends back; shaped like the receiver's `ReplySpec`. */
export interface CanaryReply {
  readonly status: 200;
  readonly contentType: 'application/json';
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function canaryResponse(token: string): CanaryReply {
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ canary: token, ok: true }),
    headers: { 'cache-control': 'no-store' },
  };
}

/**
 * Ready-made receiver hook: answers a `GET`/`HEAD` canary, returns undefined for everything else.
 * Usable as `hooks.intercept` (or inside one).
 */
export function interceptCanary(req: { readonly method: string; readonly url: string }): CanaryReply | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return undefined;
  }
  const token = canaryTokenFromPath(req.url);
  return token === undefined ? undefined : canaryResponse(token);
}

/** Checks a canary answer: status 200 and the echoed token. Returns an error text, or undefined when good. */
export function checkCanaryAnswer(status: number, body: string, token: string): string | undefined {
  if (status !== 200) {
    return `the public URL answered ${status} instead of 200 (the request did not reach this receiver)`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the public URL answered 200 but not with the canary JSON (something else answered it)';
  }
  const echoed = (parsed as { canary?: unknown } | null)?.canary;
  if (echoed !== token) {
    return 'the public URL answered with a different canary token (it reached another receiver)';
  }
  return undefined;
}
