import * as vscode from 'vscode';
import type { CommandContext } from './types';

/** Deletes every stored event after a modal confirmation. `confirm: false` is for tests and scripts. */
export async function clearEvents(ctx: CommandContext, options?: { confirm?: boolean }): Promise<number> {
  const store = await ctx.controller.store();
  if (store.size === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: there are no events to clear.');
    return 0;
  }
  if (options?.confirm !== false) {
    const choice = await vscode.window.showWarningMessage(
      `Delete all ${store.size} captured events, pinned ones included?`,
      { modal: true, detail: 'Their bodies are removed from disk. This cannot be undone.' },
      'Delete All',
    );
    if (choice !== 'Delete All') {
      return 0;
    }
  }
  return store.clear();
}
