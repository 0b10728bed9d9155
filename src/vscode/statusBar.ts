import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { SessionStatus } from '../core/session';
import type { ReceiverController } from './receiverController';

/** The receiver's state and URL in the status bar; a click copies the URL (or starts the receiver). */
export class ReceiverStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(controller: ReceiverController) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('webhookInspector.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Webhook Inspector';
    this._register(controller.onDidChangeStatus((s) => this.render(s)));
    this.render(controller.status);
    this.item.show();
  }

  private render(status: SessionStatus): void {
    const item = this.item;
    switch (status.state) {
      case 'running':
        item.text = `$(broadcast) ${status.url?.replace(/^http:\/\//, '')}`;
        item.tooltip = `Webhook Inspector is receiving at ${status.url}\nClick to copy the URL.`;
        item.command = { command: 'webhookInspector.copyUrl', title: 'Copy Receiver URL' };
        item.accessibilityInformation = { label: `Webhook Inspector receiving at ${status.url}. Click to copy the URL.` };
        break;
      case 'starting':
      case 'stopping':
        item.text = `$(loading~spin) Webhook Inspector: ${status.state}`;
        item.tooltip = undefined;
        item.command = undefined;
        break;
      default:
        item.text = '$(debug-disconnect) Webhooks: off';
        item.tooltip = 'Webhook Inspector is not receiving. Click to start the receiver.';
        item.command = { command: 'webhookInspector.startReceiver', title: 'Start Webhook Receiver' };
        item.accessibilityInformation = { label: 'Webhook Inspector is off. Click to start the receiver.' };
    }
  }
}
