/**
 * The attempt chain of a delivery, for the tree and the detail panel: "retry 2 of evt_…", the time
 * since the first attempt ("+1m 03s"), the attempts with the answers we gave.
 */
import type { CapturedEvent } from '../model/event';

/** "+850 ms", "+12s", "+1m 03s", "+2h 05m", "+1d 03h". */
export function elapsedText(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${sign}${Math.round(abs)} ms`;
  }
  const s = Math.floor(abs / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) {
    return `${sign}${s}s`;
  }
  if (s < 3600) {
    return `${sign}${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  }
  if (s < 86400) {
    return `${sign}${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  }
  return `${sign}${Math.floor(s / 86400)}d ${pad(Math.floor((s % 86400) / 3600))}h`;
}

/**
 * "retry 2 of evt_…" for a repeat (`first` is the first attempt when still stored), with
 * "+1m 03s" since the first attempt; undefined for a first attempt.
 */
export function retryText(
  event: Pick<CapturedEvent, 'duplicateOf' | 'attempt' | 'receivedAt'>,
  first?: Pick<CapturedEvent, 'receivedAt'>,
  short = false,
): string | undefined {
  if (!event.duplicateOf) {
    return undefined;
  }
  const n = event.attempt !== undefined ? ` ${event.attempt}` : '';
  const since = first ? `, ${elapsedText(Date.parse(event.receivedAt) - Date.parse(first.receivedAt))}` : '';
  return `retry${n} of ${short ? shortId(event.duplicateOf) : event.duplicateOf}${since}`;
}

/** `evt_0mx90ykktcc53cf008a` → `evt_…cf008a`: enough to tell events apart in a narrow row (the tooltip has the whole id). */
export function shortId(id: string): string {
  const m = /^([a-z]+_)(.{8,})$/.exec(id);
  return m ? `${m[1]}…${m[2]!.slice(-6)}` : id;
}

/** One attempt of a delivery, as the detail panel lists it. */
export interface AttemptRow {
  readonly id: string;
  readonly attempt: number;
  readonly receivedAt: string;
  /** Time since the first attempt (the first: "+0 ms"). */
  readonly since: string;
  /** The status we answered with. */
  readonly status: number;
  /** This row is the event the panel shows. */
  readonly current: boolean;
}

/**
 * The stored attempts of `event`'s delivery, oldest first: the first attempt (if still stored) and
 * every repeat naming it. `events` is any list of stored events (e.g. `store.list()`).
 */
export function attemptChain(events: readonly CapturedEvent[], event: CapturedEvent): AttemptRow[] {
  if (!event.deliveryId) {
    return [];
  }
  const firstId = event.duplicateOf ?? event.id;
  const chain = events.filter((e) => e.id === firstId || e.duplicateOf === firstId);
  if (chain.length < 2) {
    return [];
  }
  chain.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id < b.id ? -1 : 1));
  const t0 = Date.parse(events.find((e) => e.id === firstId)?.receivedAt ?? chain[0]!.receivedAt);
  return chain.map((e, i) => ({
    id: e.id,
    attempt: e.attempt ?? (e.id === firstId ? 1 : i + 1),
    receivedAt: e.receivedAt,
    since: elapsedText(Date.parse(e.receivedAt) - t0),
    status: e.response.status,
    current: e.id === event.id,
  }));
}

/** A delivery and its repeats, for Group By "Delivery": the head is the first attempt (or the oldest stored one). */
export interface DeliveryGroup {
  readonly head: CapturedEvent;
  /** Later attempts, oldest first. */
  readonly retries: CapturedEvent[];
}

/** Nests repeats under their first attempt. `events` newest first; groups ordered by their newest attempt. */
export function groupByDelivery(events: readonly CapturedEvent[]): DeliveryGroup[] {
  const byKey = new Map<string, CapturedEvent[]>();
  for (const e of events) {
    const key = e.duplicateOf ?? e.id;
    const list = byKey.get(key);
    if (list) {
      list.push(e);
    } else {
      byKey.set(key, [e]);
    }
  }
  return [...byKey.entries()].map(([key, list]) => {
    const oldestFirst = [...list].reverse();
    const headIndex = Math.max(
      0,
      oldestFirst.findIndex((e) => e.id === key),
    );
    const head = oldestFirst[headIndex]!;
    return { head, retries: oldestFirst.filter((_, i) => i !== headIndex) };
  });
}
