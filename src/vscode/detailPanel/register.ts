import * as vscode from 'vscode';
import { BodyDocumentProvider } from '../bodyDocuments';
import { registerGuardedCommands } from '../commands/guarded';
import type { EditableCopies } from '../editableCopies';
import { type DetailDeps, runAction } from './actions';
import { DetailPanels } from './panel';

/** Commands this module registers (see `registerEventDetail`). */
export const DETAIL_COMMANDS = {
  showEventDetail: 'webhookInspector.showEventDetail',
  openBodyInEditor: 'webhookInspector.openBodyInEditor',
  openEditableBodyCopy: 'webhookInspector.openEditableBodyCopy',
  copyAsCurl: 'webhookInspector.copyAsCurl',
  copyBody: 'webhookInspector.copyBody',
  saveAsFixture: 'webhookInspector.saveAsFixture',
} as const;

/** The event id of a command argument: a tree node `{ kind: 'event', event }`, an event, or an id. */
export function eventIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return arg;
  }
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as { kind?: unknown; event?: { id?: unknown }; id?: unknown };
    if (a.kind === 'event' && typeof a.event?.id === 'string') {
      return a.event.id;
    }
    if (typeof a.id === 'string' && typeof (a as { method?: unknown }).method === 'string') {
      return a.id;
    }
  }
  return undefined;
}

export interface EventDetailRegistration extends vscode.Disposable {
  readonly deps: DetailDeps;
  /** The window's detail panel (owned by this registration, which the composition root owns). */
  readonly panels: DetailPanels;
}

export type EventDetailOptions = Omit<DetailDeps, 'extensionUri' | 'bodies'> & {
  readonly selectedEventId?: () => string | undefined;
  /** Where editable copies of bodies are remembered (for Send Request). */
  readonly editableCopies: Pick<EditableCopies, 'add'>;
};

/**
 * The detail panel, the `webhook-body:` documents and the commands in DETAIL_COMMANDS (registered here).
 * Call once from the composition (src/vscode/composition.ts), which owns the result.
 */
export function registerEventDetail(context: vscode.ExtensionContext, options: EventDetailOptions): EventDetailRegistration {
  const bodies = new BodyDocumentProvider(options.store, options.editableCopies);
  const deps: DetailDeps = { ...options, extensionUri: context.extensionUri, bodies };
  const panels = new DetailPanels(deps);
  // The serializer and the `webhook-body:` provider are registered at activation (src/extension.ts) and call
  // `panels.revive` and `deps.bodies`.
  const disposables: vscode.Disposable[] = [bodies];

  /** The command's event: its argument, else the selection, else the open panel's. */
  const target = (arg: unknown): string | undefined => {
    const id = eventIdOf(arg) ?? options.selectedEventId?.() ?? panels.current?.eventId;
    if (!id) {
      void vscode.window.showInformationMessage('Webhook Inspector: select an event in the Events view first.');
    }
    return id;
  };
  const onEvent =
    (fn: (id: string) => Promise<unknown>) =>
    async (arg?: unknown): Promise<unknown> => {
      const id = target(arg);
      return id ? fn(id) : undefined;
    };
  const log = (m: string) => options.logger.error(`Event detail: ${m}`);
  disposables.push(
    registerGuardedCommands(
      {
        [DETAIL_COMMANDS.showEventDetail]: (arg?: unknown, opts?: unknown) => {
          const id = target(arg);
          const preserveFocus = typeof opts === 'object' && opts !== null && (opts as { preserveFocus?: unknown }).preserveFocus === true;
          return id ? panels.show(id, { preserveFocus }) : undefined;
        },
        [DETAIL_COMMANDS.openBodyInEditor]: onEvent((id) => runAction(deps, 'openInEditor', id)),
        [DETAIL_COMMANDS.openEditableBodyCopy]: onEvent((id) => runAction(deps, 'openEditableCopy', id)),
        [DETAIL_COMMANDS.copyAsCurl]: onEvent((id) => runAction(deps, 'copyCurl', id)),
        [DETAIL_COMMANDS.copyBody]: onEvent((id) => runAction(deps, 'copyBody', id)),
        [DETAIL_COMMANDS.saveAsFixture]: onEvent((id) => runAction(deps, 'saveFixture', id)),
      },
      log,
    ),
  );
  disposables.push(panels);
  const all = vscode.Disposable.from(...disposables);
  return { deps, panels, dispose: () => all.dispose() };
}
