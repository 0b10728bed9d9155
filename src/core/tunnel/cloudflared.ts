import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as readline from 'node:readline';
import type { IDisposable } from '../lifecycle';
import { toDisposable } from '../lifecycle';
import type { KnobWording } from '../knobs';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { TunnelConnection, TunnelFactory, TunnelOpenOptions } from './types';
import { TunnelOpenError } from './types';
import type { Exit } from './watchdog';
import { exitOf, spawnWatched, stopWatched } from './watchdog';

/**
 * A `TunnelFactory` over a `cloudflared` quick tunnel (trycloudflare.com): no account, a new random
 * `https://<words>.trycloudflare.com` URL for every process.
 *
 * It runs `cloudflared tunnel --url http://127.0.0.1:PORT --no-autoupdate --metrics 127.0.0.1:PORT2`
 * and learns the public URL from whichever comes first: `GET /quicktunnel` on the metrics port
 * (`{"hostname":"…"}`), or the URL cloudflared prints in a box on stderr. The process ending is the
 * connection closing; the TunnelSupervisor restarts it with backoff and self-tests the URL.
 *
 * We never download cloudflared: installing it is the user's choice (Cloudflare's terms). When it is
 * missing the error says how to install it and that `none` and `external` work meanwhile.
 */
export interface CloudflaredFactoryDeps {
  /** The executable: the front door's cloudflared path, else `cloudflared` on PATH. */
  binaryPath?: string;
  /** Words the `cloudflaredPath` knob in the missing-binary error (each front door names its own). */
  wording?: KnobWording;
  logger?: Logger;
  /** For the metrics endpoint (loopback only). Default: global `fetch`. */
  fetch?: typeof fetch;
  /** How often `/quicktunnel` and `/ready` are asked while opening. Default 250 ms. */
  pollMs?: number;
  /** Environment for the child. Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

/** How to get cloudflared, and what works meanwhile; `wording` names where the path to the binary goes. */
export function cloudflaredInstallHint(wording?: KnobWording): string {
  return (
    'Install it from https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/ ' +
    '(macOS: brew install cloudflared; Windows: winget install --id Cloudflare.cloudflared; Linux: the .deb/.rpm there). ' +
    `${wording ? `${wording({ knob: 'cloudflaredPath' })} ` : ''}` +
    'Meanwhile the tunnel modes "none" (local only) and "external" (your own public URL) work.'
  );
}

/** Error texts cloudflared prints when trycloudflare.com rate-limits tunnel creation. */
const RATE_LIMIT_RE = /\b429\b|Too Many Requests|error code: 1015|failed to unmarshal quick Tunnel/i;
/** A URL inside the box: `|  https://some-words.trycloudflare.com   |`. */
const BOX_URL_RE = /\|\s+(https?:\/\/[^\s|]+)\s+\|/;
/** How long the wait for a rate limit to pass should be at least. */
export const CLOUDFLARED_RATE_LIMIT_RETRY_MS = 60_000;
/** A quick tunnel's URL "may take some time to be reachable" (cloudflared's own words): self-tests retry meanwhile. */
export const CLOUDFLARED_READY_GRACE_MS = 20_000;

export function createCloudflaredFactory(deps: CloudflaredFactoryDeps = {}): TunnelFactory {
  const logger = deps.logger ?? nullLogger;
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const pollMs = deps.pollMs ?? 250;
  const binary = deps.binaryPath?.trim() || 'cloudflared';

  return async (options: TunnelOpenOptions): Promise<TunnelConnection> => {
    const { signal } = options;
    signal.throwIfAborted();
    const metricsPort = await freeLoopbackPort();
    signal.throwIfAborted();
    const localHost = options.localHost.includes(':') ? `[${options.localHost}]` : options.localHost;
    const args = [
      'tunnel',
      '--url',
      `http://${localHost}:${options.localPort}`,
      '--no-autoupdate',
      '--metrics',
      `127.0.0.1:${metricsPort}`,
    ];
    logger.debug(`cloudflared: ${binary} ${args.join(' ')}`);
    // Under a watchdog, so cloudflared ends when this process does, even when it is killed (see watchdog.ts).
    const child = spawnWatched(binary, args, deps.env ?? process.env);
    const proc = watchProcess(child, logger);

    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal.reason);
    signal.addEventListener('abort', onAbort);
    // Each step ends early when the process exits (with the reason it printed) or the open is aborted.
    const failed = Promise.race([
      proc.exited.then((exit) => Promise.reject(openError(binary, exit, proc.recentErrors(), deps.wording))),
      new Promise<never>((_, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
        } else {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }
      }),
    ]);
    failed.catch(() => undefined);
    try {
      const url = await Promise.race([proc.boxUrl, pollMetrics(fetchImpl, metricsPort, 'quicktunnel', pollMs, ctl.signal), failed]);
      // Then wait for a registered edge connection: before it the URL answers Cloudflare's 502/530.
      await Promise.race([proc.registered, pollMetrics(fetchImpl, metricsPort, 'ready', pollMs, ctl.signal), failed]);
      logger.info(`cloudflared: quick tunnel ${url} (metrics on 127.0.0.1:${metricsPort})`);
      return connection(child, proc, url);
    } catch (err) {
      stopWatched(child);
      throw err;
    } finally {
      ctl.abort();
      signal.removeEventListener('abort', onAbort);
    }
  };
}

