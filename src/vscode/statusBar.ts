import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { SessionStatus } from '../core/session';
import type { ReceiverController } from './receiverController';

/**
 * The receiver's state and URL in the status bar. A click opens a menu (copy, open, restart the
 * tunnel, stop). The first time the public URL comes online in a session, a notification offers to
 * copy it.
 */
export class ReceiverStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  private announced: string | undefined;

  /** Shows the receiver as off: activation creates the item, the controller (loaded on first use) is bound later. */
  constructor() {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('webhookInspector.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Webhook Inspector';
    this.render({ state: 'stopped' });
    this.item.show();
  }

  /** Follows the controller's status from now on. */
  bind(controller: Pick<ReceiverController, 'status' | 'onDidChangeStatus' | 'onDidChangePublicUrl'>): void {
    // A changed URL gets its own notice (publicUrlNotice.ts), not a second "ready" one.
    this._register(controller.onDidChangePublicUrl((change) => (this.announced = change.publicUrl)));
    this._register(controller.onDidChangeStatus((s) => this.render(s)));
    this.render(controller.status);
  }

  private render(status: SessionStatus): void {
    const item = this.item;
    const tunnel = status.tunnel;
    item.backgroundColor = undefined;
    if (status.state !== 'running') {
      this.announced = undefined;
      if (status.state === 'starting' || status.state === 'stopping') {
        item.text = `$(loading~spin) Webhooks: ${status.state}`;
        item.tooltip = undefined;
        item.command = undefined;
      } else {
        item.text = '$(debug-disconnect) Webhooks: off';
        item.tooltip = 'Webhook Inspector is not receiving. Click to start the receiver.';
        item.command = { command: 'webhookInspector.startReceiver', title: 'Start Webhook Receiver' };
        item.accessibilityInformation = { label: 'Webhook Inspector is off. Click to start the receiver.' };
      }
      return;
    }
    const shown = status.publicUrl ?? status.url!;
    switch (tunnel?.mode === 'none' || !tunnel ? 'local' : tunnel.state) {
      case 'online':
        item.text = `$(broadcast) ${shown.replace(/^https?:\/\//, '')}`;
        break;
      case 'starting':
        item.text = '$(sync~spin) Webhooks: opening tunnel…';
        break;
      case 'reconnecting':
        item.text = '$(sync~spin) Webhooks: reconnecting…';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'offline':
        item.text = '$(warning) Webhooks: tunnel offline';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      default:
        item.text = `$(broadcast) ${status.url!.replace(/^http:\/\//, '')}`;
    }
    item.command = { command: 'webhookInspector.statusMenu', title: 'Webhook Inspector Menu' };
    item.tooltip = tooltip(status);
    item.accessibilityInformation = {
      label: `Webhook Inspector receiving at ${shown}. ${tunnel && tunnel.mode !== 'none' ? `Tunnel ${tunnel.state}.` : 'Local only.'} Click for actions.`,
    };
    if (tunnel?.state === 'online' && status.publicUrl && this.announced !== status.publicUrl) {
      this.announced = status.publicUrl;
      void vscode.window.showInformationMessage(`Webhook Inspector: public URL ready: ${status.publicUrl}`, 'Copy URL').then((c) => {
        if (c) {
          void vscode.commands.executeCommand('webhookInspector.copyUrl');
        }
      });
    }
  }
}

function tooltip(status: SessionStatus): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.appendMarkdown('**Webhook Inspector**\n\n');
  const t = status.tunnel;
  if (status.publicUrl) {
    md.appendText(`Public URL: ${status.publicUrl}`);
    md.appendMarkdown('  \n');
  }
  md.appendText(`Local receiver: ${status.url}`);
  md.appendMarkdown('  \n');
  if (t && t.mode !== 'none') {
    md.appendText(`Tunnel (${t.mode}): ${t.state}${t.reason ? `: ${t.reason}` : ''}`);
    md.appendMarkdown('  \n');
    if (t.retry) {
      md.appendText(`Retry ${t.retry.attempt} at ${new Date(t.retry.at).toLocaleTimeString()}`);
      md.appendMarkdown('  \n');
    }
    if (t.lastSelfTest) {
      const s = t.lastSelfTest;
      md.appendText(
        `Last self-test ${new Date(s.at).toLocaleTimeString()}: ${s.ok ? `passed${s.ms !== undefined ? ` in ${s.ms} ms` : ''}` : `failed (${s.error ?? 'no answer'})`}`,
      );
      md.appendMarkdown('  \n');
    }
  } else {
    md.appendText('Local only (webhookInspector.tunnel.provider is "none").');
    md.appendMarkdown('  \n');
  }
  md.appendMarkdown('\nClick for actions.');
  return md;
}
