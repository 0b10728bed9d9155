import * as vscode from 'vscode';
import type { EventsNode } from '../eventsTree';
import type { CommandContext } from './types';

/**
 * Deletes the clicked event, or every selected one when the click is part of a multi-selection
 * (VS Code passes the clicked node and the selection). With no argument, the view's selection.
 */
export async function deleteEvent(ctx: CommandContext, node?: EventsNode, selected?: readonly EventsNode[]): Promise<number> {
  const nodes = selected?.length ? selected : node ? [node] : ctx.treeView.selection;
  const ids = nodes.flatMap((n) => (n.kind === 'event' ? [n.event.id] : []));
  if (ids.length === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: select an event in the Events view to delete it.');
    return 0;
  }
  const store = await ctx.controller.store();
  return store.delete(ids);
}
