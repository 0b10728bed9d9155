/** The filters of `list_events` and `wait_for_event`: provider, event type (with `*`), path prefix, since. */
import { eventPath, type CapturedEvent } from '../model/event';
import { samples } from '../forward';
import { providers } from '../signatures';
import type { EventStore } from '../store';
import { AgentToolError } from './spec';

/** The filter of the input's `provider`, `type` and `path`; an unknown provider is refused, naming the known ones. */
export function filterOf(input: Record<string, unknown>, store: EventStore): EventMatch {
  const provider = input.provider === undefined ? undefined : String(input.provider).toLowerCase();
  if (provider !== undefined && !knownProvider(provider, store)) {
    throw new AgentToolError(`Unknown provider "${provider.slice(0, 64)}". Known: ${[...knownProviders(store)].sort().join(', ')}.`);
  }
  return {
    ...(provider !== undefined ? { provider } : {}),
    ...(input.type !== undefined ? { type: wildcard(String(input.type)) } : {}),
    ...(input.path !== undefined ? { path: String(input.path) } : {}),
  };
}

export interface EventMatch {
  provider?: string;
  type?: RegExp;
  path?: string;
}

export function matchesFilter(e: CapturedEvent, f: EventMatch): boolean {
  if (f.provider !== undefined && (e.verification?.provider ?? e.provider ?? '').toLowerCase() !== f.provider) {
    return false;
  }
  if (f.type && !f.type.test(e.eventType ?? '')) {
    return false;
  }
  if (f.path !== undefined && !eventPath(e).startsWith(f.path)) {
    return false;
  }
  return true;
}

function knownProviders(store: EventStore): Set<string> {
  const known = new Set<string>([...providers.map((p) => p.id), ...samples.map((s) => s.provider)]);
  for (const e of store.list()) {
    if (e.provider) {
      known.add(e.provider.toLowerCase());
    }
  }
  return known;
}

function knownProvider(provider: string, store: EventStore): boolean {
  return knownProviders(store).has(provider);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

/** Milliseconds of an ISO 8601 time (a date, or a date and time with an optional zone); throws otherwise. */
export function parseSince(text: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const ms = ok ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(ms)) {
    throw new AgentToolError(`since must be an ISO 8601 time such as 2026-01-31T12:00:00Z, not ${JSON.stringify(text.slice(0, 40))}.`);
  }
  return ms;
}
