import * as vscode from 'vscode';
import { type CustomResponseRule, MAX_CUSTOM_DELAY_MS, sanitizeRules } from '../../core/customResponses';
import { eventPath } from '../../core/model/event';
import type { EventsNode } from '../eventsTree';
import { setting, updateSetting } from '../settings';
import type { CommandContext } from './types';

/**
 * Adds a custom response for a path (the selected event's, or typed), stored in the workspace's
 * `webhookInspector.responses` setting, so you can watch how the provider retries.
 */
export async function setCustomResponse(ctx: CommandContext, node?: EventsNode, args?: CustomResponseRule): Promise<boolean> {
  let rule = args;
  if (!rule) {
    const clicked = node ?? ctx.treeView.selection[0];
    const selected = clicked?.kind === 'event' ? clicked.event : undefined;
    const path = await vscode.window.showInputBox({
      title: 'Custom Response (1/3): path',
      prompt: 'Requests to this path (and below it; * and ** are globs) get the response you choose.',
      value: selected ? eventPath(selected) : '/webhooks',
      validateInput: (v) => (v.startsWith('/') ? undefined : 'A path starts with /.'),
    });
    if (!path) {
      return false;
    }
    const status = await vscode.window.showInputBox({
      title: 'Custom Response (2/3): status',
      prompt: 'The HTTP status to answer with, e.g. 500 to make the provider retry.',
      value: '500',
      validateInput: (v) => (/^[1-5]\d\d$/.test(v) ? undefined : 'A status from 100 to 599.'),
    });
    if (!status) {
      return false;
    }
    const delay = await vscode.window.showInputBox({
      title: 'Custom Response (3/3): delay',
      prompt: `Milliseconds to wait before answering (0 to ${MAX_CUSTOM_DELAY_MS}); longer than the provider's timeout to simulate one.`,
      value: '0',
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= MAX_CUSTOM_DELAY_MS ? undefined : `0 to ${MAX_CUSTOM_DELAY_MS}.`),
    });
    if (delay === undefined) {
      return false;
    }
    rule = {
      path,
      status: Number(status),
      delayMs: Number(delay),
      body: JSON.stringify({ error: `custom response ${status} from Webhook Inspector` }),
    };
  }
  const rules = sanitizeRules(setting('responses')).filter((r) => r.path !== rule!.path);
  await updateSetting('responses', [rule, ...rules], vscode.ConfigurationTarget.Workspace);
  void vscode.window.setStatusBarMessage(`$(reply) ${rule.path} now answers ${rule.status}`, 4000);
  ctx.logger.info(`Custom response: ${rule.path} → ${rule.status}${rule.delayMs ? ` after ${rule.delayMs} ms` : ''}.`);
  return true;
}

export async function clearCustomResponses(): Promise<void> {
  await updateSetting('responses', undefined, vscode.ConfigurationTarget.Workspace);
  void vscode.window.setStatusBarMessage('Custom responses cleared: every request gets 200 again', 4000);
}
