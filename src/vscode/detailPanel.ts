import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decodeForDisplay } from '../core/bodyDecode';
import { attemptChain } from '../core/delivery/attempts';
import { detectFormat, decodeText, parseMediaType } from '../core/detail/contentKind';
import { sanitizeLabel } from '../core/detail/displayText';
import { detailHtml } from '../core/detail/html';
import { isWebviewMessage, toUiState } from '../core/detail/protocol';
import type { DetailAction, DetailSnapshot, HostMessage, WebviewMessage } from '../core/detail/protocol';
import { buildDetailSnapshot, queryPairs } from '../core/detail/snapshot';
import type { CapturedEvent } from '../core/model/event';
import { headerValue } from '../core/model/event';
import { curlCommand } from '../core/export/curl';
import { fixtureBodyExtension, fixtureFileNames, fixtureMetadata } from '../core/export/fixture';
import { hasCredentials, redactHeaders } from '../core/export/redact';

/** Exports leave Authorization and Cookie values out unless the user turned this off. */
function redactCredentials(): boolean {
  return vscode.workspace.getConfiguration('webhookInspector').get<boolean>('export.redactCredentials', true);
}
import { Disposable } from '../core/lifecycle';
import type { IDisposable } from '../core/lifecycle';
import type { Logger } from '../core/logger';
import type { EventStore, StoreChange } from '../core/store';
import { BODY_SCHEME, BodyDocumentProvider } from './bodyDocuments';
import { vscodeWording } from './wording';
import { guarded, missingEventMessage } from './commands/guarded';

/** The panel's viewType, used by `createWebviewPanel` and `registerWebviewPanelSerializer` (and the `onWebviewPanel:` activation event). */
const DETAIL_VIEW_TYPE = 'webhookInspector.eventDetail';

export const RESEND_COMMAND = 'webhookInspector.resendEvent';

/** Commands this module registers (see `registerEventDetail`). */
export const DETAIL_COMMANDS = {
  showEventDetail: 'webhookInspector.showEventDetail',
  openBodyInEditor: 'webhookInspector.openBodyInEditor',
  openEditableBodyCopy: 'webhookInspector.openEditableBodyCopy',
  copyAsCurl: 'webhookInspector.copyAsCurl',
  copyBody: 'webhookInspector.copyBody',
  saveAsFixture: 'webhookInspector.saveAsFixture',
} as const;

