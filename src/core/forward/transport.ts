/**
 * The default transport: node:http / node:https directly (not fetch), so header order, case and
 * duplicates are kept and the body goes out as the exact bytes. No timeout unless a signal aborts.
 *
 * Connections to loopback targets (the local handler) are kept alive for a short while and reused:
 * a new TCP connection per request made each request 2–3× slower on loopback (see
 * test/bench/items/resend.ts). An idle connection is closed after `keepAliveIdleMs` (1 s by default)
 * and never keeps the process alive (idle sockets are unref'd). A request that fails on a reused
 * connection before any answer arrived (`ECONNRESET`/`EPIPE`: the handler closed or restarted while
 * the connection sat idle) is sent once more on a fresh connection. Other hosts get a connection per
 * request, as before.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { isLoopbackHost } from './target';
import type { OutgoingRequest, Transport, TransportResponse } from './types';
import { DeliveryError } from './types';

export interface HttpTransportOptions {
  /** Accept self-signed certificates (https on localhost during development). Default false. */
  insecureTls?: boolean;
  /** How long (ms) an idle connection to a loopback target stays open for the next request. Default 1000; 0: a connection per request. */
  keepAliveIdleMs?: number;
  /** Host name resolution (node's `lookup` option); tests map a name to a loopback listener. Default: the system's. */
  lookup?: http.RequestOptions['lookup'];
}

/** A `Transport` that may hold idle connections to loopback handlers. */
export interface HttpTransport extends Transport {
  /** Closes the idle kept-alive connections now (requests in flight are not touched). Idle connections close by themselves after `keepAliveIdleMs`. */
  closeIdleConnections(): void;
}

export const DEFAULT_KEEP_ALIVE_IDLE_MS = 1000;

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const idleMs = Math.max(0, options.keepAliveIdleMs ?? DEFAULT_KEEP_ALIVE_IDLE_MS);
  let httpAgent: http.Agent | undefined;
  let httpsAgent: https.Agent | undefined;
  const agentFor = (origin: URL): http.Agent | undefined => {
    if (idleMs === 0 || !isLoopbackHost(origin.hostname)) {
      return undefined;
    }
    return origin.protocol === 'https:'
      ? (httpsAgent ??= loopbackAgent(new https.Agent(LOOPBACK_AGENT_OPTIONS), idleMs))
      : (httpAgent ??= loopbackAgent(new http.Agent(LOOPBACK_AGENT_OPTIONS), idleMs));
  };
  const transport = (req: OutgoingRequest, opts: Parameters<Transport>[1]) =>
    send({ req, limit: opts.maxResponseBytes, signal: opts.signal, options }, agentFor(req.origin));
  return Object.assign(transport, {
    closeIdleConnections: () => {
      for (const agent of [httpAgent, httpsAgent]) {
        if (agent) {
          destroyIdle(agent);
        }
      }
    },
  });
}

/** The shared default transport. */
export const httpTransport: HttpTransport = createHttpTransport();

/**
 * Keep-alive for loopback handlers. Only idle sockets have a timeout: `keepSocketAlive` (a socket
 * goes back to the pool) arms it, `reuseSocket` (a request takes it) clears it, so a request in
 * flight never times out (hold mode: the handler may sit on a breakpoint for minutes). The agent's
 * own `timeout` option is not used because it would apply to sockets in use too.
 */
function loopbackAgent<A extends http.Agent>(agent: A, idleMs: number): A {
  // Node's keepSocketAlive unrefs the socket and returns false when it must not be kept (typed `void`).
  const pool = agent as unknown as {
    keepSocketAlive(socket: Duplex): boolean;
    reuseSocket(socket: Duplex, request: http.ClientRequest): void;
  };
  const keepSocketAlive = pool.keepSocketAlive.bind(agent);
  const reuseSocket = pool.reuseSocket.bind(agent);
  type TimedSocket = Duplex & { setTimeout(ms: number): void };
  pool.keepSocketAlive = (socket) => {
    if (keepSocketAlive(socket) === false) {
      return false;
    }
    // The agent destroys a socket of its free list when it times out.
    (socket as TimedSocket).setTimeout(idleMs);
    return true;
  };
  pool.reuseSocket = (socket, request) => {
    reuseSocket(socket, request);
    (socket as TimedSocket).setTimeout(0);
  };
  return agent;
}

const LOOPBACK_AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, maxFreeSockets: 16, scheduling: 'lifo' };

function destroyIdle(agent: http.Agent, port?: number): void {
  for (const list of Object.values(agent.freeSockets)) {
    for (const socket of list ?? []) {
      if (port === undefined || socket.remotePort === port) {
        socket.destroy();
      }
    }
  }
}

/** A request failed on a reused connection before any answer: the connection was stale. */
class StaleConnection extends Error {
  constructor(readonly error: DeliveryError) {
    super(error.message);
  }
}

