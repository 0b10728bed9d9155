import * as vscode from 'vscode';
import { PortInUseError } from '../../core/receiverDefaults';
import { updateSetting } from '../settings';
import type { CommandContext } from './types';

export const START_RECEIVER = 'webhookInspector.startReceiver';

export async function startReceiver(ctx: CommandContext, portOverride?: number): Promise<string | undefined> {
  if (ctx.controller.isRunning) {
    const url = ctx.controller.status.publicUrl ?? ctx.controller.status.url!;
    void vscode.window
      .showInformationMessage(`Webhook Inspector is already receiving at ${url}.`, 'Copy URL')
      .then((c) => c && vscode.commands.executeCommand('webhookInspector.copyUrl'));
    return url;
  }
  try {
    const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting webhook receiver…' }, () =>
      ctx.controller.start(portOverride),
    );
    const url = status.url!;
    void vscode.commands.executeCommand('webhookInspector.events.focus');
    if (!status.tunnel || status.tunnel.mode === 'none') {
      void vscode.window
        .showInformationMessage(`Webhook receiver listening on ${url} (local only)`, 'Copy URL')
        .then((c) => c && vscode.commands.executeCommand('webhookInspector.copyUrl'));
    }
    return url;
  } catch (err) {
    if (err instanceof PortInUseError) {
      return portInUse(ctx, err);
    }
    ctx.logger.error(`Start failed: ${(err as Error).message}`);
    void vscode.window
      .showErrorMessage(`Webhook Inspector could not start: ${(err as Error).message}`, 'Show Log')
      .then((c) => c && ctx.log.show());
    return undefined;
  }
}

async function portInUse(ctx: CommandContext, err: PortInUseError): Promise<string | undefined> {
  const anyPort = 'Use Any Free Port';
  const other = 'Choose Another Port…';
  const choice = await vscode.window.showErrorMessage(`${err.message}`, anyPort, other);
  if (choice === anyPort) {
    return startReceiver(ctx, 0);
  }
  if (choice === other) {
    const value = await vscode.window.showInputBox({
      title: 'Webhook Inspector: receiver port',
      prompt: 'A port on 127.0.0.1 for the receiver (0 = any free port). It is saved in the webhookInspector.port setting.',
      value: String(err.port + 1),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : 'Enter a whole number from 0 to 65535.'),
    });
    if (value !== undefined) {
      await updateSetting('port', Number(value), vscode.ConfigurationTarget.Global);
      return startReceiver(ctx, Number(value));
    }
  }
  return undefined;
}
