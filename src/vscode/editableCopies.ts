import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { CONTEXT_KEYS, setContextKey } from './contextKeys';
import { readForwardSettings } from './settings';

/**
 * Untitled editable copies of event bodies (document URI → the event they came from), for "Send Request":
 * owned by the composition root. Keeps the `isEditableCopy` context key and the Send Request CodeLens in step
 * with the active editor, and forgets a copy when its document closes.
 */
export class EditableCopies extends Disposable {
  private readonly copies = new Map<string, string>();
  readonly lens = new SendRequestCodeLens(this);

  constructor() {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'untitled' }, this.lens));
    this._register(
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.updateContextKey();
        this.lens.refresh();
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.copies.delete(d.uri.toString())));
    this._register(this.lens);
  }

  /** Remembers a document as an editable copy of an event's body. */
  add(uri: vscode.Uri, eventId: string): void {
    this.copies.set(uri.toString(), eventId);
    this.updateContextKey();
  }

  /** The event a document is a copy of, if it is one. */
  eventIdOf(uri: vscode.Uri): string | undefined {
    return this.copies.get(uri.toString());
  }

  private updateContextKey(): void {
    const active = vscode.window.activeTextEditor?.document.uri;
    void setContextKey(CONTEXT_KEYS.isEditableCopy, !!active && this.copies.has(active.toString()));
  }
}

/** CodeLens on editable copies: where the request goes, one click to send. */
export class SendRequestCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(private readonly copies: Pick<EditableCopies, 'eventIdOf'>) {}

  refresh(): void {
    this._onDidChange.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.copies.eventIdOf(doc.uri)) {
      return [];
    }
    const s = readForwardSettings();
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: `$(send) Send Request to ${s.target}${s.resign !== 'never' ? ' (re-signed)' : ''}`,
        command: 'webhookInspector.sendEditedRequest',
        arguments: [doc.uri],
      }),
    ];
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
