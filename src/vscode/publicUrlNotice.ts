import * as vscode from 'vscode';
import type { PublicUrlChange } from '../core/tunnel';
import { Disposable } from '../core/lifecycle';
import type { ReceiverController } from './receiverController';

/**
 * Says so when a reconnect or restart brings the tunnel up at another public URL (a new localtunnel
 * subdomain, a new cloudflared quick tunnel): providers still call the old one, and their deliveries
 * are lost until it is updated.
 */
export class PublicUrlNotice extends Disposable {
  /** The last notice shown (read by the extension-host tests). */
  last: { readonly message: string; readonly change: PublicUrlChange } | undefined;

  constructor(controller: ReceiverController) {
    super();
    this._register(controller.onDidChangePublicUrl((change) => this.show(change)));
  }

  private show(change: PublicUrlChange): void {
    const message = `Webhook Inspector: the public URL changed to ${change.publicUrl} (was ${change.previousUrl}). Update it in your providers' webhook settings: deliveries to the old URL are lost.`;
    this.last = { message, change };
    void vscode.window.showWarningMessage(message, 'Copy URL').then((choice) => {
      if (choice) {
        void vscode.env.clipboard.writeText(change.publicUrl);
      }
    });
  }
}
