/**
 * Replay Selection…, Save Selection as Scenario… and Replay Scenario: the VS Code side of
 * `src/core/replay` (order, seed, pacing and the scenario format live there, shared with the CLI).
 */
import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import { DeliveryLog, parseTarget } from '../../core/forward';
import type { Pacing, ReplayItem, ReplayOrder, ReplaySummary } from '../../core/replay';
import {
  SCENARIO_FOLDER,
  ScenarioError,
  assertNoSecrets,
  buildScenario,
  describeFailures,
  describeReplay,
  itemsFromEvents,
  itemsFromScenario,
  newSeed,
  parseScenario,
  parseSeed,
  replay,
  replayWarnings,
  scenarioFileName,
  serializeScenario,
} from '../../core/replay';
import { eventsFrom } from '../commands/resend';
import type { CommandContext } from '../commands/types';
import type { EventsNode } from '../eventsTree';
import { readForwardSettings } from '../settings';
import { parseOrMessage } from '../inputValidation';
import { registerGuardedCommands } from '../commands/guarded';
import { REPLAY_COMMANDS } from './replayIds';

/** A replay chosen ahead (tests, "Replay Again"): no questions asked for what is given. */
export interface ReplayPlan {
  order?: ReplayOrder;
  seed?: number;
  pacing?: Pacing;
  target?: string;
  /** Skip the "send anyway?" question about stale stored signatures. */
  confirmed?: boolean;
}

export async function replaySelection(
  ctx: CommandContext,
  node?: EventsNode | string,
  selected?: readonly EventsNode[],
  plan: ReplayPlan = {},
): Promise<ReplaySummary | undefined> {
  const events = (await eventsFrom(ctx, node, selected)).filter((e) => !e.rejected);
  if (events.length === 0) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: select events in the Events view (Ctrl/Cmd-click for several) to replay them.',
    );
    return undefined;
  }
  const store = await ctx.controller.store();
  const items = itemsFromEvents(events, (id) => store.readBody(id));
  const log = store.readOnly ? undefined : new DeliveryLog(store, { logger: ctx.logger });
  return runReplay(ctx, items, `${items.length} ${items.length === 1 ? 'event' : 'events'}`, plan, log);
}

