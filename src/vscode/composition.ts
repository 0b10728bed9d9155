import * as vscode from 'vscode';
import { clearEvents } from './commands/clearEvents';
import { copyUrl } from './commands/copyUrl';
import { deleteEvent } from './commands/deleteEvent';
import { removeSigningSecret, reverifyOnChangesElsewhere, setSigningSecret } from './commands/signingSecrets';
import { startReceiver } from './commands/startReceiver';
import { statusMenu } from './commands/statusMenu';
import { stopReceiver } from './commands/stopReceiver';
import type { CommandContext } from './commands/types';
import { clearFilter, filterEvents, groupEventsBy, setPinned } from './commands/viewOptions';
import { type EventsNode, EventsTreeProvider } from './eventsTree';
import { type EventDetailRegistration, registerEventDetail } from './detailPanel';
import { registerExportCommands } from './commands/exportImport';
import { ForwardingService } from './forwarding';
import { clearCustomResponses, setCustomResponse } from './commands/customResponse';
import { resendTimesCommand, sendEditedRequest } from './commands/editAndSend';
import { resendEvent, resendTo } from './commands/resend';
import { registerLazyCodegen, registerLazyReplay } from './lazyFeatures';
import { EditableCopies } from './editableCopies';
import { registerGuardedCommands } from './commands/guarded';
import { createLog } from './log';
import { ReceiverController } from './receiverController';
import { httpTransport } from '../core/forward/transport';
import { type AgentProviders, agentProviders } from './agents/register';
import { SecretStore } from './secrets';
import { readSettings, setting } from './settings';
import type { ReceiverStatusBar } from './statusBar';
import { ViewContextKeys } from './contextKeys';
import { PublicUrlNotice } from './publicUrlNotice';
import { useCloudflared, useLocalOnly, useOwnUrl } from './commands/tunnelChoice';
import { sendSampleToReceiver } from './commands/sampleToReceiver';
import { CompareDocumentProvider } from './commands/compare';
import { RouteFeatures } from './routes';

/** The extension's services: what `loaded()` of activate's result gives (the integration tests use it, other extensions may). */
export interface WebhookInspectorApi {
  readonly controller: ReceiverController;
  readonly tree: EventsTreeProvider;
  readonly secrets: SecretStore;
  readonly statusBar: ReceiverStatusBar;
  readonly forwarding: ForwardingService;
  readonly viewKeys: ViewContextKeys;
  readonly urlNotice: PublicUrlNotice;
  readonly routes: RouteFeatures;
}

/** What activation made before this loaded (src/extension.ts), handed over. */
export interface Shell {
  readonly treeView: vscode.TreeView<EventsNode>;
  readonly statusBar: ReceiverStatusBar;
  /** Debug sessions that started after activation, before this loaded (and still run). */
  readonly debugSessions: readonly vscode.DebugSession[];
  /** How long `activate()` took (logged here: activation has no log channel). */
  readonly activatedMs: number;
}

/** The services, and what activation's stand-ins call (the detail panel's serializer, documents, CodeLenses, agent tools). */
export interface Composition {
  readonly api: WebhookInspectorApi;
  readonly detail: EventDetailRegistration;
  readonly agents: AgentProviders;
  readonly scenarioLens: vscode.CodeLensProvider;
  /** The `webhook-compare:` documents. */
  readonly compareDocuments: vscode.TextDocumentContentProvider;
  deactivate(): Promise<void>;
}

/**
 * The composition root, loaded on first use (src/extension.ts: the view opened, a command, Start…): builds
 * the services, registers the real commands and pushes every disposable. No server starts here unless the
 * receiver ran before a reload and `restoreAfterReload` is on.
 */
