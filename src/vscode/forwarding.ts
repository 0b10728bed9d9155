import * as vscode from 'vscode';
import type { CapturedEvent } from '../core/model/event';
import { eventPath } from '../core/model/event';
import {
  buildSample,
  ConfirmationRequiredError,
  resendTimes,
  sendEdited,
  DEFAULT_TARGET,
  DeliveryLog,
  HostGuard,
  parseTarget,
  preflight,
  resend,
  type ResignMode,
  type RouteRule,
  samples,
  type Transport,
  sendSample,
} from '../core/forward';
import { type Delivery } from '../core/model/delivery';
import { Disposable, Emitter } from '../core/lifecycle';
import type { Logger } from '../core/logger';
import type { SessionForwardOptions } from '../core/session';
import type { SampleInfo } from '../core/forward';
import type { ReceiverController } from './receiverController';
import type { SecretStore } from './secrets';
import { SECTION } from './settings';
import { deliveryKnob } from '../core/forward/deliver';
import { vscodeWording } from './wording';

const ALLOWED_HOSTS_KEY = 'webhookInspector.allowedForwardHosts';
const RECENT_TARGETS_KEY = 'webhookInspector.recentTargets';
const LIVE_KEY = 'webhookInspector.forwardLive';
export const FORWARDING_CONTEXT_KEY = 'webhookInspector.forwarding';

export interface ForwardSettings {
  target: string;
  resign: ResignMode;
  responseMode: 'immediate' | 'proxy';
  timeoutMs: number;
  maxAttempts: number;
  routes: RouteRule[];
}

