import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import type { Delivery } from '../../core/model/delivery';
import type { EventsNode } from '../eventsTree';
import type { CommandContext } from './types';

/** The events a command acts on: the clicked row, the selection, or (from the palette) the selected row. */
export async function eventsFrom(
  ctx: CommandContext,
  node?: EventsNode | string,
  selected?: readonly EventsNode[],
): Promise<CapturedEvent[]> {
  if (typeof node === 'string') {
    const e = (await ctx.controller.store()).get(node);
    return e ? [e] : [];
  }
  const nodes = selected?.length ? selected : node ? [node] : ctx.treeView.selection;
  return nodes.flatMap((n) => (n.kind === 'event' ? [n.event] : []));
}

export async function resendEvent(
  ctx: CommandContext,
  node?: EventsNode | string,
  selected?: readonly EventsNode[],
  target?: string,
): Promise<Delivery[]> {
  const events = await eventsFrom(ctx, node, selected);
  if (events.length === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: select one or more events in the Events view to resend.');
    return [];
  }
  // Oldest first, as the provider sent them.
  const ordered = [...events].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return ctx.forwarding.resendEvents(ordered, target);
}

export async function resendTo(ctx: CommandContext, node?: EventsNode | string, selected?: readonly EventsNode[]): Promise<Delivery[]> {
  const events = await eventsFrom(ctx, node, selected);
  if (events.length === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: select one or more events in the Events view to resend.');
    return [];
  }
  const target = await ctx.forwarding.pickTarget();
  return target ? resendEvent(ctx, node, selected, target) : [];
}