interface WatchedProcess {
  /** The URL from the boxed log line (never rejects; pending if it never comes). */
  readonly boxUrl: Promise<string>;
  /** Resolves at the first `Registered tunnel connection` line. */
  readonly registered: Promise<void>;
  readonly exited: Promise<Exit>;
  /** The last ERR/error lines, for messages. */
  recentErrors(): string[];
}

function watchProcess(child: ChildProcess, logger: Logger): WatchedProcess {
  const errors: string[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const boxUrl = new Promise<string>((resolve) => (resolveUrl = resolve));
  let resolveRegistered: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => (resolveRegistered = resolve));
  const exited = exitOf(child);
  if (child.stderr) {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      // cloudflared's log is about the tunnel, never about request payloads: safe at debug level.
      logger.debug(`cloudflared: ${line}`);
      const m = BOX_URL_RE.exec(line);
      if (m) {
        resolveUrl(m[1]!.replace(/\/+$/, ''));
      }
      if (/Registered tunnel connection/.test(line)) {
        resolveRegistered();
      }
      if (/\b(ERR|FTL)\b|failed|error/i.test(line) && !m) {
        errors.push(line.replace(/^\S+Z\s+/, '').trim());
        if (errors.length > 5) {
          errors.shift();
        }
      }
    });
  }
  return { boxUrl, registered, exited, recentErrors: () => [...errors] };
}

/**
 * Asks the metrics server until it says what we wait for: `/quicktunnel` → `{"hostname":"…"}` (resolves
 * with the public URL), `/ready` → `{"status":200,"readyConnections":N}` with N > 0.
 */
