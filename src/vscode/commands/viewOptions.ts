import * as vscode from 'vscode';
import type { GroupBy } from '../../core/eventQuery';
import { GROUP_BY_LABELS, type EventsNode } from '../eventsTree';
import type { CommandContext } from './types';

export async function groupEventsBy(ctx: CommandContext, groupBy?: GroupBy): Promise<GroupBy | undefined> {
  if (!groupBy) {
    const picks = (Object.keys(GROUP_BY_LABELS) as GroupBy[]).map((id) => ({
      id,
      label: GROUP_BY_LABELS[id],
      description: id === ctx.tree.groupBy ? 'current' : undefined,
    }));
    groupBy = (
      await vscode.window.showQuickPick(picks, { title: 'Group Events By', placeHolder: 'How should the Events view group events?' })
    )?.id;
  }
  if (groupBy) {
    await ctx.tree.setGroupBy(groupBy);
  }
  return groupBy;
}

export async function filterEvents(ctx: CommandContext, text?: string): Promise<void> {
  if (text === undefined) {
    const value = await vscode.window.showInputBox({
      title: 'Filter Events',
      value: ctx.tree.filter?.text ?? '',
      prompt:
        'Words match the path, headers and body. Narrow with provider:stripe, type:payment_*, verdict:invalid (verified, invalid, unverified), method:POST, is:duplicate (repeats of a delivery).',
      placeHolder: 'e.g. cus_123 provider:stripe verdict:invalid',
    });
    if (value === undefined) {
      return;
    }
    text = value;
  }
  await vscode.window.withProgress({ location: { viewId: 'webhookInspector.events' } }, () => ctx.tree.setFilter(text || undefined));
}

export async function clearFilter(ctx: CommandContext): Promise<void> {
  await ctx.tree.setFilter(undefined);
}

/** Pins or unpins the clicked event, or every selected one; pinned events are never evicted. */
export async function setPinned(
  ctx: CommandContext,
  pinned: boolean,
  node?: EventsNode,
  selected?: readonly EventsNode[],
): Promise<number> {
  const nodes = selected?.length ? selected : node ? [node] : ctx.treeView.selection;
  const store = await ctx.controller.store();
  let n = 0;
  for (const id of nodes.flatMap((x) => (x.kind === 'event' ? [x.event.id] : []))) {
    if (await store.setPinned(id, pinned)) {
      n++;
    }
  }
  return n;
}
