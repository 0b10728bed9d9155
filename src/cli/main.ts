import { parseArgs } from 'node:util';
import { defaultStoreDir } from '../core/dataDir';
import { looksLikeText } from '../core/detail/contentKind';
import { sanitizeLabel } from '../core/detail/displayText';
import type { CapturedEvent } from '../core/model/event';
import { toEventJson } from '../core/eventJson';
import { formatBytes } from '../core/format';
import type { Logger } from '../core/logger';
import { DEFAULT_MAX_BODY_SIZE, PortInUseError } from '../core/receiver';
import { Session, type SessionForwardOptions, type SessionTunnelOptions } from '../core/session';
import { TUNNEL_MODES, type TunnelMode } from '../core/tunnel';
import { EventStore, StoreLockedError } from '../core/store';
import { secretsFromCli, type StaticSecrets } from '../core/verification';
import { CliError } from './errors';
import { mcpCommand } from './commands/mcp';
import { forwardOptions, resendCommand, sendSampleCommand, watchForwarding } from './forward';
import { verdictHint } from '../core/knobs';
import { cliWording } from './wording';
import { GENERATE_HELP, generateCommand } from './commands/generate';
import { replayCommand } from './commands/replay';
import { scenarioCommand } from './commands/scenario';
import { looksUnreachable, noNetworkHint, publicUrlChangedLine, RepeatCollapser } from './quiet';

