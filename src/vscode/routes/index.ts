import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { registerGuardedCommands } from '../commands/guarded';
import { SOURCE_GLOB } from '../../core/routes';
import { DebugDeliveries } from './debugDeliveries';
import { goToHandler, type RouteCommandDeps, sendLatestToRoute, sendToRoute } from './routeCommands';
import { RouteCodeLensProvider, SEND_LATEST_COMMAND, SEND_PICK_COMMAND } from './routeLens';
import { RouteScanner } from './routeScanner';

export type { HandlerLocation } from './routeCommands';
export const GO_TO_HANDLER_COMMAND = 'webhookInspector.goToHandler';

/** Route discovery, the route CodeLenses, Go to Handler, and the debugger integration, for the window. */
export class RouteFeatures extends Disposable {
  readonly scanner: RouteScanner;
  readonly lenses: RouteCodeLensProvider;
  readonly debug: DebugDeliveries;

  constructor(deps: Omit<RouteCommandDeps, 'scanner'>) {
    super();
    this.scanner = this._register(new RouteScanner(deps.logger));
    this.lenses = this._register(new RouteCodeLensProvider(deps.controller));
    this.debug = this._register(new DebugDeliveries(deps.controller, deps.forwarding, deps.logger));
    const all: RouteCommandDeps = { ...deps, scanner: this.scanner };
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: SOURCE_GLOB }, this.lenses));
    this._register(
      registerGuardedCommands(
        {
          [SEND_LATEST_COMMAND]: (args?: unknown) => sendLatestToRoute(all, args),
          [SEND_PICK_COMMAND]: (args?: unknown) => sendToRoute(all, args),
          [GO_TO_HANDLER_COMMAND]: (arg?: Parameters<typeof goToHandler>[1]) => goToHandler(all, arg),
          'webhookInspector.rescanRoutes': () => this.scanner.rescan(),
        },
        (m) => deps.logger.error(m),
      ),
    );
    // The scan runs in the background, after activation has returned.
    const start = setTimeout(() => void this.scanner.ready(), 1000);
    this._register({ dispose: () => clearTimeout(start) });
  }
}