async function pollMetrics(
  fetchImpl: typeof fetch,
  port: number,
  what: 'quicktunnel',
  pollMs: number,
  signal: AbortSignal,
): Promise<string>;
async function pollMetrics(fetchImpl: typeof fetch, port: number, what: 'ready', pollMs: number, signal: AbortSignal): Promise<void>;
async function pollMetrics(
  fetchImpl: typeof fetch,
  port: number,
  what: 'quicktunnel' | 'ready',
  pollMs: number,
  signal: AbortSignal,
): Promise<string | void> {
  while (!signal.aborted) {
    try {
      const res = await fetchImpl(`http://127.0.0.1:${port}/${what}`, { signal, headers: { accept: 'application/json' } });
      const body = (await res.json().catch(() => undefined)) as { hostname?: unknown; readyConnections?: unknown } | undefined;
      if (what === 'quicktunnel' && res.ok && typeof body?.hostname === 'string' && body.hostname) {
        return publicUrlFromHostname(body.hostname);
      }
      if (what === 'ready' && res.ok && typeof body?.readyConnections === 'number' && body.readyConnections > 0) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return new Promise<never>(() => undefined); // stopped: another racer settles
}

/**
 * `/quicktunnel` gives a bare hostname; the quick tunnel's edge is HTTPS. A loopback hostname is only
 * ever a local stand-in (no TLS), so it gets `http://`.
 */
export function publicUrlFromHostname(hostname: string): string {
  if (/^https?:\/\//.test(hostname)) {
    return hostname.replace(/\/+$/, '');
  }
  const host = hostname.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  return `${loopback ? 'http' : 'https'}://${hostname}`;
}

function openError(binary: string, exit: Exit, recent: string[], wording: KnobWording | undefined): TunnelOpenError {
  const code = exit.error?.code;
  if (code === 'ENOENT') {
    return new TunnelOpenError(
      binary === 'cloudflared'
        ? `cloudflared is not installed (not found on PATH). ${cloudflaredInstallHint(wording)}`
        : `cloudflared was not found at "${binary}". ${cloudflaredInstallHint(wording)}`,
      { retryable: false, cause: exit.error },
    );
  }
  if (code === 'EACCES' || code === 'ENOEXEC') {
    return new TunnelOpenError(
      `cloudflared at "${binary}" cannot be run (${code}): check that it is an executable for this system. ${cloudflaredInstallHint(wording)}`,
      {
        retryable: false,
        cause: exit.error,
      },
    );
  }
  if (exit.error) {
    return new TunnelOpenError(`cloudflared could not be started: ${exit.error.message}`, { retryable: true, cause: exit.error });
  }
  const detail = recent.length ? `: ${recent.join(' / ')}` : '';
  if (recent.some((l) => RATE_LIMIT_RE.test(l))) {
    return new TunnelOpenError(
      `trycloudflare.com is rate-limiting new quick tunnels (HTTP 429 / error 1015): too many were created from this address recently. Waiting before trying again; "none" and "external" work meanwhile${detail}`,
      { retryable: true, status: 429, retryAfterMs: CLOUDFLARED_RATE_LIMIT_RETRY_MS },
    );
  }
  if (recent.some((l) => /config\.ya?ml/i.test(l))) {
    return new TunnelOpenError(
      `cloudflared will not start a quick tunnel while a configuration file (~/.cloudflared/config.yaml) exists. Move it aside, or use your named tunnel with tunnel mode "external"${detail}`,
      { retryable: false },
    );
  }
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
  return new TunnelOpenError(`cloudflared ${how} before giving a public URL${detail}`, { retryable: true });
}

function connection(child: ChildProcess, proc: WatchedProcess, url: string): TunnelConnection {
  const errorListeners = new Set<(err: Error) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  void proc.exited.then((exit) => {
    if (closed) {
      return;
    }
    const recent = proc.recentErrors();
    const why = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
    const err = new Error(`cloudflared ${why}${recent.length ? `: ${recent[recent.length - 1]}` : ''}`);
    for (const l of [...errorListeners]) {
      l(err);
    }
    for (const l of [...closeListeners]) {
      l();
    }
  });
  const add = <T>(set: Set<T>, listener: T): IDisposable => {
    set.add(listener);
    return toDisposable(() => set.delete(listener));
  };
  return {
    url,
    subdomain: hostLabel(url),
    readyGraceMs: CLOUDFLARED_READY_GRACE_MS,
    onError: (listener) => add(errorListeners, listener),
    onClose: (listener) => add(closeListeners, listener),
    close: () => {
      if (closed) {
        return;
      }
      closed = true;
      errorListeners.clear();
      closeListeners.clear();
      stopWatched(child);
    },
  };
}

function hostLabel(url: string): string {
  try {
    return new URL(url).hostname.split('.')[0] ?? '';
  } catch {
    return '';
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The default factory: `cloudflared` on PATH. */
export const openCloudflared: TunnelFactory = createCloudflaredFactory();
