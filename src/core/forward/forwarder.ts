/**
 * Live forwarding: every captured event goes on to the developer's handler as it arrives.
 *
 * - `immediate` mode: the receiver has already answered the provider 2xx; delivery happens after, with
 *   NO timeout (a developer may sit on a breakpoint for minutes). Failed deliveries (no answer, 5xx,
 *   408, 429) are retried with exponential backoff, up to `maxAttempts`. Order is kept per target:
 *   each target has a queue, and the next event waits until the one before is delivered or failed.
 * - `proxy` mode: the receiver awaits `proxy()` and gives the provider the handler's status and body
 *   (504 after `timeoutMs`, 502 when the handler cannot be reached). One attempt: the provider retries.
 *   While `noTimeout()` says so (a debug session is active), the handler request is never cut: after
 *   `timeoutMs` the provider gets the receiver's own 2xx, as in hold (`immediate`) mode, and the
 *   delivery is recorded whenever the handler answers.
 *
 * Every attempt is recorded on the event (`deliveries`), and state changes fire `onDidChangeState`.
 */
import type { CapturedEvent } from '../model/event';
import { Disposable, Emitter } from '../lifecycle';
import type { IDisposable } from '../lifecycle';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { ReplySpec } from '../receiver';
import { DeliveryLog } from './deliveryLog';
import { isRetryable, isSuccess, retryAfterMs } from './deliver';
import { attemptTarget } from './forwardAttempt';
import type { ForwarderOptions, ForwardStateChange, ProxyRequest, ResponseMode } from './forwarderTypes';
import type { ResendSource } from './prepare';
import { replyFor } from './proxyReply';
import { routeTargets } from './routing';
import { DEFAULT_TARGET } from './target';
import { httpTransport } from './transport';
import type { Sleep, Transport } from './types';
import type { Delivery, DeliveryKind, ForwardState } from '../model/delivery';
import { DeliveryError, realSleep } from './types';
import { DEFAULT_BACKOFF, backoffDelay } from '../backoff';

export type { ForwarderOptions, ForwardStateChange, ProxyRequest, ResponseMode } from './forwarderTypes';
export { replyFor } from './proxyReply';

interface Job {
  readonly event: CapturedEvent;
  readonly target: string;
  /** Read once at intake; undefined for proxy fan-out jobs (read when their turn comes). */
  readonly body?: Uint8Array;
}

interface TargetQueue {
  readonly jobs: Job[];
  running: Promise<void> | undefined;
}

const MAX_TRACKED = 1000;

export class Forwarder extends Disposable {
  private readonly queues = new Map<string, TargetQueue>();
  private readonly states = new Map<string, Map<string, ForwardState>>();
  private readonly proxied = new Map<string, { deliveries: Delivery[]; rest: string[] }>();
  /** Proxy deliveries still waiting on the handler after the provider got its answer (debugging). */
  private readonly held = new Map<string, { event?: CapturedEvent }>();
  private readonly shutdown = new AbortController();
  /** Hosts the user refused: live events do not ask again until `configure` changes the targets. */
  private readonly refusedHosts = new Set<string>();
  /** Intake is serial (bodies are read in arrival order), so queues get events in capture order. */
  private intake: Promise<void> = Promise.resolve();
  private readonly log: DeliveryLog;
  private readonly transport: Transport;
  private readonly now: () => Date;
  private readonly sleep: Sleep;
  private readonly logger: Logger;
  private options: ForwarderOptions;

  private readonly _onDidChangeState = this._register(new Emitter<ForwardStateChange>());
  /** Fires on every state change of an event at a target (the tree listens). */
  readonly onDidChangeState = this._onDidChangeState.event;

  constructor(options: ForwarderOptions) {
    super();
    this.options = options;
    this.logger = options.logger ?? nullLogger;
    this.log = options.log ?? new DeliveryLog(options.store, { logger: this.logger });
    this.transport = options.transport ?? httpTransport;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
  }

  get mode(): ResponseMode {
    return this.options.mode ?? 'immediate';
  }

  /** Changes target, routes, mode, timeout, attempts or signing; queued events use the new values. */
  configure(patch: Partial<Omit<ForwarderOptions, 'store' | 'log' | 'transport' | 'now' | 'sleep' | 'logger'>>): void {
    this.options = { ...this.options, ...patch };
    if (patch.target !== undefined || patch.routes !== undefined || patch.guard !== undefined) {
      this.refusedHosts.clear();
    }
  }

  /** Forwards every event `onDidCapture` reports (e.g. `session.onDidCapture`). */
  attach(onDidCapture: (listener: (event: CapturedEvent) => void) => IDisposable): IDisposable {
    return this._register(onDidCapture((event) => this.forward(event)));
  }

