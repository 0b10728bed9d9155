import { type CustomResponseRule, customReply, matchCustomResponse } from './customResponses';
import type { CapturedEvent, EventPatch } from './model/event';
import { classify } from './classify';
import { Disposable, Emitter } from './lifecycle';
import type { Logger } from './logger';
import { nullLogger } from './logger';
import type { ReceiverOptions } from './receiver';
import { Receiver } from './receiver';
import { ReceiverStatusWriter } from './receiverStatusFile';
import type { SessionStatus } from './sessionStatus';
import type { EventStore } from './store';
import { DeliveryLog, Forwarder, type ForwarderOptions, isLoopbackHost } from './forward';
import {
  interceptCanary,
  type PublicUrlChange,
  PublicUrlWatch,
  type TunnelStatus,
  TunnelSupervisor,
  type TunnelSupervisorOptions,
} from './tunnel';
import { type SecretSource, StaticSecrets, type StoredVerification, Verifier } from './verification';

export type { SessionStatus } from './sessionStatus';

/** Live forwarding: target(s), response mode, retries, re-signing, host guard. */
export type SessionForwardOptions = Omit<ForwarderOptions, 'store' | 'log' | 'isSelf' | 'logger'>;

/** How the session reaches the internet; `mode: 'none'` is local only. */
export type SessionTunnelOptions = Omit<TunnelSupervisorOptions, 'localPort' | 'logger'>;

export interface SessionOptions {
  store: EventStore;
  port: number;
  maxBodySize?: number;
  /** Requests a minute per source address before 429; 0 = off (default). */
  rateLimitPerMinute?: number;
  /** Slow-client limits, see ReceiverOptions.timeouts. */
  timeouts?: ReceiverOptions['timeouts'];
  logger?: Logger;
  /** Signing secrets; without them events are verified as `no-secret`. */
  secrets?: SecretSource;
  /** Handshake ids the user turned off (all are on by default). */
  isHandshakeEnabled?: (id: string) => boolean;
  /** The public URL: localtunnel (default), cloudflared, an external URL, or none. */
  tunnel?: SessionTunnelOptions;
  /** The public URL of the previous run (persisted by the front end): a different one now is a change. */
  lastPublicUrl?: string;
  /** Live forwarding of every captured event to a local handler; absent = off. */
  forward?: SessionForwardOptions;
  /** Custom responses per path (read on every request, so changes apply at once). */
  responses?: () => readonly CustomResponseRule[];
  now?: () => Date;
}

/**
 * One receiving session: the receiver over a store, signature verification on arrival, endpoint
 * handshakes, and what later joins it (tunnel, forwarding). The extension and the CLI both drive
 * this one class, so they behave the same.
 */
export class Session extends Disposable {
  readonly receiver: Receiver;
  readonly verifier: Verifier;
  private readonly logger: Logger;
  private readonly _onDidChangeStatus = this._register(new Emitter<SessionStatus>());
  readonly onDidChangeStatus = this._onDidChangeStatus.event;
  private readonly _onDidProcess = this._register(new Emitter<CapturedEvent>());
  /** Fires once a captured event is stored, answered and verified (the event carries its verdict). */
  readonly onDidProcess = this._onDidProcess.event;
  private processing = Promise.resolve();
  private readonly pending: Array<{ event: CapturedEvent; body: Buffer | undefined }> = [];
  private supervisor: TunnelSupervisor | undefined;
  private forwarder: Forwarder | undefined;
  /** `<store>/receiver.json` for readers in other processes (the MCP server's receiver_status). */
  private readonly statusFile: ReceiverStatusWriter | undefined;
  private readonly _onDidChangeForwarding = this._register(new Emitter<Forwarder | undefined>());
  /** Fires when live forwarding is switched on or off (subscribe to the forwarder's state there). */
  readonly onDidChangeForwarding = this._onDidChangeForwarding.event;
  private readonly _onDidChangePublicUrl = this._register(new Emitter<PublicUrlChange>());
  /** A reconnect or restart brought the tunnel online at another URL than before: providers must be updated. */
  readonly onDidChangePublicUrl = this._onDidChangePublicUrl.event;
  private readonly urlWatch: PublicUrlWatch;

