import type * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { captureFacts } from './classify';
import type { CapturedEvent, CapturedResponse, EventPatch } from './model/event';
import { Disposable, Emitter } from './lifecycle';
import type { Logger } from './logger';
import { nullLogger } from './logger';
import type { EventStore } from './store';
import { newEventId, StoreWriteError } from './store';
import { DEFAULT_MAX_BODY_SIZE, PortInUseError, RECEIVER_HOST } from './receiverDefaults';
import { RateLimiter, sourceAddress } from './rateLimit';

/** The loopback address the receiver binds. It is never exposed on other interfaces; the tunnel reaches it. */
export { DEFAULT_MAX_BODY_SIZE, PortInUseError, RECEIVER_HOST } from './receiverDefaults';
export { RateLimiter } from './rateLimit';

/** A request as it arrived, body fully read. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly remoteAddress: string;
}

export interface ReplySpec {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra fields stored on the event (e.g. `handshake: 'slack-url-verification'`). */
  readonly annotate?: EventPatch;
}

/**
 * How other parts shape an answer: the tunnel's canary (answered, never listed) and provider
 * handshakes or custom responses (answered differently, still listed).
 */
export interface ReceiverHooks {
  /** Answers a request without storing it; return undefined to let it through. */
  intercept?(req: ReceivedRequest): ReplySpec | undefined;
  /**
   * Chooses the response for a request (already stored under `id`); undefined for the default. May be
   * async (proxy mode waits for the local handler); `signal()` gives a signal that aborts when the sender
   * hangs up (made on first call: most requests never need one).
   */
  respond?(req: ReceivedRequest, id: string, signal: () => AbortSignal): ReplySpec | undefined | Promise<ReplySpec | undefined>;
  /**
   * Fields stored with the event itself, computed from the request before it is written (the signature
   * verdict: synchronous, microseconds for an HMAC). They ride in the event's one index record, so no
   * second write is needed to record them. A throw is logged and the event is stored without them.
   */
  enrich?(draft: EventDraft, body: Buffer): EventPatch | undefined;
}

/** An event as the receiver is about to store it. */
export type EventDraft = Omit<CapturedEvent, 'pinned'>;

export interface ReceiverOptions {
  store: EventStore;
  /** 0 picks any free port. */
  port: number;
  maxBodySize?: number;
  logger?: Logger;
  hooks?: ReceiverHooks;
  /** Limits against slow clients (slowloris): time to receive all headers, and the whole request. */
  timeouts?: { headersMs?: number; requestMs?: number; checkIntervalMs?: number };
  /** Requests a minute per source address before `429`; 0 or absent = no limit (the default). */
  rateLimitPerMinute?: number;
  /** The public base URL (tunnel) in force, recorded on each event as `publicUrl` for verification. */
  publicBaseUrl?: () => string | undefined;
  now?: () => Date;
}

export type ReceiverState = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * The HTTP receiver: express on 127.0.0.1, any method on any path. It reads the raw body bytes itself
 * (no body parser runs before capture, so nothing is re-serialised), stores the event, and answers at
 * once; verification and UI work happen after the answer, off the sender's clock.
 */
export class Receiver extends Disposable {
  private server: http.Server | undefined;
  private _state: ReceiverState = 'stopped';
  private _port = 0;
  private readonly logger: Logger;
  private maxBodySize: number;
  private readonly rateLimiter: RateLimiter | undefined;
  /** The body bytes of the event being announced, for listeners that need them (no read back from disk). */
  private readonly bodies = new WeakMap<CapturedEvent, Buffer>();

  private readonly _onDidChangeState = this._register(new Emitter<ReceiverState>());
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onDidCapture = this._register(new Emitter<CapturedEvent>());
  /** Fires after an event is on disk and its sender has been answered. */
  readonly onDidCapture = this._onDidCapture.event;

  constructor(private readonly options: ReceiverOptions) {
    super();
    this.logger = options.logger ?? nullLogger;
    this.maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
    this.rateLimiter = options.rateLimitPerMinute ? new RateLimiter(options.rateLimitPerMinute) : undefined;
  }

  get state(): ReceiverState {
    return this._state;
  }

  get port(): number {
    return this._port;
  }

  /** `http://127.0.0.1:PORT` while running. */
  get url(): string | undefined {
    return this._state === 'running' ? `http://${RECEIVER_HOST}:${this._port}` : undefined;
  }

  /** The body of an event this receiver just captured, while its `onDidCapture` listeners run (read it there). */
  bodyOf(event: CapturedEvent): Buffer | undefined {
    return this.bodies.get(event);
  }

