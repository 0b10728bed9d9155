/**
 * Ordered replay: deliver several requests to one target in a chosen order and pace, one after
 * another, through the resend path of `src/core/forward` (same header hygiene, same re-signing).
 * Used by `webhook-inspector replay` and VS Code's Replay Selection…; items come from the store or
 * from a scenario file.
 */
import type { CapturedEvent } from '../model/event';
import { eventPath } from '../model/event';
import type { DeliveryLog } from '../forward/deliveryLog';
import type { PreflightWarning, ResendSource, ResignMode } from '../forward/prepare';
import { preflight } from '../forward/prepare';
import { resend } from '../forward/resend';
import type { HostGuard } from '../forward/target';
import { parseTarget } from '../forward/target';
import type { Sleep, Transport } from '../forward/types';
import type { Delivery } from '../model/delivery';
import { realSleep } from '../forward/types';
import type { Pacing, ReplayOrder } from './order';
import { delaysFor, orderItems } from './order';
import type { Scenario } from './scenario';
import { scenarioBody } from './scenario';

/** One request to replay. */
export interface ReplayItem {
  /** The event id, or `#<index>` for a scenario entry. */
  readonly id: string;
  readonly label: string;
  readonly source: ResendSource;
  readonly provider?: string;
  readonly body: () => Promise<Uint8Array>;
  /** Arrival time in ms (any origin), for pacing as received. */
  readonly atMs: number;
}

export interface ReplayOptions {
  readonly target: string;
  readonly order: ReplayOrder;
  /** Used by `shuffle`. */
  readonly seed?: number;
  readonly pacing: Pacing;
  readonly resign: ResignMode;
  /** The provider's secrets; `path` (the event's path) picks path-bound ones first. */
  readonly secretsFor: (provider: string, path: string) => readonly string[];
  readonly guard: HostGuard;
  /** Records deliveries on stored events (not for scenarios). */
  readonly log?: DeliveryLog;
  readonly transport?: Transport;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal;
  /** Which statuses count as success. Default: 2xx. */
  readonly expect?: (status: number) => boolean;
  /** Called after each delivery. */
  readonly onResult?: (result: ReplayResult, index: number, total: number) => void;
  /** Called before waiting `ms` ahead of delivery `index`. */
  readonly onWait?: (ms: number, index: number) => void;
}

export interface ReplayResult {
  readonly item: Pick<ReplayItem, 'id' | 'label'>;
  /** The position in the replay, from 1. */
  readonly position: number;
  readonly delivery?: Delivery;
  /** Why it was not sent (no body, cannot re-sign, refused host). */
  readonly error?: string;
  readonly ok: boolean;
}

export interface ReplaySummary {
  readonly order: ReplayOrder;
  readonly seed?: number;
  readonly results: readonly ReplayResult[];
  readonly failed: readonly ReplayResult[];
  /** True when cancelled before every item was delivered. */
  readonly cancelled: boolean;
}

/** Items from stored events (sorted oldest first here, whatever order they come in). */
export function itemsFromEvents(events: readonly CapturedEvent[], readBody: (id: string) => Promise<Uint8Array>): ReplayItem[] {
  return [...events]
    .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id < b.id ? -1 : 1))
    .map((e) => ({
      id: e.id,
      label: `${e.eventType ?? `${e.method} ${e.url}`}`,
      source: e,
      ...(providerOf(e) ? { provider: providerOf(e)! } : {}),
      body: () => readBody(e.id),
      atMs: Date.parse(e.receivedAt),
    }));
}

/** The provider re-signing needs: the verified one when known (e.g. `clerk` rather than `svix`). */
function providerOf(e: CapturedEvent): string | undefined {
  return e.verification?.provider ?? e.provider;
}

/** Items from a scenario, in file order, arrival times from the gaps. */
export function itemsFromScenario(scenario: Scenario): ReplayItem[] {
  let at = 0;
  return scenario.events.map((e, i) => {
    at += e.gapMs;
    const body = scenarioBody(e);
    return {
      id: `#${i}`,
      label: e.eventType ?? `${e.method} ${e.url}`,
      source: { id: `scenario#${i}`, method: e.method, url: e.url, headers: e.headers },
      ...(e.provider ? { provider: e.provider } : {}),
      body: () => Promise.resolve(body),
      atMs: at,
    };
  });
}

