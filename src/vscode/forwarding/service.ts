import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import { eventPath } from '../../core/model/event';
import {
  ConfirmationRequiredError,
  resendTimes,
  sendEdited,
  DeliveryLog,
  HostGuard,
  parseTarget,
  preflight,
  resend,
  type PreflightResult,
  type ResignMode,
  type Transport,
} from '../../core/forward';
import { type Delivery } from '../../core/model/delivery';
import { Disposable, Emitter } from '../../core/lifecycle';
import type { Logger } from '../../core/logger';
import type { SessionForwardOptions } from '../../core/session';
import { CONTEXT_KEYS, setContextKey } from '../contextKeys';
import type { ReceiverController } from '../receiverController';
import type { SecretStore } from '../secrets';
import { onDidChangeSettings, openSetting, readForwardSettings } from '../settings';
import { readState, STATE_KEYS, writeState } from '../stateKeys';
import { announceDeliveries, showDelivery } from './deliveryUi';
import { type SampleArgs, sendSampleEvent } from './samples';
import { pickTarget, rememberTarget } from './targets';

/**
 * Resending and live forwarding for the window: the host guard (non-loopback hosts confirmed once per
 * workspace, never from a payload or a settings file), secrets for re-signing, and the UI around a delivery.
 */
export class ForwardingService extends Disposable {
  readonly guard: HostGuard;
  private readonly _onDidDeliver = this._register(new Emitter<{ eventId: string; delivery: Delivery }>());
  readonly onDidDeliver = this._onDidDeliver.event;
  private live: boolean;
  /** Set by the debugger integration: the transport that counts requests in flight, and the no-timeout policy. */
  private hooks: { transport?: Transport; noTimeout?: () => boolean } = {};

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly controller: ReceiverController,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {
    super();
    this.guard = new HostGuard({
      allowed: readState(context.workspaceState, STATE_KEYS.allowedForwardHosts),
      confirmHost: async (host) => {
        const choice = await vscode.window.showWarningMessage(
          `Send webhook requests to ${host}?`,
          {
            modal: true,
            detail: `${host} is not this machine. Captured events can hold real customer data and secrets. Webhook Inspector asks once per host and workspace.`,
          },
          'Allow',
        );
        return choice === 'Allow';
      },
      onDidAllow: (hosts) => void writeState(context.workspaceState, STATE_KEYS.allowedForwardHosts, [...hosts]),
    });
    this.live = readState(context.workspaceState, STATE_KEYS.forwardLive);
    void setContextKey(CONTEXT_KEYS.forwarding, this.live);
    this._register(controller.onDidChangeStatus((s) => s.state === 'running' && this.applyLive()));
    this._register(onDidChangeSettings((change) => change.affects('forward') && this.applyLive()));
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Every delivery (resend, live, proxy, sample) goes through `transport`; `noTimeout` lifts the proxy timeout. */
  setDeliveryHooks(hooks: { transport?: Transport; noTimeout?: () => boolean }): void {
    this.hooks = hooks;
    this.applyLive();
  }

  /** Options for the session's live forwarding (also used when the receiver starts). */
  sessionOptions(): SessionForwardOptions | undefined {
    if (!this.live) {
      return undefined;
    }
    const s = readForwardSettings();
    return {
      target: s.target,
      routes: s.routes,
      mode: s.responseMode,
      timeoutMs: s.timeoutMs,
      maxAttempts: s.maxAttempts,
      guard: this.guard,
      ...this.hooks,
      signing: (event, provider) => ({
        resign: s.resign,
        ...(provider ? { provider, secrets: this.secrets.secretsFor(provider, eventPath(event)) } : {}),
      }),
    };
  }

  async setLive(on: boolean): Promise<void> {
    this.live = on;
    await writeState(this.context.workspaceState, STATE_KEYS.forwardLive, on);
    await setContextKey(CONTEXT_KEYS.forwarding, on);
    this.applyLive();
    const s = readForwardSettings();
    void vscode.window.setStatusBarMessage(
      on ? `$(arrow-right) Forwarding live to ${s.target} (${s.responseMode})` : 'Live forwarding off',
      4000,
    );
  }

  private applyLive(): void {
    this.controller.setForwarding(this.sessionOptions());
  }

  /** Resends events to a target (default: the setting), re-signed per the setting, with a progress notification. */
  async resendEvents(events: readonly CapturedEvent[], target?: string): Promise<Delivery[]> {
    const settings = readForwardSettings();
    const to = target ?? settings.target;
    try {
      parseTarget(to);
    } catch (err) {
      void vscode.window
        .showErrorMessage(`Webhook Inspector: ${(err as Error).message}`, 'Open Settings')
        .then((c) => c && openSetting('forward.target'));
      return [];
    }
    const store = await this.controller.store();
    const log = store.readOnly ? undefined : new DeliveryLog(store, { logger: this.logger });
    const deliveries: Delivery[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Resending to ${to}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        for (const [i, event] of events.entries()) {
          if (token.isCancellationRequested) {
            break;
          }
          progress.report({
            message: `${i + 1} of ${events.length}: ${event.eventType ?? `${event.method} ${event.url}`}`,
            increment: 100 / events.length,
          });
          if (event.rejected) {
            void vscode.window.showWarningMessage(
              `Webhook Inspector: ${event.method} ${event.url} has no stored body (it was over the size limit), so it cannot be resent.`,
            );
            continue;
          }
          const body = await store.readBody(event.id);
          const signing = this.signingFor(event, settings.resign);
          try {
            const confirmed = await confirmPreflight(
              'Send this event as stored?',
              preflight(event, body, to, { ...signing, guard: this.guard }),
            );
            if (confirmed === undefined) {
              continue;
            }
            const delivery = await resend(event, body, to, {
              ...signing,
              guard: this.guard,
              confirmed,
              log,
              signal: abort.signal,
              transport: this.hooks.transport,
            });
            deliveries.push(delivery);
            this._onDidDeliver.fire({ eventId: event.id, delivery });
          } catch (err) {
            if (err instanceof ConfirmationRequiredError) {
              continue;
            }
            void vscode.window.showErrorMessage(`Webhook Inspector could not resend: ${(err as Error).message}`);
          }
        }
      },
    );
    if (deliveries.length) {
      await rememberTarget(this.context.workspaceState, to);
      announceDeliveries(deliveries);
    }
    return deliveries;
  }

