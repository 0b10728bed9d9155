import * as vscode from 'vscode';
import type { SessionStatus } from '../../core/session';
import type { ReceiverController } from '../receiverController';
import type { CommandContext } from './types';

/**
 * Copy Receiver URL: the public URL, which is what providers need. While the tunnel is still opening
 * it waits for it (with a cancellable progress notification) instead of copying the local
 * 127.0.0.1 URL, which no provider can reach; when the tunnel is down it says so and copies the local
 * URL only when asked.
 */
export async function copyUrl(ctx: CommandContext): Promise<string | undefined> {
  let status = ctx.controller.status;
  if (!status.url) {
    const choice = await vscode.window.showWarningMessage(
      'Webhook Inspector: the receiver is not running, so there is no URL to copy.',
      'Start Webhook Receiver',
    );
    if (choice) {
      await vscode.commands.executeCommand('webhookInspector.startReceiver');
    }
    return undefined;
  }
  const tunnel = status.tunnel;
  if (tunnel && tunnel.mode !== 'none' && !status.publicUrl) {
    if (tunnel.state === 'starting' || tunnel.state === 'reconnecting') {
      status = await waitForPublicUrl(ctx.controller);
    }
    if (!status.publicUrl) {
      if (!status.url || status.state !== 'running') {
        return undefined;
      }
      const why = status.tunnel?.reason ? ` (${status.tunnel.reason})` : '';
      const choice = await vscode.window.showWarningMessage(
        `Webhook Inspector: the public URL is not available${why}. Providers cannot reach the local URL ${status.url}.`,
        'Copy Local URL',
        'Show Log',
      );
      if (choice === 'Show Log') {
        await vscode.commands.executeCommand('webhookInspector.showLog');
      }
      if (choice !== 'Copy Local URL') {
        return undefined;
      }
    }
  }
  const url = status.publicUrl ?? status.url!;
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`$(copy) Copied ${url}`, 3000);
  return url;
}

/** The status once the tunnel is online, down (offline), the receiver stopped, or the user cancelled. */
function waitForPublicUrl(controller: ReceiverController): Promise<SessionStatus> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Webhook Inspector: waiting for the public URL…', cancellable: true },
      (_progress, token) =>
        new Promise<SessionStatus>((resolve) => {
          const settled = (s: SessionStatus) =>
            !!s.publicUrl || s.state !== 'running' || !s.tunnel || (s.tunnel.state !== 'starting' && s.tunnel.state !== 'reconnecting');
          const done = (s: SessionStatus) => {
            listener.dispose();
            cancel.dispose();
            resolve(s);
          };
          const listener = controller.onDidChangeStatus((s) => settled(s) && done(controller.status));
          const cancel = token.onCancellationRequested(() => done({ ...controller.status, publicUrl: undefined }));
          if (settled(controller.status)) {
            done(controller.status);
          }
        }),
    ),
  );
}
