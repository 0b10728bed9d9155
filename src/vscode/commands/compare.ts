import * as vscode from 'vscode';
import { missingEventMessage, registerGuardedCommand } from './guarded';
import { bodyForEditor } from '../../core/detail/editorText';
import type { CapturedEvent } from '../../core/model/event';
import { eventPath } from '../../core/model/event';
import { compareText } from '../../core/export/httpFile';
import type { EventStore } from '../../core/store';
import type { EventsNode } from '../eventsTree';
import { COMPARE_SCHEME } from '../shellIds';

/**
 * "Compare Selected Events" and "Compare with Previous of Same Type": VS Code's diff editor over two
 * read-only `webhook-compare:` documents, one per event (request line, headers as received, blank
 * line, the body as the body editor shows it: decompressed, JSON pretty-printed, binary as hex).
 */

export { COMPARE_SCHEME };

export const COMPARE_COMMANDS = {
  compareEvents: 'webhookInspector.compareEvents',
  compareWithPrevious: 'webhookInspector.compareWithPrevious',
} as const;

const EVENT_ID = /^[A-Za-z0-9_-]{1,200}$/;

export interface CompareDeps {
  readonly store: () => Promise<EventStore>;
  /** The Events view's selection (for the palette, where no node is passed). */
  readonly selection: () => readonly EventsNode[];
}

export function compareUri(event: CapturedEvent): vscode.Uri {
  return vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${event.id}/request.http` });
}

function eventIdOfCompareUri(uri: vscode.Uri): string | undefined {
  const id = uri.path.split('/')[1];
  return uri.scheme === COMPARE_SCHEME && id && EVENT_ID.test(id) ? id : undefined;
}

/** Serves the compare documents; the text is built from the store when the editor asks. */
export class CompareDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly getStore: () => Promise<EventStore>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = eventIdOfCompareUri(uri);
    if (!id) {
      return 'Not a webhook event.';
    }
    try {
      const store = await this.getStore();
      const event = store.get(id);
      if (!event) {
        return missingEventMessage(id);
      }
      const body = await bodyForEditor(event, await store.readBody(id));
      return compareText(event, body.text);
    } catch (err) {
      return `The event ${id} could not be read: ${(err as Error).message}`;
    }
  }
}

/**
 * The newest event received before `event` that is of the same kind: the same event type when the
 * event has one, else the same method and path (query ignored). Events received at the same instant
 * count as earlier when they were stored earlier. `newestFirst` is the store's list.
 */
export function previousOfSameType(newestFirst: readonly CapturedEvent[], event: CapturedEvent): CapturedEvent | undefined {
  const at = newestFirst.findIndex((e) => e.id === event.id);
  const sameKind = (e: CapturedEvent): boolean =>
    event.eventType ? e.eventType === event.eventType : !e.eventType && e.method === event.method && eventPath(e) === eventPath(event);
  let best: CapturedEvent | undefined;
  newestFirst.forEach((e, i) => {
    if (e.id === event.id || !sameKind(e)) {
      return;
    }
    const earlier = e.receivedAt < event.receivedAt || (e.receivedAt === event.receivedAt && at !== -1 && i > at);
    // The list is newest-stored first, so on equal times the first one seen is the newest.
    if (earlier && (!best || e.receivedAt > best.receivedAt)) {
      best = e;
    }
  });
  return best;
}

function label(event: CapturedEvent): string {
  const what = event.eventType ?? `${event.method} ${eventPath(event)}`;
  const short = what.length > 50 ? `${what.slice(0, 49)}…` : what;
  const time = /T(\d\d:\d\d:\d\d)/.exec(event.receivedAt)?.[1] ?? event.receivedAt;
  return `${short} (${time})`;
}

/** Opens the diff editor: the older event on the left. */
export async function showComparison(a: CapturedEvent, b: CapturedEvent): Promise<[CapturedEvent, CapturedEvent]> {
  const [left, right] = a.receivedAt <= b.receivedAt ? [a, b] : [b, a];
  await vscode.commands.executeCommand('vscode.diff', compareUri(left), compareUri(right), `${label(left)} ↔ ${label(right)}`, {
    preview: true,
  });
  return [left, right];
}

/** The events a command was given: tree nodes (clicked + selection), event ids, or the view's selection. */
async function eventsOf(deps: CompareDeps, args: readonly unknown[]): Promise<CapturedEvent[]> {
  const store = await deps.store();
  const ids = args.filter((a): a is string => typeof a === 'string');
  if (ids.length > 0) {
    return ids.flatMap((id) => store.get(id) ?? []);
  }
  const [node, selected] = args as [EventsNode | undefined, readonly EventsNode[] | undefined];
  const nodes =
    Array.isArray(selected) && selected.length ? selected : node && typeof node === 'object' && 'kind' in node ? [node] : deps.selection();
  // Nodes carry a snapshot of the event: read the current one.
  return nodes.flatMap((n) => (n.kind === 'event' ? (store.get(n.event.id) ?? []) : []));
}

/** Compare Selected Events. Resolves with [older, newer], or undefined when not exactly two are selected. */
export async function compareEvents(deps: CompareDeps, ...args: unknown[]): Promise<[CapturedEvent, CapturedEvent] | undefined> {
  const events = await eventsOf(deps, args);
  if (events.length !== 2) {
    void vscode.window.showInformationMessage(
      events.length < 2
        ? 'Webhook Inspector: select two events in the Events view to compare them (Ctrl/Cmd+click adds the second).'
        : `Webhook Inspector: select exactly two events to compare; ${events.length} are selected.`,
    );
    return undefined;
  }
  return showComparison(events[0]!, events[1]!);
}

/** Compare with Previous of Same Type. Resolves with [previous, event], or undefined when there is none. */
export async function compareWithPrevious(deps: CompareDeps, ...args: unknown[]): Promise<[CapturedEvent, CapturedEvent] | undefined> {
  const events = await eventsOf(deps, args.slice(0, 1));
  const event = events[0];
  if (!event) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: select an event in the Events view to compare it with the previous one of its type.',
    );
    return undefined;
  }
  const previous = previousOfSameType((await deps.store()).list(), event);
  if (!previous) {
    const kind = event.eventType ? `of type ${event.eventType}` : `to ${event.method} ${eventPath(event)}`;
    void vscode.window.showInformationMessage(`Webhook Inspector: there is no earlier event ${kind} to compare with.`);
    return undefined;
  }
  return showComparison(previous, event);
}

/** The two commands (activation registers the `webhook-compare:` documents: diff editors restored after a reload ask for them). */
export function registerCompare(deps: CompareDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerGuardedCommand(COMPARE_COMMANDS.compareEvents, (...args) => compareEvents(deps, ...args)),
    registerGuardedCommand(COMPARE_COMMANDS.compareWithPrevious, (...args) => compareWithPrevious(deps, ...args)),
  );
}