  /** Sends an edited copy of an event's body (re-signed) to the target: "edit, then send". */
  async sendEditedBody(event: CapturedEvent, editedBody: Uint8Array, target?: string): Promise<Delivery | undefined> {
    const settings = readForwardSettings();
    const to = target ?? settings.target;
    const store = await this.controller.store();
    const signing = this.signingFor(event, settings.resign);
    try {
      const pre = preflight(event, editedBody, to, { ...signing, guard: this.guard, edited: true });
      const confirmed = await confirmPreflight('Send the edited body?', pre);
      if (confirmed === undefined) {
        return undefined;
      }
      const delivery = await sendEdited(event, editedBody, to, {
        ...signing,
        guard: this.guard,
        confirmed,
        transport: this.hooks.transport,
        log: store.readOnly ? undefined : new DeliveryLog(store, { logger: this.logger }),
      });
      this._onDidDeliver.fire({ eventId: event.id, delivery });
      announceDeliveries([delivery]);
      return delivery;
    } catch (err) {
      void vscode.window.showErrorMessage(`Webhook Inspector could not send the edited request: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Idempotency check: sends the same event n times and says whether the handler's answers differ. */
  async resendTimes(
    event: CapturedEvent,
    n: number,
    parallel: boolean,
    target?: string,
  ): Promise<{ consistent: boolean; differences: string[] } | undefined> {
    const settings = readForwardSettings();
    const to = target ?? settings.target;
    const store = await this.controller.store();
    const body = await store.readBody(event.id);
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending ${event.eventType ?? event.url} ${n} times` },
        () =>
          resendTimes(event, body, to, n, {
            guard: this.guard,
            transport: this.hooks.transport,
            parallel,
            confirmed: true,
            ...this.signingFor(event, settings.resign),
            log: store.readOnly ? undefined : new DeliveryLog(store, { logger: this.logger }),
          }),
      );
      const statuses = report.deliveries.map((d) => d.status ?? 'no answer').join(', ');
      if (report.consistent) {
        void vscode.window.showInformationMessage(
          `Webhook Inspector: ${n} deliveries, the same answer each time (${statuses}). The handler looks idempotent.`,
        );
      } else {
        void vscode.window
          .showWarningMessage(
            `Webhook Inspector: the answers differ (${statuses}): ${report.differences.join('; ')}. Providers retry: handlers should answer the same to a repeat.`,
            'Show Last Response',
          )
          .then((c) => c && showDelivery(report.deliveries[report.deliveries.length - 1]!));
      }
      return { consistent: report.consistent, differences: [...report.differences] };
    } catch (err) {
      void vscode.window.showErrorMessage(`Webhook Inspector could not resend: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** How an event is (re-)signed on the way out: the resign mode and the provider's secrets for its path. */
  private signingFor(
    event: CapturedEvent,
    resign: ResignMode,
  ): { resign: ResignMode; provider?: string; secrets?: ReturnType<SecretStore['secretsFor']> } {
    const provider = event.verification?.provider ?? event.provider;
    return { resign, ...(provider ? { provider, secrets: this.secrets.secretsFor(provider, eventPath(event)) } : {}) };
  }

  /** Asks for a target: the setting and recent ones first, or a new URL. */
  pickTarget(): Promise<string | undefined> {
    return pickTarget(this.context.workspaceState);
  }

  /** Like `stripe trigger`, offline: a realistic sample, signed with the configured secret, edited first if wanted. */
  sendSampleEvent(args?: SampleArgs): Promise<Delivery | undefined> {
    return sendSampleEvent({ secrets: this.secrets, guard: this.guard, transport: this.hooks.transport }, args);
  }
}

/** Asks before sending when the preflight found something (modal): undefined when declined, else whether it was confirmed. */
async function confirmPreflight(title: string, pre: PreflightResult): Promise<boolean | undefined> {
  if (!pre.needsConfirmation) {
    return false;
  }
  const choice = await vscode.window.showWarningMessage(
    title,
    { modal: true, detail: pre.warnings.map((w) => `• ${w.message}`).join('\n') },
    'Send Anyway',
  );
  return choice === 'Send Anyway' ? true : undefined;
}
