import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import type { Delivery } from '../../core/model/delivery';
import type { EventsNode } from '../eventsTree';
import { ageOf, eventLabel } from '../routes/routeEvents';
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
    // Nothing selected (the palette, the walkthrough's button): ask which of the newest events.
    const picked = await pickRecentEvent(ctx);
    if (!picked) {
      return [];
    }
    events.push(picked);
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

/** A quick pick of the newest stored events (labels sanitized: they come from payloads). */
async function pickRecentEvent(ctx: CommandContext): Promise<CapturedEvent | undefined> {
  const events = (await ctx.controller.store()).list(0, 50).filter((e) => !e.rejected);
  if (events.length === 0) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: there are no events to resend yet. Send a webhook to the receiver, or run Send Sample Event to Receiver….',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    events.map((e) => ({ label: eventLabel(e), description: `${e.provider ?? 'unknown sender'} · ${ageOf(e.receivedAt)}`, event: e })),
    { title: 'Webhook Inspector: Resend to Local Handler', placeHolder: 'Which event? (or select events in the Events view first)' },
  );
  return picked?.event;
}
