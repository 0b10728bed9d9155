import * as vscode from 'vscode';
import type { CommandContext } from './types';

export async function copyUrl(ctx: CommandContext): Promise<string | undefined> {
  const url = ctx.controller.status.publicUrl ?? ctx.controller.status.url;
  if (!url) {
    const choice = await vscode.window.showWarningMessage(
      'Webhook Inspector: the receiver is not running, so there is no URL to copy.',
      'Start Webhook Receiver',
    );
    if (choice) {
      await vscode.commands.executeCommand('webhookInspector.startReceiver');
    }
    return undefined;
  }
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`$(copy) Copied ${url}`, 3000);
  return url;
}
