import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { registerGuardedCommands } from '../commands/guarded';
import { goToHandler, type RouteCommandDeps, sendLatestToRoute, sendToRoute } from './routeCommands';
import { RouteCodeLensProvider, SEND_LATEST_COMMAND, SEND_PICK_COMMAND } from './routeLens';
import { RouteScanner } from './routeScanner';
import { GO_TO_HANDLER_COMMAND, RESCAN_ROUTES_COMMAND } from './routeCommandIds';

/**
 * Route discovery: the workspace scan, the route CodeLenses and their commands. Loaded (a chunk of its
 * own) on first use: a route command, or a CodeLens request for a source file (see RouteFeatures).
 */
export class RouteDiscovery extends Disposable {
  readonly scanner: RouteScanner;
  readonly lenses: RouteCodeLensProvider;
  private readonly deps: RouteCommandDeps;

  constructor(deps: Omit<RouteCommandDeps, 'scanner'>) {
    super();
    this.scanner = this._register(new RouteScanner(deps.logger));
    this.lenses = this._register(new RouteCodeLensProvider(deps.controller));
    this.deps = { ...deps, scanner: this.scanner };
    // The scan runs in the background, after the first use that loaded it.
    const start = setTimeout(() => void this.scanner.ready(), 1000);
    this._register({ dispose: () => clearTimeout(start) });
  }

  /** Registers the route commands (RouteFeatures' stand-ins give way to these on first use). */
  registerCommands(): vscode.Disposable {
    const all = this.deps;
    return registerGuardedCommands(
      {
        [SEND_LATEST_COMMAND]: (args?: unknown) => sendLatestToRoute(all, args),
        [SEND_PICK_COMMAND]: (args?: unknown) => sendToRoute(all, args),
        [GO_TO_HANDLER_COMMAND]: (arg?: Parameters<typeof goToHandler>[1]) => goToHandler(all, arg),
        [RESCAN_ROUTES_COMMAND]: () => this.scanner.rescan(),
      },
      (m) => all.logger.error(m),
    );
  }
}