export async function replayScenario(ctx: CommandContext, uri?: vscode.Uri, plan: ReplayPlan = {}): Promise<ReplaySummary | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage('Webhook Inspector: open a .scenario.json file to replay it.');
    return undefined;
  }
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
  const name = vscode.workspace.asRelativePath(target);
  let items: ReplayItem[];
  try {
    items = itemsFromScenario(parseScenario(text, name));
  } catch (err) {
    void vscode.window.showErrorMessage(`Webhook Inspector: ${(err as Error).message}`);
    return undefined;
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Webhook Inspector: ${name} has no events.`);
    return undefined;
  }
  return runReplay(ctx, items, name, { order: 'received', ...plan });
}

export async function saveScenario(
  ctx: CommandContext,
  node?: EventsNode | string,
  selected?: readonly EventsNode[],
  file?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const events = await eventsFrom(ctx, node, selected);
  const kept = events.filter((e) => !e.rejected);
  if (kept.length === 0) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: select events with a stored body in the Events view to save them as a scenario.',
    );
    return undefined;
  }
  if (kept.length < events.length) {
    void vscode.window.showWarningMessage(
      `Webhook Inspector: ${events.length - kept.length} selected events have no stored body and are left out.`,
    );
  }
  const ordered = [...kept].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  let to = file;
  if (!to) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suggested = scenarioFileName(ordered[0]?.eventType ?? 'scenario');
    to = await vscode.window.showSaveDialog({
      title: 'Save Selection as Scenario',
      saveLabel: 'Save Scenario',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, SCENARIO_FOLDER, suggested) } : {}),
      filters: { 'Webhook scenario': ['scenario.json', 'json'] },
    });
    if (!to) {
      return undefined;
    }
  }
  const store = await ctx.controller.store();
  const name = to.path
    .split('/')
    .pop()!
    .replace(/\.scenario\.json$|\.json$/i, '');
  const text = serializeScenario(
    buildScenario(
      name,
      await Promise.all(ordered.map(async (event) => ({ event: withSigningProvider(event), body: await store.readBody(event.id) }))),
    ),
  );
  try {
    assertNoSecrets(
      text,
      ctx.secrets.list().flatMap(({ provider, entries }) => entries.map((e) => ({ provider, value: e.value }))),
    );
  } catch (err) {
    if (err instanceof ScenarioError) {
      void vscode.window.showErrorMessage(`Webhook Inspector: ${err.message}`);
      return undefined;
    }
    throw err;
  }
  await vscode.workspace.fs.writeFile(to, new TextEncoder().encode(text));
  const where = vscode.workspace.asRelativePath(to);
  void vscode.window
    .showInformationMessage(
      `Saved ${ordered.length} ${ordered.length === 1 ? 'event' : 'events'} to ${where}. It holds no secrets: signatures are renewed when it is replayed.`,
      'Open',
    )
    .then((c) => {
      if (c === 'Open') {
        void vscode.window.showTextDocument(to);
      }
    });
  return to;
}

/** The provider re-signing needs: the verified one when known (e.g. `clerk` rather than `svix`). */
function withSigningProvider(event: CapturedEvent): CapturedEvent {
  const provider = event.verification?.provider ?? event.provider;
  return provider ? { ...event, provider } : event;
}

async function runReplay(
  ctx: CommandContext,
  items: ReplayItem[],
  what: string,
  plan: ReplayPlan,
  log?: DeliveryLog,
): Promise<ReplaySummary | undefined> {
  const chosen = await askPlan(ctx, items.length, plan);
  if (!chosen) {
    return undefined;
  }
  const { order, seed, pacing, target } = chosen;
  const settings = readForwardSettings();
  const secretsFor = (provider: string, path: string) => ctx.secrets.secretsFor(provider, path);
  if (!plan.confirmed) {
    const warnings = await replayWarnings(items, { target, resign: settings.resign, secretsFor, guard: ctx.forwarding.guard });
    if (warnings.length) {
      const detail =
        warnings
          .slice(0, 8)
          .map((w) => `• ${w.item.label}: ${w.warning.message}`)
          .join('\n') + (warnings.length > 8 ? `\n… and ${warnings.length - 8} more` : '');
      const go = await vscode.window.showWarningMessage(`Replay ${what} anyway?`, { modal: true, detail }, 'Replay Anyway');
      if (go !== 'Replay Anyway') {
        return undefined;
      }
    }
  }
  const how = describeReplay(order, seed, pacing);
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Replaying ${what} to ${target} (${how})`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await replay(items, {
          target,
          order,
          seed,
          pacing,
          resign: settings.resign,
          secretsFor,
          guard: ctx.forwarding.guard,
          signal: abort.signal,
          ...(log ? { log } : {}),
          onWait: (ms, index) =>
            progress.report({
              message: `${index + 1} of ${items.length}: waiting ${ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`}`,
            }),
          onResult: (r, index, total) =>
            progress.report({
              increment: 100 / total,
              message: `${index + 1} of ${total}: ${r.item.label} → ${r.delivery?.status ?? r.delivery?.errorCode ?? 'not sent'}`,
            }),
        });
      } finally {
        sub.dispose();
      }
    },
  );
  const failures = describeFailures(summary);
  ctx.logger.info(
    `Replay of ${what} to ${target} (${how}): ${summary.results.length - summary.failed.length} of ${summary.results.length} got 2xx${summary.cancelled ? ', cancelled' : ''}.`,
  );
  for (const line of failures) {
    ctx.logger.info(`  ${line}`);
  }
  const seedNote = order === 'shuffle' ? ` Seed ${seed}.` : '';
  const again = 'Replay Again';
  if (summary.failed.length === 0) {
    void vscode.window
      .showInformationMessage(
        `Replayed ${summary.results.length} of ${items.length} to ${target}${summary.cancelled ? ' (cancelled)' : ''}: all got 2xx.${seedNote}`,
        again,
      )
      .then((c) => c === again && void runReplay(ctx, items, what, { order, seed, pacing, target, confirmed: true }, log));
  } else {
    const shown = failures.slice(0, 3).join('; ') + (failures.length > 3 ? `; … ${failures.length - 3} more` : '');
    void vscode.window
      .showWarningMessage(
        `${summary.failed.length} of ${summary.results.length} replayed deliveries did not get a 2xx: ${shown}.${seedNote}`,
        'Show Log',
        again,
      )
      .then((c) =>
        c === 'Show Log'
          ? ctx.log.show()
          : c === again
            ? void runReplay(ctx, items, what, { order, seed, pacing, target, confirmed: true }, log)
            : undefined,
      );
  }
  return summary;
}

/** Order (with the seed shown and editable), pacing and target: asked for whatever `plan` leaves open. */
async function askPlan(
  ctx: CommandContext,
  count: number,
  plan: ReplayPlan,
): Promise<{ order: ReplayOrder; seed: number; pacing: Pacing; target: string } | undefined> {
  let order = plan.order;
  if (!order) {
    const picks: Array<vscode.QuickPickItem & { id: ReplayOrder }> = [
      { id: 'received', label: '$(arrow-down) In received order', description: 'oldest first, as the provider sent them' },
      { id: 'reverse', label: '$(arrow-up) Reversed', description: 'newest first' },
      { id: 'shuffle', label: '$(debug-restart) Shuffled', description: 'a seeded random order you can repeat' },
    ];
    order = (
      await vscode.window.showQuickPick(picks, {
        title: `Replay ${count} Events (1/3): Order`,
        placeHolder: 'In which order should the events arrive?',
      })
    )?.id;
    if (!order) {
      return undefined;
    }
  }
  let seed = plan.seed ?? newSeed();
  if (order === 'shuffle' && plan.seed === undefined) {
    const typed = await vscode.window.showInputBox({
      title: 'Replay (1/3): Shuffle Seed',
      prompt: 'The same seed gives the same order; note it to repeat a run (also shown at the end).',
      value: String(seed),
      validateInput: parseOrMessage(parseSeed),
    });
    if (typed === undefined) {
      return undefined;
    }
    seed = parseSeed(typed);
  }
  const pacing = plan.pacing ?? (await askPacing());
  if (!pacing) {
    return undefined;
  }
  const target = plan.target ?? (await ctx.forwarding.pickTarget());
  if (!target) {
    return undefined;
  }
  try {
    parseTarget(target);
  } catch (err) {
    void vscode.window.showErrorMessage(`Webhook Inspector: ${(err as Error).message}`);
    return undefined;
  }
  return { order, seed, pacing, target };
}

async function askPacing(): Promise<Pacing | undefined> {
  const picks: Array<vscode.QuickPickItem & { id: 'none' | 'fixed' | 'asReceived' | 'faster' }> = [
    { id: 'none', label: '$(zap) No delay', description: 'one after another' },
    { id: 'fixed', label: '$(watch) Fixed delay…', description: 'the same pause between deliveries' },
    { id: 'asReceived', label: '$(history) As received', description: 'the gaps between the events as they arrived' },
    { id: 'faster', label: '$(rocket) As received, faster…', description: 'the same rhythm, N times faster' },
  ];
  const pick = (
    await vscode.window.showQuickPick(picks, { title: 'Replay (2/3): Pacing', placeHolder: 'How far apart should the deliveries go?' })
  )?.id;
  if (!pick) {
    return undefined;
  }
  if (pick === 'none') {
    return { kind: 'none' };
  }
  if (pick === 'asReceived') {
    return { kind: 'asReceived', speed: 1 };
  }
  const isFixed = pick === 'fixed';
  const value = await vscode.window.showInputBox({
    title: isFixed ? 'Replay (2/3): Delay in Milliseconds' : 'Replay (2/3): How Many Times Faster',
    value: isFixed ? '1000' : '10',
    validateInput: (v) => {
      const n = Number(v);
      return isFixed
        ? /^\d+$/.test(v.trim())
          ? undefined
          : 'A whole number of milliseconds, e.g. 500.'
        : Number.isFinite(n) && n > 0
          ? undefined
          : 'A number above 0, e.g. 10.';
    },
  });
  if (value === undefined) {
    return undefined;
  }
  return isFixed ? { kind: 'fixed', delayMs: Number(value) } : { kind: 'asReceived', speed: Number(value) };
}

/** "▶ Replay scenario" above every `*.scenario.json` file; a broken file says what is wrong instead. */
export class ScenarioCodeLens implements vscode.CodeLensProvider {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    try {
      const scenario = parseScenario(document.getText(), vscode.workspace.asRelativePath(document.uri));
      return [
        new vscode.CodeLens(range, {
          title: '▶ Replay scenario',
          tooltip: `Replay the ${scenario.events.length} events of this scenario to your handler`,
          command: 'webhookInspector.replayScenario',
          arguments: [document.uri],
        }),
      ];
    } catch (err) {
      return [
        new vscode.CodeLens(range, { title: `⚠ ${err instanceof ScenarioError ? err.message : 'Not a scenario file'}`, command: '' }),
      ];
    }
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}

/** Replay Selection…, Save Selection as Scenario…, Replay Scenario (the ids are REPLAY_COMMANDS). */
export function registerReplayCommands(ctx: CommandContext): vscode.Disposable {
  type Node = EventsNode | string | undefined;
  type Nodes = readonly EventsNode[] | undefined;
  return vscode.Disposable.from(
    registerGuardedCommands(
      {
        [REPLAY_COMMANDS.replaySelection]: (node?: Node, selected?: Nodes, plan?: ReplayPlan) => replaySelection(ctx, node, selected, plan),
        [REPLAY_COMMANDS.saveScenario]: (node?: Node, selected?: Nodes, file?: vscode.Uri) => saveScenario(ctx, node, selected, file),
        [REPLAY_COMMANDS.replayScenario]: (uri?: vscode.Uri, plan?: ReplayPlan) => replayScenario(ctx, uri, plan),
      },
      (m) => ctx.logger.error(m),
    ),
  );
}
