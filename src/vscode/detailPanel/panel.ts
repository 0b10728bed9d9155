import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { attemptChain } from '../../core/delivery/attempts';
import { detailHtml } from '../../core/detail/html';
import { isWebviewMessage, toUiState } from '../../core/detail/protocol';
import type { DetailSnapshot, HostMessage, WebviewMessage } from '../../core/detail/protocol';
import { buildDetailSnapshot } from '../../core/detail/snapshot';
import { Disposable } from '../../core/lifecycle';
import type { IDisposable } from '../../core/lifecycle';
import type { EventStore, StoreChange } from '../../core/store';
import { guarded, missingEventMessage } from '../commands/guarded';
import { vscodeWording } from '../wording';
import { copyValue, type DetailDeps, RESEND_COMMAND, runAction } from './actions';
import { DETAIL_VIEW_TYPE } from '../shellIds';

export { DETAIL_VIEW_TYPE };

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The event detail panel: one, reused for whichever event is shown. No `retainContextWhenHidden`:
 * the webview is rebuilt from a full snapshot whenever it becomes visible (after its `ready`), and
 * restored after a reload by the serializer from its saved UI state (the event id).
 */
export class DetailPanel extends Disposable {
  /** The last snapshot posted to the webview (integration tests read what the view shows here). */
  lastSnapshot: DetailSnapshot | undefined;
  /** The last message posted to the webview. */
  lastMessage: HostMessage | undefined;
  /** Whether the webview has said `ready` since it was (re)loaded. */
  isReady = false;
  private eventIdValue: string | undefined;
  private seq = 0;
  private storeListener: IDisposable | undefined;
  private listenedStore: EventStore | undefined;

  constructor(
    private readonly deps: DetailDeps,
    readonly panel: vscode.WebviewPanel,
    eventId: string | undefined,
    private readonly onDisposed: (panel: DetailPanel) => void = () => undefined,
  ) {
    super();
    this.eventIdValue = eventId;
    panel.iconPath = new vscode.ThemeIcon('mail');
    panel.webview.options = webviewOptions(deps.extensionUri);
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    let wasVisible = panel.visible;
    this._register(
      panel.onDidChangeViewState((e) => {
        const visible = e.webviewPanel.visible;
        if (visible && !wasVisible) {
          // Re-send a full snapshot. If the webview is still loading, its `ready` triggers another.
          void this.refresh();
        }
        wasVisible = visible;
      }),
    );
    if (deps.onDidChangeStore) {
      this._register(deps.onDidChangeStore(() => void this.refresh()));
    }
    this._register({ dispose: () => this.storeListener?.dispose() });
    this.loadHtml();
  }

  get eventId(): string | undefined {
    return this.eventIdValue;
  }

  setEvent(eventId: string): void {
    if (eventId === this.eventIdValue && this.lastSnapshot?.eventId === eventId) {
      void this.refresh();
      return;
    }
    this.eventIdValue = eventId;
    void this.refresh();
  }

