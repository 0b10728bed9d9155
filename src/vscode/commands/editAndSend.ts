import * as vscode from 'vscode';
import { editableCopies } from '../bodyDocuments';
import { readForwardSettings } from '../settings';
import type { EventsNode } from '../eventsTree';
import type { CommandContext } from './types';

export const EDITABLE_COPY_CONTEXT_KEY = 'webhookInspector.isEditableCopy';

/** "Send Request" on an editable copy of a body (CodeLens and editor title): the edited body, re-signed. */
export async function sendEditedRequest(ctx: CommandContext, uri?: vscode.Uri) {
  const doc = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
    : vscode.window.activeTextEditor?.document;
  const eventId = doc && editableCopies.get(doc.uri.toString());
  if (!doc || !eventId) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: open an editable copy of an event body first (Open Editable Copy of Body).',
    );
    return undefined;
  }
  const event = (await ctx.controller.store()).get(eventId);
  if (!event) {
    void vscode.window.showWarningMessage('Webhook Inspector: the event this copy came from is no longer stored, so its headers are gone.');
    return undefined;
  }
  return ctx.forwarding.sendEditedBody(event, Buffer.from(doc.getText(), 'utf8'));
}

/** CodeLens on editable copies: where the request goes, one click to send. */
export class SendRequestCodeLens implements vscode.CodeLensProvider {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  refresh(): void {
    this._onDidChange.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!editableCopies.has(doc.uri.toString())) {
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
}

export async function resendTimesCommand(ctx: CommandContext, node?: EventsNode) {
  const clicked = node ?? ctx.treeView.selection[0];
  if (clicked?.kind !== 'event') {
    void vscode.window.showInformationMessage('Webhook Inspector: select an event to send several times.');
    return undefined;
  }
  const n = await vscode.window.showInputBox({
    title: 'Resend N Times: how many?',
    prompt: 'Providers retry and deliver twice; an idempotent handler answers the same every time.',
    value: '3',
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 2 && Number(v) <= 50 ? undefined : '2 to 50.'),
  });
  if (!n) {
    return undefined;
  }
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'One after another', parallel: false },
      { label: 'All at once', description: 'like a provider retrying while the first delivery is still running', parallel: true },
    ],
    { title: 'Resend N Times: how?' },
  );
  return mode ? ctx.forwarding.resendTimes(clicked.event, Number(n), mode.parallel) : undefined;
}
