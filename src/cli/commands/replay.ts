/**
 * `webhook-inspector replay <id…> --to URL [--order …] [--seed N] [--delay MS | --as-received [--speed N]]`
 * and `webhook-inspector replay --scenario FILE --to URL [--expect-status 2xx]` (no store needed).
 * Exit codes: 0 all deliveries matched the expected status (2xx by default), 1 any failed or did not,
 * 2 bad usage or a malformed scenario file.
 */
import { promises as fsp } from 'node:fs';
import type { CapturedEvent } from '../../core/model/event';
import { DeliveryLog, loopbackOnlyGuard } from '../../core/forward/index';
import type { ResignMode } from '../../core/forward/index';
import type { Logger } from '../../core/logger';
import type { Pacing, ReplayItem, ReplayOrder, ReplayResult } from '../../core/replay/index';
import {
  ScenarioError,
  describeReplay,
  itemsFromEvents,
  itemsFromScenario,
  newSeed,
  parseExpectStatus,
  parseOrder,
  parseScenario,
  parseSeed,
  replay,
  replayWarnings,
} from '../../core/replay/index';
import { EventStore, StoreLockedError } from '../../core/store';
import type { StaticSecrets } from '../../core/verification';
import { CliError } from '../errors';
import { checkedTarget } from '../forward';
import type { CliIo } from '../io';
import { cliSecrets, resignMode, type CliArgs } from '../args';
import { commandLogger } from '../io';

export interface ReplayFlags {
  storeDir: string;
  json: boolean;
  ids: readonly string[];
  scenario?: string;
  to?: string;
  order?: string;
  seed?: string;
  delay?: string;
  asReceived: boolean;
  speed?: string;
  expectStatus?: string;
  resign: ResignMode;
  secrets: StaticSecrets;
  allowHosts: readonly string[];
  logger: Logger;
}

