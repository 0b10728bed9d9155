import * as vscode from 'vscode';
import { setting, type SettingValue, updateSetting } from '../settings';
import type { CommandContext } from './types';

/** Where a tunnel choice made from the view is saved: the workspace when one is open. */
function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/**
 * Switches the tunnel (the buttons of the "tunnel failed" welcome view) and, when the receiver runs,
 * restarts it at once with the new choice: the user asked for it, so there is no "restart?" prompt.
 */
async function switchTunnel(ctx: CommandContext, provider: SettingValue<'tunnel.provider'>, externalUrl?: string): Promise<boolean> {
  await ctx.controller.withoutTunnelPrompt(async () => {
    if (externalUrl !== undefined) {
      await updateSetting('tunnel.externalUrl', externalUrl, target());
    }
    await updateSetting('tunnel.provider', provider, target());
  });
  if (ctx.controller.isRunning) {
    await ctx.controller.stop();
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
  }
  return true;
}

/** Use Local Only: `tunnel.provider` = `none`. */
export function useLocalOnly(ctx: CommandContext): Promise<boolean> {
  return switchTunnel(ctx, 'none');
}

/** Use cloudflared: `tunnel.provider` = `cloudflared` (a missing binary is explained by the tunnel state). */
export function useCloudflared(ctx: CommandContext): Promise<boolean> {
  return switchTunnel(ctx, 'cloudflared');
}

/** Use My Own URL…: asks for the public URL of the user's own tunnel; `tunnel.provider` = `external`. */
export async function useOwnUrl(ctx: CommandContext, url?: string): Promise<boolean> {
  const value =
    url ??
    (await vscode.window.showInputBox({
      title: 'Webhook Inspector: your own public URL',
      prompt: `The https URL of your own tunnel (ngrok, a named cloudflared tunnel, VS Code port forwarding) that forwards to the receiver${ctx.controller.status.url ? ` at ${ctx.controller.status.url}` : ''}. Set webhookInspector.port to a fixed port for it.`,
      placeHolder: 'https://example.ngrok.app',
      value: setting('tunnel.externalUrl') || undefined,
      ignoreFocusOut: true,
      validateInput: (v) => validUrl(v),
    }));
  if (value === undefined) {
    return false;
  }
  const error = validUrl(value);
  if (error) {
    void vscode.window.showErrorMessage(`Webhook Inspector: ${error}`);
    return false;
  }
  return switchTunnel(ctx, 'external', value.trim());
}

function validUrl(v: string): string | undefined {
  try {
    const u = new URL(v.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'The URL must start with https:// or http://.';
  } catch {
    return 'Enter a URL such as https://example.ngrok.app.';
  }
}
