import * as vscode from 'vscode';
import type { Composition, WebhookInspectorApi } from './vscode/composition';
import type { EventsNode } from './vscode/eventsTree';
import { registerToolStandIns } from './vscode/agents/standIns';
import { registerGuardedCommand } from './vscode/commands/guarded';
import { LazyCodeLensProvider, LazyContentProvider, LazyTreeDataProvider, lazy } from './vscode/lazy';
import { registerMcpServerDefinitionProvider } from './vscode/mcpServer';
import { SCENARIO_GLOB } from './vscode/replay/replayIds';
import { SOURCE_GLOB } from './core/routes/sourceGlob';
import { setting } from './vscode/settings';
import { BODY_SCHEME, COMPARE_SCHEME, DETAIL_VIEW_TYPE, EVENTS_VIEW_ID } from './vscode/shellIds';
import { readState, STATE_KEYS } from './vscode/stateKeys';
import { ReceiverStatusBar } from './vscode/statusBar';

export type { WebhookInspectorApi };

/** What `activate` returns: the services load on first use; `loaded()` loads them now (the integration tests, other extensions). */
export interface WebhookInspectorExports {
  loaded(): Promise<WebhookInspectorApi>;
}

let composition: Composition | undefined;

/**
 * Activation: cheap synchronous registrations only, no I/O and no awaiting. The Events view, the status
 * bar, stand-ins for every command in package.json, the detail panel's serializer, the body and compare documents,
 * the CodeLenses and the agent tools, and the MCP server definition (which needs no service). The
 * composition (src/vscode/composition.ts, a chunk of its own with the store, forwarding, signatures,
 * export…) loads on first use: the view opened, a command run, a panel restored, a tool called; the
 * receiver's own code (express, localtunnel) only on Start.
 */
export function activate(context: vscode.ExtensionContext): WebhookInspectorExports {
  const started = performance.now();
  let activatedMs = 0;
  const debugSessions: vscode.DebugSession[] = [];
  const beforeLoad: vscode.Disposable[] = [];
  const statusBar = new ReceiverStatusBar();
  const tree = new LazyTreeDataProvider<EventsNode>(async () => (await load()).api.tree);
  const treeView = vscode.window.createTreeView(EVENTS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });

  const load = lazy(async () => {
    const { compose } = await import('./vscode/composition');
    // The composition registers the real commands and follows debug sessions itself.
    for (const d of beforeLoad.splice(0)) {
      d.dispose();
    }
    composition = compose(context, { treeView, statusBar, debugSessions, activatedMs });
    return composition;
  });
  const loadInBackground = () => void load().catch((err: Error) => vscode.window.showErrorMessage(`Webhook Inspector: ${err.message}`));

  // The first run of any command loads the composition, then runs the real command with the same arguments.
  const commands = (context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands;
  for (const { command } of commands ?? []) {
    beforeLoad.push(
      registerGuardedCommand(command, async (...args: unknown[]) => {
        await load();
        return vscode.commands.executeCommand(command, ...args);
      }),
    );
  }
  // Debug sessions that start before the composition loads: it handles them as they started (forward.onDebugStart).
  beforeLoad.push(
    vscode.debug.onDidStartDebugSession((s) => {
      debugSessions.push(s);
      if (!s.parentSession && setting('forward.onDebugStart') === 'resendLast') {
        loadInBackground();
      }
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      const i = debugSessions.findIndex((d) => d.id === s.id);
      if (i >= 0) {
        debugSessions.splice(i, 1);
      }
    }),
  );

  const bodies = new LazyContentProvider(async () => (await load()).detail.deps.bodies);
  const compared = new LazyContentProvider(async () => (await load()).compareDocuments);
  const routeLenses = new LazyCodeLensProvider(async () => (await load()).api.routes.lenses);
  const scenarioLens = new LazyCodeLensProvider(async () => (await load()).scenarioLens);
  context.subscriptions.push(
    statusBar,
    tree,
    treeView,
    bodies,
    compared,
    routeLenses,
    scenarioLens,
    { dispose: () => beforeLoad.splice(0).forEach((d) => d.dispose()) },
    vscode.workspace.registerTextDocumentContentProvider(BODY_SCHEME, bodies),
    vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, compared),
    vscode.window.registerWebviewPanelSerializer(DETAIL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        (await load()).detail.panels.revive(panel, state);
      },
    }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: SOURCE_GLOB }, routeLenses),
    vscode.languages.registerCodeLensProvider({ pattern: SCENARIO_GLOB }, scenarioLens),
    registerToolStandIns(async () => (await load()).agents),
    registerMcpServerDefinitionProvider(context),
  );

  // The receiver ran before the reload: the composition starts it again (after activation returned).
  if (readState(context, STATE_KEYS.wasRunning) && setting('restoreAfterReload')) {
    setTimeout(loadInBackground, 0);
  }
  activatedMs = performance.now() - started;
  return { loaded: async () => (await load()).api };
}

export async function deactivate(): Promise<void> {
  await composition?.deactivate();
  composition = undefined;
}