  setMaxBodySize(bytes: number): void {
    this.maxBodySize = bytes;
  }

  async start(): Promise<string> {
    if (this._state === 'running') {
      return this.url!;
    }
    if (this._state !== 'stopped') {
      throw new Error(`The receiver is ${this._state}.`);
    }
    this.setState('starting');
    try {
      // express is loaded on first start, not when the extension activates.
      const { default: express } = await import('express');
      const app = express();
      app.disable('x-powered-by');
      app.set('etag', false);
      app.use((req, res) => this.handle(req, res));
      const t = this.options.timeouts ?? {};
      const server = (await import('node:http')).createServer(
        { requireHostHeader: false, connectionsCheckingInterval: t.checkIntervalMs ?? 5_000 },
        app,
      );
      server.headersTimeout = t.headersMs ?? 20_000;
      server.requestTimeout = t.requestMs ?? 120_000;
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          server.off('listening', onListening);
          reject(err.code === 'EADDRINUSE' ? new PortInUseError(this.options.port) : err);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(this.options.port, RECEIVER_HOST);
      });
      server.on('error', (err) => this.logger.error(`Receiver: ${err.message}`));
      server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        // A connection that never sent a byte (the tunnel client opens its local connections ahead of
        // requests) is closed quietly: a 408 written there would travel back through the tunnel and
        // become the answer to the next public request.
        if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && (socket as Socket).bytesRead === 0) {
          socket.destroy();
          return;
        }
        this.logger.debug(`Receiver: rejected a malformed request (${err.code ?? err.message}).`);
        if (socket.writable) {
          const status =
            err.code === 'HPE_HEADER_OVERFLOW'
              ? '431 Request Header Fields Too Large'
              : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
                ? '408 Request Timeout'
                : '400 Bad Request';
          socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        } else {
          socket.destroy();
        }
      });
      this.server = server;
      this._port = (server.address() as AddressInfo).port;
      this.setState('running');
      this.logger.info(`Receiver listening on ${this.url}`);
      return this.url!;
    } catch (err) {
      this.setState('stopped');
      throw err;
    }
  }

  /** Stops listening and closes every open connection, so the port is free when this resolves. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server || this._state !== 'running') {
      return;
    }
    this.setState('stopping');
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.setState('stopped');
    this.logger.info('Receiver stopped.');
  }

  override dispose(): void {
    void this.stop();
    super.dispose();
  }

  private setState(state: ReceiverState): void {
    this._state = state;
    this._onDidChangeState.fire(state);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const receivedAt = (this.options.now?.() ?? new Date()).toISOString();
    const headers = pairs(req.rawHeaders);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const remoteAddress = req.socket.remoteAddress ?? '';
    const limit = this.maxBodySize;
    const declared = Number(req.headers['content-length']);

    const limited = this.rateLimiter?.take(sourceAddress(remoteAddress, headers), Date.now());
    if (limited) {
      req.resume();
      send(res, jsonResponse(429, { error: 'rate_limited', message: `Too many requests from this address; retry in ${limited} s.` }), {
        'retry-after': String(limited),
      });
      return;
    }

    const tooLarge = async (size: number) => {
      const id = newEventId();
      const response = jsonResponse(413, {
        error: 'payload_too_large',
        message: `The body (${size} bytes) is larger than this receiver's limit of ${limit} bytes.`,
        id,
      });
      this.logger.warn(`Receiver: ${method} ${url} rejected, body ${size} bytes over the ${limit}-byte limit.`);
      // The attempt is listed (metadata only) before the sender hears back, like every event.
      const event = await this.persist(
        {
          id,
          receivedAt,
          method,
          url,
          headers,
          remoteAddress,
          size,
          response,
          rejected: 'body-too-large',
          ...captureFacts(headers, new Uint8Array(0)),
        },
        undefined,
      );
      // Not a single byte more is read: the socket closes after the answer.
      send(res, response, { connection: 'close' });
      res.on('finish', () => req.socket.destroySoon?.());
      if (event) {
        this._onDidCapture.fire(event);
      }
    };

    if (Number.isFinite(declared) && declared > limit) {
      req.pause();
      void tooLarge(declared);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) {
        return;
      }
      received += chunk.length;
      if (received > limit) {
        over = true;
        chunks.length = 0;
        req.pause();
        void tooLarge(received);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => this.logger.debug(`Receiver: ${method} ${url} aborted by the sender (${err.message}).`));
    req.on('end', () => {
      if (over) {
        return;
      }
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      void this.capture({ method, url, headers, body, remoteAddress }, receivedAt, res);
    });
  }

  private async capture(request: ReceivedRequest, receivedAt: string, res: http.ServerResponse): Promise<void> {
    const hooks = this.options.hooks;
    let intercepted: ReplySpec | undefined;
    try {
      intercepted = hooks?.intercept?.(request);
    } catch (err) {
      this.logger.error(`Receiver: intercept hook failed: ${(err as Error).message}`);
    }
    if (intercepted) {
      send(res, toResponse(intercepted), intercepted.headers);
      return;
    }
    const id = newEventId();
    // The id is `evt_` and base-36/hex digits: nothing to escape.
    const defaultResponse: CapturedResponse = { status: 200, body: `{"ok":true,"id":"${id}"}`, contentType: JSON_TYPE };
    const draft: EventDraft = {
      id,
      receivedAt,
      method: request.method,
      url: request.url,
      headers: request.headers,
      remoteAddress: request.remoteAddress,
      size: request.body.length,
      response: defaultResponse,
      publicUrl: (this.options.publicBaseUrl?.() ?? this.url ?? '') + request.url,
      ...captureFacts(request.headers, request.body),
    };
    if (hooks?.enrich) {
      try {
        Object.assign(draft, hooks.enrich(draft, request.body));
      } catch (err) {
        this.logger.error(`Receiver: enrich hook failed: ${(err as Error).message}`);
      }
    }
    // Stored first, so the event is on disk before any answer leaves, whatever the hook decides.
    let event = await this.persist(draft, request.body);
    if (!event) {
      send(
        res,
        jsonResponse(503, {
          error: 'not_saved',
          message: 'The receiver could not save this request (see the Webhook Inspector log). Retry later.',
        }),
        { 'retry-after': '5' },
      );
      return;
    }
    let custom: ReplySpec | undefined;
    if (hooks?.respond) {
      let abort: AbortController | undefined;
      const signal = () => {
        if (!abort) {
          abort = new AbortController();
          const a = abort;
          res.on('close', () => !res.writableFinished && a.abort());
        }
        return abort.signal;
      };
      try {
        const reply = hooks.respond(request, id, signal);
        // A synchronous answer (the usual case) costs no extra turn of the event loop.
        custom = typeof (reply as PromiseLike<unknown> | undefined)?.then === 'function' ? await reply : (reply as ReplySpec | undefined);
      } catch (err) {
        this.logger.error(`Receiver: response hook failed: ${(err as Error).message}`);
      }
    }
    const response = custom ? toResponse(custom) : defaultResponse;
    if (custom) {
      event = (await this.options.store.update(id, { response, ...custom.annotate }).catch(() => undefined)) ?? event;
    }
    send(res, response, custom?.headers, custom && typeof custom.body !== 'string' ? custom.body : undefined);
    this.logger.debug(`Receiver: ${event.method} ${event.url} → ${response.status} (${event.size} bytes) as ${event.id}`);
    // Only for the listeners: kept past them, every stored event would hold its body in memory.
    this.bodies.set(event, request.body);
    try {
      this._onDidCapture.fire(event);
    } finally {
      this.bodies.delete(event);
    }
  }

  private async persist(draft: EventDraft, body: Buffer | undefined): Promise<CapturedEvent | undefined> {
    try {
      return await this.options.store.append(draft, body);
    } catch (err) {
      this.logger.error(err instanceof StoreWriteError ? err.message : `Receiver: could not store the event: ${(err as Error).message}`);
      return undefined;
    }
  }
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonResponse(status: number, body: unknown): CapturedResponse {
  return { status, body: JSON.stringify(body), contentType: JSON_TYPE };
}

function toResponse(spec: ReplySpec): CapturedResponse {
  const body = typeof spec.body === 'string' ? spec.body : Buffer.from(spec.body).toString('utf8');
  return { status: spec.status, body, contentType: spec.contentType ?? 'text/plain; charset=utf-8' };
}

function send(res: http.ServerResponse, response: CapturedResponse, extra?: Readonly<Record<string, string>>, rawBody?: Uint8Array): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  // Bytes from a handler (proxy mode) go out as they came; the stored copy is text.
  const body = rawBody ? Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength) : Buffer.from(response.body);
  res.statusCode = response.status;
  res.setHeader('content-type', response.contentType);
  res.setHeader('content-length', body.length);
  res.setHeader('x-content-type-options', 'nosniff');
  if (extra) {
    for (const k in extra) {
      res.setHeader(k, extra[k]!);
    }
  }
  res.end(body);
}
