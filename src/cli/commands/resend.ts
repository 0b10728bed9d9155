/**
 * `webhook-inspector resend <id> [--to URL] [--resign | --no-resign] [--secret P=VALUE] [--yes]`: sends a
 * stored event to the handler again; the delivery is recorded on the event unless `listen` holds the store.
 */
import { DeliveryLog, loopbackOnlyGuard, preflight, resend, type ResignMode } from '../../core/forward';
import type { Logger } from '../../core/logger';
import type { CapturedEvent } from '../../core/model/event';
import { detectProvider } from '../../core/signatures';
import { EventStore, StoreLockedError } from '../../core/store';
import { toSignedRequest, type StaticSecrets } from '../../core/verification';
import { cliSecrets, resignMode, type CliArgs } from '../args';
import { CliError } from '../errors';
import { checkedTarget, printDelivery, toCliError } from '../forward';
import { commandLogger, type CliIo } from '../io';

export function resendFromArgs(io: CliIo, { values, rest, common, allowHosts }: CliArgs): Promise<number> {
  if (!rest[0]) {
    throw new CliError('resend needs an event id: webhook-inspector resend <id> [--to URL]');
  }
  return resendCommand(io, {
    storeDir: common.storeDir,
    json: common.json,
    id: rest[0],
    ...(values.to !== undefined ? { to: values.to } : {}),
    resign: resignMode(values),
    secrets: cliSecrets(values.secret ?? []),
    yes: values.yes ?? false,
    allowHosts,
    logger: commandLogger(io),
  });
}

export interface ResendFlags {
  storeDir: string;
  json: boolean;
  id: string;
  to?: string;
  resign: ResignMode;
  secrets: StaticSecrets;
  yes: boolean;
  allowHosts: readonly string[];
  logger: Logger;
}

export async function resendCommand(io: CliIo, o: ResendFlags): Promise<number> {
  const target = checkedTarget(o.to, o.allowHosts, '--to');
  let store: EventStore;
  let recorded = true;
  try {
    store = await EventStore.open(o.storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, logger: o.logger });
  } catch (err) {
    if (!(err instanceof StoreLockedError)) {
      throw new CliError((err as Error).message, 1);
    }
    // `listen` holds the store: read it, but the delivery cannot be written to the event.
    store = await EventStore.open(o.storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
    recorded = false;
  }
  try {
    const event = store.get(o.id);
    if (!event) {
      throw new CliError(`No event with id "${o.id}" in ${store.dir}. "webhook-inspector events" lists the ids.`, 1);
    }
    if (event.rejected) {
      throw new CliError(`Event ${event.id} cannot be resent: its body was not kept (${event.rejected}).`, 1);
    }
    const body = await store.readBody(event.id);
    const provider = providerOf(event, body);
    const signing = { resign: o.resign, secrets: provider ? o.secrets.secretsFor(provider) : [] };
    const guard = loopbackOnlyGuard(o.allowHosts);
    const check = preflight(event, body, target, { ...signing, guard });
    for (const w of check.warnings) {
      io.stderr(`warning: ${w.message}`);
    }
    if (check.needsConfirmation && !o.yes) {
      const resignHint =
        provider && !check.resign
          ? ` Or re-sign it with a fresh signature: --secret ${provider}=…${o.resign === 'never' ? ' without --no-resign' : ''}.`
          : '';
      throw new CliError(`Not sent. Pass --yes to send it anyway.${resignHint}`, 2);
    }
    if (!recorded) {
      io.stderr(`note: ${store.dir} is in use by another process (listen), so this delivery is not recorded on the event.`);
    }
    const delivery = await resend(event, body, target.href, {
      ...signing,
      guard,
      confirmed: o.yes,
      ...(recorded ? { log: new DeliveryLog(store, { logger: o.logger }) } : {}),
    });
    return printDelivery(io, delivery, event.method, o.json, event.id);
  } catch (err) {
    throw toCliError(err);
  } finally {
    await store.close();
  }
}

function providerOf(event: CapturedEvent, body: Uint8Array): string | undefined {
  return detectProvider(toSignedRequest(event, body)) ?? event.verification?.provider ?? event.provider;
}