  /** The states of an event, per target. */
  stateOf(eventId: string): ReadonlyMap<string, ForwardState> {
    return this.states.get(eventId) ?? new Map();
  }

  /** Takes a stored event. Immediate mode: queues it per target. Proxy mode: records the proxied delivery and queues fan-out targets. */
  forward(event: CapturedEvent): void {
    if (this.isDisposed || event.rejected) {
      return;
    }
    const held = this.held.get(event.id);
    if (held) {
      held.event = event; // recorded when the handler answers
      return;
    }
    const proxied = this.proxied.get(event.id);
    if (proxied) {
      this.proxied.delete(event.id);
      for (const d of proxied.deliveries) {
        void this.log.append(event.id, d);
      }
      for (const target of proxied.rest) {
        this.enqueue({ event, target });
      }
      return;
    }
    if (this.mode === 'proxy') {
      this.logger.debug(`Forward: ${event.id} was not proxied (proxy mode); not forwarded.`);
      return;
    }
    this.intake = this.intake
      .then(() => this.store.readBody(event.id))
      .then(
        (body) => {
          for (const target of routeTargets(event, this.options.routes ?? [], this.defaultTarget, body)) {
            this.enqueue({ event, target, body });
          }
        },
        (err: Error) => this.logger.warn(`Forward: cannot read the body of ${event.id}: ${err.message}`),
      );
  }

  /**
   * Proxy mode: sends the request to its (first) target and returns what the provider should get.
   * Never throws. The delivery is recorded when the event is stored (`forward`). Further fan-out
   * targets are delivered after, as in immediate mode.
   */
  async proxy(req: ProxyRequest): Promise<ReplySpec> {
    const [primary, ...rest] = routeTargets(req, this.options.routes ?? [], this.defaultTarget, req.body);
    const target = primary ?? this.defaultTarget;
    this.setState(req.id, target, 'pending', 0);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const timeout = new AbortController();
    const cancelTimer = new AbortController();
    const onShutdown = () => timeout.abort(new DeliveryError('The forwarder was stopped.', 'ABORTED'));
    if (this.shutdown.signal.aborted) {
      // Stopped already: an abort listener added now would never fire, and the request would go out.
      onShutdown();
    }
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const onHangUp = () => timeout.abort(new DeliveryError('The sender hung up before the handler answered.', 'ABORTED'));
    if (req.signal?.aborted) {
      onHangUp();
    }
    req.signal?.addEventListener('abort', onHangUp, { once: true });
    let hold!: () => void;
    const held = new Promise<'held'>((resolve) => (hold = () => resolve('held')));
    void this.sleep(timeoutMs, cancelTimer.signal).then(() => {
      if (cancelTimer.signal.aborted) {
        return;
      }
      if (this.options.noTimeout?.()) {
        // Debugging: the provider gets its answer now, the handler keeps the request as long as it likes.
        req.signal?.removeEventListener('abort', onHangUp);
        this.held.set(req.id, {});
        trim(this.held);
        hold();
        return;
      }
      timeout.abort(
        new DeliveryError(`The handler did not answer within ${timeoutMs / 1000} s (proxy mode); the sender got 504.`, 'TIMEOUT'),
      );
    });
    const source = {
      id: req.id,
      method: req.method,
      url: req.url,
      headers: req.headers,
      receivedAt: req.receivedAt ?? this.now().toISOString(),
    };
    const attempt = this.attempt(source, req.body, target, 1, 'proxy', timeout.signal).finally(() => {
      cancelTimer.abort();
      this.shutdown.signal.removeEventListener('abort', onShutdown);
      req.signal?.removeEventListener('abort', onHangUp);
    });
    const first = await Promise.race([attempt, held]);
    if (first === 'held') {
      this.logger.info(
        `Forward: ${req.id} → ${target}: still waiting on the handler after ${timeoutMs / 1000} s (debugging: no timeout); the sender got the receiver's 2xx.`,
      );
      void attempt.then((d) => this.settleHeld(req.id, target, d, rest));
      // What the receiver answers in hold mode.
      return { status: 200, body: JSON.stringify({ ok: true, id: req.id }), contentType: 'application/json; charset=utf-8' };
    }
    let delivery = first;
    const state: ForwardState = isSuccess(delivery) ? 'delivered' : 'failed';
    delivery = { ...delivery, state };
    this.proxied.set(req.id, { deliveries: [delivery], rest });
    trim(this.proxied);
    this.setState(req.id, target, state, 1, delivery);
    return replyFor(delivery);
  }

