/** Which handler(s) an event goes to: rules by path, provider and event type, with fan-out. */
import type { CapturedEvent } from '../model/event';
import { eventPath, headerValue } from '../model/event';
import { detectProvider } from '../signatures';
import { signedRequestOf } from './prepare';

export interface RouteRule {
  /** A prefix (`/webhooks/stripe` matches `/webhooks/stripe` and `/webhooks/stripe/…`) or a glob (`*` within a segment, `**` across). */
  path?: string;
  /** Provider id (`stripe`, `github`, …) as `detectProvider` names it. */
  provider?: string;
  /** Event type, glob allowed: `payment_intent.*`, `pull_request.opened`, `orders/create`; `pull_request` also matches `pull_request.opened`. */
  eventType?: string;
  /** One or more target base URLs (fan-out). */
  targets: readonly string[];
}

type RoutableEvent = Pick<CapturedEvent, 'method' | 'url' | 'headers'>;

/**
 * The targets for an event: those of every matching rule, in rule order, without duplicates; the
 * default target when no rule matches. All conditions of a rule must match; a rule with none
 * matches every event. `body` is needed only for rules on event types read from the body.
 */
export function routeTargets(event: RoutableEvent, rules: readonly RouteRule[], defaultTarget: string, body?: Uint8Array): string[] {
  const out: string[] = [];
  let provider: string | null | undefined = null;
  let type: string | null | undefined = null;
  for (const rule of rules) {
    if (rule.path !== undefined && !pathMatches(rule.path, eventPath(event))) {
      continue;
    }
    if (rule.provider !== undefined) {
      if (provider === null) {
        provider = detectProvider(signedRequestOf(event.method, event.url, event.headers, body ?? new Uint8Array()));
      }
      if (provider !== rule.provider) {
        continue;
      }
    }
    if (rule.eventType !== undefined) {
      if (type === null) {
        type = eventType(event, body);
      }
      if (type === undefined || !typeMatches(rule.eventType, type)) {
        continue;
      }
    }
    for (const t of rule.targets) {
      if (!out.includes(t)) {
        out.push(t);
      }
    }
  }
  return out.length ? out : [defaultTarget];
}

/** The event type: from a provider's header (GitHub, Shopify, …) or the JSON body's `type`/`event.type`. */
export function eventType(event: Pick<CapturedEvent, 'headers'>, body?: Uint8Array): string | undefined {
  const json = body && body.byteLength ? parseJson(body) : undefined;
  const github = headerValue(event, 'x-github-event');
  if (github) {
    const action = typeof json?.['action'] === 'string' ? json['action'] : undefined;
    return action ? `${github}.${action}` : github;
  }
  const topic =
    headerValue(event, 'x-shopify-topic') ??
    headerValue(event, 'shopify-topic') ??
    headerValue(event, 'x-gitlab-event') ??
    headerValue(event, 'x-event-key') ??
    headerValue(event, 'x-twilio-event-type');
  if (topic) {
    return topic;
  }
  if (!json) {
    return undefined;
  }
  for (const key of ['type', 'event_type', 'eventType', 'event']) {
    const v = json[key];
    if (typeof v === 'string') {
      return v;
    }
  }
  return undefined;
}

function parseJson(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(body));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A glob, or a whole prefix of dot-separated segments: `pull_request` matches `pull_request.opened`. */
export function typeMatches(pattern: string, type: string): boolean {
  return globMatches(pattern, type, '.') || type.startsWith(`${pattern}.`);
}

export function pathMatches(pattern: string, path: string): boolean {
  if (/[*?]/.test(pattern)) {
    return globMatches(pattern, path, '/');
  }
  const prefix = pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/** `*` matches within one `sep`-separated segment, `**` across segments, `?` one character. */
export function globMatches(pattern: string, value: string, sep: string): boolean {
  const s = sep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') {
      re += `[^${s}]*`;
    } else if (c === '?') {
      re += `[^${s}]`;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`).test(value);
}
