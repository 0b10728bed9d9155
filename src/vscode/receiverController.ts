import * as vscode from 'vscode';
import { Disposable, Emitter } from '../core/lifecycle';
import type { Logger } from '../core/logger';
import type { ForwardStateChange } from '../core/forward';
import type { IDisposable } from '../core/lifecycle';
import type { PublicUrlChange } from '../core/tunnel';
// Session (receiver, express, tunnel, signatures) and Verifier load on Start / first verification: a chunk of their own.
import type { Session, SessionForwardOptions, SessionStatus } from '../core/session';
import { EventStore, StoreLockedError } from '../core/store';
import type { Verifier } from '../core/verification';
import { sanitizeRules } from '../core/customResponses';
import type { SecretStore } from './secrets';
import { readState, STATE_KEYS, writeState } from './stateKeys';
import { CONTEXT_KEYS, setContextKey } from './contextKeys';
import { isHandshakeEnabled, onDidChangeSettings, readSettings, setting, type SettingsChange } from './settings';
import { vscodeWording } from './wording';
import { storeDir } from './mcpServer';

/**
 * Owns the event store and the receiving session for this window, and keeps the `running` context
 * key in step. The store opens on first use (the tree asks for it), the receiver only on Start.
 */
export class ReceiverController extends Disposable {
  private storePromise: Promise<EventStore> | undefined;
  private session: Session | undefined;
  private forwardOptions: SessionForwardOptions | undefined;
  private forwardStateSub: IDisposable | undefined;
  private readonly _onDidChangeForwardState = this._register(new Emitter<ForwardStateChange>());
  /** Live forwarding progress per event (pending, retrying, delivered, failed). */
  readonly onDidChangeForwardState = this._onDidChangeForwardState.event;
  private readonly _onDidChangeStatus = this._register(new Emitter<SessionStatus>());
  readonly onDidChangeStatus = this._onDidChangeStatus.event;
  private readonly _onDidChangeStore = this._register(new Emitter<EventStore>());
  /** Fires when the store is (re)opened, e.g. after the storePath setting changed. */
  readonly onDidChangeStore = this._onDidChangeStore.event;
  private readonly _onDidChangePublicUrl = this._register(new Emitter<PublicUrlChange>());
  /** The tunnel came up at another public URL than last time (also across restarts and reloads). */
  readonly onDidChangePublicUrl = this._onDidChangePublicUrl.event;
  /** Set while a command changes the tunnel settings itself (no "restart?" prompt). */
  private quietTunnelChange = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    private readonly secrets: SecretStore,
  ) {
    super();
    void setContextKey(CONTEXT_KEYS.running, false);
    this._register(onDidChangeSettings((change) => void this.onSettingsChanged(change)));
  }

  get status(): SessionStatus {
    return this.session?.status() ?? { state: 'stopped' };
  }

  get isRunning(): boolean {
    return this.status.state === 'running';
  }

  /** The folder events are kept in: the storePath setting, else the extension's storage for this workspace. */
  storeDir(): string {
    return storeDir(this.context);
  }

  /** The store, opened on first call. Falls back to read-only when another window writes it. */
  store(): Promise<EventStore> {
    if (!this.storePromise) {
      this.storePromise = this.openStore();
      this.storePromise.catch(() => (this.storePromise = undefined));
    }
    return this.storePromise;
  }

  private async openStore(): Promise<EventStore> {
    const dir = this.storeDir();
    const { maxEvents } = readSettings();
    let store: EventStore;
    try {
      store = await EventStore.open(dir, { maxEvents, logger: this.logger });
    } catch (err) {
      if (!(err instanceof StoreLockedError)) {
        throw err;
      }
      this.logger.warn(`${err.message} Showing its events read-only.`);
      store = await EventStore.open(dir, { maxEvents, logger: this.logger, readOnly: true });
    }
    this.logger.info(`Event store: ${dir} (${store.size} events)`);
    this._onDidChangeStore.fire(store);
    return store;
  }

  /** A verifier over the store, for re-checking stored events when secrets change. */
  async verifier(): Promise<Verifier> {
    if (this.session) {
      return this.session.verifier;
    }
    const [{ Verifier }, store] = await Promise.all([import('../core/verification'), this.store()]);
    return new Verifier({ store, secrets: this.secrets, logger: this.logger });
  }

  /** Starts the receiver. `portOverride` is used once, e.g. 0 after the configured port was taken. */
  async start(portOverride?: number): Promise<SessionStatus> {
    if (this.session && this.isRunning) {
      return this.status;
    }
    // The receiver's code, and the signing secrets that verification and handshakes read from the first request on.
    const [{ Session }, store] = await Promise.all([import('../core/session'), this.store(), this.secrets.whenLoaded()]);
    if (store.readOnly) {
      throw new Error(
        `The event store ${store.dir} is in use by another window or process. Stop the receiver there, or set webhookInspector.storePath to another folder.`,
      );
    }
    const settings = readSettings();
    const t = settings.tunnel;
    if (t.provider === 'external' && !/^https?:\/\//.test(t.externalUrl)) {
      throw new Error(
        'Tunnel mode "external" needs your public URL in webhookInspector.tunnel.externalUrl (e.g. the https URL ngrok or cloudflared prints).',
      );
    }
    const remembered = readState(this.context, STATE_KEYS.lastSubdomain);
    const session = new Session({
      store,
      port: portOverride ?? settings.port,
      tunnel: {
        mode: t.provider,
        host: t.host,
        // The user's choice, else the subdomain this workspace had last time: the URL pasted into providers keeps working.
        ...(t.subdomain || remembered ? { subdomain: t.subdomain || remembered } : {}),
        ...(t.externalUrl ? { externalUrl: t.externalUrl } : {}),
        ...(t.cloudflaredPath ? { cloudflaredPath: t.cloudflaredPath } : {}),
        wording: vscodeWording,
        selfTestIntervalMs: t.selfTestIntervalSeconds * 1000,
      },
      lastPublicUrl: readState(this.context, STATE_KEYS.lastPublicUrl),
      forward: this.forwardOptions,
      responses: () => sanitizeRules(setting('responses')),
      maxBodySize: settings.maxBodySize,
      rateLimitPerMinute: settings.rateLimitPerMinute,
      logger: this.logger,
      secrets: this.secrets,
      isHandshakeEnabled,
    });
    session.onDidChangeStatus((s) => {
      const preferred = s.tunnel?.preferredSubdomain;
      if (preferred && preferred !== readState(this.context, STATE_KEYS.lastSubdomain)) {
        void writeState(this.context, STATE_KEYS.lastSubdomain, preferred);
      }
      if (
        s.tunnel?.state === 'online' &&
        s.publicUrl &&
        s.tunnel.mode !== 'external' &&
        s.publicUrl !== readState(this.context, STATE_KEYS.lastPublicUrl)
      ) {
        void writeState(this.context, STATE_KEYS.lastPublicUrl, s.publicUrl);
      }
      this.fireStatus(s);
    });
    session.onDidChangePublicUrl((change) => this._onDidChangePublicUrl.fire(change));
    this.session = session;
    try {
      const status = await session.start();
      this.watchForwarder();
      void writeState(this.context, STATE_KEYS.wasRunning, true);
      return status;
    } catch (err) {
      session.dispose();
      this.session = undefined;
      this.fireStatus({ state: 'stopped' });
      throw err;
    }
  }

  /** Live forwarding on (with these options) or off; applies now when running, else at the next start. */
  setForwarding(options: SessionForwardOptions | undefined): void {
    this.forwardOptions = options;
    this.session?.setForwarding(options);
    this.watchForwarder();
  }

  private watchForwarder(): void {
    this.forwardStateSub?.dispose();
    this.forwardStateSub = this.session?.forwarding?.onDidChangeState((e) => this._onDidChangeForwardState.fire(e));
  }

  /** Runs `fn` (which changes tunnel settings) without the "restart the receiver?" prompt. */
  async withoutTunnelPrompt(fn: () => Promise<void>): Promise<void> {
    this.quietTunnelChange++;
    try {
      await fn();
    } finally {
      // The configuration event may come after update() resolves: keep quiet a moment longer.
      setTimeout(() => this.quietTunnelChange--, 500);
    }
  }

  async restartTunnel(): Promise<void> {
    await this.session?.restartTunnel();
  }

  async selfTestNow(): Promise<boolean> {
    return (await this.session?.selfTestNow()) ?? false;
  }

  /** Whether the receiver was running when this workspace's window last closed or reloaded. */
  get wasRunning(): boolean {
    return readState(this.context, STATE_KEYS.wasRunning);
  }

  /** Stops the receiver because the user asked (it stays off after a reload). */
  async stop(): Promise<void> {
    if (this.session) {
      await writeState(this.context, STATE_KEYS.wasRunning, false);
    }
    await this.stopSession();
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    if (!session) {
      return;
    }
    this.session = undefined;
    await session.stop();
    session.dispose();
    this.fireStatus({ state: 'stopped' });
  }

  private fireStatus(status: SessionStatus): void {
    void setContextKey(CONTEXT_KEYS.running, status.state === 'running');
    this._onDidChangeStatus.fire(status);
  }

  private async onSettingsChanged(change: SettingsChange): Promise<void> {
    const settings = readSettings();
    if (change.affects('maxBodySize')) {
      this.session?.receiver.setMaxBodySize(settings.maxBodySize);
    }
    if (change.affects('maxEvents') && this.storePromise) {
      const store = await this.storePromise;
      if (!store.readOnly) {
        await store.setMaxEvents(settings.maxEvents);
      }
    }
    if (change.affects('storePath') && this.storePromise) {
      if (this.isRunning) {
        void vscode.window
          .showInformationMessage('Webhook Inspector: the new store folder is used after the receiver restarts.', 'Restart Receiver')
          .then(async (choice) => {
            if (choice) {
              await this.stop();
              await this.reopenStore();
              await this.start();
            }
          });
      } else {
        await this.reopenStore();
      }
    }
    if (change.affects('tunnel') && this.isRunning && this.quietTunnelChange === 0) {
      const choice = await vscode.window.showInformationMessage(
        'Webhook Inspector: restart the receiver to use the new tunnel settings?',
        'Restart Receiver',
      );
      if (choice) {
        await this.stop();
        await this.start();
      }
    }
    if (change.affects('port') && this.isRunning && this.session?.receiver.port !== settings.port) {
      const choice = await vscode.window.showInformationMessage(
        `Webhook Inspector: restart the receiver to listen on port ${settings.port || 'any free port'}?`,
        'Restart Receiver',
      );
      if (choice) {
        await this.stop();
        await this.start();
      }
    }
  }

  private async reopenStore(): Promise<void> {
    const old = this.storePromise;
    this.storePromise = undefined;
    await (await old?.catch(() => undefined))?.close();
    await this.store();
  }

  override dispose(): void {
    const session = this.session;
    this.session = undefined;
    const store = this.storePromise;
    void (async () => {
      await session?.stop();
      session?.dispose();
      await (await store?.catch(() => undefined))?.close();
    })();
    super.dispose();
  }

  /** For deactivate(): finishes what dispose() starts. */
  async shutdown(): Promise<void> {
    await this.stopSession();
    await (await this.storePromise?.catch(() => undefined))?.close();
  }
}