export const HELP = `webhook-inspector: capture and inspect webhooks from the terminal.

Usage:
  webhook-inspector listen [options]       run the receiver; print one line per event
  webhook-inspector events [options]       list the stored events, newest first
  webhook-inspector show <id> [options]    print one stored event
  webhook-inspector resend <id> [options]  send a stored event to your handler again
  webhook-inspector replay <id…> --to URL [options]
                                           deliver several events in order (or --scenario FILE)
  webhook-inspector scenario save <id…> --out FILE
                                           write the events as a scenario file (.scenario.json)
  webhook-inspector send-sample <provider> <event> [options]
                                           send a signed sample event (--list: the samples)
  webhook-inspector generate types <id…> [--type T] --lang ts|zod|jsonschema [--name NAME]
                                           types or a JSON Schema merged from stored events
  webhook-inspector generate test <id> --framework node|vitest|jest --out DIR
                                           a regression test that replays the event, signed afresh
  webhook-inspector mcp [options]          an MCP server over stdio for coding agents (reads
                                           --store while listen or VS Code writes it; resends
                                           go to loopback only unless --allow-host; secrets
                                           from --secret / WEBHOOK_INSPECTOR_SECRET_*)
  webhook-inspector --help | --version

Options:
  --port N             port on 127.0.0.1 (listen; default 0 = any free port)
  --tunnel MODE        how providers reach you (listen): localtunnel (default; a public
                       URL through the localtunnel server), cloudflared (a quick tunnel
                       through your installed cloudflared), none (local only), or
                       external (your own ngrok/cloudflared URL, see --public-url)
  --cloudflared-path P the cloudflared executable (--tunnel cloudflared; default: on PATH)
  --tunnel-host URL    the localtunnel server (default https://localtunnel.me)
  --subdomain NAME     ask the localtunnel server for this subdomain
  --public-url URL     the public URL of your own tunnel (--tunnel external)
  --store DIR          the event store folder
                       (default: ${defaultStoreDir()})
  --json               one JSON object per line on stdout, for scripts:
                         {"type":"receiver","state":…,"url":…} on every state change
                         {"type":"event","id":…,"headers":[[name,value],…],"body":"<base64>",…}
                         {"type":"publicUrlChanged","previousUrl":…,"publicUrl":…} when a
                         reconnect gives another public URL (update your providers)
                       bodies over 1 MB are left out and "bodyFile" names the stored file
  --max-body-size N    bytes; larger bodies get 413 (listen; default ${DEFAULT_MAX_BODY_SIZE})
  --max-events N       events kept; the oldest unpinned are evicted (default 1000)
  --secret P=VALUE     a signing secret for provider P (listen, resend; repeatable, e.g.
                       --secret stripe=whsec_… --secret github=…); also read from
                       WEBHOOK_INSPECTOR_SECRET_<PROVIDER> environment variables
                       (e.g. WEBHOOK_INSPECTOR_SECRET_STANDARD_WEBHOOKS)
  --rate-limit N       requests a minute per sender address before 429 (listen; default 0 = off)

Forwarding (listen):
  --forward-to URL     forward every captured event to your handler, e.g. http://localhost:3000;
                       the event's path and query are kept unless URL names a path. Signatures
                       are renewed with the --secret secrets where the provider allows it.
                       --json prints {"type":"delivery","eventId":…,"target":…,"state":…,
                       "attempt":…,"status":…} on every delivery state change
  --response-mode M    immediate (default: the sender gets 200 at once, delivery follows with
                       retries) or proxy (the sender gets the handler's status and body)
  --forward-timeout MS proxy mode: how long the sender waits for the handler (default 10000)
  --max-attempts N     immediate mode: attempts per event, retries included (default 5)
  --allow-host HOST    allow a target that is not this machine (repeatable; forwarding,
                       resend and send-sample go to localhost only without it)

Resend (resend <id>):
  --to URL             the handler (default http://localhost:3000)
  --resign             always renew the signature (fails without the provider's --secret)
  --no-resign          send the stored signature as it is
                       (default: renew it when a --secret for the provider is given)
  --secret P=VALUE     the provider's signing secret, to renew the signature
  --yes                send even when the preflight warns (e.g. a stale signature)
  --json               print the delivery as one {"type":"delivery",…} object
                       Exit code: 0 for a 2xx/3xx answer, 1 otherwise, 2 when not sent.

Replay (replay <id…> | replay --scenario FILE):
  --to URL             the handler (required)
  --order O            received (default), reverse or shuffle
  --seed N             the shuffle's seed (printed on every shuffled run; give it to repeat one)
  --delay MS           wait MS milliseconds between deliveries (default: no delay)
  --as-received        keep the gaps between the events as they arrived
  --speed N            with --as-received: N times faster (e.g. 10)
  --resign/--no-resign as for resend; secrets from --secret or WEBHOOK_INSPECTOR_SECRET_*
  --scenario FILE      replay a scenario file (no event store needed)
  --expect-status S    what counts as success: 2xx (default), 200, 2xx,304 …
  --json               one {"type":"delivery","position":…,"eventId":…,"ok":…} line per delivery
                       Exit code: 0 all matched, 1 any failed or did not match, 2 bad usage or
                       a malformed scenario file (the message names the entry and field).

Scenario (scenario save <id…> --out FILE):
  --out FILE           e.g. .webhooks/checkout.scenario.json; bodies as UTF-8 text, or base64
                       when binary; credential headers (Authorization, Cookie, X-Gitlab-Token)
                       are left out; signatures are renewed at replay time, never stored as secrets

Samples (send-sample <provider> <event>):
  --list               list the samples (provider, event, description)
  --print              print the request instead of sending it
  --to URL             the handler (default http://localhost:3000, with the sample's path)
  --secret VALUE       sign with this secret (default WEBHOOK_INSPECTOR_SECRET_<PROVIDER>)
  --limit N            how many events to list (events; default all)
  -h, --help           this text

${GENERATE_HELP}

Examples:
  webhook-inspector listen --port 4000
  curl --data-binary @payload.json 'http://127.0.0.1:4000/webhooks?x=1'
  webhook-inspector events --json | jq .
  webhook-inspector listen --forward-to http://localhost:3000 --secret stripe=whsec_…
  webhook-inspector resend evt_… --to http://localhost:3000/webhooks --secret stripe=whsec_…
  webhook-inspector send-sample stripe payment_intent.succeeded --secret whsec_…
`;

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  untilSignal: () => Promise<string>;
  version: string;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        tunnel: { type: 'string' },
        'tunnel-host': { type: 'string' },
        subdomain: { type: 'string' },
        'public-url': { type: 'string' },
        'cloudflared-path': { type: 'string' },
        store: { type: 'string' },
        json: { type: 'boolean', default: false },
        'max-body-size': { type: 'string' },
        'max-events': { type: 'string' },
        limit: { type: 'string' },
        'rate-limit': { type: 'string' },
        secret: { type: 'string', multiple: true },
        'forward-to': { type: 'string' },
        'response-mode': { type: 'string' },
        'forward-timeout': { type: 'string' },
        'max-attempts': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        to: { type: 'string' },
        resign: { type: 'boolean', default: false },
        'no-resign': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        print: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        lang: { type: 'string' },
        name: { type: 'string' },
        type: { type: 'string' },
        framework: { type: 'string' },
        order: { type: 'string' },
        seed: { type: 'string' },
        delay: { type: 'string' },
        'as-received': { type: 'boolean', default: false },
        speed: { type: 'string' },
        scenario: { type: 'string' },
        'expect-status': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    io.stderr(`${(err as Error).message}\nRun "webhook-inspector --help" for the options.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(io.version);
    return 0;
  }
  const [command, ...rest] = positionals;
  try {
    const common = {
      storeDir: values.store ?? defaultStoreDir(),
      json: values.json ?? false,
      maxEvents: intOption('--max-events', values['max-events'], 1000, 1),
    };
    const allowHosts = values['allow-host'] ?? [];
    switch (command) {
      case 'listen': {
        const secrets = cliSecrets(values.secret ?? []);
        return await listen(io, {
          ...common,
          port: intOption('--port', values.port, 0, 0, 65535),
          maxBodySize: intOption('--max-body-size', values['max-body-size'], DEFAULT_MAX_BODY_SIZE, 0),
          secrets,
          rateLimitPerMinute: intOption('--rate-limit', values['rate-limit'], 0, 0),
          tunnel: tunnelOptions(values),
          defaultTunnel: values.tunnel === undefined && values['public-url'] === undefined,
          forward: forwardOptions(
            {
              ...(values['forward-to'] !== undefined ? { forwardTo: values['forward-to'] } : {}),
              ...(values['response-mode'] !== undefined ? { responseMode: values['response-mode'] } : {}),
              ...(values['forward-timeout'] !== undefined
                ? { timeoutMs: intOption('--forward-timeout', values['forward-timeout'], 10_000, 1) }
                : {}),
              ...(values['max-attempts'] !== undefined
                ? { maxAttempts: intOption('--max-attempts', values['max-attempts'], 5, 1, 100) }
                : {}),
              allowHosts,
            },
            secrets,
          ),
        });
      }
      case 'resend':
        if (!rest[0]) {
          throw new CliError('resend needs an event id: webhook-inspector resend <id> [--to URL]');
        }
        if (values.resign && values['no-resign']) {
          throw new CliError('--resign and --no-resign cannot be used together.');
        }
        return await resendCommand(io, {
          storeDir: common.storeDir,
          json: common.json,
          id: rest[0],
          ...(values.to !== undefined ? { to: values.to } : {}),
          resign: values.resign ? 'always' : values['no-resign'] ? 'never' : 'auto',
          secrets: cliSecrets(values.secret ?? []),
          yes: values.yes ?? false,
          allowHosts,
          logger: stderrLogger(io, !!process.env.WEBHOOK_INSPECTOR_DEBUG),
        });
      case 'replay':
        if (values.resign && values['no-resign']) {
          throw new CliError('--resign and --no-resign cannot be used together.');
        }
        return await replayCommand(io, {
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
          resign: values.resign ? 'always' : values['no-resign'] ? 'never' : 'auto',
          secrets: cliSecrets(values.secret ?? []),
          allowHosts,
          logger: stderrLogger(io, !!process.env.WEBHOOK_INSPECTOR_DEBUG),
        });
      case 'scenario':
        return await scenarioCommand(io, {
          storeDir: common.storeDir,
          json: common.json,
          args: rest,
          ...(values.out !== undefined ? { out: values.out } : {}),
          secrets: cliSecrets(values.secret ?? []),
        });
      case 'send-sample': {
        const secretFlags = values.secret ?? [];
        return await sendSampleCommand(io, {
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
      case 'generate':
        return await generateCommand(io, {
          storeDir: common.storeDir,
          what: rest[0],
          ids: rest.slice(1),
          ...(values.type !== undefined ? { type: values.type } : {}),
          ...(values.lang !== undefined ? { lang: values.lang } : {}),
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.framework !== undefined ? { framework: values.framework } : {}),
          ...(values.out !== undefined ? { out: values.out } : {}),
        });
      case 'mcp':
        return await mcpCommand(io, { storeDir: common.storeDir, secrets: cliSecrets(values.secret ?? []), allowHosts });
      case 'events':
        return await listEvents(io, common, intOption('--limit', values.limit, Number.MAX_SAFE_INTEGER, 1));
      case 'show':
        if (!rest[0]) {
          throw new CliError('show needs an event id: webhook-inspector show <id>');
        }
        return await showEvent(io, common, rest[0]);
      case undefined:
        io.stdout(HELP);
        return 2;
      default:
        throw new CliError(`Unknown command "${command}". Run "webhook-inspector --help".`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(err.message);
      return err.exitCode;
    }
    io.stderr(`Error: ${(err as Error).message}`);
    return 1;
  }
}

function intOption(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return n;
}

interface CommonOptions {
  storeDir: string;
  json: boolean;
  maxEvents: number;
}

function stderrLogger(io: CliIo, verbose: boolean, quiet?: RepeatCollapser): Logger {
  const out = (m: string) => (quiet ? quiet.line(m) : io.stderr(m));
  return {
    trace: () => undefined,
    debug: (m) => verbose && io.stderr(m),
    info: () => undefined,
    warn: (m) => out(`warning: ${m}`),
    error: (m) => out(`error: ${m}`),
  };
}

function tunnelOptions(values: {
  tunnel?: string;
  'tunnel-host'?: string;
  subdomain?: string;
  'public-url'?: string;
  'cloudflared-path'?: string;
}): SessionTunnelOptions {
  const mode = (values.tunnel ?? (values['public-url'] ? 'external' : 'localtunnel')) as TunnelMode;
  if (!TUNNEL_MODES.includes(mode)) {
    throw new CliError(`--tunnel must be localtunnel, cloudflared, none or external, not "${values.tunnel}".`);
  }
  for (const [flag, value] of [
    ['--tunnel-host', values['tunnel-host']],
    ['--public-url', values['public-url']],
  ] as const) {
    if (value !== undefined && !/^https?:\/\/[^/\s]+/.test(value)) {
      throw new CliError(`${flag} must be an http(s) URL, not "${value}".`);
    }
  }
  if (mode === 'external' && !values['public-url']) {
    throw new CliError('--tunnel external needs --public-url URL: the public address of your own tunnel (ngrok, cloudflared, …).');
  }
  return {
    mode,
    ...(values['tunnel-host'] ? { host: values['tunnel-host'] } : {}),
    ...(values.subdomain ? { subdomain: values.subdomain } : {}),
    ...(values['public-url'] ? { externalUrl: values['public-url'] } : {}),
    ...(values['cloudflared-path'] ? { cloudflaredPath: values['cloudflared-path'] } : {}),
  };
}

function cliSecrets(flags: string[]): StaticSecrets {
  try {
    return secretsFromCli(flags, process.env);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

interface ListenOptions extends CommonOptions {
  port: number;
  maxBodySize: number;
  secrets: StaticSecrets;
  rateLimitPerMinute: number;
  tunnel: SessionTunnelOptions;
  /** No --tunnel flag: the no-network hint applies. */
  defaultTunnel: boolean;
  forward: SessionForwardOptions | undefined;
}

async function listen(io: CliIo, opts: ListenOptions): Promise<number> {
  // Identical warnings in a row (a tunnel retrying while offline) collapse into one line with a count.
  const quiet = new RepeatCollapser(io.stderr);
  const logger = stderrLogger(io, !!process.env.WEBHOOK_INSPECTOR_DEBUG, quiet);
  let store: EventStore;
  try {
    store = await EventStore.open(opts.storeDir, { maxEvents: opts.maxEvents, logger });
  } catch (err) {
    throw new CliError(err instanceof StoreLockedError ? err.message : (err as Error).message, 1);
  }
  const session = new Session({
    store,
    port: opts.port,
    maxBodySize: opts.maxBodySize,
    logger,
    secrets: opts.secrets,
    rateLimitPerMinute: opts.rateLimitPerMinute,
    tunnel: opts.tunnel,
    ...(opts.forward ? { forward: opts.forward } : {}),
  });
  watchForwarding(io, session, opts.json);
  let lastLine = '';
  let lastPublicUrl: string | undefined;
  let lastTunnelState: string | undefined;
  let hinted = false;
  let fatal: ((message: string) => void) | undefined;
  const fatalTunnel = new Promise<string>((resolve) => (fatal = resolve));
  const printStatus = () => {
    const s = session.status();
    const t = s.tunnel;
    if (opts.json) {
      const line = JSON.stringify({
        type: 'receiver',
        state: s.state,
        url: s.url,
        ...(s.publicUrl ? { publicUrl: s.publicUrl } : {}),
        ...(t
          ? {
              tunnel: t.state,
              tunnelMode: t.mode,
              ...(t.reason ? { tunnelReason: t.reason } : {}),
              ...(t.lastSelfTest ? { selfTest: t.lastSelfTest } : {}),
            }
          : {}),
        store: store.dir,
      });
      if (line !== lastLine) {
        io.stdout(line);
        lastLine = line;
      }
    } else if (t && t.state !== lastTunnelState) {
      if (t.state === 'online' && s.publicUrl && s.publicUrl !== lastPublicUrl) {
        io.stdout(`Public URL: ${s.publicUrl}  (anyone who knows it can send requests here)`);
        lastPublicUrl = s.publicUrl;
      } else if (t.state === 'reconnecting' || (t.state === 'offline' && s.state === 'running')) {
        quiet.line(`Tunnel ${t.state}: ${t.reason ?? 'no reason given'}`);
      }
    }
    if (!opts.json && !hinted && opts.defaultTunnel && s.url && t?.state === 'reconnecting' && looksUnreachable(t.reason)) {
      hinted = true;
      io.stderr(noNetworkHint(s.url));
    }
    if (t?.state !== lastTunnelState && t?.state === 'offline' && t.mode !== 'none' && s.state === 'running') {
      const next = t.mode === 'cloudflared' ? '' : ' Use --tunnel none for local only, or --tunnel-host for another server.';
      fatal?.(`The tunnel could not be opened: ${(t.reason ?? 'unknown reason').replace(/\.$/, '')}.${next}`);
    }
    lastTunnelState = t?.state;
  };
  session.onDidChangeStatus(printStatus);
  session.onDidChangePublicUrl((change) => {
    if (opts.json) {
      io.stdout(
        JSON.stringify({ type: 'publicUrlChanged', previousUrl: change.previousUrl, publicUrl: change.publicUrl, tunnelMode: change.mode }),
      );
    } else {
      quiet.flush();
      io.stdout(publicUrlChangedLine(change));
    }
  });
  // Events are printed in the order they were stored.
  let printing = Promise.resolve();
  session.onDidProcess((event) => {
    printing = printing.then(() => printEvent(io, store, event, opts.json)).catch((err) => io.stderr(`error: ${(err as Error).message}`));
  });
  try {
    await session.start();
  } catch (err) {
    await store.close();
    if (err instanceof PortInUseError) {
      throw new CliError(`${err.message} For example: --port 0`, 1);
    }
    throw err;
  }
  if (!opts.json) {
    io.stdout(`Webhook Inspector listening on ${session.status().url}`);
    if (opts.tunnel.mode === 'localtunnel') {
      io.stdout(`Opening a public URL through ${opts.tunnel.host ?? 'https://localtunnel.me'}…`);
    } else if (opts.tunnel.mode === 'cloudflared') {
      io.stdout('Opening a cloudflared quick tunnel (trycloudflare.com: for development, no uptime guarantee; a new URL each start)…');
    }
    io.stdout(`Events are stored in ${store.dir}`);
    const providers = opts.secrets.providers;
    io.stdout(
      providers.length
        ? `Verifying signatures for: ${providers.join(', ')}`
        : 'No signing secrets given (--secret PROVIDER=VALUE): signatures are not verified.',
    );
    if (opts.forward) {
      io.stdout(
        `Forwarding every event to ${opts.forward.target} (${opts.forward.mode === 'proxy' ? "proxy mode: senders get the handler's answer" : 'immediate mode: senders get 200 at once'})${providers.length ? ', re-signed with the given secrets' : ''}.`,
      );
    }
    io.stdout('Send a request to any path; press Ctrl-C to stop.');
  }
  const outcome = await Promise.race([io.untilSignal().then((signal) => ({ signal })), fatalTunnel.then((message) => ({ message }))]);
  if ('signal' in outcome && !opts.json) {
    io.stdout(`\nStopping (${outcome.signal})…`);
  }
  await session.stop();
  quiet.flush();
  await printing;
  session.dispose();
  await store.close();
  if ('message' in outcome) {
    io.stderr(`error: ${outcome.message}`);
    return 3;
  }
  return 0;
}

async function printEvent(io: CliIo, store: EventStore, event: CapturedEvent, json: boolean): Promise<void> {
  if (json) {
    io.stdout(JSON.stringify(await toEventJson(store, event)));
    return;
  }
  const time = new Date(event.receivedAt).toLocaleTimeString(undefined, { hour12: false });
  const retry = event.duplicateOf ? `  (retry${event.attempt !== undefined ? ` ${event.attempt}` : ''} of ${event.duplicateOf})` : '';
  const note = (event.rejected ? `  (${event.rejected})` : event.handshake ? `  (handshake: ${event.handshake})` : '') + retry;
  const what = event.eventType ? `  ${sanitizeLabel(event.eventType)}` : '';
  io.stdout(
    `${time}  ${sanitizeLabel(event.method).padEnd(6)} ${sanitizeLabel(event.url)}  ${event.response.status}  ${formatBytes(event.size)}${what}  ${verdictText(event)}  ${event.id}${note}`,
  );
}

function verdictText(event: CapturedEvent): string {
  const v = event.verification;
  if (!v) {
    return event.provider ?? '-';
  }
  const who = v.provider ?? event.provider ?? 'unknown';
  return v.status === 'valid' ? `${who} ✓ verified` : `${who} ✗ ${v.status}: ${v.reason}`;
}

async function openForReading(opts: CommonOptions): Promise<EventStore> {
  return EventStore.open(opts.storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
}

async function listEvents(io: CliIo, opts: CommonOptions, limit: number): Promise<number> {
  const store = await openForReading(opts);
  const events = store.list(0, limit);
  if (!opts.json && events.length === 0) {
    io.stderr(`No events in ${store.dir}. Run "webhook-inspector listen" and send a request.`);
  }
  for (const event of events) {
    await printEvent(io, store, event, opts.json);
  }
  await store.close();
  return 0;
}

async function showEvent(io: CliIo, opts: CommonOptions, id: string): Promise<number> {
  const store = await openForReading(opts);
  const event = store.get(id);
  if (!event) {
    await store.close();
    throw new CliError(`No event with id "${id}" in ${store.dir}. "webhook-inspector events" lists the ids.`, 1);
  }
  if (opts.json) {
    io.stdout(JSON.stringify(await toEventJson(store, event)));
  } else {
    io.stdout(`${sanitizeLabel(event.method)} ${sanitizeLabel(event.url)}`);
    io.stdout(
      `id: ${event.id}\nreceived: ${event.receivedAt} from ${event.remoteAddress}\nsize: ${formatBytes(event.size)}\nresponse: ${event.response.status}`,
    );
    if (event.eventType) {
      io.stdout(`event type: ${sanitizeLabel(event.eventType)}`);
    }
    if (event.verification) {
      const hint = verdictHint(event.verification, cliWording);
      io.stdout(`signature: ${verdictText(event)}${hint ? `\n  hint: ${hint}` : ''}`);
    }
    if (event.rejected) {
      io.stdout(
        `rejected: ${event.rejected} (the body was not kept)${event.rejected === 'body-too-large' ? ` ${cliWording({ knob: 'maxBodySize' })}` : ''}`,
      );
    }
    io.stdout('');
    for (const [k, v] of event.headers) {
      io.stdout(`${sanitizeLabel(k)}: ${sanitizeLabel(v)}`);
    }
    const body = await store.readBody(event.id);
    if (body.length) {
      io.stdout('');
      io.stdout(!looksLikeText(body) ? `<${formatBytes(body.length)} of binary data; use --json for base64>` : body.toString('utf8'));
    }
  }
  await store.close();
  return 0;
}
