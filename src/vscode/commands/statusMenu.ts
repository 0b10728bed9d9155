import * as vscode from 'vscode';
import type { CommandContext } from './types';

/** The status bar item's menu: copy, open, restart the tunnel, self-test, stop. */
export async function statusMenu(ctx: CommandContext): Promise<void> {
  const status = ctx.controller.status;
  if (status.state !== 'running') {
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
    return;
  }
  const tunnelOn = status.tunnel && status.tunnel.mode !== 'none';
  type Item = vscode.QuickPickItem & { run: () => unknown };
  const items: Item[] = [];
  if (status.publicUrl) {
    items.push({ label: '$(copy) Copy Public URL', description: status.publicUrl, run: () => copy(status.publicUrl!) });
  }
  items.push({ label: '$(copy) Copy Local URL', description: status.url, run: () => copy(status.url!) });
  items.push({
    label: '$(link-external) Open Local URL',
    description: 'in the browser',
    run: async () => vscode.env.openExternal(await vscode.env.asExternalUri(vscode.Uri.parse(status.url!))),
  });
  if (tunnelOn) {
    items.push({ label: '$(debug-restart) Restart Tunnel', description: status.tunnel?.state, run: () => ctx.controller.restartTunnel() });
    items.push({
      label: '$(pulse) Run Self-Test Now',
      description: 'send a canary through the public URL',
      run: async () => {
        const ok = await ctx.controller.selfTestNow();
        void vscode.window.showInformationMessage(
          ok
            ? 'Webhook Inspector: the public URL reaches the receiver.'
            : `Webhook Inspector: the self-test failed: ${ctx.controller.status.tunnel?.lastSelfTest?.error ?? 'no answer'}. Reconnecting.`,
        );
      },
    });
  }
  items.push(
    ctx.forwarding.isLive
      ? { label: '$(circle-slash) Stop Live Forwarding', run: () => ctx.forwarding.setLive(false) }
      : {
          label: '$(radio-tower) Start Live Forwarding',
          description: 'deliver every event to your handler as it arrives',
          run: () => ctx.forwarding.setLive(true),
        },
  );
  items.push({ label: '$(debug-stop) Stop Receiver', run: () => vscode.commands.executeCommand('webhookInspector.stopReceiver') });
  items.push({ label: '$(output) Show Log', run: () => ctx.log.show() });
  const pick = await vscode.window.showQuickPick(items, { title: 'Webhook Inspector', placeHolder: status.publicUrl ?? status.url });
  await pick?.run();
}

async function copy(url: string): Promise<void> {
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`$(copy) Copied ${url}`, 3000);
}
