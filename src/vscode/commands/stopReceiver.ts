import * as vscode from 'vscode';
import type { CommandContext } from './types';

export async function stopReceiver(ctx: CommandContext): Promise<void> {
  if (!ctx.controller.isRunning) {
    void vscode.window.showInformationMessage('Webhook Inspector: the receiver is not running.');
    return;
  }
  await ctx.controller.stop();
  void vscode.window.setStatusBarMessage('Webhook receiver stopped', 3000);
}
