/**
 * A localtunnel-protocol server on loopback, for tests (unit, integration, e2e, benchmarks).
 *
 * Protocol, as the localtunnel client speaks it:
 * - `GET /?new` or `GET /<subdomain>` on the HTTP port answers `{ id, port, max_conn_count, url }`.
 *   A requested subdomain that is already in use gets a random id instead (as the real server does);
 *   one that is not 4..63 lowercase alphanumerics/dashes gets `403 { message }`.
 * - The client opens `max_conn_count` TCP connections to `port`; each carries raw HTTP/1.1.
 * - A public request is proxied over one of those connections, and its response is piped back.
 *
 * There is no wildcard DNS on loopback, so the public URL of tunnel `abcd` is
 * `http://127.0.0.1:<httpPort>/t/abcd`: the `/t/abcd` prefix is stripped and the rest of the path and
 * the query reach the local receiver unchanged. Request headers are forwarded exactly as received
 * (order, case, duplicates) with `x-forwarded-for` and `x-forwarded-proto` appended, and the body bytes
 * are streamed unchanged.
 *
 * Fault controls: `dropAllSockets()`, `close()`/`restart()` on the same port, `refuseNewTunnels`,
 * `hang` (handshakes accepted but never answered), `hangPublic` (public requests never answered),
 * and counters.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';

export interface LtServerOptions {
  /** Port for the HTTP side (handshakes and public requests); 0 picks a free one. */
  port?: number;
  /** Sockets each client may open; the real server says 10. */
  maxConnCount?: number;
  /** How long a tunnel with no connected socket keeps its id, as the real server's grace period (1 s). */
  graceMs?: number;
}

export type DropMode =
  /** Destroy every tunnel socket; tunnel ports stay open, so the client can reconnect by itself. */
  | 'close'
  /** Destroy every tunnel socket and forget the tunnels (ports closed), as a server restart would. */
  | 'forget'
  /**
   * Forget the tunnels (ports closed, public URL answers 404) but keep the client's sockets open and
   * unused: the half-open case where the client sees nothing wrong. Only an end-to-end check notices.
   */
  | 'silent';

export interface LtTunnelInfo {
  readonly id: string;
  readonly port: number;
  readonly url: string;
  /** Tunnel sockets currently connected. */
  readonly sockets: number;
}

export interface LtServerStats {
  /** Tunnels handed out by successful handshakes. */
  tunnelsCreated: number;
  /** Every handshake seen, in order: the requested subdomain, or `null` for `/?new`. */
  readonly requestedSubdomains: Array<string | null>;
  /** Ids handed out, in order. */
  readonly assignedIds: string[];
  /** Public requests received (routed or not). */
  publicRequests: number;
  /** Tunnel sockets accepted, over all tunnels. */
  socketsAccepted: number;
}

export interface LtServer {
  /** The value for the client's `host` option, e.g. `http://127.0.0.1:12345`. */
  readonly url: string;
  readonly port: number;
  readonly stats: LtServerStats;
  /** Answer handshakes with `503 { message }`. */
  refuseNewTunnels: boolean;
  /** Accept handshakes but never answer them. */
  hang: boolean;
  /** Accept public requests but never answer them. */
  hangPublic: boolean;
  publicUrlFor(id: string): string;
  tunnels(): LtTunnelInfo[];
  dropAllSockets(options?: { mode?: DropMode }): void;
  /** Closes everything: HTTP port, tunnel ports, every socket, every timer. */
  close(): Promise<void>;
  /** Closes and listens again on the same HTTP port, with no tunnels (a server restart). */
  restart(): Promise<void>;
}

const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;
const PUBLIC_PREFIX = /^\/t\/([a-z0-9-]+)(?=\/|\?|$)/;
const LOOPBACK = '127.0.0.1';

/** Hands connected tunnel sockets to `http.request`, as the real server's agent does. */
class TunnelAgent extends http.Agent {
  private readonly idle: net.Socket[] = [];
  private readonly waiting: Array<(err: Error | null, stream: Duplex) => void> = [];

