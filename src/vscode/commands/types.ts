import type * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { EventsNode, EventsTreeProvider } from '../eventsTree';
import type { ReceiverController } from '../receiverController';
import type { SecretStore } from '../secrets';
import type { ForwardingService } from '../forwarding';
import type { EditableCopies } from '../editableCopies';

/** What command handlers get from the composition root. */
export interface CommandContext {
  readonly controller: ReceiverController;
  readonly tree: EventsTreeProvider;
  readonly treeView: vscode.TreeView<EventsNode>;
  readonly logger: Logger;
  readonly log: vscode.LogOutputChannel;
  readonly secrets: SecretStore;
  readonly forwarding: ForwardingService;
  readonly editableCopies: EditableCopies;
}
