/**
 * `webhook-inspector listen [options]`: the receiver, the tunnel and forwarding for one run; prints the
 * receiver's state and one line (or `--json` object) per stored event until Ctrl-C.
 */
import { DEFAULT_MAX_BODY_SIZE, PortInUseError } from '../../core/receiver';
import { Session, type SessionForwardOptions, type SessionTunnelOptions } from '../../core/session';
import { EventStore, StoreLockedError } from '../../core/store';
import { TUNNEL_MODES, type TunnelMode } from '../../core/tunnel';
import type { StaticSecrets } from '../../core/verification';
import { cliSecrets, intOption, type CliArgs, type CliValues, type CommonOptions } from '../args';
import { CliError } from '../errors';
import { EventPrinter } from '../eventLine';
import { forwardOptions, watchForwarding } from '../forward';
import { commandLogger, type CliIo } from '../io';
import { looksUnreachable, noNetworkHint, publicUrlChangedLine, RepeatCollapser } from '../quiet';
import { cliWording } from '../wording';

export async function listenCommand(io: CliIo, { values, common, allowHosts }: CliArgs): Promise<number> {
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
        ...(values['max-attempts'] !== undefined ? { maxAttempts: intOption('--max-attempts', values['max-attempts'], 5, 1, 100) } : {}),
        allowHosts,
      },
      secrets,
    ),
  });
}

function tunnelOptions(values: CliValues): SessionTunnelOptions {
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
    wording: cliWording,
  };
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
  const logger = commandLogger(io, quiet);
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
  const printer = new EventPrinter(io, store, opts.json);
  session.onDidProcess((event) => printer.add(event));
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
  await printer.idle();
  session.dispose();
  await store.close();
  if ('message' in outcome) {
    io.stderr(`error: ${outcome.message}`);
    return 3;
  }
  return 0;
}
