import type LocaltunnelClient from 'localtunnel/lib/Tunnel';
import type { IDisposable } from '../lifecycle';
import { toDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { TunnelConnection, TunnelFactory, TunnelOpenOptions } from './types';
import { TunnelOpenError } from './types';

export const DEFAULT_LOCALTUNNEL_HOST = 'https://localtunnel.me';

type TunnelClass = typeof LocaltunnelClient;

export interface LocaltunnelFactoryDeps {
  fetch?: typeof fetch;
  logger?: Logger;
  /** Loads localtunnel's client class; the default imports it on first use, not at module load. */
  loadClient?: () => Promise<TunnelClass>;
}

/** The answer to `GET <host>/<subdomain>` or `GET <host>/?new`. */
export interface LocaltunnelHandshake {
  readonly id: string;
  readonly port: number;
  readonly max_conn_count?: number;
  readonly url: string;
  readonly ip?: string;
  readonly cached_url?: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1']);

async function loadLocaltunnelClient(): Promise<TunnelClass> {
  const mod = (await import('localtunnel/lib/Tunnel')) as unknown as { default?: TunnelClass } & TunnelClass;
  return mod.default ?? mod;
}

/**
 * A `TunnelFactory` over the localtunnel client.
 *
 * The handshake is ours (fetch, honouring the abort signal, with the server's error message), because
 * localtunnel's own one retries every second forever and cannot be cancelled; the tunnel sockets are
 * localtunnel's.
 *
 * `local_host` is passed only for a non-loopback local host: when it is set, localtunnel rewrites the
 * Host header of the first request on each socket by decoding the chunk as UTF-8, which corrupts
 * binary bodies. For a loopback receiver the client connects to `localhost`, which
 * Node (>= 20, `autoSelectFamily`) reaches on 127.0.0.1 even where `localhost` also maps to ::1, and
 * the Host header arrives as the sender wrote it.
 */
export function createLocaltunnelFactory(deps: LocaltunnelFactoryDeps = {}): TunnelFactory {
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const logger = deps.logger ?? nullLogger;
  const loadClient = deps.loadClient ?? loadLocaltunnelClient;

  return async (options: TunnelOpenOptions): Promise<TunnelConnection> => {
    const { signal } = options;
    const host = options.host.replace(/\/+$/, '');
    // Load the client first: the server frees a tunnel whose sockets do not arrive within its grace
    // period (1 s on localtunnel.me), and the first load of localtunnel and axios can take that long.
    const Tunnel = await loadClient();
    signal.throwIfAborted();
    const handshake = await fetchHandshake(fetchImpl, host, options.subdomain, signal);
    logger.debug(`localtunnel: server ${host} assigned "${handshake.id}" (${handshake.url})`);

    const clientOptions: { host: string; port: number; subdomain?: string; local_host?: string } = {
      host,
      port: options.localPort,
    };
    if (options.subdomain !== undefined) {
      clientOptions.subdomain = options.subdomain;
    }
    if (!LOOPBACK_NAMES.has(options.localHost)) {
      logger.warn(
        `localtunnel: forwarding to ${options.localHost}; localtunnel rewrites the Host header and may alter binary request bodies.`,
      );
      clientOptions.local_host = options.localHost;
    }
    const client = new Tunnel(clientOptions);
    client._init = (cb) => cb(null, client._getInfo(handshake));
    // Socket errors arrive as 'error' events, also after close (a reconnect in flight): never unhandled.
    client.on('error', (err: Error) => logger.debug(`localtunnel: ${err.message}`));
    await new Promise<void>((resolve, reject) => client.open((err) => (err ? reject(err) : resolve())));

    const subscriptions = new Set<IDisposable>();
    const listen = <A extends unknown[]>(event: string, listener: (...args: A) => void): IDisposable => {
      const fn = (...args: unknown[]) => listener(...(args as A));
      client.on(event, fn);
      const d = toDisposable(() => {
        client.off(event, fn);
        subscriptions.delete(d);
      });
      subscriptions.add(d);
      return d;
    };
    let closed = false;
    const connection: TunnelConnection = {
      url: client.url ?? handshake.url,
      subdomain: client.clientId ?? handshake.id,
      onError: (listener) => listen<[Error]>('error', listener),
      onClose: (listener) =>
        listen<[]>('close', () => {
          if (!closed) {
            listener();
          }
        }),
      close: () => {
        if (closed) {
          return;
        }
        closed = true;
        for (const d of [...subscriptions]) {
          d.dispose();
        }
        client.close();
      },
    };
    if (signal.aborted) {
      connection.close();
      signal.throwIfAborted();
    }
    return connection;
  };
}

async function fetchHandshake(
  fetchImpl: typeof fetch,
  host: string,
  subdomain: string | undefined,
  signal: AbortSignal,
): Promise<LocaltunnelHandshake> {
  let base: URL;
  try {
    base = new URL(host);
  } catch {
    throw new TunnelOpenError(`The localtunnel server "${host}" is not a valid URL.`, { retryable: false });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TunnelOpenError(`The localtunnel server "${host}" must be an http: or https: URL.`, { retryable: false });
  }
  const url = `${host}/${subdomain === undefined ? '?new' : encodeURIComponent(subdomain)}`;
  let status: number;
  let text: string;
  try {
    const res = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
    status = res.status;
    text = await res.text();
  } catch (err) {
    signal.throwIfAborted();
    throw new TunnelOpenError(`Cannot reach the localtunnel server ${host}: ${describeFetchError(err)}.`, {
      retryable: true,
      cause: err,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status < 200 || status > 299) {
    const message = (body as { message?: unknown } | undefined)?.message;
    const detail = typeof message === 'string' ? `: ${message}` : '';
    // 4xx other than timeouts and rate limits will not get better by asking again (e.g. invalid subdomain).
    const retryable = status >= 500 || status === 408 || status === 429;
    throw new TunnelOpenError(`The localtunnel server ${host} refused the tunnel (HTTP ${status})${detail}`, {
      retryable,
      status,
    });
  }
  const b = body as Partial<LocaltunnelHandshake> | undefined;
  if (!b || typeof b.id !== 'string' || typeof b.url !== 'string' || typeof b.port !== 'number') {
    throw new TunnelOpenError(`The localtunnel server ${host} answered without a tunnel (id, port, url).`, {
      retryable: true,
      status,
    });
  }
  return b as LocaltunnelHandshake;
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') {
    return cause.code;
  }
  if (cause && typeof cause.message === 'string') {
    return cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The default factory: the real localtunnel client, loaded on first use. */
export const openLocaltunnel: TunnelFactory = createLocaltunnelFactory();
