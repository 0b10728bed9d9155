/**
 * `webhook-inspector scenario save <id…> --out FILE`: writes the events, oldest first, as a scenario
 * file (see `src/core/replay/scenario.ts`). Never a secret: credential headers are left out, and the
 * file is checked against the secrets given (--secret, WEBHOOK_INSPECTOR_SECRET_*) before it is written.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CapturedEvent } from '../../core/model/event';
import { ScenarioError, assertNoSecrets, buildScenario, serializeScenario } from '../../core/replay/index';
import { EventStore } from '../../core/store';
import type { StaticSecrets } from '../../core/verification';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import { cliSecrets, type CliArgs } from '../args';

export interface ScenarioFlags {
  storeDir: string;
  json: boolean;
  args: readonly string[];
  out?: string;
  secrets: StaticSecrets;
}

export async function scenarioCommand(io: CliIo, o: ScenarioFlags): Promise<number> {
  const [sub, ...ids] = o.args;
  if (sub !== 'save') {
    throw new CliError(`Unknown scenario command "${sub ?? ''}". Usage: webhook-inspector scenario save <id…> --out FILE.scenario.json`, 2);
  }
  if (ids.length === 0 || !o.out) {
    throw new CliError('Usage: webhook-inspector scenario save <id…> --out FILE.scenario.json', 2);
  }
  const store = await EventStore.open(o.storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
  try {
    const events: CapturedEvent[] = [];
    for (const id of ids) {
      const event = store.get(id);
      if (!event) {
        throw new CliError(`No event with id "${id}" in ${store.dir}. "webhook-inspector events" lists the ids.`, 1);
      }
      events.push(event);
    }
    events.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
    const name = path.basename(o.out).replace(/\.scenario\.json$|\.json$/i, '');
    let text: string;
    try {
      const scenario = buildScenario(
        name,
        await Promise.all(events.map(async (event) => ({ event: withSigningProvider(event), body: await store.readBody(event.id) }))),
      );
      text = serializeScenario(scenario);
      assertNoSecrets(
        text,
        o.secrets.providers.flatMap((provider) => o.secrets.secretsFor(provider).map((value) => ({ provider, value }))),
      );
    } catch (err) {
      throw new CliError(err instanceof ScenarioError ? err.message : (err as Error).message, 1);
    }
    await fsp.mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
    await fsp.writeFile(o.out, text, { mode: 0o644 });
    if (o.json) {
      io.stdout(JSON.stringify({ type: 'scenario', file: path.resolve(o.out), events: events.length }));
    } else {
      io.stdout(
        `Wrote ${events.length} ${events.length === 1 ? 'event' : 'events'} to ${o.out}. Replay: webhook-inspector replay --scenario ${o.out} --to URL`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** The provider re-signing needs: the verified one when known (e.g. `clerk` rather than `svix`). */
function withSigningProvider(event: CapturedEvent): CapturedEvent {
  const provider = event.verification?.provider ?? event.provider;
  return provider ? { ...event, provider } : event;
}

export function scenarioFromArgs(io: CliIo, { values, rest, common }: CliArgs): Promise<number> {
  return scenarioCommand(io, {
    storeDir: common.storeDir,
    json: common.json,
    args: rest,
    ...(values.out !== undefined ? { out: values.out } : {}),
    secrets: cliSecrets(values.secret ?? []),
  });
}
