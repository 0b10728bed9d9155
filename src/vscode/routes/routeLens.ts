import * as vscode from 'vscode';
import type { EventStore } from '../../core/store';
import { discoverRoutes, type RouteDefinition } from '../../core/routes';
import type { ReceiverController } from '../receiverController';
import { onDidChangeSettings } from '../settings';
import { readRouteSettings } from './routeScanner';
import { ageOf, eventLabel, eventsForRoute, tunnelUrl } from './routeEvents';
import { SEND_LATEST_COMMAND, SEND_PICK_COMMAND } from './routeCommandIds';

export { SEND_LATEST_COMMAND, SEND_PICK_COMMAND };

/** What a route lens passes to its command. */
export interface RouteLensArgs {
  readonly uri: string;
  readonly line: number;
  readonly method: RouteDefinition['method'];
  readonly path: string;
  readonly subtree?: boolean;
}

/**
 * Above each POST route in an open file: `▶ Send latest: <type> · <age>` and `Send…` when events for its
 * path were captured, a quiet `No events for <path> yet` when none were. Routes are read from the
 * document itself (unsaved edits included); events from the store. Refreshed on store changes and
 * every minute (the ages).
 */
export class RouteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidChange];
  private storeListener: { dispose(): void } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly controller: ReceiverController) {
    this.disposables.push(
      controller.onDidChangeStore((store) => this.watch(store)),
      controller.onDidChangeStatus(() => this.refresh()),
      onDidChangeSettings(
        (change) => (change.affects('routes') || change.affects('forward') || change.affects('tunnel')) && this.refresh(),
      ),
    );
  }

  private watch(store: EventStore): void {
    this.storeListener?.dispose();
    this.storeListener = store.onDidChange((c) => (c.added.length || c.removed.length) && this.refresh());
    this.refresh();
  }

  /** Coalesced: a burst of captures refreshes the lenses once. */
  refresh(): void {
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this._onDidChange.fire();
    }, 250);
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!readRouteSettings().enabled) {
      return [];
    }
    const routes = discoverRoutes(vscode.workspace.asRelativePath(doc.uri, false), doc.getText());
    if (routes.length === 0) {
      return [];
    }
    const store = await this.controller.store();
    const events = store.list();
    const publicUrl = tunnelUrl(this.controller.status.publicUrl);
    const lenses: vscode.CodeLens[] = [];
    let withEvents = false;
    for (const route of routes) {
      const range = new vscode.Range(route.line, route.column, route.line, route.column);
      const args: RouteLensArgs = {
        uri: doc.uri.toString(),
        line: route.line,
        method: route.method,
        path: route.path,
        ...(route.subtree ? { subtree: true } : {}),
      };
      const matching = eventsForRoute(events, route, publicUrl);
      const latest = matching[0];
      if (!latest) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `No events for ${route.path} yet`,
            command: '',
            tooltip: 'Webhook Inspector lists this route once a request for its path is captured.',
          }),
        );
        continue;
      }
      withEvents = true;
      lenses.push(
        new vscode.CodeLens(range, {
          title: `▶ Send latest: ${eventLabel(latest)} · ${ageOf(latest.receivedAt)}`,
          command: SEND_LATEST_COMMAND,
          arguments: [args],
          tooltip: `Send the newest captured event for ${route.path} (${matching.length} captured) to your handler, re-signed as Resend does.`,
        }),
        new vscode.CodeLens(range, {
          title: 'Send…',
          command: SEND_PICK_COMMAND,
          arguments: [args],
          tooltip: `Pick one of the ${matching.length} events captured for ${route.path}.`,
        }),
      );
    }
    this.tick(withEvents);
    return lenses;
  }

  /** Ages in the titles go stale: once a lens shows one, refresh once a minute. */
  private tick(on: boolean): void {
    if (on && !this.ticker) {
      this.ticker = setInterval(() => this._onDidChange.fire(), 60_000);
      this.ticker.unref?.();
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    if (this.ticker) {
      clearInterval(this.ticker);
    }
    this.storeListener?.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