  private loadHtml(): void {
    const webview = this.panel.webview;
    this.isReady = false;
    webview.html = detailHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'detail.css')).toString(),
      nonce: randomUUID(),
    });
  }

  /** Builds the snapshot of the current event and posts it (once the webview is ready). */
  async refresh(): Promise<DetailSnapshot | undefined> {
    const id = this.eventIdValue;
    const seq = ++this.seq;
    if (!id) {
      return undefined;
    }
    try {
      const store = await this.deps.store();
      this.listen(store);
      const event = store.get(id);
      if (seq !== this.seq || this.isDisposed) {
        return undefined; // a newer refresh is under way
      }
      if (!event) {
        this.lastSnapshot = undefined;
        this.panel.title = 'Webhook Event';
        this.post({ type: 'missing', eventId: id, message: missingEventMessage(id) });
        return undefined;
      }
      const [body, commands] = await Promise.all([store.readBody(id), vscode.commands.getCommands(true)]);
      const attempts = attemptChain(store.list(), event);
      const snapshot = await buildDetailSnapshot(event, body, {
        canResend: commands.includes(RESEND_COMMAND),
        wording: vscodeWording,
        attempts,
      });
      if (seq !== this.seq || this.isDisposed) {
        return undefined; // a newer refresh is under way
      }
      this.lastSnapshot = snapshot;
      this.panel.title = snapshot.title;
      this.post({ type: 'snapshot', snapshot });
      return snapshot;
    } catch (err) {
      this.deps.logger.error(`Event detail: could not show ${id}: ${(err as Error).message}`);
      if (seq === this.seq) {
        this.post({ type: 'missing', eventId: id, message: `The event could not be read: ${(err as Error).message}` });
      }
      return undefined;
    }
  }

  private listen(store: EventStore): void {
    if (this.listenedStore === store) {
      return;
    }
    this.storeListener?.dispose();
    this.listenedStore = store;
    this.storeListener = store.onDidChange((change) => this.onStoreChange(change));
  }

  private onStoreChange(change: StoreChange): void {
    const id = this.eventIdValue;
    if (!id) {
      return;
    }
    if (change.removed.includes(id)) {
      this.deps.bodies.refresh([id]);
      void this.refresh();
    } else if (change.updated.some((e) => e.id === id) && this.panel.visible) {
      void this.refresh();
    }
  }

  private post(message: HostMessage): void {
    this.lastMessage = message;
    if (this.isReady && !this.isDisposed) {
      void this.panel.webview.postMessage(message);
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.deps.logger.warn('Event detail: ignored an unexpected message from the webview.');
      return;
    }
    const msg: WebviewMessage = raw;
    if (msg.type === 'ready') {
      this.isReady = true;
      if (this.lastMessage && this.lastMessage.type === 'snapshot' && this.lastMessage.snapshot.eventId === this.eventIdValue) {
        void this.panel.webview.postMessage(this.lastMessage);
      }
      // Always rebuild: the event may have changed while the webview was hidden.
      await this.refresh();
      return;
    }
    if (msg.eventId !== this.eventIdValue) {
      return; // a click on an event that is no longer shown
    }
    // A click in the panel runs under the same error policy as the commands.
    await guarded(
      () =>
        msg.type === 'copyHeader' || msg.type === 'copyQuery'
          ? copyValue(this.deps, msg.eventId, msg.type === 'copyHeader' ? 'header' : 'query', msg.index)
          : runAction(this.deps, msg.action, msg.eventId),
      (m) => this.deps.logger.error(`Event detail: ${msg.type} failed: ${m}`),
    )();
  }

  override dispose(): void {
    this.onDisposed(this);
    super.dispose();
    this.panel.dispose();
  }
}

/**
 * The window's one detail panel (or none): reused for whichever event is shown. Created once by
 * `registerEventDetail`, which the composition root owns; no module or static state.
 */
export class DetailPanels implements vscode.Disposable {
  private currentPanel: DetailPanel | undefined;

  constructor(private readonly deps: DetailDeps) {}

  /** The open panel, if any (integration tests read its `lastSnapshot`). */
  get current(): DetailPanel | undefined {
    return this.currentPanel;
  }

  /** Shows an event in the panel, creating the panel or revealing it. */
  show(eventId: string, options: { preserveFocus?: boolean; viewColumn?: vscode.ViewColumn } = {}): DetailPanel {
    const existing = this.currentPanel;
    if (existing) {
      existing.panel.reveal(options.viewColumn ?? existing.panel.viewColumn, options.preserveFocus);
      existing.setEvent(eventId);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DETAIL_VIEW_TYPE,
      'Webhook Event',
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: !!options.preserveFocus },
      { ...webviewOptions(this.deps.extensionUri), enableFindWidget: true },
    );
    return this.adopt(panel, eventId);
  }

  /** Restores a panel after a reload (from the serializer). */
  revive(panel: vscode.WebviewPanel, state: unknown): DetailPanel {
    this.currentPanel?.dispose();
    return this.adopt(panel, toUiState(state).eventId);
  }

  private adopt(panel: vscode.WebviewPanel, eventId: string | undefined): DetailPanel {
    this.currentPanel = new DetailPanel(this.deps, panel, eventId, (p) => {
      if (this.currentPanel === p) {
        this.currentPanel = undefined;
      }
    });
    return this.currentPanel;
  }

  dispose(): void {
    this.currentPanel?.dispose();
  }
}