  constructor(readonly options: SessionOptions) {
    super();
    this.logger = options.logger ?? nullLogger;
    this.urlWatch = new PublicUrlWatch(options.lastPublicUrl);
    this.verifier = new Verifier({
      store: options.store,
      secrets: options.secrets ?? new StaticSecrets(),
      logger: this.logger,
      now: options.now,
      isHandshakeEnabled: options.isHandshakeEnabled,
    });
    this.receiver = this._register(
      new Receiver({
        store: options.store,
        port: options.port,
        maxBodySize: options.maxBodySize,
        rateLimitPerMinute: options.rateLimitPerMinute,
        timeouts: options.timeouts,
        logger: this.logger,
        publicBaseUrl: () => this.publicUrl(),
        hooks: {
          // Tunnel canaries are answered and never listed.
          intercept: (req) => interceptCanary(req),
          respond: (req, id, signal) => {
            const handshake = this.verifier.respondToHandshake(req, this.publicUrl());
            if (handshake) {
              return handshake;
            }
            const rules = this.options.responses?.() ?? [];
            const rule = rules.length ? matchCustomResponse(rules, req, classify(req.headers, new Uint8Array(0)).provider) : undefined;
            if (rule) {
              return customReply(rule, signal());
            }
            // Proxy mode: the provider gets the handler's answer.
            const f = this.forwarder;
            return f?.mode === 'proxy' ? f.proxy({ ...req, id, signal: signal() }) : undefined;
          },
          // The verdict is stored with the event (one index record, no `set` after it); the sender's
          // answer waits only for this synchronous check (an HMAC of the body in memory).
          enrich: (draft, body) => verdictPatch(this.verifier.check(draft, body)),
        },
      }),
    );
    this._register(this.receiver.onDidChangeState(() => this._onDidChangeStatus.fire(this.status())));
    const statusFile = options.store.readOnly ? undefined : new ReceiverStatusWriter(options.store.dir);
    this.statusFile = statusFile;
    if (statusFile) {
      this._register(this.onDidChangeStatus((s) => void (s.state === 'running' ? statusFile.write(s) : undefined)));
    }
    this._register(this.receiver.onDidCapture((event) => this.process(event)));
    this._register(
      this.receiver.onDidCapture((event) => {
        // Immediate mode: the provider already has its 2xx; deliver now, with no timeout (hold mode).
        // Proxy mode: record the delivery `proxy()` made for this event (it does not deliver again).
        if (this.forwarder && !event.handshake && !event.rejected) {
          this.forwarder.forward(event);
        }
      }),
    );
    if (options.forward) {
      this.setForwarding(options.forward);
    }
  }

  get forwarding(): Forwarder | undefined {
    return this.forwarder;
  }

  /** Switches live forwarding on (with these options) or off (undefined). */
  setForwarding(options: SessionForwardOptions | undefined): Forwarder | undefined {
    this.forwarder?.dispose();
    this.forwarder = options
      ? new Forwarder({
          ...options,
          store: this.store,
          log: new DeliveryLog(this.store, { logger: this.logger }),
          logger: this.logger,
          // Never forward to ourselves: that would loop.
          isSelf: (u) => isLoopbackHost(u.hostname) && Number(u.port || (u.protocol === 'https:' ? 443 : 80)) === this.receiver.port,
        })
      : undefined;
    this._onDidChangeForwarding.fire(this.forwarder);
    return this.forwarder;
  }

  get store(): EventStore {
    return this.options.store;
  }