export function readForwardSettings(): ForwardSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const resign = c.get<string>('forward.resign');
  const mode = c.get<string>('forward.responseMode');
  return {
    target: (c.get<string>('forward.target') ?? '').trim() || DEFAULT_TARGET,
    resign: resign === 'always' || resign === 'never' ? resign : 'auto',
    responseMode: mode === 'proxy' ? 'proxy' : 'immediate',
    timeoutMs: Math.max(1000, c.get<number>('forward.timeout') ?? 10_000),
    maxAttempts: Math.min(20, Math.max(1, c.get<number>('forward.maxAttempts') ?? 5)),
    routes: (c.get<RouteRule[]>('forward.routes') ?? []).filter((r) => r && Array.isArray(r.targets)),
  };
}

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
      allowed: context.workspaceState.get<string[]>(ALLOWED_HOSTS_KEY, []),
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
      onDidAllow: (hosts) => void context.workspaceState.update(ALLOWED_HOSTS_KEY, [...hosts]),
    });
    this.live = context.workspaceState.get<boolean>(LIVE_KEY, false);
    void vscode.commands.executeCommand('setContext', FORWARDING_CONTEXT_KEY, this.live);
    this._register(controller.onDidChangeStatus((s) => s.state === 'running' && this.applyLive()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.forward`)) {
          this.applyLive();
        }
      }),
    );
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
    await this.context.workspaceState.update(LIVE_KEY, on);
    await vscode.commands.executeCommand('setContext', FORWARDING_CONTEXT_KEY, on);
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
        .then((c) => c && openTargetSetting());
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
          const provider = event.verification?.provider ?? event.provider;
          const signing = {
            resign: settings.resign,
            ...(provider ? { provider, secrets: this.secrets.secretsFor(provider, eventPath(event)) } : {}),
          };
          let confirmed = false;
          try {
            const pre = preflight(event, body, to, { ...signing, guard: this.guard });
            if (pre.needsConfirmation) {
              const choice = await vscode.window.showWarningMessage(
                'Send this event as stored?',
                { modal: true, detail: pre.warnings.map((w) => `• ${w.message}`).join('\n') },
                'Send Anyway',
              );
              if (choice !== 'Send Anyway') {
                continue;
              }
              confirmed = true;
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
      await this.rememberTarget(to);
      this.announce(deliveries);
    }
    return deliveries;
  }

  /** Sends an edited copy of an event's body (re-signed) to the target: "edit, then send". */
  async sendEditedBody(event: CapturedEvent, editedBody: Uint8Array, target?: string): Promise<Delivery | undefined> {
    const settings = readForwardSettings();
    const to = target ?? settings.target;
    const store = await this.controller.store();
    const provider = event.verification?.provider ?? event.provider;
    const signing = {
      resign: settings.resign,
      ...(provider ? { provider, secrets: this.secrets.secretsFor(provider, eventPath(event)) } : {}),
    };
    try {
      const pre = preflight(event, editedBody, to, { ...signing, guard: this.guard, edited: true });
      let confirmed = false;
      if (pre.needsConfirmation) {
        const choice = await vscode.window.showWarningMessage(
          'Send the edited body?',
          { modal: true, detail: pre.warnings.map((w) => `• ${w.message}`).join('\n') },
          'Send Anyway',
        );
        if (choice !== 'Send Anyway') {
          return undefined;
        }
        confirmed = true;
      }
      const delivery = await sendEdited(event, editedBody, to, {
        ...signing,
        guard: this.guard,
        confirmed,
        transport: this.hooks.transport,
        log: store.readOnly ? undefined : new DeliveryLog(store, { logger: this.logger }),
      });
      this._onDidDeliver.fire({ eventId: event.id, delivery });
      this.announce([delivery]);
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
    const provider = event.verification?.provider ?? event.provider;
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sending ${event.eventType ?? event.url} ${n} times` },
        () =>
          resendTimes(event, body, to, n, {
            guard: this.guard,
            transport: this.hooks.transport,
            parallel,
            confirmed: true,
            resign: settings.resign,
            ...(provider ? { provider, secrets: this.secrets.secretsFor(provider, eventPath(event)) } : {}),
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

  /** A notification with the handler's answer and a way to see the whole response. */
  private announce(deliveries: readonly Delivery[]): void {
    const last = deliveries[deliveries.length - 1]!;
    const ok = last.status !== undefined && last.status < 400;
    const summary =
      deliveries.length === 1
        ? last.status !== undefined
          ? `Handler answered ${last.status} in ${last.durationMs} ms${last.resigned ? ' (re-signed)' : ''}.`
          : `Not delivered: ${last.error}${problemHint(last)}`
        : `${deliveries.filter((d) => d.status !== undefined && d.status < 400).length} of ${deliveries.length} delivered; last answer ${last.status ?? last.error}.`;
    const show = (fn: typeof vscode.window.showInformationMessage) =>
      fn(`Webhook Inspector: ${summary}`, 'Show Response', ...(last.status === undefined ? ['Open Settings'] : [])).then((c) => {
        if (c === 'Show Response') {
          void showDelivery(last);
        } else if (c === 'Open Settings') {
          openTargetSetting();
        }
      });
    void show(ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage);
  }

  /** Asks for a target: recent ones first, or a new URL. */
  async pickTarget(): Promise<string | undefined> {
    const recent = this.context.workspaceState.get<string[]>(RECENT_TARGETS_KEY, []);
    const current = readForwardSettings().target;
    const items = [...new Set([current, ...recent])].map((t) => ({
      label: t,
      description: t === current ? 'webhookInspector.forward.target' : 'recent',
    }));
    const enter = { label: '$(edit) Enter a URL…', description: '' };
    const pick = await vscode.window.showQuickPick([...items, enter], {
      title: 'Resend To…',
      placeHolder: 'Where is your handler listening?',
    });
    if (!pick) {
      return undefined;
    }
    if (pick !== enter) {
      return pick.label;
    }
    return vscode.window.showInputBox({
      title: 'Resend To…',
      prompt: 'The base URL of your handler; the event keeps its path and query unless the URL names a path.',
      value: current,
      validateInput: (v) => {
        try {
          parseTarget(v);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
  }

  private async rememberTarget(target: string): Promise<void> {
    const recent = this.context.workspaceState.get<string[]>(RECENT_TARGETS_KEY, []).filter((t) => t !== target);
    await this.context.workspaceState.update(RECENT_TARGETS_KEY, [target, ...recent].slice(0, 8));
  }

  /** Like `stripe trigger`, offline: a realistic sample, signed with the configured secret, edited first if wanted. */
  async sendSampleEvent(args?: { provider: string; event: string; target?: string; edit?: boolean }): Promise<Delivery | undefined> {
    const choice = await pickSample(args, 'Send Sample Event', 'Which event should your handler get?');
    if (!choice) {
      return undefined;
    }
    const secret = this.secrets.secretsFor(choice.provider)[0];
    let request = buildSample(choice.provider, choice.event, secret ? { secret } : {});
    if (!args && !secret) {
      void vscode.window.showWarningMessage(
        `No ${choice.provider} signing secret is set: the sample goes out unsigned. Run "Webhook Inspector: Set Signing Secret" first to sign it.`,
      );
    }
    if (args?.edit ?? !args) {
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: Buffer.from(request.body).toString('utf8') });
      await vscode.window.showTextDocument(doc);
      const go = await vscode.window.showInformationMessage(`Edit the ${choice.event} sample if you like, then send it.`, 'Send', 'Cancel');
      if (go !== 'Send') {
        return undefined;
      }
      request = buildSample(choice.provider, choice.event, secret ? { secret } : {});
      request = { ...request, body: Buffer.from(doc.getText(), 'utf8') };
      if (secret) {
        const { signSample } = await import('../core/forward');
        request = signSample(request, secret);
      }
    }
    const target = args?.target ?? readForwardSettings().target;
    try {
      const delivery = await sendSample(request, target, {
        guard: this.guard,
        transport: this.hooks.transport,
        ...(secret ? { secret } : {}),
      });
      this.announce([delivery]);
      return delivery;
    } catch (err) {
      void vscode.window.showErrorMessage(`Webhook Inspector could not send the sample: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** The sample named by `args`, else the one the user picks (undefined when cancelled). */
export async function pickSample(
  args: { provider: string; event: string } | undefined,
  title: string,
  placeHolder: string,
): Promise<SampleInfo | undefined> {
  const named = args ? samples.find((s) => s.provider === args.provider && s.event === args.event) : undefined;
  if (named) {
    return named;
  }
  const pick = await vscode.window.showQuickPick(
    samples.map((s) => ({ label: s.event, description: s.provider, detail: s.description, sample: s })),
    { title, placeHolder, matchOnDescription: true },
  );
  return pick?.sample;
}

function openTargetSetting(): void {
  void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.forward.target`);
}

/** Where to fix a failed delivery, in VS Code terms (a leading space), or nothing. */
function problemHint(d: Delivery): string {
  const knob = deliveryKnob(d);
  return knob ? `. ${vscodeWording({ knob })}` : '';
}

/** The handler's response in a read-only-ish untitled document: status line, headers, body. */
export async function showDelivery(d: Delivery): Promise<void> {
  const lines = [
    `${d.status !== undefined ? `HTTP ${d.status}` : `No answer: ${d.error}`}  (${d.durationMs} ms, attempt ${d.attempt}${d.resigned ? ', re-signed' : ''})`,
    `→ ${d.target}`,
    '',
  ];
  for (const [k, v] of d.headers) {
    lines.push(`${k}: ${v}`);
  }
  lines.push('');
  const body = d.bodyEncoding === 'base64' ? `<${d.bodySize} bytes of binary data, base64>\n${d.body}` : d.body;
  lines.push(body + (d.truncated ? `\n… (${d.bodySize} bytes in all, cut)` : ''));
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: lines.join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
}