export async function replayCommand(io: CliIo, o: ReplayFlags): Promise<number> {
  const usage = (m: string) =>
    new CliError(
      `${m}\nUsage: webhook-inspector replay <id…> --to URL [--order received|reverse|shuffle] [--seed N] [--delay MS | --as-received [--speed N]]\n   or: webhook-inspector replay --scenario FILE --to URL [--expect-status 2xx]`,
      2,
    );
  if (o.scenario !== undefined && o.ids.length) {
    throw usage('Give event ids or --scenario FILE, not both.');
  }
  if (o.scenario === undefined && o.ids.length === 0) {
    throw usage('replay needs event ids or --scenario FILE.');
  }
  if (o.to === undefined) {
    throw usage('replay needs --to URL: the handler to deliver to, e.g. --to http://localhost:3000.');
  }
  const target = checkedTarget(o.to, o.allowHosts, '--to');
  let order: ReplayOrder;
  let expect: (status: number) => boolean;
  try {
    order = parseOrder(o.order);
    expect = parseExpectStatus(o.expectStatus ?? '2xx');
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const seed = o.seed !== undefined ? seedOf(o.seed) : newSeed();
  if (o.seed !== undefined && order !== 'shuffle') {
    io.stderr('note: --seed only matters with --order shuffle.');
  }
  const pacing = pacingOf(o);

  let store: EventStore | undefined;
  let items: ReplayItem[];
  let log: DeliveryLog | undefined;
  try {
    if (o.scenario !== undefined) {
      let text: string;
      try {
        text = await fsp.readFile(o.scenario, 'utf8');
      } catch (err) {
        throw new CliError(
          `Cannot read the scenario file ${o.scenario}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
          2,
        );
      }
      try {
        items = itemsFromScenario(parseScenario(text, o.scenario));
      } catch (err) {
        throw new CliError(err instanceof ScenarioError ? err.message : (err as Error).message, 2);
      }
    } else {
      ({ store, log } = await openStore(o.storeDir, o.logger, io));
      const events: CapturedEvent[] = [];
      for (const id of o.ids) {
        const event = store.get(id);
        if (!event) {
          throw new CliError(`No event with id "${id}" in ${store.dir}. "webhook-inspector events" lists the ids.`, 1);
        }
        events.push(event);
      }
      const s = store;
      items = itemsFromEvents(events, (id) => s.readBody(id));
    }
    const guard = loopbackOnlyGuard(o.allowHosts);
    const secretsFor = (provider: string) => o.secrets.secretsFor(provider);
    for (const { item, warning } of await replayWarnings(items, { target: target.href, resign: o.resign, secretsFor, guard })) {
      io.stderr(`warning: ${item.id}: ${warning.message}`);
    }
    if (!o.json) {
      io.stdout(
        `Replaying ${items.length} ${items.length === 1 ? 'delivery' : 'deliveries'} to ${target.href}, ${describeReplay(order, seed, pacing)}.`,
      );
      if (order === 'shuffle') {
        io.stdout(`Seed ${seed}: pass --seed ${seed} for the same order again.`);
      }
    } else {
      io.stdout(
        JSON.stringify({
          type: 'replay',
          order,
          ...(order === 'shuffle' ? { seed } : {}),
          pacing,
          target: target.href,
          count: items.length,
        }),
      );
    }
    const summary = await replay(items, {
      target: target.href,
      order,
      seed,
      pacing,
      resign: o.resign,
      secretsFor,
      guard,
      expect,
      ...(log ? { log } : {}),
      onResult: (r) => printResult(io, r, o.json),
    });
    if (!o.json) {
      io.stdout(
        summary.failed.length
          ? `${summary.failed.length} of ${summary.results.length} did not get ${o.expectStatus ?? '2xx'}.`
          : `All ${summary.results.length} got ${o.expectStatus ?? '2xx'}.`,
      );
    }
    return summary.failed.length ? 1 : 0;
  } finally {
    await store?.close();
  }
}

function printResult(io: CliIo, r: ReplayResult, json: boolean): void {
  const d = r.delivery;
  if (json) {
    io.stdout(
      JSON.stringify({
        type: 'delivery',
        position: r.position,
        eventId: r.item.id,
        ok: r.ok,
        ...(d ?? {}),
        ...(r.error ? { error: r.error } : {}),
      }),
    );
    return;
  }
  const what =
    d?.status !== undefined
      ? `${d.status} in ${d.durationMs} ms${d.resigned ? ' (re-signed)' : ''}`
      : `failed: ${d?.error ?? r.error ?? 'no answer'}`;
  io.stdout(`${String(r.position).padStart(3)}. ${r.item.id}  ${r.item.label}  → ${what}${r.ok ? '' : '  ✗'}`);
}

function seedOf(raw: string): number {
  try {
    return parseSeed(raw);
  } catch (err) {
    throw new CliError(`--seed: ${(err as Error).message}`, 2);
  }
}

function pacingOf(o: ReplayFlags): Pacing {
  if (o.delay !== undefined && o.asReceived) {
    throw new CliError('--delay and --as-received cannot be used together.', 2);
  }
  if (o.speed !== undefined && !o.asReceived) {
    throw new CliError('--speed goes with --as-received.', 2);
  }
  if (o.delay !== undefined) {
    const ms = Number(o.delay);
    if (!/^\d+$/.test(o.delay) || !Number.isSafeInteger(ms)) {
      throw new CliError(`--delay must be a whole number of milliseconds, not "${o.delay}".`, 2);
    }
    return { kind: 'fixed', delayMs: ms };
  }
  if (o.asReceived) {
    const speed = o.speed === undefined ? 1 : Number(o.speed);
    if (!Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
      throw new CliError(`--speed must be a number above 0 (e.g. 10 for ten times faster), not "${o.speed}".`, 2);
    }
    return { kind: 'asReceived', speed };
  }
  return { kind: 'none' };
}

/** The store for writing (deliveries recorded on the events), or read-only while `listen` holds it. */
async function openStore(dir: string, logger: Logger, io: CliIo): Promise<{ store: EventStore; log?: DeliveryLog }> {
  try {
    const store = await EventStore.open(dir, { maxEvents: Number.MAX_SAFE_INTEGER, logger });
    return { store, log: new DeliveryLog(store, { logger }) };
  } catch (err) {
    if (!(err instanceof StoreLockedError)) {
      throw new CliError((err as Error).message, 1);
    }
    io.stderr(`note: ${dir} is in use by another process (listen), so these deliveries are not recorded on the events.`);
    return { store: await EventStore.open(dir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true }) };
  }
}

export function replayFromArgs(io: CliIo, { values, rest, common, allowHosts }: CliArgs): Promise<number> {
  const resign = resignMode(values);
  return replayCommand(io, {
    storeDir: common.storeDir,
    json: common.json,
    ids: rest,
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(values.order !== undefined ? { order: values.order } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.delay !== undefined ? { delay: values.delay } : {}),
    asReceived: values['as-received'] ?? false,
    ...(values.speed !== undefined ? { speed: values.speed } : {}),
    ...(values['expect-status'] !== undefined ? { expectStatus: values['expect-status'] } : {}),
    resign,
    secrets: cliSecrets(values.secret ?? []),
    allowHosts,
    logger: commandLogger(io),
  });
}
