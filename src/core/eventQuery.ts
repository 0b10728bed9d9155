import { type CapturedEvent, eventPath } from './model/event';

/**
 * A filter typed by the user, e.g. `invoice provider:stripe type:payment_* verdict:invalid`.
 * Bare words match text in the path, the headers and the body; `field:value` terms match a field
 * (`*` is a wildcard). All terms must match.
 */
export interface EventFilter {
  readonly text: string;
  readonly words: readonly string[];
  readonly provider?: RegExp;
  readonly eventType?: RegExp;
  readonly verdict?: RegExp;
  readonly method?: RegExp;
  /** `is:duplicate`: only repeats of a delivery (events with `duplicateOf`). */
  readonly duplicate?: boolean;
}

export function parseFilter(input: string): EventFilter | undefined {
  const text = input.trim();
  if (!text) {
    return undefined;
  }
  const words: string[] = [];
  const fields: Record<string, RegExp> = {};
  let duplicate = false;
  for (const term of text.match(/"[^"]*"|\S+/g) ?? []) {
    const m = /^(provider|type|verdict|method):(.+)$/i.exec(term);
    if (/^is:(duplicate|duplicates|retry|retries)$/i.test(term)) {
      duplicate = true;
    } else if (m) {
      const key = m[1]!.toLowerCase();
      fields[key === 'type' ? 'eventType' : key] = wildcard(m[2]!);
    } else {
      words.push(term.replace(/^"|"$/g, '').toLowerCase());
    }
  }
  return { text, words: words.filter(Boolean), ...fields, ...(duplicate ? { duplicate } : {}) };
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** The verdict word an event shows: `verified`, `invalid`, `unverified` (set by signature checks). */
export function verdictOf(event: CapturedEvent): string {
  const status = event.verification?.status;
  return status === 'valid' ? 'verified' : status === 'invalid' || status === 'stale' || status === 'malformed' ? 'invalid' : 'unverified';
}

/**
 * Whether an event passes the filter. `bodyHits` holds the ids whose body contains every bare word
 * (from `EventStore.searchBodies`); without it, bare words match the path and headers only.
 */
export function matchesFilter(event: CapturedEvent, filter: EventFilter | undefined, bodyHits?: ReadonlySet<string>): boolean {
  if (!filter) {
    return true;
  }
  if (filter.provider && !filter.provider.test(event.provider ?? '')) {
    return false;
  }
  if (filter.eventType && !filter.eventType.test(event.eventType ?? '')) {
    return false;
  }
  if (filter.duplicate && !event.duplicateOf) {
    return false;
  }
  if (filter.method && !filter.method.test(event.method)) {
    return false;
  }
  if (filter.verdict && !filter.verdict.test(verdictOf(event))) {
    return false;
  }
  if (filter.words.length === 0) {
    return true;
  }
  if (bodyHits?.has(event.id)) {
    return true;
  }
  const haystack =
    `${event.method} ${event.url}\n${event.eventType ?? ''}\n${event.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}`.toLowerCase();
  return filter.words.every((w) => haystack.includes(w));
}

/** `delivery` nests repeats under their first attempt (see `delivery/attempts.ts`, `groupByDelivery`). */
export type GroupBy = 'none' | 'time' | 'provider' | 'eventType' | 'path' | 'delivery';

export interface EventGroup {
  readonly key: string;
  readonly label: string;
  readonly events: CapturedEvent[];
}

/** Groups events (already newest first) keeping that order inside each group; groups in first-seen order. */
export function groupEvents(
  events: readonly CapturedEvent[],
  by: Exclude<GroupBy, 'none' | 'delivery'>,
  now: Date = new Date(),
): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const startOfYesterday = startOfToday - 24 * 60 * 60 * 1000;
  for (const event of events) {
    let key: string;
    let label: string;
    switch (by) {
      case 'time': {
        const t = Date.parse(event.receivedAt);
        key = t >= startOfToday ? 'today' : t >= startOfYesterday ? 'yesterday' : 'older';
        label = key === 'today' ? 'Today' : key === 'yesterday' ? 'Yesterday' : 'Older';
        break;
      }
      case 'provider':
        key = event.provider ?? '';
        label = key || 'Unknown sender';
        break;
      case 'eventType':
        key = event.eventType ?? '';
        label = key || 'No event type';
        break;
      case 'path':
        key = eventPath(event);
        label = key;
        break;
    }
    let group = groups.get(key);
    if (!group) {
      group = { key, label, events: [] };
      groups.set(key, group);
    }
    group.events.push(event);
  }
  return [...groups.values()];
}
