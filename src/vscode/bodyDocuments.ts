import * as vscode from 'vscode';
import { bodyForEditor } from '../core/detail/editorText';
import type { EditorBody } from '../core/detail/editorText';
import { formatBytes } from '../core/format';
import type { EventStore } from '../core/store';
import { missingEventMessage } from './commands/guarded';
import type { EditableCopies } from './editableCopies';
import { BODY_SCHEME } from './shellIds';

/** Read-only documents of event bodies: `webhook-body:/<eventId>/body.<ext>`. */
export { BODY_SCHEME };

const EVENT_ID = /^[A-Za-z0-9_-]{1,200}$/;

export function bodyUri(eventId: string, extension: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BODY_SCHEME, path: `/${eventId}/body.${extension}` });
}

/** The event id of a `webhook-body:` URI, if it is one. */
export function eventIdOfBodyUri(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== BODY_SCHEME) {
    return undefined;
  }
  const id = uri.path.split('/')[1];
  return id && EVENT_ID.test(id) ? id : undefined;
}

/**
 * Serves bodies as virtual documents: pretty JSON, text as received, binary as a hex dump, all
 * decompressed. Editors never execute content, so an HTML body is safe here with `html` language.
 */
export class BodyDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  /** Bodies computed by `open` and not yet asked for by the editor (so the work is done once). */
  private readonly pending = new Map<string, Promise<EditorBody>>();

  constructor(
    private readonly getStore: () => Promise<EventStore>,
    private readonly copies: Pick<EditableCopies, 'add'>,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = eventIdOfBodyUri(uri);
    if (!id) {
      return 'Not a webhook body.';
    }
    const key = uri.toString();
    const pending = this.pending.get(key);
    this.pending.delete(key);
    try {
      const body = await (pending ?? this.compute(id));
      return body ? body.text : missingEventMessage(id);
    } catch (err) {
      return `The body of ${id} could not be read: ${(err as Error).message}`;
    }
  }

  private async compute(id: string): Promise<EditorBody | undefined> {
    const store = await this.getStore();
    const event = store.get(id);
    if (!event) {
      return undefined;
    }
    return bodyForEditor(event, await store.readBody(id));
  }

  /** The body to open in an editor, or undefined (after saying why) when the event is gone or the user declines a large text. */
  private async bodyToOpen(eventId: string): Promise<EditorBody | undefined> {
    const body = await this.compute(eventId);
    if (!body) {
      void vscode.window.showWarningMessage(`Webhook Inspector: ${missingEventMessage(eventId)}`);
      return undefined;
    }
    return (await confirmLargeText(body.text)) ? body : undefined;
  }

  /** Opens the body of an event in a read-only editor with the language of its content. */
  async open(eventId: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor | undefined> {
    const body = await this.bodyToOpen(eventId);
    if (!body) {
      return undefined;
    }
    const uri = bodyUri(eventId, body.extension);
    this.pending.set(uri.toString(), Promise.resolve(body));
    let doc = await vscode.workspace.openTextDocument(uri);
    this.pending.delete(uri.toString());
    if (doc.languageId !== body.language) {
      doc = await vscode.languages.setTextDocumentLanguage(doc, body.language);
    }
    const editor = await vscode.window.showTextDocument(doc, { preview: true, ...options });
    if (body.notes.length) {
      vscode.window.setStatusBarMessage(`Webhook body: ${body.notes.join('; ')}`, 8000);
    }
    return editor;
  }

  /** Opens an untitled, editable copy of the body (remembered in `EditableCopies`, so it can be sent: tweak it and resend it by hand). */
  async openEditableCopy(eventId: string): Promise<vscode.TextEditor | undefined> {
    const body = await this.bodyToOpen(eventId);
    if (!body) {
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument({ content: body.text, language: body.language });
    this.copies.add(doc.uri, eventId);
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Tells open body documents of these events to reload (e.g. after they were deleted). */
  refresh(eventIds: readonly string[]): void {
    const ids = new Set(eventIds);
    for (const doc of vscode.workspace.textDocuments) {
      const id = eventIdOfBodyUri(doc.uri);
      if (id && ids.has(id)) {
        this._onDidChange.fire(doc.uri);
      }
    }
  }

  dispose(): void {
    this.pending.clear();
    this._onDidChange.dispose();
  }
}

export const OPEN_ANYWAY = 'Open Anyway';

/**
 * Asks before a body opens in an editor when its text is over `workbench.editorLargeFileConfirmation`
 * (MB; VS Code's own limit for files, 10 MB in the browser, 1 GB on the desktop): loading it can keep
 * the window busy for seconds, and VS Code asks the same for a file that large. True to go on.
 */
async function confirmLargeText(text: string): Promise<boolean> {
  const limitMb = vscode.workspace.getConfiguration('workbench').get<number>('editorLargeFileConfirmation');
  if (typeof limitMb !== 'number' || !(limitMb > 0) || text.length <= limitMb * 1024 * 1024) {
    return true;
  }
  const choice = await vscode.window.showWarningMessage(
    `Webhook Inspector: this body is ${formatBytes(text.length)} as text. Opening it in an editor can keep the window busy for several seconds.`,
    {
      modal: true,
      detail: `VS Code asks the same for files over ${limitMb} MB (workbench.editorLargeFileConfirmation). The detail panel shows a preview of it.`,
    },
    OPEN_ANYWAY,
  );
  return choice === OPEN_ANYWAY;
}