export function compose(context: vscode.ExtensionContext, shell: Shell): Composition {
  const started = Date.now();
  const { treeView, statusBar } = shell;
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);

  const secrets = new SecretStore(context.secrets, context.globalState, logger);
  context.subscriptions.push(secrets);
  const controller = new ReceiverController(context, logger, secrets);
  const tree = new EventsTreeProvider(controller, context.workspaceState);
  tree.bindView(treeView);
  statusBar.bind(controller);
  // The view's states (welcome content, messages) and the notice for a changed public URL.
  const viewKeys = new ViewContextKeys(controller, tree, secrets);
  tree.extraMessages = () => viewKeys.messages();
  const urlNotice = new PublicUrlNotice(controller);
  context.subscriptions.push(controller, tree, viewKeys, urlNotice);
  // After a resume or a network change the tunnel may be dead while looking alive: when the window
  // regains focus and the last self-test is old, test it now.
  context.subscriptions.push(
    vscode.window.onDidChangeWindowState((w) => {
      const last = controller.status.tunnel?.lastSelfTest?.at;
      if (w.focused && controller.isRunning && (!last || Date.now() - Date.parse(last) > 60_000)) {
        void controller.selfTestNow();
      }
    }),
  );

  // The detail panel, the webhook-body: documents and their commands (show, open body, cURL, copy, fixture).
  const ctrl = controller;
  const editableCopies = new EditableCopies(); // edit, then send: the CodeLens and editor-title button on copies of bodies
  const detail = registerEventDetail(context, {
    editableCopies,
    store: () => ctrl.store(),
    onDidChangeStore: ctrl.onDidChangeStore,
    receiverUrl: () => ctrl.status.url,
    configuredPort: () => readSettings().port,
    logger,
    selectedEventId: () => {
      const n = treeView.selection[0];
      return n?.kind === 'event' ? n.event.id : undefined;
    },
  });
  context.subscriptions.push(editableCopies, detail);

  // Compare, Save as .http, HAR export and import.
  context.subscriptions.push(
    registerExportCommands(context, {
      store: () => ctrl.store(),
      selection: () => treeView.selection,
      receiverUrl: () => ctrl.status.url,
      configuredPort: () => readSettings().port,
      maxBodyBytes: () => readSettings().maxBodySize,
      logger,
    }),
  );

  // Generate Types from Events…, Create Test from Event… (the code loads on the first run).
  context.subscriptions.push(registerLazyCodegen({ store: () => ctrl.store(), selection: () => treeView.selection, logger }));

  const forwarding = new ForwardingService(context, controller, secrets, logger);
  context.subscriptions.push(forwarding);
  controller.setForwarding(forwarding.sessionOptions());

  // Language-model tools, the MCP server definition and Copy MCP Server Config.
  const agents = agentProviders(context, { controller, forwarding, secrets, logger });
  context.subscriptions.push(agents);
  // Routes in the workspace: CodeLenses, Go to Handler (route discovery loads on first use), deliveries that wait for the debugger.
  const routes = new RouteFeatures({
    controller,
    forwarding,
    logger,
    selection: () => treeView.selection,
    beforeLoad: () => secrets.whenLoaded(),
    earlierDebugSessions: shell.debugSessions,
  });
  context.subscriptions.push(routes);

  const ctx: CommandContext = { controller, tree, treeView, logger, log: channel, secrets, forwarding, editableCopies };
  type Node = Parameters<typeof deleteEvent>[1];
  type Nodes = Parameters<typeof deleteEvent>[2];
  const commands: Record<string, (...args: never[]) => unknown> = {
    'webhookInspector.startReceiver': () => startReceiver(ctx),
    'webhookInspector.stopReceiver': () => stopReceiver(ctx),
    'webhookInspector.copyUrl': () => copyUrl(ctx),
    'webhookInspector.clearEvents': (options?: { confirm?: boolean }) => clearEvents(ctx, options),
    'webhookInspector.deleteEvent': (node?: Node, selected?: Nodes) => deleteEvent(ctx, node, selected),
    'webhookInspector.pinEvent': (node?: Node, selected?: Nodes) => setPinned(ctx, true, node, selected),
    'webhookInspector.unpinEvent': (node?: Node, selected?: Nodes) => setPinned(ctx, false, node, selected),
    'webhookInspector.groupBy': (groupBy?: Parameters<typeof groupEventsBy>[1]) => groupEventsBy(ctx, groupBy),
    'webhookInspector.filterEvents': (text?: string) => filterEvents(ctx, text),
    'webhookInspector.clearFilter': () => clearFilter(ctx),
    'webhookInspector.setSigningSecret': (args?: Parameters<typeof setSigningSecret>[1]) => setSigningSecret(ctx, args),
    'webhookInspector.removeSigningSecret': (args?: { provider: string }) => removeSigningSecret(ctx, args),
    'webhookInspector.resendEvent': (node?: Node | string, selected?: Nodes) => resendEvent(ctx, node, selected),
    'webhookInspector.resendTo': (node?: Node | string, selected?: Nodes) => resendTo(ctx, node, selected),
    'webhookInspector.startForwarding': () => forwarding.setLive(true),
    'webhookInspector.stopForwarding': () => forwarding.setLive(false),
    'webhookInspector.sendSample': (args?: Parameters<ForwardingService['sendSampleEvent']>[0]) => forwarding.sendSampleEvent(args),
    'webhookInspector.sendEditedRequest': (uri?: vscode.Uri) => sendEditedRequest(ctx, uri),
    'webhookInspector.resendTimes': (node?: Node) => resendTimesCommand(ctx, node),
    'webhookInspector.setCustomResponse': (node?: Node, _sel?: Nodes, rule?: Parameters<typeof setCustomResponse>[2]) =>
      setCustomResponse(ctx, node, rule),
    'webhookInspector.clearCustomResponses': () => clearCustomResponses(),
    'webhookInspector.statusMenu': () => statusMenu(ctx),
    'webhookInspector.restartTunnel': () => controller.restartTunnel(),
    'webhookInspector.showOlderEvents': () => tree.showMore(),
    'webhookInspector.showLog': () => channel.show(),
    'webhookInspector.useLocalOnly': () => useLocalOnly(ctx),
    'webhookInspector.useOwnUrl': (url?: string) => useOwnUrl(ctx, url),
    'webhookInspector.useCloudflared': () => useCloudflared(ctx),
    'webhookInspector.sendSampleToReceiver': (args?: { provider: string; event: string }) => sendSampleToReceiver(ctx, args),
  };
  // Commands may sign, verify or list secrets: they run once the stored ones are read (at once, usually).
  const afterSecrets = Object.fromEntries(
    Object.entries(commands).map(([id, handler]) => [
      id,
      async (...args: unknown[]) => {
        await secrets.whenLoaded();
        return (handler as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  context.subscriptions.push(registerGuardedCommands(afterSecrets, (m) => logger.error(m)));
  // Replay Selection…, Save Selection as Scenario…, Replay Scenario and its CodeLens (loaded on first use).
  const replay = registerLazyReplay(ctx);
  context.subscriptions.push(replay);

  // Secrets are read from the keyring once, all providers at once and in the background: activation does
  // not wait. Start, the commands, replay, route sends and the agent tools wait for them (whenLoaded); the
  // view's missing-secret state follows onDidChange. Then the in-memory cache follows other windows' changes.
  void secrets.load();
  context.subscriptions.push(reverifyOnChangesElsewhere(ctx));
  logger.info(`Activated in ${shell.activatedMs.toFixed(1)} ms; the services loaded later, in ${Date.now() - started} ms.`);
  if (controller.wasRunning && setting('restoreAfterReload')) {
    logger.info('The receiver was running before the reload: starting it again.');
    void startReceiver(ctx);
  }
  const api: WebhookInspectorApi = { controller, tree, secrets, statusBar, forwarding, viewKeys, urlNotice, routes };
  return {
    api,
    detail,
    agents,
    scenarioLens: replay.lens,
    compareDocuments: new CompareDocumentProvider(() => ctrl.store()),
    async deactivate() {
      await ctrl.shutdown();
      httpTransport.closeIdleConnections();
    },
  };
}
