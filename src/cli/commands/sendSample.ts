/** `webhook-inspector send-sample <provider> <event> [--to URL] [--secret VALUE] [--print] [--list]`: a signed sample event. */
import { buildSample, loopbackOnlyGuard, samples, sendSample } from '../../core/forward';
import { secretEnvName, secretsFromCli } from '../../core/verification';
import type { CliArgs } from '../args';
import { CliError } from '../errors';
import { checkedTarget, printDelivery, toCliError } from '../forward';
import type { CliIo } from '../io';

export function sendSampleFromArgs(io: CliIo, { values, rest, common, allowHosts }: CliArgs): Promise<number> {
  const secretFlags = values.secret ?? [];
  return sendSampleCommand(io, {
    json: common.json,
    ...(rest[0] !== undefined ? { provider: rest[0] } : {}),
    ...(rest[1] !== undefined ? { event: rest[1] } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(secretFlags.length ? { secret: secretFlags[secretFlags.length - 1]! } : {}),
    print: values.print ?? false,
    list: values.list ?? false,
    allowHosts,
  });
}

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
