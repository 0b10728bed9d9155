import * as vscode from 'vscode';
import { parseTarget } from '../../core/forward/target';
import { parseOrMessage } from '../inputValidation';
import { readForwardSettings } from '../settings';
import { readState, STATE_KEYS, writeState } from '../stateKeys';

/** Asks for a target: the setting and recent ones first, or a new URL (checked as it is typed). */
export async function pickTarget(state: vscode.Memento): Promise<string | undefined> {
  const recent = readState(state, STATE_KEYS.recentTargets);
  const current = readForwardSettings().target;
  const items = [...new Set([current, ...recent])].map((t) => ({
    label: t,
    description: t === current ? 'webhookInspector.forward.target' : 'recent',
  }));
  const enter = { label: '$(edit) Enter a URL…', description: '' };
  const pick = await vscode.window.showQuickPick([...items, enter], {
    title: 'Resend To…',
    placeHolder: 'Where is your handler listening?',
  });
  if (!pick) {
    return undefined;
  }
  if (pick !== enter) {
    return pick.label;
  }
  return vscode.window.showInputBox({
    title: 'Resend To…',
    prompt: 'The base URL of your handler; the event keeps its path and query unless the URL names a path.',
    value: current,
    validateInput: parseOrMessage(parseTarget),
  });
}

/** Puts a target first in the recent list (eight kept). */
export async function rememberTarget(state: vscode.Memento, target: string): Promise<void> {
  const recent = readState(state, STATE_KEYS.recentTargets).filter((t) => t !== target);
  await writeState(state, STATE_KEYS.recentTargets, [target, ...recent].slice(0, 8));
}