  /** A held proxy delivery ended: record it (now, or when the event is stored) and go on with fan-out targets. */
  private settleHeld(id: string, target: string, d: Delivery, rest: string[]): void {
    const entry = this.held.get(id);
    this.held.delete(id);
    const state: ForwardState = isSuccess(d) ? 'delivered' : 'failed';
    const delivery = { ...d, state };
    this.setState(id, target, state, 1, delivery);
    if (entry?.event) {
      void this.log.append(id, delivery);
      for (const t of rest) {
        this.enqueue({ event: entry.event, target: t });
      }
    } else {
      this.proxied.set(id, { deliveries: [delivery], rest });
      trim(this.proxied);
    }
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.intake;
      const running = [...this.queues.values()].map((q) => q.running).filter((p): p is Promise<void> => !!p);
      if (running.length === 0) {
        return;
      }
      await Promise.all(running);
    }
  }

  override dispose(): void {
    this.shutdown.abort(new DeliveryError('The forwarder was stopped.', 'ABORTED'));
    for (const q of this.queues.values()) {
      q.jobs.length = 0;
    }
    super.dispose();
  }

  // ---- immediate mode ------------------------------------------------------------------------------

  private get store(): ForwarderOptions['store'] {
    return this.options.store;
  }

  private get defaultTarget(): string {
    return this.options.target ?? DEFAULT_TARGET;
  }

  private enqueue(job: Job): void {
    let q = this.queues.get(job.target);
    if (!q) {
      q = { jobs: [], running: undefined };
      this.queues.set(job.target, q);
    }
    q.jobs.push(job);
    this.setState(job.event.id, job.target, 'pending', 0);
    if (!q.running) {
      const queue = q;
      queue.running = this.drain(queue).finally(() => {
        queue.running = undefined;
      });
    }
  }

  private async drain(q: TargetQueue): Promise<void> {
    for (let job = q.jobs.shift(); job && !this.isDisposed; job = q.jobs.shift()) {
      try {
        await this.deliverWithRetries(job);
      } catch (err) {
        this.logger.error(`Forward: ${job.event.id} → ${job.target}: ${(err as Error).message}`);
        this.setState(job.event.id, job.target, 'failed', 0);
      }
    }
  }

  private async deliverWithRetries(job: Job): Promise<void> {
    const { event, target } = job;
    const body = job.body ?? (await this.store.readBody(event.id));
    const max = Math.max(1, this.options.maxAttempts ?? 5);
    for (let attempt = 1; attempt <= max && !this.isDisposed; attempt++) {
      const d = await this.attempt(event, body, target, attempt, 'immediate', this.shutdown.signal);
      if (this.isDisposed) {
        return;
      }
      const ok = isSuccess(d);
      const retry = !ok && attempt < max && isRetryable(d);
      const state: Exclude<ForwardState, 'pending'> = ok ? 'delivered' : retry ? 'retrying' : 'failed';
      const delivery: Delivery = { ...d, state };
      await this.log.append(event.id, delivery);
      if (!retry) {
        this.setState(event.id, target, state, attempt, delivery);
        if (!ok) {
          this.logger.warn(
            `Forward: ${event.method} ${event.url} (${event.id}) → ${delivery.target} failed after ${attempt} attempt(s): ${delivery.error ?? `status ${delivery.status}`}`,
          );
        }
        return;
      }
      const delay = Math.min(
        this.options.backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs,
        retryAfterMs(delivery) ?? backoffDelay(attempt, this.options.backoff, this.options.random),
      );
      this.setState(event.id, target, 'retrying', attempt, delivery, delay);
      this.logger.info(
        `Forward: ${event.id} → ${delivery.target}: ${delivery.error ?? `status ${delivery.status}`}; retry ${attempt + 1}/${max} in ${delay} ms.`,
      );
      await this.sleep(delay, this.shutdown.signal);
    }
  }

  /** One attempt; target problems (bad URL, refused host, loop) become a failed delivery, not a throw. */
  private attempt(
    event: ResendSource,
    body: Uint8Array,
    target: string,
    attempt: number,
    kind: DeliveryKind,
    signal: AbortSignal,
  ): Promise<Delivery> {
    const ctx = { options: this.options, refusedHosts: this.refusedHosts, transport: this.transport, now: this.now };
    return attemptTarget(ctx, { event, body, target, attempt, kind, signal });
  }

  private setState(eventId: string, target: string, state: ForwardState, attempt: number, delivery?: Delivery, nextDelayMs?: number): void {
    let m = this.states.get(eventId);
    if (!m) {
      m = new Map();
      this.states.set(eventId, m);
      trim(this.states);
    }
    m.set(target, state);
    this._onDidChangeState.fire({
      eventId,
      target,
      state,
      attempt,
      ...(delivery ? { delivery } : {}),
      ...(nextDelayMs !== undefined ? { nextDelayMs } : {}),
    });
  }
}

function trim<K, V>(map: Map<K, V>): void {
  while (map.size > MAX_TRACKED) {
    const first = map.keys().next();
    if (first.done) {
      return;
    }
    map.delete(first.value);
  }
}
