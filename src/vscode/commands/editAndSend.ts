import * as vscode from 'vscode';
import type { EventsNode } from '../eventsTree';
import type { CommandContext } from './types';

/** "Send Request" on an editable copy of a body (CodeLens and editor title): the edited body, re-signed. */
export async function sendEditedRequest(ctx: CommandContext, uri?: vscode.Uri) {
  const doc = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
    : vscode.window.activeTextEditor?.document;
  const eventId = doc && ctx.editableCopies.eventIdOf(doc.uri);
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
