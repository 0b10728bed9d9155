import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import { eventPath } from '../../core/model/event';
import type { Delivery } from '../../core/model/delivery';
import type { Logger } from '../../core/logger';
import { KNOWN_FRAMEWORKS, type LocatedRoute } from '../../core/routes';
import type { EventsNode } from '../eventsTree';
import type { ForwardingService } from '../forwarding';
import type { ReceiverController } from '../receiverController';
import type { RouteLensArgs } from './routeLens';
import { ageOf, eventLabel, eventsForRoute, lensTarget, plain, tunnelUrl, verdictOf } from './routeEvents';
import type { RouteScanner } from './routeScanner';

export interface RouteCommandDeps {
  readonly controller: ReceiverController;
  readonly forwarding: ForwardingService;
  readonly scanner: RouteScanner;
  readonly selection: () => readonly EventsNode[];
  readonly logger: Logger;
}

/** Where Go to Handler went (for tests and callers). */
export interface HandlerLocation {
  readonly uri: string;
  readonly line: number;
  readonly column: number;
}

function isArgs(x: unknown): x is RouteLensArgs {
  const a = x as RouteLensArgs | undefined;
  return !!a && typeof a.path === 'string' && (a.method === 'POST' || a.method === '*');
}

async function routeEvents(deps: RouteCommandDeps, args: RouteLensArgs): Promise<CapturedEvent[]> {
  const store = await deps.controller.store();
  return eventsForRoute(store.list(), args, tunnelUrl(deps.controller.status.publicUrl));
}

/** Sends one event to its lens target (routing rules, else `forward.target`), with the usual resend UI and answer. */
async function sendToTarget(deps: RouteCommandDeps, event: CapturedEvent): Promise<Delivery[]> {
  const store = await deps.controller.store();
  const body = await store.readBody(event.id).catch(() => undefined);
  return deps.forwarding.resendEvents([event], lensTarget(event, body));
}

/** `▶ Send latest`: the newest event captured for the route's path. */
export async function sendLatestToRoute(deps: RouteCommandDeps, args?: unknown): Promise<Delivery[]> {
  if (!isArgs(args)) {
    void vscode.window.showInformationMessage('Webhook Inspector: use the "Send latest" CodeLens above a webhook route.');
    return [];
  }
  const [latest] = await routeEvents(deps, args);
  if (!latest) {
    void vscode.window.showInformationMessage(`Webhook Inspector: no events for ${args.path} yet.`);
    return [];
  }
  return sendToTarget(deps, latest);
}

/** `Send…`: pick among the route's events, newest first, with type, verdict and age. */
export async function sendToRoute(deps: RouteCommandDeps, args?: unknown): Promise<Delivery[]> {
  if (!isArgs(args)) {
    void vscode.window.showInformationMessage('Webhook Inspector: use the "Send…" CodeLens above a webhook route.');
    return [];
  }
  const events = await routeEvents(deps, args);
  if (events.length === 0) {
    void vscode.window.showInformationMessage(`Webhook Inspector: no events for ${args.path} yet.`);
    return [];
  }
  const now = Date.now();
  const pick = await vscode.window.showQuickPick(
    events.map((e) => ({
      label: eventLabel(e),
      description: `${verdictOf(e)} · ${ageOf(e.receivedAt, now)}`,
      detail: `${e.method} ${eventLabel({ ...e, eventType: eventPath(e) })} · ${e.id}`,
      event: e,
    })),
    {
      title: `Send to the handler of ${args.path}`,
      placeHolder: 'Which captured event? (newest first)',
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  return pick ? sendToTarget(deps, pick.event) : [];
}

/** The event Go to Handler acts on: the argument, the tree selection, else a pick of the newest events. */
async function eventFor(deps: RouteCommandDeps, arg?: EventsNode | string): Promise<CapturedEvent | undefined> {
  const store = await deps.controller.store();
  if (typeof arg === 'string') {
    return store.get(arg);
  }
  if (arg?.kind === 'event') {
    return arg.event;
  }
  const selected = deps.selection().find((n) => n.kind === 'event');
  if (selected?.kind === 'event') {
    return selected.event;
  }
  const recent = store.list(0, 50);
  if (recent.length === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: no events captured yet. Start the receiver and send a webhook first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    recent.map((e) => ({
      label: eventLabel(e),
      description: `${e.method} ${eventLabel({ ...e, eventType: eventPath(e) })} · ${ageOf(e.receivedAt)}`,
      event: e,
    })),
    { title: 'Go to Handler', placeHolder: 'Which event’s handler?' },
  );
  return pick?.event;
}

/**
 * A path from a captured request, for a notification: notifications turn `[text](target)` into links,
 * so brackets and parentheses are percent-encoded (as in a URL) and control characters dropped.
 */
export function shownPath(path: string): string {
  return plain(path, 200).replace(/[[\]()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Opens the route definition that handles an event; several → a pick; none → what was looked for and the known frameworks. */
export async function goToHandler(deps: RouteCommandDeps, arg?: EventsNode | string): Promise<HandlerLocation | undefined> {
  const event = await eventFor(deps, arg);
  if (!event) {
    return undefined;
  }
  if (!deps.scanner.result) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Finding webhook routes…' }, () =>
      deps.scanner.ready(),
    );
  }
  const publicUrl = tunnelUrl(deps.controller.status.publicUrl);
  const { lookedFor, matches } = deps.scanner.index.forPath(eventPath(event), publicUrl);
  const candidates = matches.filter((r) => r.method === '*' || r.method === event.method);
  let route: LocatedRoute | undefined = candidates[0];
  if (candidates.length === 0) {
    const raw = shownPath(eventPath(event));
    const path = shownPath(lookedFor);
    const where = raw !== path ? `"${path}" (from ${raw}, with the tunnel prefix removed)` : `"${path}"`;
    const cut = deps.scanner.result?.message ? ` ${deps.scanner.result.message}` : '';
    // Not awaited: the command returns while the message waits for the user.
    void vscode.window
      .showWarningMessage(
        `Webhook Inspector: no ${event.method} route for ${where} in this workspace. Known frameworks: ${KNOWN_FRAMEWORKS.join(', ')}.${cut}`,
        'Rescan Workspace',
        'Show Log',
      )
      .then((choice) => {
        if (choice === 'Rescan Workspace') {
          void deps.scanner.rescan();
        } else if (choice === 'Show Log') {
          void vscode.commands.executeCommand('webhookInspector.showLog');
        }
      });
    return undefined;
  }
  if (candidates.length > 1) {
    const pick = await vscode.window.showQuickPick(
      candidates.map((r) => ({
        label: `${r.method === '*' ? 'ANY' : r.method} ${r.path}`,
        description: r.framework,
        detail: `${vscode.workspace.asRelativePath(vscode.Uri.parse(r.file), true)}:${r.line + 1}`,
        route: r,
      })),
      { title: `Handlers for ${lookedFor}`, placeHolder: `${candidates.length} routes match; the most specific first` },
    );
    route = pick?.route;
  }
  if (!route) {
    return undefined;
  }
  const uri = vscode.Uri.parse(route.file);
  const pos = new vscode.Position(route.line, route.column);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: false });
  deps.logger.info(
    `Go to Handler: ${event.method} ${lookedFor} → ${vscode.workspace.asRelativePath(uri)}:${route.line + 1} (${route.framework}).`,
  );
  return { uri: route.file, line: route.line, column: route.column };
}
