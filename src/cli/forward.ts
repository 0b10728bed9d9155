/**
 * CLI commands and helpers for sending events on to a handler: `listen --forward-to` (live
 * forwarding through the Session), `resend <id>` and `send-sample <provider> <event>`.
 */
import type { CapturedEvent } from '../core/model/event';
import {
  buildSample,
  ConfirmationRequiredError,
  DEFAULT_TARGET,
  DeliveryLog,
  parseTarget,
  preflight,
  resend,
  ResendError,
  type ResignMode,
  type ForwardStateChange,
  isLoopbackHost,
  isSuccess,
  loopbackOnlyGuard,
  samples,
  sendSample,
  TargetError,
} from '../core/forward';
import { type Delivery } from '../core/model/delivery';
import type { Logger } from '../core/logger';
import type { Session, SessionForwardOptions } from '../core/session';
import { detectProvider } from '../core/signatures';
import { EventStore, StoreLockedError } from '../core/store';
import { secretEnvName, secretsFromCli, type StaticSecrets, toSignedRequest } from '../core/verification';
import { CliError } from './errors';
import type { CliIo } from './main';
import { deliveryKnob } from '../core/forward/deliver';
import { cliWording } from './wording';

// ---- shared ---------------------------------------------------------------------------------------

/** Parses a target URL; a non-loopback host needs `--allow-host`. */
export function checkedTarget(raw: string | undefined, allowHosts: readonly string[], flag: string): URL {
  let url: URL;
  try {
    url = parseTarget(raw ?? DEFAULT_TARGET);
  } catch (err) {
    throw new CliError(`${flag}: ${(err as Error).message}`);
  }
  const host = url.hostname.toLowerCase();
  if (!isLoopbackHost(host) && !allowHosts.some((h) => h.toLowerCase() === host)) {
    throw new CliError(`${host} is not this machine. Only localhost is allowed by default; pass --allow-host ${host} to send there.`);
  }
  return url;
}

/** The error text of a failed delivery, with the flag that fixes it in CLI terms. */
function deliveryErrorText(d: Delivery): string {
  const knob = deliveryKnob(d);
  return `${d.error ?? 'No answer.'} (${d.target})${knob ? ` ${cliWording({ knob })}` : ''}`;
}

function bodyText(d: Delivery): string {
  if (d.bodyEncoding === 'base64') {
    return `<${d.bodySize} bytes of binary data; use --json for base64>`;
  }
  return d.body + (d.truncated ? `\n<… truncated: ${d.bodySize} bytes in all>` : '');
}

/** Prints a delivery (human: a status line and the response body; `--json`: one `delivery` object). Returns the exit code. */
function printDelivery(io: CliIo, d: Delivery, method: string, json: boolean, eventId?: string): number {
  if (json) {
    io.stdout(JSON.stringify({ type: 'delivery', ...(eventId ? { eventId } : {}), ...d }));
  } else if (d.status !== undefined) {
    io.stdout(`${method} ${d.target} → ${d.status} in ${d.durationMs} ms${d.resigned ? ' (re-signed)' : ''}`);
    const text = bodyText(d);
    if (text) {
      io.stdout(text);
    }
  }
  if (d.status === undefined) {
    io.stderr(`error: ${deliveryErrorText(d)}`);
  } else if (!isSuccess(d) && !json) {
    io.stderr(`The handler answered ${d.status}.`);
  }
  return isSuccess(d) ? 0 : 1;
}

// ---- listen --forward-to --------------------------------------------------------------------------

export interface ForwardFlags {
  forwardTo?: string;
  responseMode?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  allowHosts: readonly string[];
}

/** The Session's `forward` option from the listen flags; undefined without `--forward-to`. */
export function forwardOptions(flags: ForwardFlags, secrets: StaticSecrets): SessionForwardOptions | undefined {
  if (flags.forwardTo === undefined) {
    const stray =
      flags.responseMode !== undefined
        ? '--response-mode'
        : flags.timeoutMs !== undefined
          ? '--forward-timeout'
          : flags.maxAttempts !== undefined
            ? '--max-attempts'
            : undefined;
    if (stray) {
      throw new CliError(`${stray} needs --forward-to URL (the handler to forward to).`);
    }
    return undefined;
  }
  const mode = flags.responseMode ?? 'immediate';
  if (mode !== 'immediate' && mode !== 'proxy') {
    throw new CliError(`--response-mode must be immediate or proxy, not "${mode}".`);
  }
  const target = checkedTarget(flags.forwardTo, flags.allowHosts, '--forward-to');
  return {
    target: target.href,
    mode,
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.maxAttempts !== undefined ? { maxAttempts: flags.maxAttempts } : {}),
    guard: loopbackOnlyGuard(flags.allowHosts),
    signing: (_event, provider) => ({ resign: 'auto', secrets: provider ? secrets.secretsFor(provider) : [] }),
  };
}

