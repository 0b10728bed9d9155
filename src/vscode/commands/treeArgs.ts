/**
 * What a command gets from the Events view: a tree menu passes the clicked node and the selected nodes;
 * the palette passes nothing (the view's selection applies); tests and other extensions pass an options
 * object (a plain object that is not a tree node).
 */
import type { CapturedEvent } from '../../core/model/event';
import type { EventStore } from '../../core/store';
import type { EventsNode } from '../eventsTree';

/** An options object, as opposed to a tree node (which has a `kind`). */
export function isOptionsArg<T extends object>(x: unknown): x is T {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !('kind' in x);
}

/** The stored events of the multi-selection (`second`), else of the clicked node (`first`), else of the view's selection. */
export function eventsFromTree(
  store: EventStore,
  selection: () => readonly EventsNode[],
  first: unknown,
  second: unknown,
): CapturedEvent[] {
  const nodes =
    Array.isArray(second) && second.length
      ? (second as EventsNode[])
      : first && typeof first === 'object' && 'kind' in first
        ? [first as EventsNode]
        : selection();
  return nodes.flatMap((n) => (n.kind === 'event' ? (store.get(n.event.id) ?? []) : []));
}