/** Warnings the user should see before a replay (stale stored signatures when not re-signing, …), per item. */
export async function replayWarnings(
  items: readonly ReplayItem[],
  options: Pick<ReplayOptions, 'target' | 'resign' | 'secretsFor' | 'guard'>,
): Promise<Array<{ item: ReplayItem; warning: PreflightWarning }>> {
  const url = parseTarget(options.target);
  const out: Array<{ item: ReplayItem; warning: PreflightWarning }> = [];
  for (const item of items) {
    try {
      const check = preflight(item.source, await item.body(), url, signingFor(item, options));
      for (const warning of check.warnings) {
        if (warning.code !== 'confirm-host') {
          out.push({ item, warning });
        }
      }
    } catch (err) {
      out.push({ item, warning: { code: 'invalid-signature', message: (err as Error).message, blocking: true } });
    }
  }
  return out;
}

/** Delivers the items in the chosen order and pace. A failed delivery does not stop the replay. */
export async function replay(items: readonly ReplayItem[], options: ReplayOptions): Promise<ReplaySummary> {
  const ordered = orderItems(items, options.order, options.seed ?? 0);
  const delays = delaysFor(
    ordered.map((i) => i.atMs),
    options.pacing,
  );
  const sleep = options.sleep ?? realSleep;
  const expect = options.expect ?? ((s: number) => s >= 200 && s < 300);
  const results: ReplayResult[] = [];
  let cancelled = false;
  for (const [index, item] of ordered.entries()) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const wait = delays[index]!;
    if (wait > 0) {
      options.onWait?.(wait, index);
      await sleep(wait, options.signal);
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
    }
    let result: ReplayResult;
    try {
      const delivery = await resend(item.source, await item.body(), options.target, {
        ...signingFor(item, options),
        guard: options.guard,
        // Replay is on purpose: preflight warnings are shown before it starts (replayWarnings).
        confirmed: true,
        ...(options.log ? { log: options.log } : {}),
        ...(options.transport ? { transport: options.transport } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const ok = delivery.status !== undefined && expect(delivery.status);
      result = { item: { id: item.id, label: item.label }, position: index + 1, delivery, ok };
    } catch (err) {
      result = { item: { id: item.id, label: item.label }, position: index + 1, error: (err as Error).message, ok: false };
    }
    results.push(result);
    options.onResult?.(result, index, ordered.length);
  }
  return {
    order: options.order,
    ...(options.order === 'shuffle' ? { seed: options.seed ?? 0 } : {}),
    results,
    failed: results.filter((r) => !r.ok),
    cancelled,
  };
}

function signingFor(item: ReplayItem, options: Pick<ReplayOptions, 'resign' | 'secretsFor'>) {
  return {
    resign: options.resign,
    ...(item.provider ? { provider: item.provider, secrets: [...options.secretsFor(item.provider, eventPath(item.source))] } : {}),
    // A provider's retry keeps its message id: so does a replay (freshId would make every repeat look new).
    freshId: false,
  };
}

/** `2xx`, `200`, `2xx,304`: which statuses count as success. */
export function parseExpectStatus(raw: string): (status: number) => boolean {
  const parts = raw
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^[1-5](\d\d|xx)$/.test(p))) {
    throw new Error(`--expect-status takes status codes or classes such as 2xx, 200 or 2xx,304, not "${raw}".`);
  }
  return (status) => parts.some((p) => (p.endsWith('xx') ? Math.floor(status / 100) === Number(p[0]) : status === Number(p)));
}

/** One line per non-2xx or failed delivery, for the summary. */
export function describeFailures(summary: ReplaySummary): string[] {
  return summary.failed.map(
    (r) =>
      `#${r.position} ${r.item.id} ${r.item.label}: ${r.delivery?.status !== undefined ? `status ${r.delivery.status}` : (r.delivery?.error ?? r.error ?? 'failed')}`,
  );
}