/** One request and what governs it: the response cap, the abort signal, the transport's options. */
interface Call {
  readonly req: OutgoingRequest;
  readonly limit: number;
  readonly signal: AbortSignal | undefined;
  readonly options: HttpTransportOptions;
}

async function send(call: Call, agent: http.Agent | undefined): Promise<TransportResponse> {
  const { req } = call;
  try {
    return await attempt(call, agent);
  } catch (err) {
    if (!(err instanceof StaleConnection) || !agent) {
      throw err;
    }
    // The handler closed its idle connections (a restart, its keep-alive timeout) as this request went
    // out on one of them. Drop the other idle ones to it and send once more on a fresh connection.
    destroyIdle(agent, Number(req.origin.port || (req.origin.protocol === 'https:' ? 443 : 80)));
    try {
      return await attempt(call, undefined);
    } catch (retryErr) {
      // Nothing listening now: the handler died on the first try. Its reset says more than the refusal.
      if (retryErr instanceof DeliveryError && retryErr.code === 'ECONNREFUSED') {
        throw err.error;
      }
      throw retryErr instanceof StaleConnection ? retryErr.error : retryErr;
    }
  }
}

function attempt({ req, limit, signal, options }: Call, agent: http.Agent | undefined): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const isHttps = req.origin.protocol === 'https:';
    const flat: string[] = [];
    for (const [k, v] of req.headers) {
      flat.push(k, v);
    }
    let client: http.ClientRequest;
    const base = {
      method: req.method,
      hostname: req.origin.hostname.replace(/^\[|\]$/g, ''),
      port: req.origin.port || (isHttps ? 443 : 80),
      path: req.path,
      headers: flat as unknown as http.OutgoingHttpHeaders,
      agent: agent ?? (false as const),
      setHost: false,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    };
    try {
      client = isHttps ? https.request({ ...base, rejectUnauthorized: !options.insecureTls }) : http.request(base);
    } catch (err) {
      reject(
        new DeliveryError(
          `The request could not be built: ${(err as Error).message}`,
          (err as NodeJS.ErrnoException).code ?? 'INVALID_REQUEST',
          { cause: err },
        ),
      );
      return;
    }
    let settled = false;
    let answered = false;
    const fail = (err: DeliveryError | StaleConnection) => {
      if (!settled) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      }
    };
    const onAbort = () => {
      fail(abortError(signal));
      client.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', (err: NodeJS.ErrnoException) => {
      const error = describeError(err, req.origin);
      const stale = client.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(stale ? new StaleConnection(error) : error);
    });
    client.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let kept = 0;
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (kept < limit) {
          const part = chunk.length > limit - kept ? chunk.subarray(0, limit - kept) : chunk;
          chunks.push(part);
          kept += part.length;
        }
      });
      // The answer had begun: a connection lost now (Node reports 'aborted', ECONNRESET) is cut mid-answer, not "without answering".
      const cut = (cause?: unknown) =>
        fail(
          new DeliveryError(`The handler on ${req.origin.host} closed the connection in the middle of its answer.`, 'ECONNRESET', {
            cause,
          }),
        );
      res.on('error', cut);
      res.on('close', () => {
        if (!res.complete) {
          cut();
        }
      });
      res.on('end', () => {
        if (settled) {
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const headers: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks, kept), bodySize: size, truncated: size > kept });
      });
    });
    client.end(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
  });
}

function abortError(signal: AbortSignal | undefined): DeliveryError {
  const reason: unknown = signal?.reason;
  return reason instanceof DeliveryError ? reason : new DeliveryError('The request was cancelled.', 'ABORTED');
}

/** Turns socket errors into sentences that say what to do. */
export function describeError(err: NodeJS.ErrnoException, origin: URL): DeliveryError {
  const host = origin.host;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new DeliveryError(`Nothing is listening on ${host} — start your handler or change the target`, 'ECONNREFUSED', { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DeliveryError(`The host ${origin.hostname} could not be found (DNS). Check the target.`, err.code, { cause: err });
    case 'ECONNRESET':
    case 'EPIPE':
      return new DeliveryError(
        `The handler on ${host} closed the connection without answering (${err.code}). Did it crash? Check its log.`,
        err.code,
        { cause: err },
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new DeliveryError(`${host} cannot be reached (${err.code}). Check the address and your network.`, err.code, { cause: err });
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
      return new DeliveryError(`${host} did not answer with HTTP. Is it a TLS (https:) server, or not a web server at all?`, err.code, {
        cause: err,
      });
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new DeliveryError(`TLS with ${host} failed (${err.code}). Is the target http: rather than https:?`, err.code, { cause: err });
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new DeliveryError(`The TLS certificate of ${host} is not trusted (${err.code}).`, err.code, { cause: err });
    default:
      return new DeliveryError(`The request to ${host} failed: ${err.message}`, err.code ?? 'ERROR', { cause: err });
  }
}
