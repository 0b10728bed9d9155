import * as net from 'node:net';
import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import { httpTransport, InFlightDeliveries, parseTarget } from '../../core/forward';
import { type Delivery } from '../../core/model/delivery';
import { Disposable } from '../../core/lifecycle';
import type { Logger } from '../../core/logger';
import type { ForwardingService } from '../forwarding';
import type { ReceiverController } from '../receiverController';
import { setting } from '../settings';
import { eventLabel, lensTarget } from './routeEvents';

/** How long a delivery waits before the status bar mentions it. */
export const WAITING_AFTER_MS = 2000;
/** How long `onDebugStart` waits for the target to accept connections. */
export const TARGET_WAIT_MS = 30_000;

export type OnDebugStart = 'none' | 'resendLast';

export function readOnDebugStart(): OnDebugStart {
  return setting('forward.onDebugStart');
}

/**
 * Deliveries and the debugger:
 * - while any debug session runs, nothing times out (the forwarder's `noTimeout` policy; resends and
 *   hold mode never time out anyway);
 * - the status bar says "1 delivery waiting on your handler" while one has been in flight over 2 s;
 * - `forward.onDebugStart: resendLast` sends the pinned (else the newest) event once per debug launch,
 *   as soon as its target accepts connections (up to 30 s).
 */
export class DebugDeliveries extends Disposable {
  readonly inFlight = this._register(new InFlightDeliveries());
  private readonly sessions = new Set<string>();
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last `onDebugStart` send (tests await it). */
  lastAutoSend: Promise<Delivery[] | undefined> | undefined;

  constructor(
    private readonly controller: ReceiverController,
    private readonly forwarding: ForwardingService,
    private readonly logger: Logger,
    /** Sessions that started before this was built (activation notes them): each is handled as if it started now. */
    earlier: readonly vscode.DebugSession[] = [],
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('webhookInspector.waiting', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'Webhook Inspector: deliveries waiting';
    this.item.command = 'workbench.view.debug';
    if (vscode.debug.activeDebugSession) {
      this.sessions.add(vscode.debug.activeDebugSession.id);
    }
    this._register(vscode.debug.onDidStartDebugSession((s) => this.started(s)));
    this._register(vscode.debug.onDidTerminateDebugSession((s) => this.sessions.delete(s.id)));
    this._register(this.inFlight.onDidChange(() => this.render()));
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    forwarding.setDeliveryHooks({ transport: this.inFlight.wrap(httpTransport), noTimeout: () => this.debugging });
    for (const s of earlier) {
      this.started(s);
    }
  }

  get debugging(): boolean {
    return this.sessions.size > 0;
  }

  private started(session: vscode.DebugSession): void {
    this.sessions.add(session.id);
    // js-debug starts a child session per process: act once per launch.
    if (session.parentSession || readOnDebugStart() !== 'resendLast') {
      return;
    }
    this.lastAutoSend = this.resendLast(session).catch((err: Error) => {
      this.logger.error(`onDebugStart: ${err.message}`);
      return undefined;
    });
  }

  private async resendLast(session: vscode.DebugSession): Promise<Delivery[] | undefined> {
    const store = await this.controller.store();
    const events = store.list().filter((e) => !e.rejected && !e.handshake);
    const event: CapturedEvent | undefined = events.find((e) => e.pinned) ?? events[0];
    if (!event) {
      this.logger.info('onDebugStart: no captured event to send yet.');
      return undefined;
    }
    const body = await store.readBody(event.id).catch(() => undefined);
    const target = lensTarget(event, body);
    const url = parseTarget(target);
    // Confirm a non-local host before even probing it.
    await this.forwarding.guard.check(url);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    this.logger.info(`onDebugStart: waiting for ${url.host} to accept connections, then sending ${event.id} (${eventLabel(event)}).`);
    const ok = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Waiting for ${url.host} to send ${eventLabel(event)}…` },
      () => waitForPort(url.hostname, port, TARGET_WAIT_MS, () => this.sessions.has(session.id)),
    );
    if (!ok) {
      if (this.sessions.has(session.id)) {
        void vscode.window.showWarningMessage(
          `Webhook Inspector: ${url.host} did not accept connections within ${TARGET_WAIT_MS / 1000} s of the debug start, so ${eventLabel(event)} was not sent. Is the handler listening on that port (webhookInspector.forward.target)?`,
        );
      }
      return undefined;
    }
    return this.forwarding.resendEvents([event], target);
  }

  private render(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = undefined;
    const waiting = this.inFlight.waitingLongerThan(WAITING_AFTER_MS);
    if (waiting.length === 0) {
      this.item.hide();
    } else {
      this.item.text = `$(debug-pause) ${waiting.length === 1 ? '1 delivery' : `${waiting.length} deliveries`} waiting on your handler`;
      this.item.tooltip = `${waiting.map((w) => w.request).join('\n')}\n\n${this.debugging ? 'A debug session is active: no timeout applies.' : 'Resends and hold-mode forwarding have no timeout.'}`;
      this.item.accessibilityInformation = { label: this.item.text.replace(/^\$\([^)]*\)\s*/, '') };
      this.item.show();
    }
    const next = this.inFlight.nextThreshold(WAITING_AFTER_MS);
    if (next !== undefined) {
      this.timer = setTimeout(() => this.render(), next + 10);
    }
  }

  /** The status bar text now, or undefined when hidden (tests). */
  get statusText(): string | undefined {
    return this.inFlight.waitingLongerThan(WAITING_AFTER_MS).length ? this.item.text : undefined;
  }
}

/** Polls until `host:port` accepts a TCP connection (true), the time is up or `go()` turns false. */
export async function waitForPort(host: string, port: number, timeoutMs: number, go: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && go()) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
      const done = (v: boolean) => {
        socket.destroy();
        resolve(v);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (open) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