/** Prints every forwarding state change: a `delivery` JSON line, or a short stderr line (not for `pending`). */
export function watchForwarding(io: CliIo, session: Session, json: boolean): void {
  const print = (c: ForwardStateChange) => {
    const d = c.delivery;
    if (json) {
      io.stdout(
        JSON.stringify({
          type: 'delivery',
          eventId: c.eventId,
          target: c.target,
          state: c.state,
          attempt: c.attempt,
          ...(d?.status !== undefined ? { status: d.status } : {}),
          ...(d ? { durationMs: d.durationMs } : {}),
          ...(d?.error ? { error: d.status === undefined ? deliveryErrorText(d) : d.error } : {}),
        }),
      );
      return;
    }
    if (c.state === 'pending') {
      return;
    }
    const what = d ? (d.status !== undefined ? `${d.status} in ${d.durationMs} ms` : deliveryErrorText(d)) : 'no attempt';
    const next = c.state === 'retrying' && c.nextDelayMs !== undefined ? `; retrying in ${Math.round(c.nextDelayMs / 100) / 10} s` : '';
    io.stderr(`forward ${c.eventId} → ${d?.target ?? c.target}: ${c.state} (attempt ${c.attempt}: ${what}${next})`);
  };
  session.forwarding?.onDidChangeState(print);
}

// ---- resend ---------------------------------------------------------------------------------------

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

function toCliError(err: unknown): unknown {
  if (err instanceof CliError) {
    return err;
  }
  if (err instanceof TargetError) {
    return new CliError(err.message, 2);
  }
  if (err instanceof ResendError) {
    return err.code === 'CANNOT_RESIGN'
      ? new CliError(`${err.message} (--resign needs --secret PROVIDER=VALUE.)`, 2)
      : new CliError(err.message, 1);
  }
  if (err instanceof ConfirmationRequiredError) {
    return new CliError(`Not sent: ${err.message} Pass --yes to send it anyway.`, 2);
  }
  return err;
}

// ---- send-sample ----------------------------------------------------------------------------------

export interface SendSampleFlags {
  json: boolean;
  provider?: string;
  event?: string;
  to?: string;
  secret?: string;
  print: boolean;
  list: boolean;
  allowHosts: readonly string[];
}

export async function sendSampleCommand(io: CliIo, o: SendSampleFlags): Promise<number> {
  if (o.list) {
    const list = samples.filter((s) => !o.provider || s.provider === o.provider);
    if (o.json) {
      for (const s of list) {
        io.stdout(JSON.stringify({ type: 'sample', ...s }));
      }
    } else {
      const w1 = Math.max(...list.map((s) => s.provider.length), 0);
      const w2 = Math.max(...list.map((s) => s.event.length), 0);
      for (const s of list) {
        io.stdout(`${s.provider.padEnd(w1)}  ${s.event.padEnd(w2)}  ${s.description}`);
      }
    }
    return 0;
  }
  if (!o.provider || !o.event) {
    throw new CliError('send-sample needs a provider and an event, e.g. send-sample stripe payment_intent.succeeded; --list shows them.');
  }
  const provider = o.provider;
  const envName = secretEnvName(provider);
  let secret = o.secret;
  if (secret?.startsWith(`${provider}=`)) {
    secret = secret.slice(provider.length + 1);
  }
  secret ??= secretsFromCli([], process.env).secretsFor(provider)[0];
  let req;
  try {
    req = buildSample(provider, o.event, secret ? { secret } : {});
  } catch (err) {
    throw new CliError(`${(err as Error).message} (send-sample --list shows the samples.)`);
  }
  if (!secret) {
    io.stderr(`warning: no secret (--secret VALUE or ${envName}): the sample is sent unsigned.`);
  }
  if (o.print) {
    if (o.json) {
      io.stdout(
        JSON.stringify({
          type: 'request',
          provider,
          event: o.event,
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.from(req.body).toString('base64'),
        }),
      );
    } else {
      io.stdout(`${req.method} ${req.url}`);
      for (const [k, v] of req.headers) {
        io.stdout(`${k}: ${v}`);
      }
      io.stdout('');
      io.stdout(Buffer.from(req.body).toString('utf8'));
    }
    return 0;
  }
  const target = checkedTarget(o.to, o.allowHosts, '--to');
  try {
    const delivery = await sendSample(req, target.href, { guard: loopbackOnlyGuard(o.allowHosts), ...(secret ? { secret } : {}) });
    return printDelivery(io, delivery, req.method, o.json);
  } catch (err) {
    throw toCliError(err);
  }
}