/** What the panel needs from the rest of the extension. */
export interface DetailDeps {
  readonly extensionUri: vscode.Uri;
  /** The event store (opened on first use). */
  readonly store: () => Promise<EventStore>;
  /** Fires when the store is reopened (another folder). */
  readonly onDidChangeStore?: (listener: (store: EventStore) => void) => IDisposable;
  /** The local receiver URL while it runs, e.g. `http://127.0.0.1:4000`. */
  readonly receiverUrl: () => string | undefined;
  /** The configured port, for the cURL target while the receiver is stopped. */
  readonly configuredPort?: () => number;
  readonly logger: Logger;
  readonly bodies: BodyDocumentProvider;
}

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
  static current: DetailPanel | undefined;

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

  private constructor(
    private readonly deps: DetailDeps,
    readonly panel: vscode.WebviewPanel,
    eventId: string | undefined,
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

  /** Shows an event in the panel, creating the panel or revealing it. */
  static show(deps: DetailDeps, eventId: string, options: { preserveFocus?: boolean; viewColumn?: vscode.ViewColumn } = {}): DetailPanel {
    const existing = DetailPanel.current;
    if (existing) {
      existing.panel.reveal(options.viewColumn ?? existing.panel.viewColumn, options.preserveFocus);
      existing.setEvent(eventId);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DETAIL_VIEW_TYPE,
      'Webhook Event',
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: !!options.preserveFocus },
      { ...webviewOptions(deps.extensionUri), enableFindWidget: true },
    );
    return (DetailPanel.current = new DetailPanel(deps, panel, eventId));
  }

  /** Restores a panel after a reload (from the serializer). */
  static revive(deps: DetailDeps, panel: vscode.WebviewPanel, state: unknown): DetailPanel {
    DetailPanel.current?.dispose();
    return (DetailPanel.current = new DetailPanel(deps, panel, toUiState(state).eventId));
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
    try {
      if (msg.type === 'copyHeader' || msg.type === 'copyQuery') {
        await copyValue(this.deps, msg.eventId, msg.type === 'copyHeader' ? 'header' : 'query', msg.index);
      } else {
        await runAction(this.deps, msg.action, msg.eventId);
      }
    } catch (err) {
      this.deps.logger.error(`Event detail: ${msg.type} failed: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(`Webhook Inspector: ${(err as Error).message}`);
    }
  }

  override dispose(): void {
    if (DetailPanel.current === this) {
      DetailPanel.current = undefined;
    }
    super.dispose();
    this.panel.dispose();
  }
}

// ---- actions ---------------------------------------------------------------------------------------

async function eventAndBody(deps: DetailDeps, eventId: string): Promise<{ event: CapturedEvent; body: Buffer; store: EventStore }> {
  const store = await deps.store();
  const event = store.get(eventId);
  if (!event) {
    throw new Error(missingEventMessage(eventId));
  }
  return { event, body: await store.readBody(eventId), store };
}

async function copyValue(deps: DetailDeps, eventId: string, what: 'header' | 'query', index: number): Promise<void> {
  const store = await deps.store();
  const event = store.get(eventId);
  if (!event) {
    throw new Error(missingEventMessage(eventId));
  }
  const pair = what === 'header' ? event.headers[index] : queryPairs(event.url)[index];
  if (!pair) {
    return;
  }
  await vscode.env.clipboard.writeText(pair[1]);
  vscode.window.setStatusBarMessage(`Copied the value of ${what} ${truncate(pair[0], 60)}`, 3000);
}

function truncate(s: string, max: number): string {
  return sanitizeLabel(s, max);
}

/** Runs one of the panel's actions; also behind the commands, so tree menus can use them. */
export async function runAction(deps: DetailDeps, action: DetailAction, eventId: string): Promise<void> {
  switch (action) {
    case 'openInEditor':
      await deps.bodies.open(eventId, { viewColumn: vscode.ViewColumn.Beside });
      return;
    case 'openEditableCopy':
      await deps.bodies.openEditableCopy(eventId);
      return;
    case 'copyCurl':
      await copyAsCurl(deps, eventId);
      return;
    case 'copyBody':
      await copyBody(deps, eventId);
      return;
    case 'saveFixture':
      await saveAsFixture(deps, eventId);
      return;
    case 'resend': {
      const { event } = await eventAndBody(deps, eventId);
      await vscode.commands.executeCommand(RESEND_COMMAND, { kind: 'event', event });
      return;
    }
    case 'goToHandler':
      await vscode.commands.executeCommand('webhookInspector.goToHandler', eventId);
      return;
  }
}

/** Copies a cURL command for the event; a body that cannot be inlined goes to a private temp file. */
export async function copyAsCurl(deps: DetailDeps, eventId: string): Promise<string> {
  const { event, body } = await eventAndBody(deps, eventId);
  const running = deps.receiverUrl();
  const baseUrl = running ?? `http://127.0.0.1:${deps.configuredPort?.() || 'PORT'}`;
  const dir = path.join(os.tmpdir(), 'webhook-inspector');
  const bodyFilePath = path.join(dir, `${eventId.replace(/[^\w-]/g, '_')}.body`);
  const redact = redactCredentials();
  const curl = curlCommand({ ...event, headers: redactHeaders(event.headers, redact) }, body, { baseUrl, bodyFilePath });
  if (curl.needsBodyFile) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    await fsp.writeFile(bodyFilePath, body, { mode: 0o600 });
  }
  await vscode.env.clipboard.writeText(curl.command);
  const parts = ['Webhook Inspector: copied the cURL command.'];
  if (curl.needsBodyFile) {
    parts.push(`It reads the body from ${bodyFilePath}.`);
  }
  if (!running) {
    parts.push(`The receiver is not running: the command targets ${baseUrl}; change it or start the receiver.`);
  }
  if (redact && hasCredentials(event.headers)) {
    parts.push('Authorization and Cookie values were redacted (setting webhookInspector.export.redactCredentials).');
  }
  void vscode.window.showInformationMessage(parts.join(' '));
  return curl.command;
}

/** Copies the body as text (decompressed); a binary body as base64. */
export async function copyBody(deps: DetailDeps, eventId: string): Promise<void> {
  const { event, body } = await eventAndBody(deps, eventId);
  const decoded = await decodeForDisplay(body, headerValue(event, 'content-encoding'));
  const contentType = headerValue(event, 'content-type');
  if (detectFormat(decoded.bytes, contentType) === 'binary') {
    await vscode.env.clipboard.writeText(body.toString('base64'));
    void vscode.window.showInformationMessage('Webhook Inspector: the body is binary; copied it as base64 (as received).');
    return;
  }
  await vscode.env.clipboard.writeText(decodeText(decoded.bytes, parseMediaType(contentType)?.charset));
  vscode.window.setStatusBarMessage(
    decoded.decodedFrom ? `Copied the body (decompressed from ${decoded.decodedFrom})` : 'Copied the body',
    3000,
  );
}

/** Saves the raw body and a JSON metadata file beside it, where the user picks. */
export async function saveAsFixture(deps: DetailDeps, eventId: string): Promise<{ metadataPath: string; bodyPath: string } | undefined> {
  const { event, body } = await eventAndBody(deps, eventId);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const suggested = `${eventId}.json`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : vscode.Uri.file(path.join(os.homedir(), suggested)),
    filters: { 'Fixture metadata (JSON)': ['json'] },
    saveLabel: 'Save Fixture',
    title: 'Save the event as a fixture (metadata JSON + raw body beside it)',
  });
  if (!target) {
    return undefined;
  }
  const names = fixtureFileNames(target.path, fixtureBodyExtension(event, body));
  const metadataUri = target.with({ path: names.metadataPath });
  const bodyUri = target.with({ path: names.bodyPath });
  const meta = fixtureMetadata(
    { ...event, headers: redactHeaders(event.headers, redactCredentials()) },
    names.bodyFile,
    createHash('sha256').update(body).digest('hex'),
  );
  await vscode.workspace.fs.writeFile(bodyUri, body);
  await vscode.workspace.fs.writeFile(metadataUri, Buffer.from(JSON.stringify(meta, null, 2) + '\n', 'utf8'));
  void vscode.window.showInformationMessage(`Webhook Inspector: saved ${names.bodyFile} and its metadata.`);
  return { metadataPath: metadataUri.fsPath, bodyPath: bodyUri.fsPath };
}

