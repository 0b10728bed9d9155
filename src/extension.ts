import * as vscode from 'vscode';
import { clearEvents } from './vscode/commands/clearEvents';
import { copyUrl } from './vscode/commands/copyUrl';
import { deleteEvent } from './vscode/commands/deleteEvent';
import { startReceiver } from './vscode/commands/startReceiver';
import { stopReceiver } from './vscode/commands/stopReceiver';
import type { CommandContext } from './vscode/commands/types';
import { EVENTS_VIEW_ID, EventsTreeProvider } from './vscode/eventsTree';
import { createLog } from './vscode/log';
import { ReceiverController } from './vscode/receiverController';
import { ReceiverStatusBar } from './vscode/statusBar';

/** What `activate` returns: used by the integration tests, and by other extensions if they wish. */
export interface WebhookInspectorApi {
  readonly controller: ReceiverController;
  readonly tree: EventsTreeProvider;
}

let controller: ReceiverController | undefined;

/** The composition root: build the services, register the UI, push every disposable. No server starts here. */
export function activate(context: vscode.ExtensionContext): WebhookInspectorApi {
  const started = Date.now();
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);

  controller = new ReceiverController(context, logger);
  const tree = new EventsTreeProvider(controller);
  const treeView = vscode.window.createTreeView(EVENTS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false, canSelectMany: true });
  tree.bindView(treeView);
  context.subscriptions.push(controller, tree, treeView, new ReceiverStatusBar(controller));

  const ctx: CommandContext = { controller, tree, treeView, logger, log: channel };
  const commands: Record<string, (...args: never[]) => unknown> = {
    'webhookInspector.startReceiver': () => startReceiver(ctx),
    'webhookInspector.stopReceiver': () => stopReceiver(ctx),
    'webhookInspector.copyUrl': () => copyUrl(ctx),
    'webhookInspector.clearEvents': (options?: { confirm?: boolean }) => clearEvents(ctx, options),
    'webhookInspector.deleteEvent': (node?: Parameters<typeof deleteEvent>[1], selected?: Parameters<typeof deleteEvent>[2]) => deleteEvent(ctx, node, selected),
    'webhookInspector.showOlderEvents': () => tree.showMore(),
    'webhookInspector.showLog': () => channel.show(),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  }
  logger.info(`Activated in ${Date.now() - started} ms.`);
  return { controller, tree };
}

export async function deactivate(): Promise<void> {
  await controller?.shutdown();
  controller = undefined;
}
