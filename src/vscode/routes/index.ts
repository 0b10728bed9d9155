import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { LazyCodeLensProvider, lazy, registerLazyCommands } from '../lazy';
import { DebugDeliveries } from './debugDeliveries';
import type { RouteDiscovery } from './discovery';
import type { RouteCommandDeps } from './routeCommands';
import type { RouteScanner } from './routeScanner';
import { GO_TO_HANDLER_COMMAND, RESCAN_ROUTES_COMMAND, SEND_LATEST_COMMAND, SEND_PICK_COMMAND } from './routeCommandIds';

export type { HandlerLocation } from './routeCommands';
export { GO_TO_HANDLER_COMMAND };

/**
 * Routes in the workspace for the window: the debugger integration (activation notes the debug sessions
 * that start before this loads), and route discovery (scan, CodeLenses, Go to Handler), which loads on
 * first use: a route command, or the first CodeLens request for a source file.
 */
export class RouteFeatures extends Disposable {
  readonly debug: DebugDeliveries;
  /** The route CodeLenses of source files. */
  readonly lenses: LazyCodeLensProvider;
  private readonly discovery: () => Promise<RouteDiscovery>;

  constructor(
    deps: Omit<RouteCommandDeps, 'scanner'> & {
      readonly beforeLoad?: () => Promise<void>;
      /** Debug sessions that started before this loaded (see DebugDeliveries). */
      readonly earlierDebugSessions?: readonly vscode.DebugSession[];
    },
  ) {
    super();
    this.debug = this._register(new DebugDeliveries(deps.controller, deps.forwarding, deps.logger, deps.earlierDebugSessions));
    this.discovery = lazy(async () => {
      await deps.beforeLoad?.();
      const { RouteDiscovery } = await import('./discovery');
      return this._register(new RouteDiscovery(deps));
    });
    // Registered at activation for SOURCE_GLOB (src/extension.ts), which calls this one.
    this.lenses = this._register(new LazyCodeLensProvider(async () => (await this.discovery()).lenses));
    this._register(
      registerLazyCommands([SEND_LATEST_COMMAND, SEND_PICK_COMMAND, GO_TO_HANDLER_COMMAND, RESCAN_ROUTES_COMMAND], async () => {
        const discovery = await this.discovery();
        return () => discovery.registerCommands();
      }),
    );
  }

  /** The workspace scanner (loads route discovery when it is not loaded yet). */
  async scanner(): Promise<RouteScanner> {
    return (await this.discovery()).scanner;
  }
}