// ---- registration ----------------------------------------------------------------------------------

/** The event id of a command argument: a tree node `{ kind: 'event', event }`, an event, or an id. */
export function eventIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return arg;
  }
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as { kind?: unknown; event?: { id?: unknown }; id?: unknown };
    if (a.kind === 'event' && typeof a.event?.id === 'string') {
      return a.event.id;
    }
    if (typeof a.id === 'string' && typeof (a as { method?: unknown }).method === 'string') {
      return a.id;
    }
  }
  return undefined;
}

export interface EventDetailRegistration extends vscode.Disposable {
  readonly deps: DetailDeps;
}

/**
 * Registers the detail panel (with its serializer), the `webhook-body:` documents and the commands
 * in DETAIL_COMMANDS. Call once from `activate()` and push the result to `context.subscriptions`.
 */
export function registerEventDetail(
  context: vscode.ExtensionContext,
  options: Omit<DetailDeps, 'extensionUri' | 'bodies'> & { readonly selectedEventId?: () => string | undefined },
): EventDetailRegistration {
  const bodies = new BodyDocumentProvider(options.store);
  const deps: DetailDeps = { ...options, extensionUri: context.extensionUri, bodies };
  const disposables: vscode.Disposable[] = [bodies, vscode.workspace.registerTextDocumentContentProvider(BODY_SCHEME, bodies)];
  disposables.push(
    vscode.window.registerWebviewPanelSerializer(DETAIL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        DetailPanel.revive(deps, panel, state);
      },
    }),
  );

  const target = (arg: unknown): string | undefined => {
    const id = eventIdOf(arg) ?? options.selectedEventId?.() ?? DetailPanel.current?.eventId;
    if (!id) {
      void vscode.window.showInformationMessage('Webhook Inspector: select an event in the Events view first.');
    }
    return id;
  };
  /** The command's event (argument, selection or open panel), then `fn` under the one error policy. */
  const onEvent = (fn: (id: string) => Promise<unknown>) =>
    guarded(async (arg?: unknown) => {
      const id = target(arg);
      return id ? fn(id) : undefined;
    });
  const commands: Record<string, (arg?: unknown) => unknown> = {
    [DETAIL_COMMANDS.showEventDetail]: (arg?: unknown, opts?: unknown) => {
      const id = target(arg);
      const preserveFocus = typeof opts === 'object' && opts !== null && (opts as { preserveFocus?: unknown }).preserveFocus === true;
      return id ? DetailPanel.show(deps, id, { preserveFocus }) : undefined;
    },
    [DETAIL_COMMANDS.openBodyInEditor]: onEvent((id) => runAction(deps, 'openInEditor', id)),
    [DETAIL_COMMANDS.openEditableBodyCopy]: onEvent((id) => runAction(deps, 'openEditableCopy', id)),
    [DETAIL_COMMANDS.copyAsCurl]: onEvent((id) => runAction(deps, 'copyCurl', id)),
    [DETAIL_COMMANDS.copyBody]: onEvent((id) => runAction(deps, 'copyBody', id)),
    [DETAIL_COMMANDS.saveAsFixture]: onEvent((id) => runAction(deps, 'saveFixture', id)),
  };
  for (const [id, handler] of Object.entries(commands)) {
    disposables.push(vscode.commands.registerCommand(id, handler));
  }
  disposables.push({ dispose: () => DetailPanel.current?.dispose() });
  const all = vscode.Disposable.from(...disposables);
  return { deps, dispose: () => all.dispose() };
}
