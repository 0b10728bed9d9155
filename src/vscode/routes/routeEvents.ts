/** Which captured events belong to a route, and how they are labelled in lenses and pickers. */
import type { CapturedEvent } from '../../core/model/event';
import { eventPath } from '../../core/model/event';
import { eventType, routeTargets } from '../../core/forward';
import type { RouteDefinition } from '../../core/routes/discover';
import { routeMatches } from '../../core/routes/match';
import { stripTunnelPrefix } from '../../core/routes/pathPattern';
import { readForwardSettings, readSettings } from '../settings';

/** The public URL whose path is the tunnel's prefix: the running tunnel's, else the `external` setting. */
export function tunnelUrl(running: string | undefined): string | undefined {
  if (running) {
    return running;
  }
  const s = readSettings().tunnel;
  return s.provider === 'external' && s.externalUrl ? s.externalUrl : undefined;
}

/** Events a route serves, newest first (rejected ones have no body to send). */
export function eventsForRoute(
  events: readonly CapturedEvent[],
  route: Pick<RouteDefinition, 'method' | 'path' | 'subtree'>,
  publicUrl: string | undefined,
): CapturedEvent[] {
  const r = { ...route, framework: 'express' as const, line: 0, column: 0 };
  return events.filter(
    (e) =>
      !e.rejected && (route.method === '*' || e.method === route.method) && routeMatches(r, stripTunnelPrefix(eventPath(e), publicUrl)),
  );
}

/** The routing rules' target for the event, else `forward.target`. */
export function lensTarget(event: CapturedEvent, body?: Uint8Array): string {
  const s = readForwardSettings();
  return routeTargets(event, s.routes, s.target, body)[0] ?? s.target;
}

/** Text from a payload, safe for a lens or quick pick: no control or bidi characters, no `$(icon)` syntax, bounded. */
export function plain(text: string, max = 60): string {
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\$\(/g, '$\u200b(');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function eventLabel(e: CapturedEvent): string {
  return plain(e.eventType ?? eventType(e) ?? `${e.method} ${eventPath(e)}`);
}

export function ageOf(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) {
    return 'just now';
  }
  const m = Math.round(s / 60);
  if (m < 60) {
    return `${m} min ago`;
  }
  const h = Math.round(m / 60);
  if (h < 24) {
    return `${h} h ago`;
  }
  const d = Math.round(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

export function verdictOf(e: CapturedEvent): string {
  const v = e.verification;
  if (e.handshake) {
    return 'handshake';
  }
  if (!v) {
    return 'not verified';
  }
  switch (v.status) {
    case 'valid':
      return '✓ signature valid';
    case 'invalid':
      return '✗ signature invalid';
    case 'stale':
      return 'signature stale';
    case 'no-secret':
      return 'no secret set';
    case 'no-signature':
      return 'no signature';
    default:
      return `signature ${v.status}`;
  }
}
