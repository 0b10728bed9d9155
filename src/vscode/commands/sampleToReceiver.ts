import * as vscode from 'vscode';
import type { Delivery } from '../../core/model/delivery';
import { pickSample } from '../forwarding';
import type { CommandContext } from './types';

/**
 * Send Sample Event to Receiver…: a signed sample (signed with the provider's secret when one is set)
 * sent to our own receiver, so it shows up in the Events view verified, ready to resend. Starts the
 * receiver first when needed. (Send Sample Event… sends to your handler instead.)
 */
export async function sendSampleToReceiver(ctx: CommandContext, args?: { provider: string; event: string }): Promise<Delivery | undefined> {
  if (!ctx.controller.isRunning) {
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
  }
  const url = ctx.controller.status.url;
  if (!url) {
    return undefined;
  }
  const choice = await pickSample(args, 'Send Sample Event to Receiver', 'Which event should arrive in the Events view?');
  if (!choice) {
    return undefined;
  }
  return ctx.forwarding.sendSampleEvent({ provider: choice.provider, event: choice.event, target: url, edit: false });
}