  constructor(maxSockets: number) {
    super({ keepAlive: true, maxSockets });
  }

  offer(socket: net.Socket): void {
    const next = this.waiting.shift();
    if (next) {
      next(null, socket);
      return;
    }
    this.idle.push(socket);
    socket.once('close', () => {
      const i = this.idle.indexOf(socket);
      if (i >= 0) {
        this.idle.splice(i, 1);
      }
    });
  }

  override createConnection(_options: http.ClientRequestArgs, cb?: (err: Error | null, stream: Duplex) => void): Duplex | undefined {
    const socket = this.idle.shift();
    if (socket) {
      return socket;
    }
    if (cb) {
      this.waiting.push(cb);
    }
    return undefined;
  }

  failWaiting(err: Error): void {
    for (const cb of this.waiting.splice(0)) {
      cb(err, undefined as unknown as Duplex);
    }
  }

  override destroy(): void {
    this.failWaiting(new Error('tunnel closed'));
    this.idle.length = 0;
    super.destroy();
  }
}

interface Tunnel {
  id: string;
  port: number;
  server: net.Server;
  agent: TunnelAgent;
  sockets: Set<net.Socket>;
  grace: NodeJS.Timeout | undefined;
}

export async function startLtServer(options: LtServerOptions = {}): Promise<LtServer> {
  const maxConnCount = options.maxConnCount ?? 10;
  const graceMs = options.graceMs ?? 1000;
  const tunnels = new Map<string, Tunnel>();
  /** Sockets of forgotten tunnels that were left open on purpose ('silent'); closed with the server. */
  const zombies = new Set<net.Socket>();
  const stats: LtServerStats = {
    tunnelsCreated: 0,
    requestedSubdomains: [],
    assignedIds: [],
    publicRequests: 0,
    socketsAccepted: 0,
  };
  let port = options.port ?? 0;
  let httpServer: http.Server;

  const publicUrlFor = (id: string): string => `http://${LOOPBACK}:${port}/t/${id}`;

  const forget = (t: Tunnel, destroySockets: boolean): void => {
    if (tunnels.get(t.id) !== t) {
      return;
    }
    tunnels.delete(t.id);
    if (t.grace) {
      clearTimeout(t.grace);
    }
    t.server.close();
    if (destroySockets) {
      t.agent.destroy();
    } else {
      // Agent.destroy() would close its idle keep-alive sockets, which the client would notice.
      t.agent.failWaiting(new Error('tunnel forgotten'));
    }
    for (const s of t.sockets) {
      if (destroySockets) {
        s.destroy();
      } else {
        zombies.add(s);
        s.once('close', () => zombies.delete(s));
      }
    }
    t.sockets.clear();
  };

  const armGrace = (t: Tunnel): void => {
    if (t.grace) {
      clearTimeout(t.grace);
    }
    t.grace = setTimeout(() => forget(t, true), graceMs);
    t.grace.unref();
  };

  const newTunnel = async (requested: string | null): Promise<Tunnel> => {
    let id = requested ?? randomId();
    while (tunnels.has(id)) {
      id = randomId();
    }
    const agent = new TunnelAgent(maxConnCount);
    const sockets = new Set<net.Socket>();
    const server = net.createServer();
    const t: Tunnel = { id, port: 0, server, agent, sockets, grace: undefined };
    server.on('connection', (socket) => {
      if (tunnels.get(id) !== t || sockets.size >= maxConnCount) {
        socket.destroy();
        return;
      }
      stats.socketsAccepted++;
      sockets.add(socket);
      if (t.grace) {
        clearTimeout(t.grace);
        t.grace = undefined;
      }
      socket.on('error', () => undefined);
      socket.once('close', () => {
        if (!sockets.delete(socket)) {
          return;
        }
        if (sockets.size === 0 && tunnels.get(id) === t) {
          armGrace(t);
        }
      });
      agent.offer(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    t.port = (server.address() as AddressInfo).port;
    tunnels.set(id, t);
    armGrace(t);
    return t;
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handshake = (res: http.ServerResponse, requested: string | null): void => {
    stats.requestedSubdomains.push(requested);
    if (server.hang) {
      return; // never answered; close() destroys the connection
    }
    if (server.refuseNewTunnels) {
      sendJson(res, 503, { message: 'This test server refuses new tunnels.' });
      return;
    }
    if (requested !== null && !SUBDOMAIN.test(requested)) {
      sendJson(res, 403, {
        message: 'Invalid subdomain. Subdomains must be lowercase and between 4 and 63 alphanumeric characters.',
      });
      return;
    }
    newTunnel(requested).then(
      (t) => {
        stats.tunnelsCreated++;
        stats.assignedIds.push(t.id);
        sendJson(res, 200, { id: t.id, port: t.port, max_conn_count: maxConnCount, url: publicUrlFor(t.id) });
      },
      (err: Error) => sendJson(res, 500, { message: err.message }),
    );
  };

  const proxy = (req: http.IncomingMessage, res: http.ServerResponse, t: Tunnel, path: string): void => {
    const headers = [...req.rawHeaders];
    headers.push('x-forwarded-for', req.socket.remoteAddress ?? '', 'x-forwarded-proto', 'http');
    const out = http.request({ agent: t.agent, method: req.method, path, headers, setHost: false });
    out.on('response', (inRes) => {
      res.writeHead(inRes.statusCode ?? 502, inRes.statusMessage, inRes.rawHeaders);
      inRes.pipe(res);
      inRes.on('error', () => res.destroy());
    });
    out.on('error', (err) => {
      if (!res.headersSent) {
        sendJson(res, 502, { message: `tunnel error: ${err.message}` });
      } else {
        res.destroy();
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        out.destroy();
      }
    });
    req.pipe(out);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    const pub = PUBLIC_PREFIX.exec(url);
    if (pub) {
      stats.publicRequests++;
      if (server.hangPublic) {
        return;
      }
      const t = tunnels.get(pub[1]);
      if (!t) {
        sendJson(res, 404, { message: `no active client for '${pub[1]}'` });
        req.resume();
        return;
      }
      const rest = url.slice(pub[0].length);
      proxy(req, res, t, rest.startsWith('/') ? rest : `/${rest}`);
      return;
    }
    req.resume();
    if (req.method === 'GET' && (url === '/?new' || url.startsWith('/?new&'))) {
      handshake(res, null);
      return;
    }
    const m = /^\/([^/?]+)\/?$/.exec(url);
    if (req.method === 'GET' && m && m[1] !== 'favicon.ico') {
      handshake(res, decodeURIComponent(m[1]));
      return;
    }
    sendJson(res, 404, { message: 'not found' });
  };

  const listen = async (): Promise<void> => {
    httpServer = http.createServer({ keepAliveTimeout: 1000 }, onRequest);
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, LOOPBACK, () => resolve());
    });
    port = (httpServer.address() as AddressInfo).port;
  };

  const closeAll = async (): Promise<void> => {
    for (const t of [...tunnels.values()]) {
      forget(t, true);
    }
    for (const s of zombies) {
      s.destroy();
    }
    zombies.clear();
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeAllConnections();
    await closed;
  };

  await listen();

  const server: LtServer = {
    get url() {
      return `http://${LOOPBACK}:${port}`;
    },
    get port() {
      return port;
    },
    stats,
    refuseNewTunnels: false,
    hang: false,
    hangPublic: false,
    publicUrlFor,
    tunnels: () => [...tunnels.values()].map((t) => ({ id: t.id, port: t.port, url: publicUrlFor(t.id), sockets: t.sockets.size })),
    dropAllSockets({ mode = 'close' } = {}) {
      for (const t of [...tunnels.values()]) {
        if (mode === 'close') {
          for (const s of t.sockets) {
            s.destroy();
          }
        } else {
          forget(t, mode === 'forget');
        }
      }
    },
    close: closeAll,
    async restart() {
      await closeAll();
      await listen();
    },
  };
  return server;
}

function randomId(): string {
  // 10 lowercase alphanumerics: always a valid subdomain.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}
