import * as vscode from 'vscode';
import { clearEvents } from './vscode/commands/clearEvents';
import { copyUrl } from './vscode/commands/copyUrl';
import { deleteEvent } from './vscode/commands/deleteEvent';
import { removeSigningSecret, reverifyOnChangesElsewhere, setSigningSecret } from './vscode/commands/signingSecrets';
import { startReceiver } from './vscode/commands/startReceiver';
import { statusMenu } from './vscode/commands/statusMenu';
import { stopReceiver } from './vscode/commands/stopReceiver';
import type { CommandContext } from './vscode/commands/types';
import { clearFilter, filterEvents, groupEventsBy, setPinned } from './vscode/commands/viewOptions';
import { EVENTS_VIEW_ID, EventsTreeProvider } from './vscode/eventsTree';
import { registerEventDetail } from './vscode/detailPanel';
import { registerExportCommands } from './vscode/commands/exportImport';
import { ForwardingService } from './vscode/forwarding';
import { clearCustomResponses, setCustomResponse } from './vscode/commands/customResponse';
import { resendTimesCommand, sendEditedRequest } from './vscode/commands/editAndSend';
import { resendEvent, resendTo } from './vscode/commands/resend';
import { registerLazyCodegen, registerLazyReplay } from './vscode/lazyFeatures';
import { EditableCopies } from './vscode/editableCopies';
import { registerGuardedCommands } from './vscode/commands/guarded';
import { createLog } from './vscode/log';
import { ReceiverController } from './vscode/receiverController';
import { httpTransport } from './core/forward/transport';
import { registerAgents } from './vscode/agents/register';
import { SecretStore } from './vscode/secrets';
import { readSettings, setting } from './vscode/settings';
import { ReceiverStatusBar } from './vscode/statusBar';
import { ViewContextKeys } from './vscode/contextKeys';
import { PublicUrlNotice } from './vscode/publicUrlNotice';
import { useCloudflared, useLocalOnly, useOwnUrl } from './vscode/commands/tunnelChoice';
import { sendSampleToReceiver } from './vscode/commands/sampleToReceiver';
import { RouteFeatures } from './vscode/routes';

/** What `activate` returns: used by the integration tests, and by other extensions if they wish. */
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

let controller: ReceiverController | undefined;

/** The composition root: build the services, register the UI, push every disposable. No server starts here. */
export async function activate(context: vscode.ExtensionContext): Promise<WebhookInspectorApi> {
  const started = Date.now();
  const { channel, logger } = createLog();
  context.subscriptions.push(channel);

  const secrets = new SecretStore(context.secrets, context.globalState, logger);
  context.subscriptions.push(secrets);
  controller = new ReceiverController(context, logger, secrets);
  const tree = new EventsTreeProvider(controller, context.workspaceState);
  const treeView = vscode.window.createTreeView(EVENTS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.bindView(treeView);
  const statusBar = new ReceiverStatusBar(controller);
  // The view's states (welcome content, messages) and the notice for a changed public URL.
  const viewKeys = new ViewContextKeys(controller, tree, secrets);
  tree.extraMessages = () => viewKeys.messages();
  const urlNotice = new PublicUrlNotice(controller);
  context.subscriptions.push(controller, tree, treeView, statusBar, viewKeys, urlNotice);
  // After a resume or a network change the tunnel may be dead while looking alive: when the window
  // regains focus and the last self-test is old, test it now.
  context.subscriptions.push(
    vscode.window.onDidChangeWindowState((w) => {
      const last = controller?.status.tunnel?.lastSelfTest?.at;
      if (w.focused && controller?.isRunning && (!last || Date.now() - Date.parse(last) > 60_000)) {
        void controller.selfTestNow();
      }
    }),
  );

  // The detail panel, the webhook-body: documents and their commands (show, open body, cURL, copy, fixture).
  const ctrl = controller;
  const editableCopies = new EditableCopies(); // edit, then send: the CodeLens and editor-title button on copies of bodies
  context.subscriptions.push(
    editableCopies,
    registerEventDetail(context, {
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
    }),
  );

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
  context.subscriptions.push(...registerAgents(context, { controller, forwarding, secrets, logger }));
  // Routes in the workspace: CodeLenses, Go to Handler (route discovery loads on first use), deliveries that wait for the debugger.
  const routes = new RouteFeatures({
    controller,
    forwarding,
    logger,
    selection: () => treeView.selection,
    beforeLoad: () => secrets.whenLoaded(),
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
    'webhookInspector.restartTunnel': () => controller?.restartTunnel(),
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
  context.subscriptions.push(registerLazyReplay(ctx));

  // Secrets are read from the keyring once, all providers at once and in the background: activation does
  // not wait. Start, the commands, replay, route sends and the agent tools wait for them (whenLoaded); the
  // view's missing-secret state follows onDidChange. Then the in-memory cache follows other windows' changes.
  void secrets.load();
  context.subscriptions.push(reverifyOnChangesElsewhere(ctx));
  logger.info(`Activated in ${Date.now() - started} ms.`);
  if (controller.wasRunning && setting('restoreAfterReload')) {
    logger.info('The receiver was running before the reload: starting it again.');
    void startReceiver(ctx);
  }
  return { controller, tree, secrets, statusBar, forwarding, viewKeys, urlNotice, routes };
}

export async function deactivate(): Promise<void> {
  await controller?.shutdown();
  controller = undefined;
  httpTransport.closeIdleConnections();
}