  status(): SessionStatus {
    const url = this.receiver.url;
    if (!url) {
      return { state: this.receiver.state };
    }
    const tunnel = this.supervisor?.status();
    const publicUrl = tunnelPublicUrl(tunnel);
    return { state: this.receiver.state, url, ...(publicUrl ? { publicUrl } : {}), ...(tunnel ? { tunnel } : {}) };
  }

  /** `status().publicUrl` without building the status (asked on every request). */
  private publicUrl(): string | undefined {
    return this.supervisor && this.receiver.state === 'running' ? tunnelPublicUrl(this.supervisor.status()) : undefined;
  }

  /** Starts the receiver, then the tunnel (which comes online in the background; watch the status). */
  async start(): Promise<SessionStatus> {
    await this.receiver.start();
    const tunnel = this.options.tunnel;
    if (tunnel && tunnel.mode !== 'none') {
      const supervisor = new TunnelSupervisor({ ...tunnel, localPort: this.receiver.port, logger: this.logger });
      this.supervisor = supervisor;
      supervisor.onDidChangeStatus((t) => {
        const change = this.urlWatch.observe(t);
        if (change) {
          // Before the status, so a front end showing "URL ready" knows this one is a change.
          this.logger.info(
            `The public URL changed from ${change.previousUrl} to ${change.publicUrl}: update it in your providers' webhook settings.`,
          );
          this._onDidChangePublicUrl.fire(change);
        }
        this._onDidChangeStatus.fire(this.status());
      });
      supervisor.start();
    }
    return this.status();
  }

  /** Reconnects the tunnel (keeping the subdomain). */
  async restartTunnel(): Promise<void> {
    await this.supervisor?.restart();
  }

  /** Sends a canary now (after a resume or a network change); resolves whether it came back. */
  async selfTestNow(): Promise<boolean> {
    return (await this.supervisor?.selfTestNow()) ?? false;
  }

  async stop(): Promise<void> {
    await this.forwarder?.whenIdle().catch(() => undefined);
    const supervisor = this.supervisor;
    this.supervisor = undefined;
    if (supervisor) {
      await supervisor.stop();
      supervisor.dispose();
    }
    await this.receiver.stop();
    await this.statusFile?.remove();
    await this.processing;
  }

  /** Events are processed in arrival order, after the sender has its answer (verdicts missing at capture are computed here). */
  private process(event: CapturedEvent): void {
    this.pending.push({ event, body: this.receiver.bodyOf(event) });
    if (this.pending.length === 1) {
      this.processing = this.processing.then(() => this.processPending());
    }
  }

  /** Verifies what arrived meanwhile with the bodies still in memory, and records the verdicts in one write. */
  private async processPending(): Promise<void> {
    const batch = this.pending.splice(0);
    const patches: Array<{ id: string; patch: EventPatch }> = [];
    for (const { event, body } of batch) {
      // Verified at capture (the `enrich` hook) unless that failed; a handshake may have named its
      // provider since, so it is checked again with that.
      if (event.rejected || (event.verification && !event.handshake)) {
        continue;
      }
      try {
        patches.push({ id: event.id, patch: verdictPatch(this.verifier.check(event, body ?? (await this.store.readBody(event.id)))) });
      } catch (err) {
        this.logger.warn(`Could not verify ${event.id}: ${(err as Error).message}`);
      }
    }
    try {
      if (patches.length && !this.store.readOnly) {
        await this.store.updateMany(patches);
      }
    } catch (err) {
      this.logger.warn(`Could not record verdicts: ${(err as Error).message}`);
    }
    for (const { event } of batch) {
      this._onDidProcess.fire(this.store.get(event.id) ?? event);
    }
  }
}

function tunnelPublicUrl(tunnel: TunnelStatus | undefined): string | undefined {
  return tunnel?.state === 'online' || tunnel?.mode === 'external' ? tunnel.publicUrl : undefined;
}

/** What a verdict changes on its event. */
function verdictPatch(verification: StoredVerification): EventPatch {
  return { verification, ...(verification.provider ? { provider: verification.provider } : {}) };
}
