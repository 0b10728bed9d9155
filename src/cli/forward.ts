/**
 * What the CLI's sending commands share: target checks, delivery output and errors, and `listen
 * --forward-to` (live forwarding through the Session). The commands: commands/resend.ts, sendSample.ts, replay.ts.
 */
import {
  ConfirmationRequiredError,
  DEFAULT_TARGET,
  parseTarget,
  ResendError,
  type ForwardStateChange,
  isLoopbackHost,
  isSuccess,
  loopbackOnlyGuard,
  TargetError,
} from '../core/forward';
import { deliveryKnob } from '../core/forward/deliver';
import { type Delivery } from '../core/model/delivery';
import type { Session, SessionForwardOptions } from '../core/session';
import type { StaticSecrets } from '../core/verification';
import { CliError } from './errors';
import type { CliIo } from './io';
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
export function printDelivery(io: CliIo, d: Delivery, method: string, json: boolean, eventId?: string): number {
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

/** The CLI error (and exit code) for a forwarding failure: 2 when nothing was sent for a reason the user can fix. */
export function toCliError(err: unknown): unknown {
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
